//! `cargo xtask deploy`: everything a Flex account needs for this feature, in one run.
//!
//! 1. The dedicated Sync service for video sessions exists with `acl_enabled` (created, or the
//!    configured one verified and fixed); its sid is printed for the host.
//! 2. The bundle is published at a URL naming its version: served by the host itself
//!    (`/plugins/plugin-chat-to-video/<version>/twilio/bundle.js`, the bundle without the
//!    sandbox's mesh; `…/<version>/bundle.js`, with it, into a sandbox; checked to be these very
//!    bytes), or
//!    with `--twilio-assets` uploaded as a Twilio Asset (a new build keeps every other asset and
//!    function version of the service, and is deployed).
//! 3. The Flex Plugins API: the plugin (created or updated), a version with that URL, a
//!    configuration of the active release's plugins with ours added or replaced, a release.
//! 4. `custom_data` merged into the Flex Configuration's `ui_attributes`, every other key kept.
//! 5. The host's `/readyz` at the functions URL, with a warning when Flex could not reach it.
//!
//! `--rollback` releases the configuration that was active before the current one. A version
//! that already exists is refused before anything is written. `--dry-run` makes the reads and
//! prints every write instead of sending it.

mod flow;
mod target;

use std::path::PathBuf;

use crate::cmd::{Error, Result};
use crate::workspace::Workspace;

pub use flow::Outcome;

const USAGE: &str = "\
usage: cargo xtask deploy [options]

  --sandbox URL        deploy into the sandbox host at URL (its credentials are asked for over
                       loopback) instead of the Twilio account in the environment or .env
  --twilio-assets      upload the bundle as a Twilio Asset (Serverless) instead of having the
                       host serve it
  --rollback           release the configuration that was active before the current one
  --dry-run            make the reads, print every write instead of sending it
  --version VERSION    the version to publish (default: pkg-shim/package.json's)
  --bundle FILE        the bundle to publish (default: pkg-shim/dist/release/plugin-chat-to-video.js,
                       without the sandbox's mesh, for Flex; pkg-shim/dist/plugin-chat-to-video.js
                       with --sandbox)
  --functions-url URL  where Flex reaches the host (default: PUBLIC_URL, or the sandbox's)
  --changelog TEXT     the plugin version's changelog";

/// What to do, from the command line.
#[derive(Debug, Default, Clone)]
pub struct Options {
    pub sandbox: Option<String>,
    pub twilio_assets: bool,
    pub rollback: bool,
    pub dry_run: bool,
    pub version: Option<String>,
    pub bundle: Option<PathBuf>,
    pub functions_url: Option<String>,
    pub changelog: Option<String>,
    /// `cargo xtask run`: a version that is already the active one is not an error.
    pub allow_active: bool,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Options> {
        let mut o = Options::default();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = |name: &str| {
                it.next()
                    .cloned()
                    .ok_or_else(|| Error::new(format!("{name} needs a value\n\n{USAGE}")))
            };
            match arg.as_str() {
                "--sandbox" => o.sandbox = Some(value("--sandbox")?),
                "--twilio-assets" => o.twilio_assets = true,
                "--rollback" => o.rollback = true,
                "--dry-run" => o.dry_run = true,
                "--version" => o.version = Some(value("--version")?),
                "--bundle" => o.bundle = Some(PathBuf::from(value("--bundle")?)),
                "--functions-url" => o.functions_url = Some(value("--functions-url")?),
                "--changelog" => o.changelog = Some(value("--changelog")?),
                "-h" | "--help" => return Err(Error::new(USAGE)),
                other => return Err(Error::new(format!("unknown option {other}\n\n{USAGE}"))),
            }
        }
        Ok(o)
    }
}

/// `cargo xtask deploy ARGS`.
pub fn deploy(ws: &Workspace, args: &[String]) -> Result<()> {
    let options = Options::parse(args)?;
    run(ws, &options).map(|_| ())
}

/// Deploys (or rolls back) as `options` say.
pub fn run(ws: &Workspace, options: &Options) -> Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::new(format!("cannot start the deploy's runtime: {e}")))?;
    runtime.block_on(flow::run(ws, options))
}

#[cfg(test)]
mod tests {
    use super::Options;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reads_every_option_and_refuses_unknown_ones() {
        let o = Options::parse(&args(&[
            "--sandbox",
            "http://127.0.0.1:8080",
            "--twilio-assets",
            "--dry-run",
            "--version",
            "1.2.3",
            "--changelog",
            "fixes",
        ]))
        .unwrap();
        assert_eq!(o.sandbox.as_deref(), Some("http://127.0.0.1:8080"));
        assert!(o.twilio_assets && o.dry_run && !o.rollback && !o.allow_active);
        assert_eq!(o.version.as_deref(), Some("1.2.3"));
        assert_eq!(o.changelog.as_deref(), Some("fixes"));
        assert!(Options::parse(&args(&["--rollback"])).unwrap().rollback);
        assert!(
            Options::parse(&args(&["--version"])).is_err(),
            "a value is needed"
        );
        assert!(Options::parse(&args(&["--force"])).is_err());
    }
}
