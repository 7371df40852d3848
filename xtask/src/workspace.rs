//! Where things are: the repository, cargo's target directory, and the build outputs.

use std::path::PathBuf;

use crate::cmd::{Cmd, Error, Result};

pub struct Workspace {
    /// The repository root (where the workspace Cargo.toml is).
    pub root: PathBuf,
    /// Cargo's target directory (honours CARGO_TARGET_DIR and cargo config).
    pub cargo_target: PathBuf,
}

impl Workspace {
    /// Asks cargo from the current directory, not from where this binary was compiled:
    /// worktrees sharing a target directory may share the `xtask` binary too.
    pub fn locate() -> Result<Self> {
        let metadata = Cmd::new(cargo())
            .args(["metadata", "--no-deps", "--format-version", "1"])
            .output()
            .ok_or_else(|| {
                Error::new("`cargo metadata` failed: run cargo xtask inside the repository")
            })?;
        let json: serde_json::Value = serde_json::from_str(&metadata)
            .map_err(|err| Error::new(format!("cargo metadata: {err}")))?;
        let path = |key: &str| {
            json[key]
                .as_str()
                .map(PathBuf::from)
                .ok_or_else(|| Error::new(format!("cargo metadata has no {key}")))
        };
        Ok(Workspace {
            root: path("workspace_root")?,
            cargo_target: path("target_directory")?,
        })
    }

    /// Repository-relative path.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// The site the host serves.
    pub fn site(&self) -> PathBuf {
        self.path("target/site")
    }

    /// The bundle with the sandbox's mesh: what the sandbox desk loads and the tests drive.
    pub fn bundle(&self) -> PathBuf {
        self.path("pkg-shim/dist/plugin-chat-to-video.js")
    }

    /// The bundle released to Flex, where the host is always in twilio mode: no sandbox mesh.
    pub fn release_bundle(&self) -> PathBuf {
        self.path("pkg-shim/dist/release/plugin-chat-to-video.js")
    }

    pub fn node_bin(&self, name: &str) -> PathBuf {
        self.path("node_modules/.bin").join(name)
    }

    /// Where cargo puts the host binary.
    pub fn cargo_host_binary(&self, release: bool) -> PathBuf {
        let profile = if release { "release" } else { "debug" };
        self.cargo_target.join(profile).join("plugin-host")
    }

    /// The host binary of the last `build`, copied into the repository's own `target/`
    /// so that another checkout sharing the cargo target directory cannot swap it.
    pub fn host_binary(&self) -> PathBuf {
        self.path("target/host/plugin-host")
    }

    /// The static host (musl, site inside) of the last `build --release` or `test`.
    pub fn static_host_binary(&self) -> PathBuf {
        self.path("target/host/plugin-host-static")
    }
}

/// The cargo that started us, so a rustup toolchain override is respected.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

/// The Flex plugin's name and version, from `pkg-shim/package.json` (the bundle is built with
/// them, and its versioned URL names the version).
pub fn plugin_manifest(ws: &Workspace) -> Result<(String, String)> {
    let path = ws.path("pkg-shim/package.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|err| Error::new(format!("{}: {err}", path.display())))?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|err| Error::new(format!("{}: {err}", path.display())))?;
    let field = |k: &str| {
        json[k]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| Error::new(format!("{} has no {k}", path.display())))
    };
    Ok((field("name")?, field("version")?))
}

/// Where the site holds the bundle of `version`: `/plugins/<name>/<version>/bundle.js` for the
/// sandbox (with its mesh), `/plugins/<name>/<version>/twilio/bundle.js` for Flex (without).
pub fn versioned_bundle_path(name: &str, version: &str, twilio_only: bool) -> String {
    let flavour = if twilio_only { "twilio/" } else { "" };
    format!("/plugins/{name}/{version}/{flavour}bundle.js")
}
