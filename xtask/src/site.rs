//! Assembles `target/site/`, everything the host serves, from one table of steps,
//! and writes a gzip-compressed copy next to every file (the host serves those): zopfli's
//! for the pages' files (some 4 % smaller than zlib's best, which the browser reads the same),
//! zlib's best for the large vendored SDKs, where zopfli would take many seconds.

use std::fs;
use std::io::Write;
use std::path::Path;

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::cmd::{Error, Result};
use crate::workspace::Workspace;

/// One step of the site: what to copy (repository-relative) and where it lands
/// (site-relative). Pages that need a build step of their own get a step that runs
/// it before the copy of its output.
enum Step {
    /// Every static file under a directory, keeping relative paths.
    Tree {
        from: &'static str,
        to: &'static str,
    },
    File {
        from: &'static str,
        to: &'static str,
    },
    /// A JavaScript module, minified by esbuild (same exports; wasm-bindgen's glue is written
    /// to be read, about 50 KB of it for the customer page).
    Minified {
        from: &'static str,
        to: &'static str,
    },
}

#[rustfmt::skip]
const STEPS: &[Step] = &[
    // The host's pages: the customer page, the sandbox desk and web chat.
    Step::Tree { from: "plugin-host/web", to: "" },
    // The customer page's own WebAssembly module (built with the `customer` feature: none of
    // the plugin's code); the plugin's travels inside the bundle.
    Step::Minified { from: "target/wasm/customer/chat_to_video.js", to: "features/chat-to-video/chat_to_video.js" },
    Step::File { from: "target/wasm/customer/chat_to_video_bg.wasm", to: "features/chat-to-video/chat_to_video_bg.wasm" },
    // The same page's module without the sandbox's mesh, which a twilio-mode host serves in
    // its place (plugin-host/src/customer_module.rs): what real customers load.
    Step::Minified { from: "target/wasm/customer-twilio/chat_to_video.js", to: "features/chat-to-video/twilio/chat_to_video.js" },
    Step::File { from: "target/wasm/customer-twilio/chat_to_video_bg.wasm", to: "features/chat-to-video/twilio/chat_to_video_bg.wasm" },
    // The Flex plugin bundle, as Flex would load it.
    Step::File { from: "pkg-shim/dist/plugin-chat-to-video.js", to: "plugins/plugin-chat-to-video.js" },
    // Browser SDKs and React 17 (as Flex 2 ships it) from the npm lockfile.
    Step::File { from: "node_modules/twilio-video/dist/twilio-video.min.js", to: "vendor/twilio-video.min.js" },
    Step::File { from: "node_modules/twilio-sync/builds/twilio-sync.min.js", to: "vendor/twilio-sync.min.js" },
    // Background blur (`@twilio/video-processors`): the script, its workers, TensorFlow Lite's
    // WebAssembly (with and without SIMD) and the segmentation model. Fetched only when someone
    // turns blur on (`src/blur.rs`), never part of a page or the bundle.
    Step::File { from: "node_modules/@twilio/video-processors/dist/build/twilio-video-processors.min.js", to: "vendor/video-processors/twilio-video-processors.min.js" },
    Step::File { from: "node_modules/@twilio/video-processors/dist/build/twilio-gaussian-blur-background-processor-pipeline-worker.js", to: "vendor/video-processors/twilio-gaussian-blur-background-processor-pipeline-worker.js" },
    Step::File { from: "node_modules/@twilio/video-processors/dist/build/tflite-1-0-0.js", to: "vendor/video-processors/tflite-1-0-0.js" },
    Step::File { from: "node_modules/@twilio/video-processors/dist/build/tflite-1-0-0.wasm", to: "vendor/video-processors/tflite-1-0-0.wasm" },
    Step::File { from: "node_modules/@twilio/video-processors/dist/build/tflite-simd-1-0-0.js", to: "vendor/video-processors/tflite-simd-1-0-0.js" },
    Step::File { from: "node_modules/@twilio/video-processors/dist/build/tflite-simd-1-0-0.wasm", to: "vendor/video-processors/tflite-simd-1-0-0.wasm" },
    Step::File { from: "node_modules/@twilio/video-processors/dist/build/selfie_segmentation_landscape.tflite", to: "vendor/video-processors/selfie_segmentation_landscape.tflite" },
    Step::File { from: "node_modules/react/umd/react.production.min.js", to: "vendor/react.production.min.js" },
    Step::File { from: "node_modules/react-dom/umd/react-dom.production.min.js", to: "vendor/react-dom.production.min.js" },
];

/// Directory and file names under a `Tree` that are sources, not site files.
const NOT_SERVED: &[&str] = &[
    "node_modules",
    "package.json",
    "package-lock.json",
    "tsconfig.json",
];

pub fn assemble(ws: &Workspace) -> Result<()> {
    let site = ws.site();
    crate::cmd::announce(&format!("assemble {}", site.display()));
    if site.exists() {
        fs::remove_dir_all(&site)?;
    }
    fs::create_dir_all(&site)?;
    for step in STEPS {
        match step {
            Step::Tree { from, to } => {
                let from = ws.path(from);
                if from.is_dir() {
                    copy_tree(&from, &site.join(to))?;
                }
            }
            Step::File { from, to } => copy_file(&ws.path(from), &site.join(to))?,
            Step::Minified { from, to } => minify(ws, &ws.path(from), &site.join(to))?,
        }
    }
    // The bundles again at the URLs that name their version, which a Flex release points at
    // when the host serves the plugin (`cargo xtask deploy`): the one without the sandbox's
    // mesh for Flex, the one with it for the sandbox's desk.
    let (name, version) = crate::workspace::plugin_manifest(ws)?;
    for (bundle, twilio_only) in [(ws.bundle(), false), (ws.release_bundle(), true)] {
        let versioned = crate::workspace::versioned_bundle_path(&name, &version, twilio_only);
        copy_file(&bundle, &site.join(versioned.trim_start_matches('/')))?;
    }
    let count = gzip_tree(&site)?;
    println!("{count} files, each with a .gz");
    Ok(())
}

/// `from` minified into `to` by esbuild (an ES module stays one, with the same exports).
fn minify(ws: &Workspace, from: &Path, to: &Path) -> Result<()> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)?;
    }
    crate::cmd::Cmd::new(ws.node_bin("esbuild"))
        .arg(from)
        .args(["--minify", "--format=esm", "--log-level=warning"])
        .arg(format!("--outfile={}", to.display()))
        .run()
}

fn copy_file(from: &Path, to: &Path) -> Result<()> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::copy(from, to).map_err(|err| {
        Error::new(format!(
            "copying {} to {}: {err}",
            from.display(),
            to.display()
        ))
    })?;
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        let name_str = name.to_string_lossy();
        if name_str.starts_with('.') || NOT_SERVED.contains(&name_str.as_ref()) {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            copy_tree(&path, &to.join(&name))?;
        } else {
            copy_file(&path, &to.join(&name))?;
        }
    }
    Ok(())
}

/// gzip -9 of `bytes`.
pub fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

/// Files up to this size get zopfli's gzip (the customer page's module, the bundles, the pages);
/// larger ones (the vendored SDKs) zlib's best.
const ZOPFLI_MAX_BYTES: usize = 512 * 1024;

/// The smallest gzip of `bytes` worth the build time: zopfli's (15 iterations) for files up to
/// [`ZOPFLI_MAX_BYTES`], zlib's best above.
pub fn gzip_smallest(bytes: &[u8]) -> Result<Vec<u8>> {
    if bytes.len() > ZOPFLI_MAX_BYTES {
        return gzip(bytes);
    }
    let mut out = Vec::new();
    zopfli::compress(
        zopfli::Options::default(),
        zopfli::Format::Gzip,
        bytes,
        &mut out,
    )
    .map_err(|err| Error::new(format!("zopfli: {err}")))?;
    Ok(out)
}

/// Writes `<file>.gz` for every file under `dir`; returns how many.
fn gzip_tree(dir: &Path) -> Result<usize> {
    let mut count = 0;
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            count += gzip_tree(&path)?;
        } else if path.extension().is_none_or(|ext| ext != "gz") {
            let mut name = path.clone().into_os_string();
            name.push(".gz");
            fs::write(name, gzip_smallest(&fs::read(&path)?)?)?;
            count += 1;
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::{gzip, gzip_smallest, Step, STEPS, ZOPFLI_MAX_BYTES};
    use std::io::Read;

    fn gunzip(gz: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(gz)
            .read_to_end(&mut out)
            .expect("a gzip stream");
        out
    }

    /// zopfli's gzip reads back to the same bytes and is smaller than zlib's best; past the
    /// limit, zlib's best is used.
    #[test]
    fn the_served_gzip_is_zopfli_up_to_the_limit() {
        let text: Vec<u8> = (0..20_000u32)
            .flat_map(|i| format!("--paste-space-{}: {}rem;\n", i % 97, i % 13).into_bytes())
            .collect();
        let small = gzip_smallest(&text).unwrap();
        assert_eq!(gunzip(&small), text);
        assert!(
            small.len() < gzip(&text).unwrap().len(),
            "zopfli beats zlib -9"
        );
        let big = vec![7u8; ZOPFLI_MAX_BYTES + 1];
        let gz = gzip_smallest(&big).unwrap();
        assert_eq!(gunzip(&gz), big);
        assert_eq!(gz, gzip(&big).unwrap(), "zlib's best past the limit");
    }

    /// Every vendored file comes from a package the root package.json pins.
    #[test]
    fn vendored_files_come_from_pinned_packages() {
        let manifest = include_str!("../../package.json");
        let json: serde_json::Value = serde_json::from_str(manifest).expect("package.json parses");
        let pinned = json["devDependencies"]
            .as_object()
            .expect("devDependencies");
        for step in STEPS {
            let Step::File { from, .. } = step else {
                continue;
            };
            let Some(rest) = from.strip_prefix("node_modules/") else {
                continue;
            };
            let mut parts = rest.split('/');
            let first = parts.next().unwrap_or_default();
            let package = if first.starts_with('@') {
                [first, parts.next().unwrap_or_default()].join("/")
            } else {
                first.to_owned()
            };
            assert!(
                pinned.contains_key(&package),
                "{from}: {package} is not in package.json"
            );
        }
    }
}
