//! `cargo xtask build`: the WebAssembly module (cargo → wasm-bindgen → wasm-opt), the
//! shell's type-check and bundle, the site, and the host. Nothing is started.

use std::fs;

use crate::cmd::{Cmd, Error, Result};
use crate::entries::{check_names, Entry, ENTRIES};
use crate::site;
use crate::tools::BROWSER_TOOLCHAIN;
use crate::workspace::{cargo, Workspace};
use crate::{exports, imports};

const CRATE: &str = "chat-to-video";
const WASM_PROFILE: &str = "wasm-release";
/// With `-Zbuild-std`: panics abort without a message (`immediate-abort`), `{:?}` writes
/// nothing (the browser build shows no `Debug` output) and panics keep no source locations.
const BROWSER_RUSTFLAGS: &str =
    "-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none";

/// Which cargo profile the host is built with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum HostProfile {
    /// Shares its dependencies with `cargo test`, so a full test run compiles them once.
    Dev,
    Release,
}

impl HostProfile {
    pub fn from_args(args: &[String]) -> Result<Self> {
        match args {
            [] => Ok(HostProfile::Dev),
            [flag] if flag == "--release" => Ok(HostProfile::Release),
            _ => Err(Error::new(format!(
                "unexpected arguments: {}",
                args.join(" ")
            ))),
        }
    }

    pub fn is_release(self) -> bool {
        self == HostProfile::Release
    }
}

pub fn all(ws: &Workspace, host: HostProfile) -> Result<()> {
    wasm(ws)?;
    typecheck_shell(ws)?;
    bundle(ws)?;
    site::assemble(ws)?;
    host_binary(ws, host)?;
    if host.is_release() {
        static_host(ws)?;
    }
    Ok(())
}

/// The one file to deploy: the host for `x86_64-unknown-linux-musl`, statically linked, with the
/// site (assembled first) inside it, copied to `target/host/plugin-host-static`.
pub fn static_host(ws: &Workspace) -> Result<()> {
    crate::tools::ensure_static_tools()?;
    let target = crate::tools::MUSL_TARGET;
    Cmd::new(cargo())
        .args([
            "build",
            "--release",
            "-p",
            "plugin-host",
            "--features",
            "embed-site",
        ])
        .args(["--target", target])
        .env("CC_x86_64_unknown_linux_musl", crate::tools::MUSL_CC)
        .env(
            "CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_RUSTFLAGS",
            "-C target-feature=+crt-static",
        )
        .dir(&ws.root)
        .run()?;
    let built = ws
        .cargo_target
        .join(target)
        .join("release")
        .join("plugin-host");
    install_copy(&built, &ws.static_host_binary())
}

/// cargo's output for the browser, before wasm-bindgen and wasm-opt (it still has its names);
/// each entry's build overwrites it, so [`wasm`] keeps a copy per entry ([`raw_wasm`]).
fn cargo_wasm(ws: &Workspace) -> std::path::PathBuf {
    ws.cargo_target
        .join("wasm32-unknown-unknown")
        .join(WASM_PROFILE)
        .join("chat_to_video.wasm")
}

/// An entry's module as cargo built it, with its name section (for the size breakdown).
pub fn raw_wasm(ws: &Workspace, entry: &Entry) -> std::path::PathBuf {
    // Named as cargo names it: wasm-bindgen names its output after its input.
    ws.path("target/wasm/raw")
        .join(entry.key)
        .join("chat_to_video.wasm")
}

/// Each entry ([`ENTRIES`]: the plugins, the customer page) with its own features: cargo (size
/// profile) → the check that it holds none of the other's code → wasm-bindgen `--target web` →
/// wasm-opt `-Oz`, into the entry's directory (`target/wasm/pkg` for the plugin).
pub fn wasm(ws: &Workspace) -> Result<()> {
    let build_std = crate::tools::build_std_available();
    if !build_std {
        crate::cmd::announce(&format!(
            "warning: building the browser modules with stable Rust (no {BROWSER_TOOLCHAIN} \
             toolchain with rust-src): panics keep their messages, each module some 10 KB larger"
        ));
    }
    for entry in ENTRIES {
        wasm_entry(ws, entry, build_std)?;
    }
    Ok(())
}

fn wasm_entry(ws: &Workspace, entry: &Entry, build_std: bool) -> Result<()> {
    // The standard library is built with the module, with panics that abort at once: no
    // panic message is formatted, so neither core's formatting machinery nor the messages and
    // source locations of panics are in the module (about a tenth of it, docs/performance.md).
    // A panic is a trap (`RuntimeError: unreachable`) either way: `panic = "abort"` is set.
    // Without the nightly toolchain and its sources, stable Rust builds the same code, larger.
    let cargo_build = if build_std {
        Cmd::new("rustup")
            .args([
                "run",
                BROWSER_TOOLCHAIN,
                "cargo",
                "build",
                "-Zbuild-std=std,panic_abort",
            ])
            .env("RUSTFLAGS", BROWSER_RUSTFLAGS)
    } else {
        Cmd::new(cargo()).arg("build")
    };
    cargo_build
        .args(["--lib", "--target", "wasm32-unknown-unknown"])
        .args(["--profile", WASM_PROFILE, "-p", CRATE])
        .args(["--no-default-features", "--features", entry.features])
        .dir(&ws.root)
        .run()?;
    let raw = raw_wasm(ws, entry);
    if let Some(dir) = raw.parent() {
        fs::create_dir_all(dir)?;
    }
    install_copy(&cargo_wasm(ws), &raw)?;
    check_names(entry, &fs::read(&raw)?)?;
    let pkg = ws.path(entry.out_dir);
    if pkg.exists() {
        fs::remove_dir_all(&pkg)?;
    }
    Cmd::new("wasm-bindgen")
        .args(["--target", "web", "--out-dir"])
        .arg(&pkg)
        .arg(&raw)
        .run()?;
    let wasm = pkg.join("chat_to_video_bg.wasm");
    let optimised = pkg.join("chat_to_video_bg.opt.wasm");
    Cmd::new(ws.node_bin("wasm-opt"))
        .args([
            "-Oz",
            // Repeats the passes while they still shrink the module (about 150 B gzip each).
            "--converge",
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            // Custom sections no browser reads (the toolchain's versions, the target features).
            "--strip-producers",
            "--strip-target-features",
            // Then the control flow rebuilt from flat IR (binaryen's Relooper) and -Oz once more:
            // some 260 B gzip off each module for 4 s of build (docs/performance.md, item 13).
            "--flatten",
            "--rereloop",
            "-Oz",
        ])
        .arg(&wasm)
        .arg("-o")
        .arg(&optimised)
        .run()?;
    fs::rename(&optimised, &wasm)?;
    let (short, renamed) = imports::minify(&fs::read(&wasm)?)?;
    let (short, exported) = exports::minify(&short)?;
    fs::write(&wasm, short)?;
    let glue = pkg.join("chat_to_video.js");
    let rewritten = imports::rewrite_glue(&fs::read_to_string(&glue)?, &renamed)?;
    fs::write(&glue, exports::rewrite_glue(&rewritten, &exported)?)?;
    let types = pkg.join("chat_to_video.d.ts");
    fs::write(
        &types,
        exports::rewrite_types(&fs::read_to_string(&types)?, &exported),
    )?;
    Ok(())
}

/// The shell against the real `@twilio/flex-ui` types and the generated `.d.ts`.
pub fn typecheck_shell(ws: &Workspace) -> Result<()> {
    Cmd::new(ws.node_bin("tsc"))
        .args(["-p", "pkg-shim"])
        .dir(&ws.root)
        .run()
}

/// Two self-contained files: `pkg-shim/dist/plugin-chat-to-video.js` (with the sandbox's mesh,
/// for the sandbox desk and the tests) and `pkg-shim/dist/release/plugin-chat-to-video.js`
/// (without it, released to Flex).
pub fn bundle(ws: &Workspace) -> Result<()> {
    Cmd::new("node")
        .arg("pkg-shim/build.mjs")
        .arg("--outfile")
        .arg(ws.bundle())
        .dir(&ws.root)
        .run()?;
    Cmd::new("node")
        .args(["pkg-shim/build.mjs", "--release", "--outfile"])
        .arg(ws.release_bundle())
        .dir(&ws.root)
        .run()
}

pub fn host_binary(ws: &Workspace, profile: HostProfile) -> Result<()> {
    Cmd::new(cargo())
        .args(["build", "-p", "plugin-host"])
        .args(profile.is_release().then_some("--release"))
        .dir(&ws.root)
        .run()?;
    let built = ws.cargo_host_binary(profile.is_release());
    install_copy(&built, &ws.host_binary())
}

/// Copies a built binary where the tests and `run` take it from.
fn install_copy(built: &std::path::Path, copy: &std::path::Path) -> Result<()> {
    if let Some(dir) = copy.parent() {
        fs::create_dir_all(dir)?;
    }
    // Copy to a new file and rename over the old one, which may be running.
    let partial = copy.with_extension("partial");
    fs::copy(built, &partial)
        .map_err(|err| Error::new(format!("copying {}: {err}", built.display())))?;
    fs::rename(&partial, copy)?;
    Ok(())
}
