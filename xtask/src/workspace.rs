//! Where things are: the repository, cargo's target directory, and the build outputs.

use std::path::{Path, PathBuf};

use crate::cmd::{Cmd, Error, Result};

pub struct Workspace {
    /// The repository root (where the workspace Cargo.toml is).
    pub root: PathBuf,
    /// Cargo's target directory (honours CARGO_TARGET_DIR and cargo config).
    pub cargo_target: PathBuf,
}

impl Workspace {
    pub fn locate() -> Result<Self> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .ok_or_else(|| Error::new("xtask is not inside the workspace"))?
            .to_path_buf();
        let metadata = Cmd::new(cargo())
            .args(["metadata", "--no-deps", "--format-version", "1"])
            .dir(&root)
            .output()
            .ok_or_else(|| Error::new("`cargo metadata` failed"))?;
        let json: serde_json::Value = serde_json::from_str(&metadata)
            .map_err(|err| Error::new(format!("cargo metadata: {err}")))?;
        let cargo_target = json["target_directory"]
            .as_str()
            .map(PathBuf::from)
            .ok_or_else(|| Error::new("cargo metadata has no target_directory"))?;
        Ok(Workspace { root, cargo_target })
    }

    /// Repository-relative path.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// wasm-bindgen's output (glue JS, `.d.ts`, optimised `.wasm`); repo-local so that
    /// worktrees sharing a cargo target directory do not overwrite each other.
    pub fn wasm_pkg(&self) -> PathBuf {
        self.path("target/wasm/pkg")
    }

    /// The site the host serves.
    pub fn site(&self) -> PathBuf {
        self.path("target/site")
    }

    pub fn bundle(&self) -> PathBuf {
        self.path("pkg-shim/dist/plugin-chat-to-video.js")
    }

    pub fn node_bin(&self, name: &str) -> PathBuf {
        self.path("node_modules/.bin").join(name)
    }

    pub fn host_binary(&self, release: bool) -> PathBuf {
        let profile = if release { "release" } else { "debug" };
        self.cargo_target.join(profile).join("plugin-host")
    }
}

/// The cargo that started us, so a rustup toolchain override is respected.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}
