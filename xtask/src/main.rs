fn main() {
    eprintln!("usage: cargo xtask <test|build|run|bench>");
    std::process::exit(2);
}
