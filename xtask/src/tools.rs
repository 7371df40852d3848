//! Installs what a fresh machine of this kind lacks: the wasm32 and musl targets, wasm-pack and
//! wasm-bindgen-cli at pinned versions, the npm packages from the lockfile, Debian's musl-tools
//! (a C compiler for the static host's bundled SQLite and ring), Debian's chromium and
//! chromium-driver, and the network namespace tools the throttling browser test shapes its own
//! loopback with (util-linux's `unshare`, iproute2's `ip` and `tc`). Each is installed only when
//! missing.

use std::fs;
use std::path::PathBuf;
use std::time::SystemTime;

use crate::cmd::{which, Cmd, Error, Result};
use crate::workspace::{cargo, Workspace};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The static host's target.
pub const MUSL_TARGET: &str = "x86_64-unknown-linux-musl";
/// The C compiler for it, from Debian's `musl-tools`.
pub const MUSL_CC: &str = "musl-gcc";
const WASM_PACK_VERSION: &str = "0.15.1";
/// `cargo xtask mutants` runs this cargo-mutants.
const CARGO_MUTANTS_VERSION: &str = "27.1.0";

/// What `build` needs.
pub fn ensure_build_tools(ws: &Workspace) -> Result<()> {
    put_cargo_bin_on_path();
    ensure_wasm_target()?;
    ensure_browser_toolchain()?;
    ensure_wasm_bindgen(ws)?;
    ensure_npm_packages(ws)
}

/// What `test` needs: the build tools, wasm-pack, a headless browser with its driver, and
/// what `tests/e2e/network-throttle.test.mjs` runs the host and browser in a network namespace
/// with (its loopback shaped by `tc`).
pub fn ensure_test_tools(ws: &Workspace) -> Result<()> {
    ensure_build_tools(ws)?;
    ensure_wasm_pack()?;
    ensure_chromium()?;
    ensure_namespace_tools()
}

/// `cargo install` puts binaries in $CARGO_HOME/bin; make sure we find them there.
fn put_cargo_bin_on_path() {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let (Some(home), Some(path)) = (home, std::env::var_os("PATH")) else {
        return;
    };
    let bin = home.join("bin");
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    if !dirs.contains(&bin) {
        dirs.insert(0, bin);
        if let Ok(joined) = std::env::join_paths(dirs) {
            std::env::set_var("PATH", joined);
        }
    }
}

fn ensure_wasm_target() -> Result<()> {
    ensure_target(WASM_TARGET)
}

fn ensure_target(target: &str) -> Result<()> {
    let installed = Cmd::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .ok_or_else(|| {
            Error::new(format!(
                "rustup is needed to add the {target} target (https://rustup.rs)"
            ))
        })?;
    if installed.lines().any(|line| line.trim() == target) {
        return Ok(());
    }
    Cmd::new("rustup").args(["target", "add", target]).run()
}

/// The toolchain the browser modules are built with: a nightly, for `-Zbuild-std` with
/// panics that abort at once (`xtask/src/build.rs`), with the standard library's sources.
pub const BROWSER_TOOLCHAIN: &str = "nightly";

/// Installs [`BROWSER_TOOLCHAIN`] with the standard library's sources when missing. A machine
/// that cannot get it still builds, with stable Rust (see [`build_std_available`]).
fn ensure_browser_toolchain() -> Result<()> {
    if build_std_available() {
        return Ok(());
    }
    let installed = Cmd::new("rustup")
        .args(["run", BROWSER_TOOLCHAIN, "rustc", "--version"])
        .output()
        .is_some();
    let got = if installed {
        Cmd::new("rustup")
            .args([
                "component",
                "add",
                "rust-src",
                "--toolchain",
                BROWSER_TOOLCHAIN,
            ])
            .run()
    } else {
        Cmd::new("rustup")
            .args([
                "toolchain",
                "install",
                BROWSER_TOOLCHAIN,
                "--profile",
                "minimal",
            ])
            .args(["--component", "rust-src"])
            .run()
    };
    if let Err(e) = got {
        crate::cmd::announce(&format!(
            "warning: no {BROWSER_TOOLCHAIN} toolchain with rust-src ({e}); the browser modules \
             are built with stable Rust, some 10 KB larger each (docs/performance.md)"
        ));
    }
    Ok(())
}

/// Whether [`BROWSER_TOOLCHAIN`] and its standard library's sources are installed, so the
/// browser modules can be built with `-Zbuild-std`.
pub fn build_std_available() -> bool {
    Cmd::new("rustup")
        .args([
            "component",
            "list",
            "--installed",
            "--toolchain",
            BROWSER_TOOLCHAIN,
        ])
        .output()
        .is_some_and(|list| list.lines().any(|line| line.starts_with("rust-src")))
}

/// What the static host needs: the musl target and a C compiler for it.
pub fn ensure_static_tools() -> Result<()> {
    ensure_target(MUSL_TARGET)?;
    apt_install(&[(MUSL_CC, "musl-tools")], "the static host")
}

/// The wasm-bindgen version Cargo.lock pins; the CLI must match it exactly.
pub fn locked_wasm_bindgen_version(ws: &Workspace) -> Result<String> {
    let lock = fs::read_to_string(ws.path("Cargo.lock"))
        .map_err(|err| Error::new(format!("reading Cargo.lock: {err}")))?;
    wasm_bindgen_version_in(&lock)
        .ok_or_else(|| Error::new("Cargo.lock has no wasm-bindgen package"))
}

fn wasm_bindgen_version_in(lock: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            return lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
                .and_then(|v| v.strip_suffix('"'))
                .map(str::to_string);
        }
    }
    None
}

fn installed_version(program: &str) -> Option<String> {
    let out = Cmd::new(program).arg("--version").output()?;
    out.split_whitespace().nth(1).map(str::to_string)
}

fn ensure_wasm_bindgen(ws: &Workspace) -> Result<()> {
    let wanted = locked_wasm_bindgen_version(ws)?;
    if installed_version("wasm-bindgen").as_deref() == Some(wanted.as_str())
        && which("wasm-bindgen-test-runner").is_some()
    {
        return Ok(());
    }
    // Not --locked: one of the CLI's locked transitive dependencies was yanked.
    Cmd::new(cargo())
        .args([
            "install",
            "wasm-bindgen-cli",
            "--force",
            "--version",
            &wanted,
        ])
        .run()
}

fn ensure_wasm_pack() -> Result<()> {
    if installed_version("wasm-pack").as_deref() == Some(WASM_PACK_VERSION) {
        return Ok(());
    }
    let install = |locked: bool| {
        Cmd::new(cargo())
            .args([
                "install",
                "wasm-pack",
                "--force",
                "--version",
                WASM_PACK_VERSION,
            ])
            .args(locked.then_some("--locked"))
            .run()
    };
    install(true).or_else(|err| {
        eprintln!("{err}; trying again with the newest compatible dependencies");
        install(false)
    })
}

/// cargo-mutants at the pinned version (built from crates.io with its own lockfile).
pub fn ensure_cargo_mutants() -> Result<()> {
    put_cargo_bin_on_path();
    // As a cargo subcommand it takes `mutants` first; its answer is `cargo-mutants 27.1.0`.
    let installed = Cmd::new(cargo()).args(["mutants", "--version"]).output();
    let version = installed
        .as_deref()
        .and_then(|out| out.split_whitespace().nth(1));
    if version == Some(CARGO_MUTANTS_VERSION) {
        return Ok(());
    }
    Cmd::new(cargo())
        .args([
            "install",
            "cargo-mutants",
            "--locked",
            "--force",
            "--version",
        ])
        .arg(CARGO_MUTANTS_VERSION)
        .run()
}

fn modified(path: PathBuf) -> Option<SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// `npm ci` when node_modules is missing or older than the lockfile.
fn ensure_npm_packages(ws: &Workspace) -> Result<()> {
    if which("npm").is_none() || which("node").is_none() {
        return Err(Error::new(
            "Node.js 20 or newer with npm is needed (node and npm on PATH)",
        ));
    }
    let lock = modified(ws.path("package-lock.json"))
        .ok_or_else(|| Error::new("package-lock.json is missing"))?;
    let installed = modified(ws.path("node_modules/.package-lock.json"));
    if installed.is_some_and(|t| t >= lock) {
        return Ok(());
    }
    Cmd::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .dir(&ws.root)
        .run()
}

fn ensure_chromium() -> Result<()> {
    apt_install(
        &[
            ("chromium", "chromium"),
            ("chromedriver", "chromium-driver"),
        ],
        "the browser tests",
    )
}

fn ensure_namespace_tools() -> Result<()> {
    apt_install(
        &[
            ("unshare", "util-linux"),
            ("ip", "iproute2"),
            ("tc", "iproute2"),
        ],
        "the browser tests of a throttled network",
    )
}

/// The packages of the programs `found` does not find, each once (one package may have several).
fn missing_packages<'a>(wanted: &[(&str, &'a str)], found: impl Fn(&str) -> bool) -> Vec<&'a str> {
    let mut missing = Vec::new();
    for (_, package) in wanted.iter().filter(|(program, _)| !found(program)) {
        if !missing.contains(package) {
            missing.push(*package);
        }
    }
    missing
}

/// Installs the Debian package of each `(program, package)` whose program is not on PATH.
fn apt_install(wanted: &[(&str, &str)], for_what: &str) -> Result<()> {
    let missing = missing_packages(wanted, |program| which(program).is_some());
    if missing.is_empty() {
        return Ok(());
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return Err(Error::new(format!(
            "{for_what} need Debian's {}; install them as root: \
             apt-get update && apt-get install -y {}",
            missing.join(" and "),
            missing.join(" ")
        )));
    }
    Cmd::new("apt-get").arg("update").run()?;
    Cmd::new("apt-get")
        .args(["install", "-y"])
        .args(&missing)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .run()
}

#[cfg(test)]
mod tests {
    use super::{missing_packages, wasm_bindgen_version_in};

    #[test]
    fn names_each_missing_package_once() {
        let wanted = [
            ("unshare", "util-linux"),
            ("ip", "iproute2"),
            ("tc", "iproute2"),
        ];
        assert_eq!(
            missing_packages(&wanted, |_| false),
            ["util-linux", "iproute2"]
        );
        assert_eq!(
            missing_packages(&wanted, |p| p == "ip"),
            ["util-linux", "iproute2"]
        );
        assert_eq!(missing_packages(&wanted, |p| p != "tc"), ["iproute2"]);
        assert!(missing_packages(&wanted, |_| true).is_empty());
    }

    #[test]
    fn finds_the_locked_wasm_bindgen_version() {
        let lock = "[[package]]\nname = \"wasm-bindgen-futures\"\nversion = \"0.4.80\"\n\n\
                    [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(wasm_bindgen_version_in(lock).as_deref(), Some("0.2.130"));
        assert_eq!(
            wasm_bindgen_version_in("[[package]]\nname = \"serde\"\n"),
            None
        );
    }
}
