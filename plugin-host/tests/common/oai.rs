//! Checks recorded requests and responses against Twilio's OpenAPI specs: unknown fields, wrong
//! types and missing fields are errors. The specs (twilio-oai at [`COMMIT`], tag 2.6.7: Video,
//! Sync, TaskRouter, Flex and Serverless) come from `TWILIO_OAI_DIR`, else `shared/twilio-oai/`
//! beside the repository or a folder above it (each spec as YAML or JSON), else a download
//! checked by sha256: first the npm registry's `@twilio/cli-core` 9.0.0, which ships that commit's
//! JSON specs byte for byte, then GitHub's copy of the commit. Without any of them the caller
//! fails, saying why.
//!
//! Here, finding and loading the specs; [`check`] holds an exchange against them and [`schema`]
//! a value against a schema. Serverless's paths are Sync's too, so an exchange is matched against
//! Serverless's spec alone when its path starts with the sandbox's `/serverless` or
//! `/serverless-upload` prefix, and against the others otherwise.

// Paths from this file's directory, so the checker is the same wherever it is included from
// (the integration tests, and `examples/openapi_proxy.rs`).
#[path = "oai/check.rs"]
mod check;
#[path = "oai/schema.rs"]
mod schema;

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

pub const COMMIT: &str = "d50069b44ea8cd23141385bdb6db48f16ff75bb5";

/// One spec: its file stem and the sha256 of its JSON form at [`COMMIT`].
struct Spec {
    stem: &'static str,
    json_sha256: &'static str,
}

pub(crate) const SERVERLESS: &str = "twilio_serverless_v1";

const SPECS: [Spec; 5] = [
    Spec {
        stem: "twilio_video_v1",
        json_sha256: "162f62d432a227cb5aab8da45af7bbfceca5569feff4e26529504583946d1383",
    },
    Spec {
        stem: "twilio_sync_v1",
        json_sha256: "0360fe39df8da59ebecefefbeb312aaae2d6e23faf783020486e3a743f499e92",
    },
    Spec {
        stem: "twilio_taskrouter_v1",
        json_sha256: "f431d2bc66ba14373a452e0e6d3795cb1576cf6c2e15352b5330b22a4d34d0bf",
    },
    Spec {
        stem: "twilio_flex_v1",
        json_sha256: "ea1db919b6ccc106a1b40807965c867fbf13cd82771486de8c9e305d26bac177",
    },
    Spec {
        stem: SERVERLESS,
        json_sha256: "74f59534eb423d280a5fa93570b92ff1bb71cbb04441cd2c9036f5a8c248e455",
    },
];

/// The npm package that carries the specs, the tarball's sha256, and where they sit inside it.
const NPM_TARBALL: &str = "https://registry.npmjs.org/@twilio/cli-core/-/cli-core-9.0.0.tgz";
const NPM_TARBALL_SHA256: &str = "9fef3d7234dbce63ff3005a422f46fcf7e3486b369f852f61b3ede41097e5667";
const NPM_SPEC_DIR: &str = "package/src/services/twilio-api/";

pub struct Specs {
    /// Each spec's stem and document.
    pub(crate) docs: Vec<(&'static str, Value)>,
    pub source: PathBuf,
}

/// Every spec's file in `dir` (its JSON form, else its YAML form), if all are there.
fn spec_files(dir: &Path) -> Option<Vec<PathBuf>> {
    SPECS
        .iter()
        .map(|s| {
            ["json", "yaml"]
                .into_iter()
                .map(|ext| dir.join(format!("{}.{ext}", s.stem)))
                .find(|f| f.is_file())
        })
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn check_sum(what: &str, bytes: &[u8], expected: &str) -> Result<(), String> {
    let got = sha256_hex(bytes);
    if got == expected {
        Ok(())
    } else {
        Err(format!("{what}: sha256 {got}, expected {expected}"))
    }
}

async fn fetch(http: &reqwest::Client, url: &str) -> Result<Vec<u8>, String> {
    let resp = http
        .get(url)
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    if !resp.status().is_success() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    Ok(resp.bytes().await.map_err(|e| e.to_string())?.to_vec())
}

/// The JSON specs out of the npm tarball, each checked against [`COMMIT`]'s sum.
async fn download_from_npm(http: &reqwest::Client, dir: &Path) -> Result<(), String> {
    let tarball = fetch(http, NPM_TARBALL).await?;
    check_sum(NPM_TARBALL, &tarball, NPM_TARBALL_SHA256)?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tarball.as_slice()));
    let mut found = 0;
    for entry in archive.entries().map_err(|e| e.to_string())? {
        let mut entry = entry.map_err(|e| e.to_string())?;
        let path = entry
            .path()
            .map_err(|e| e.to_string())?
            .display()
            .to_string();
        let Some(spec) = SPECS
            .iter()
            .find(|s| path == format!("{NPM_SPEC_DIR}{}.json", s.stem))
        else {
            continue;
        };
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
        check_sum(&path, &bytes, spec.json_sha256)?;
        std::fs::write(dir.join(format!("{}.json", spec.stem)), &bytes)
            .map_err(|e| e.to_string())?;
        found += 1;
    }
    if found == SPECS.len() {
        Ok(())
    } else {
        Err(format!(
            "{NPM_TARBALL}: {found} of {} specs found",
            SPECS.len()
        ))
    }
}

/// The JSON specs from GitHub's copy of [`COMMIT`].
async fn download_from_github(http: &reqwest::Client, dir: &Path) -> Result<(), String> {
    for spec in &SPECS {
        let file = format!("{}.json", spec.stem);
        let url = format!(
            "https://raw.githubusercontent.com/twilio/twilio-oai/{COMMIT}/spec/json/{file}"
        );
        let bytes = fetch(http, &url).await?;
        check_sum(&file, &bytes, spec.json_sha256)?;
        std::fs::write(dir.join(file), &bytes).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Downloads into a cache under the target directory, trying each source in turn.
async fn download(tried: &mut Vec<String>) -> Option<PathBuf> {
    let tmp = option_env!("CARGO_TARGET_TMPDIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let cache = tmp.join(format!("twilio-oai-{COMMIT}"));
    if spec_files(&cache).is_some() {
        return Some(cache);
    }
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .ok()?;
    if let Err(e) = std::fs::create_dir_all(&cache) {
        tried.push(format!("{}: {e}", cache.display()));
        return None;
    }
    match download_from_npm(&http, &cache).await {
        Ok(()) => return Some(cache),
        Err(e) => tried.push(format!("npm @twilio/cli-core 9.0.0: {e}")),
    }
    match download_from_github(&http, &cache).await {
        Ok(()) => Some(cache),
        Err(e) => {
            tried.push(format!("GitHub twilio-oai@{COMMIT}: {e}"));
            None
        }
    }
}

/// The specs. Without them the caller cannot check anything, so it fails, saying where it
/// looked and how to provide them.
pub async fn load() -> Specs {
    let mut tried = Vec::new();
    let mut dir = None;
    if let Some(d) = std::env::var_os("TWILIO_OAI_DIR") {
        let d = PathBuf::from(d);
        tried.push(d.display().to_string());
        if spec_files(&d).is_some() {
            dir = Some(d);
        }
    }
    if dir.is_none() {
        // `shared/twilio-oai` beside the repository (or beside a folder above it, for worktrees).
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        tried.push(repo.join("../shared/twilio-oai").display().to_string());
        dir = repo
            .ancestors()
            .skip(1)
            .map(|a| a.join("shared/twilio-oai"))
            .find(|d| spec_files(d).is_some());
    }
    if dir.is_none() {
        dir = download(&mut tried).await;
    }
    let Some(files) = dir.as_deref().and_then(spec_files) else {
        let msg = format!(
            "Twilio OpenAPI specs unavailable; tried: {}",
            tried.join("; ")
        );
        panic!(
            "{msg}. Put the twilio-oai specs in a folder named by TWILIO_OAI_DIR, or let this \
             machine reach registry.npmjs.org (the specs come with @twilio/cli-core 9.0.0)"
        );
    };
    let docs = files
        .iter()
        .zip(&SPECS)
        .map(|(f, spec)| {
            let text = std::fs::read_to_string(f).expect("read spec");
            // JSON is YAML too, but serde_json reads the JSON form much faster.
            let doc = if f.extension().is_some_and(|e| e == "json") {
                serde_json::from_str::<Value>(&text).expect("parse spec")
            } else {
                serde_yaml::from_str::<Value>(&text).expect("parse spec")
            };
            (spec.stem, doc)
        })
        .collect();
    Specs {
        docs,
        source: dir.unwrap_or_default(),
    }
}
