//! `cargo xtask test | build | run | bench`: the project's own commands. They install
//! what a fresh machine lacks, build the WebAssembly module, the Flex plugin bundle,
//! the site and the host, and run every suite.

mod bench;
mod budgets;
mod build;
mod cmd;
mod deploy;
mod entries;
mod exports;
mod imports;
mod mutants;
mod run;
mod site;
mod skips;
mod suites;
mod testing;
mod tools;
mod wasm_bytes;
mod workspace;

use std::process::ExitCode;

use cmd::Error;
use workspace::Workspace;

const USAGE: &str = "\
usage: cargo xtask <command>

  test               install what is missing, then run every check and suite
  build [--release]  build the WebAssembly module, the plugin bundle, the site and the host
  run [--release] [host arguments...]
                     build, then start the host in sandbox mode and print its pages
  bench              print sizes, load and call timings and the host's benchmarks; fail past a budget
  deploy [options]   publish and release the plugin in a Flex account (or a sandbox host);
                     `cargo xtask deploy --help` lists the options
  mutants [options]  mutation testing of the shared crate's pure modules and the host's
                     functions and sandbox; `cargo xtask mutants --help` lists the options";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = Workspace::locate().and_then(|ws| match command.as_str() {
        "test" => testing::test(&ws),
        "build" => {
            let profile = build::HostProfile::from_args(rest)?;
            tools::ensure_build_tools(&ws)?;
            build::all(&ws, profile)
        }
        "run" => run::run(&ws, rest),
        "bench" => bench::bench(&ws),
        "deploy" => deploy::deploy(&ws, rest),
        "mutants" if rest.iter().any(|a| a == "--help" || a == "-h") => {
            println!("{}", mutants::USAGE);
            Ok(())
        }
        "mutants" => mutants::mutants(&ws, rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(Error::new(format!("unknown command `{other}`\n\n{USAGE}"))),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("\nerror: {err}");
            ExitCode::FAILURE
        }
    }
}
