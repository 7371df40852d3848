//! Static files are the router's fallback: the customer page, with gzip variants when present.

use std::io::Write as _;

use crate::common::inproc::InProcess;
use crate::common::TWILIO_ENV;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_files_are_served_with_precompressed_variants() {
    let svc = InProcess::start(&[], &[]).await;
    let site = svc.state.settings.assets_dir.clone();
    let page = site.join("features/chat-to-video");
    std::fs::create_dir_all(&page).unwrap();
    std::fs::write(
        page.join("index.html"),
        "<!doctype html><title>join</title>",
    )
    .unwrap();
    std::fs::write(site.join("app.js"), "console.log('plain')").unwrap();
    let gz = stored_gzip(b"console.log('gzipped')");
    std::fs::File::create(site.join("app.js.gz"))
        .unwrap()
        .write_all(&gz)
        .unwrap();

    let resp = svc
        .http
        .get(svc.url("/features/chat-to-video/index.html?code=abc1234"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(
        resp.text().await.unwrap(),
        "<!doctype html><title>join</title>"
    );

    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    let resp = raw
        .get(svc.url("/app.js"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap()),
        Some("gzip")
    );
    let resp = raw.get(svc.url("/app.js")).send().await.unwrap();
    assert_eq!(resp.text().await.unwrap(), "console.log('plain')");

    assert_eq!(
        svc.http
            .get(svc.url("/missing.html"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

/// A stored (uncompressed) gzip member: enough for the server, which only picks the file.
fn stored_gzip(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    out.push(1); // final stored block
    let len = data.len() as u16;
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(!len).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// `/plugins/{plugin}/{version}/bundle.js`: the site's copy of that version, immutable against
/// Twilio, revalidated in the sandbox (where a version is rebuilt during development).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_versioned_bundle_is_cached_immutably_against_twilio_and_revalidated_in_the_sandbox() {
    for (env, cache) in [
        (&[][..], plugin_host::plugin_bundle::REVALIDATE),
        (&TWILIO_ENV[..], plugin_host::plugin_bundle::IMMUTABLE),
    ] {
        let svc = InProcess::start(&[], env).await;
        let dir = svc
            .state
            .settings
            .assets_dir
            .join("plugins/plugin-chat-to-video/1.2.3");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("bundle.js"), "Twilio.Flex.Plugins.init(class {})").unwrap();
        let resp = svc
            .http
            .get(svc.url("/plugins/plugin-chat-to-video/1.2.3/bundle.js"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["cache-control"], cache);
        assert!(resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript"));
        assert_eq!(
            resp.text().await.unwrap(),
            "Twilio.Flex.Plugins.init(class {})"
        );
        for missing in [
            "/plugins/plugin-chat-to-video/9.9.9/bundle.js",
            "/plugins/plugin-chat-to-video/..%2F1.2.3/bundle.js",
        ] {
            let resp = svc.http.get(svc.url(missing)).send().await.unwrap();
            assert_eq!(resp.status(), 404, "{missing}");
            assert!(resp.headers().get("cache-control").is_none());
        }
    }
}

/// The customer page asks for the same module URLs in either mode; a twilio-mode host answers
/// with the build without the sandbox's mesh (`twilio/`), glue and module together, gzipped
/// where a `.gz` is there; the sandbox answers with its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_twilio_mode_host_serves_the_customer_page_module_without_the_mesh() {
    for (env, served) in [(&[][..], "sandbox"), (&TWILIO_ENV[..], "twilio")] {
        let svc = InProcess::start(&[], env).await;
        let page = svc.state.settings.assets_dir.join("features/chat-to-video");
        std::fs::create_dir_all(page.join("twilio")).unwrap();
        for file in ["chat_to_video.js", "chat_to_video_bg.wasm", "index.html"] {
            std::fs::write(page.join(file), format!("sandbox {file}")).unwrap();
            std::fs::write(page.join("twilio").join(file), format!("twilio {file}")).unwrap();
        }
        let gz = |build: &str| stored_gzip(format!("{build} gz").as_bytes());
        std::fs::write(page.join("chat_to_video_bg.wasm.gz"), gz("sandbox")).unwrap();
        std::fs::write(page.join("twilio/chat_to_video_bg.wasm.gz"), gz("twilio")).unwrap();
        for file in ["chat_to_video.js", "chat_to_video_bg.wasm"] {
            let url = svc.url(&format!("/features/chat-to-video/{file}?v=1"));
            let resp = svc.http.get(&url).send().await.unwrap();
            assert_eq!(resp.status(), 200, "{file}");
            assert_eq!(resp.text().await.unwrap(), format!("{served} {file}"));
        }
        let raw = reqwest::Client::builder().no_gzip().build().unwrap();
        let resp = raw
            .get(svc.url("/features/chat-to-video/chat_to_video_bg.wasm"))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.headers()["content-encoding"], "gzip");
        assert_eq!(resp.bytes().await.unwrap().as_ref(), &gz(served)[..]);
        // Nothing else is swapped.
        let resp = svc
            .http
            .get(svc.url("/features/chat-to-video/index.html"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.text().await.unwrap(), "sandbox index.html");
    }
}

/// The background blur library's files are fetched by the plugin from inside Flex (another
/// origin): they allow any origin; the customer page's files do not need to.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_blur_library_folder_allows_other_origins() {
    let svc = InProcess::start(&[], &[]).await;
    let site = svc.state.settings.assets_dir.clone();
    let dir = site.join("vendor/video-processors");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("tflite-1-0-0.wasm"), b"\0asm").unwrap();
    std::fs::write(site.join("page.js"), "1").unwrap();
    let resp = svc
        .http
        .get(svc.url("/vendor/video-processors/tflite-1-0-0.wasm"))
        .header("origin", "https://flex.twilio.com")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");
    assert_eq!(resp.headers()["content-type"], "application/wasm");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"\0asm");
    let resp = svc.http.get(svc.url("/page.js")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers().get("access-control-allow-origin").is_none());
    let resp = svc
        .http
        .get(svc.url("/vendor/video-processors/missing.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    assert!(resp.headers().get("access-control-allow-origin").is_none());
}
