#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    sso_launcher::core::fuzzing::config_files(data);
});
