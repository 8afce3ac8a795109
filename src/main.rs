//! The `gamefilm` command: see `cli.rs`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
