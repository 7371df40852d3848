//! The APIs `cargo xtask deploy` uses, through the REST client against the sandbox stand-in,
//! with a recording proxy between them: Sync Services, the Flex Configuration, the Flex Plugins
//! API and the Serverless subset, their answers and their errors, every exchange checked against
//! Twilio's specs.

use crate::common::inproc::InProcess;
use crate::common::oai;
use crate::common::proxy::Proxy;
use plugin_host::twilio::flex_plugins::NewPluginVersion;
use plugin_host::twilio::serverless::{NewBuild, Upload};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deploy_apis_behave_like_twilios_and_conform_to_the_specs() {
    let proxy = Proxy::start().await;
    let svc = InProcess::start(&["--twilio-rest-base-url", &proxy.url()], &[]).await;
    proxy.set_target(&svc.base);
    let client = &svc.state.twilio;

    // Sync Services: the sandbox's own exists without ACL until it is turned on.
    let own = client
        .fetch_sync_service(&svc.state.sync_service_sid)
        .await
        .unwrap()
        .expect("the sandbox's Sync service exists");
    assert!(!own.acl_enabled);
    let fixed = client
        .update_sync_service_acl(&own.sid, true)
        .await
        .unwrap();
    assert!(fixed.acl_enabled);
    let made = client
        .create_sync_service("chat-to-video sessions", true)
        .await
        .unwrap();
    assert!(made.sid.starts_with("IS") && made.acl_enabled);
    assert_eq!(
        made.friendly_name.as_deref(),
        Some("chat-to-video sessions")
    );
    let long = client.create_sync_service(&"n".repeat(65), true).await;
    assert_eq!(
        long.unwrap_err().status(),
        Some(400),
        "a name over 64 characters"
    );
    let all = client.list_sync_services().await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(client
        .fetch_sync_service("IS00000000000000000000000000000000")
        .await
        .unwrap()
        .is_none());

    // The Flex Configuration: custom_data for this host until the first write, which replaces
    // ui_attributes whole.
    let config = client.fetch_flex_configuration().await.unwrap();
    assert_eq!(config.account_sid, client.account_sid());
    assert_eq!(
        config.ui_attributes["custom_data"]["features"]["chat_to_video_escalation"]["enabled"],
        true
    );
    let ui = json!({ "colorTheme": { "baseName": "Dark" } });
    let written = client.update_flex_ui_attributes(&ui).await.unwrap();
    assert_eq!(written.ui_attributes, ui);
    assert_eq!(
        client
            .fetch_flex_configuration()
            .await
            .unwrap()
            .ui_attributes,
        ui
    );
    let http = reqwest::Client::new();
    let basic = (
        client.account_sid().to_owned(),
        svc.state
            .sandbox
            .as_ref()
            .unwrap()
            .store
            .ids()
            .auth_token
            .clone(),
    );
    // A `GET` through the proxy that the client has no method for.
    let raw_get = |path: String| {
        http.get(format!("{}{path}", proxy.url()))
            .basic_auth(&basic.0, Some(&basic.1))
            .send()
    };
    let foreign = http
        .post(format!("{}/v1/Configuration", proxy.url()))
        .basic_auth(&basic.0, Some(&basic.1))
        .header("content-type", "application/json")
        .body(
            json!({ "account_sid": "AC00000000000000000000000000000000", "ui_attributes": {} })
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 400, "another account's configuration");

    // Flex Plugins: a plugin, a version (unique per plugin), a configuration, a release.
    assert!(client
        .fetch_flex_plugin("plugin-x")
        .await
        .unwrap()
        .is_none());
    let plugin = client
        .create_flex_plugin("plugin-x", "X", "the X plugin")
        .await
        .unwrap();
    assert_eq!(
        client
            .fetch_flex_plugin("plugin-x")
            .await
            .unwrap()
            .unwrap()
            .sid,
        plugin.sid,
        "by unique name"
    );
    let again = client.create_flex_plugin("plugin-x", "X", "").await;
    assert_eq!(again.unwrap_err().status(), Some(409));
    let updated = client
        .update_flex_plugin(&plugin.sid, "X again", "changed")
        .await
        .unwrap();
    assert_eq!(updated.friendly_name.as_deref(), Some("X again"));
    let new = NewPluginVersion {
        version: "1.0.0",
        plugin_url: "https://example.com/x/1.0.0/bundle.js",
        changelog: "first",
        private: false,
    };
    let v1 = client
        .create_plugin_version(&plugin.sid, &new)
        .await
        .unwrap();
    let duplicate = client.create_plugin_version(&plugin.sid, &new).await;
    assert_eq!(duplicate.unwrap_err().status(), Some(409));
    let versions = client.list_plugin_versions(&plugin.sid).await.unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].plugin_url, new.plugin_url);
    let one = raw_get(format!(
        "/v1/PluginService/Plugins/{}/Versions/{}",
        plugin.sid, v1.sid
    ))
    .await
    .unwrap();
    assert_eq!(one.status(), 200);
    let one: serde_json::Value = one.json().await.unwrap();
    assert_eq!(one["sid"], v1.sid.as_str(), "{one}");
    assert_eq!(one["plugin_url"], new.plugin_url, "{one}");

    assert!(client.fetch_active_release().await.unwrap().is_none());
    let unknown = client
        .create_plugin_configuration(
            "bad",
            "",
            &[("FV00000000000000000000000000000000".into(), 3)],
        )
        .await;
    assert_eq!(unknown.unwrap_err().status(), Some(400));
    let configuration = client
        .create_plugin_configuration("one", "X only", &[(v1.sid.clone(), 2)])
        .await
        .unwrap();
    let configured = client
        .list_configured_plugins(&configuration.sid)
        .await
        .unwrap();
    assert_eq!(configured.len(), 1);
    assert_eq!((configured[0].phase, &*configured[0].version), (2, "1.0.0"));
    let release = client.create_release(&configuration.sid).await.unwrap();
    assert_eq!(
        client.fetch_active_release().await.unwrap().unwrap(),
        release
    );
    let second = client.create_release(&configuration.sid).await.unwrap();
    assert_eq!(
        client.list_releases().await.unwrap(),
        [second.clone(), release],
        "newest first"
    );
    let missing = client
        .create_release("FJ00000000000000000000000000000000")
        .await;
    assert_eq!(missing.unwrap_err().status(), Some(400));

    // Serverless: service, environment, asset, upload, build, deployment.
    let service = client
        .create_serverless_service("default", "Flex Plugins Default Service")
        .await
        .unwrap();
    let taken = client.create_serverless_service("default", "again").await;
    assert_eq!(taken.unwrap_err().status(), Some(409));
    assert_eq!(
        client.list_serverless_services().await.unwrap(),
        std::slice::from_ref(&service)
    );
    let env = client
        .create_environment(&service.sid, "plugins", Some("live"))
        .await
        .unwrap();
    assert!(
        env.domain_name.ends_with("-live.twil.io"),
        "{}",
        env.domain_name
    );
    assert_eq!(env.build_sid, None);
    let asset = client.create_asset(&service.sid, "/a.js").await.unwrap();
    assert_eq!(
        client.list_assets(&service.sid).await.unwrap(),
        std::slice::from_ref(&asset)
    );
    let upload = Upload {
        path: "/a.js",
        visibility: "public",
        file_name: "a.js",
        content_type: "application/javascript",
        content: b"console.log('a')",
    };
    let version = client
        .upload_asset_version(&service.sid, &asset.sid, &upload)
        .await
        .unwrap();
    assert_eq!(version.path, "/a.js");
    let wrong = NewBuild {
        asset_versions: vec!["ZN00000000000000000000000000000000".into()],
        ..NewBuild::default()
    };
    let wrong = client.create_build(&service.sid, &wrong).await;
    assert_eq!(wrong.unwrap_err().status(), Some(400));
    let build = client
        .create_build(
            &service.sid,
            &NewBuild {
                asset_versions: vec![version.sid.clone()],
                dependencies: Some(r#"[{"name":"twilio","version":"5.0.0"}]"#.into()),
                runtime: Some("node22".into()),
                ..NewBuild::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        client
            .fetch_build_status(&service.sid, &build.sid)
            .await
            .unwrap()
            .status,
        "completed"
    );
    let fetched = client.fetch_build(&service.sid, &build.sid).await.unwrap();
    assert_eq!(fetched.asset_versions.unwrap()[0].path, "/a.js");
    assert_eq!(fetched.runtime.as_deref(), Some("node22"));
    let deployment = client
        .create_deployment(&service.sid, &env.sid, &build.sid)
        .await
        .unwrap();
    assert_eq!(deployment.build_sid, build.sid);
    let envs = client.list_environments(&service.sid).await.unwrap();
    assert_eq!(envs[0].build_sid.as_deref(), Some(&*build.sid));
    // One environment fetched and the builds listed, as Twilio's console and CLI read them.
    let get = |path: String| raw_get(format!("/serverless/v1/Services/{}{path}", service.sid));
    let itself = get(String::new()).await.unwrap();
    assert_eq!(itself.status(), 200);
    let itself: serde_json::Value = itself.json().await.unwrap();
    assert_eq!(itself["sid"], service.sid.as_str(), "{itself}");
    assert_eq!(itself["unique_name"], "default", "{itself}");
    let one = get(format!("/Environments/{}", env.sid)).await.unwrap();
    assert_eq!(one.status(), 200);
    let one: serde_json::Value = one.json().await.unwrap();
    assert_eq!(one["sid"], env.sid.as_str(), "{one}");
    assert_eq!(one["build_sid"], build.sid.as_str(), "{one}");
    let unknown = get("/Environments/ZE00000000000000000000000000000000".into())
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let builds = get("/Builds".into()).await.unwrap();
    assert_eq!(builds.status(), 200);
    let builds: serde_json::Value = builds.json().await.unwrap();
    assert_eq!(
        builds["builds"].as_array().map(Vec::len),
        Some(1),
        "{builds}"
    );
    assert_eq!(builds["builds"][0]["sid"], build.sid.as_str(), "{builds}");
    let served = http
        .get(format!(
            "{}/sandbox/twil.io/{}/a.js",
            svc.base, env.domain_name
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.text().await.unwrap(), "console.log('a')");

    let exchanges = proxy.exchanges();
    for status in [400, 404, 409] {
        assert!(
            exchanges.iter().any(|e| e.status == status),
            "an error answer {status} was checked"
        );
    }
    let specs = oai::load().await;
    let errors: Vec<String> = exchanges.iter().flat_map(|e| specs.check(e)).collect();
    assert!(
        errors.is_empty(),
        "{} exchanges checked against {}:\n{}",
        exchanges.len(),
        specs.source.display(),
        errors.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_upload_check_refuses_what_twilios_upload_host_would() {
    let specs = oai::load().await;
    let proxy = Proxy::start().await;
    let svc = InProcess::start(&["--twilio-rest-base-url", &proxy.url()], &[]).await;
    proxy.set_target(&svc.base);
    let client = &svc.state.twilio;
    let service = client.create_serverless_service("s", "S").await.unwrap();
    let asset = client.create_asset(&service.sid, "/x").await.unwrap();
    let bad = Upload {
        path: "/x",
        visibility: "everyone",
        file_name: "x",
        content_type: "text/plain",
        content: b"x",
    };
    let refused = client
        .upload_asset_version(&service.sid, &asset.sid, &bad)
        .await;
    assert_eq!(refused.unwrap_err().status(), Some(400));
    // A path must start with `/`, stay within 255 characters and not climb out with `..`.
    let long = format!("/{}", "a".repeat(255));
    for path in ["x", "/a/../b", long.as_str()] {
        let bad = Upload {
            path,
            visibility: "public",
            ..bad
        };
        let refused = client
            .upload_asset_version(&service.sid, &asset.sid, &bad)
            .await;
        assert_eq!(refused.unwrap_err().status(), Some(400), "{path}");
    }
    let fine = format!("/{}", "a".repeat(254));
    let ok = Upload {
        path: &fine,
        visibility: "public",
        ..bad
    };
    let version = client
        .upload_asset_version(&service.sid, &asset.sid, &ok)
        .await
        .unwrap();
    assert_eq!(version.path, fine);
    let upload = proxy
        .exchanges()
        .into_iter()
        .find(|e| e.path.starts_with("/serverless-upload/"))
        .expect("the upload went through the proxy");
    let errors = specs.check(&upload).join("\n");
    assert!(
        errors.contains("Visibility \"everyone\" not one of"),
        "{errors}"
    );
}
