//! Writes what the package installs beside the binary, generated from the clap definition so
//! they never drift from it: man pages (one per command) into the folder given.
//! `scripts/package` runs it.

fn main() -> std::io::Result<()> {
    let out = std::env::args_os()
        .nth(1)
        .map(std::path::PathBuf::from)
        .expect("usage: package_assets OUT_DIR");
    std::fs::create_dir_all(&out)?;
    let command = sso_launcher::cli::args::command();
    clap_mangen::generate_to(command, &out)
}
