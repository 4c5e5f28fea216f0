//! The `anli` command. All the work is in the library; this is argument parsing, output and
//! exit codes.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
