fn main() {
    std::process::exit(sso_launcher::cli::main());
}
