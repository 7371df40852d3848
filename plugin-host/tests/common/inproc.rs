//! The service in this test process (same code as the binary): for tests that need its state,
//! the sandbox's hooks or the event bus.

use std::collections::HashMap;
use std::time::Duration;

use clap::Parser as _;
use plugin_host::app::{self, AppState};
use plugin_host::config::{Cli, Settings};
use plugin_host::sandbox::SandboxEvent;
use tokio::sync::broadcast::Receiver;
use tokio::sync::oneshot;

use super::Api;

pub struct InProcess {
    pub state: AppState,
    pub api: Api,
    stop: Option<oneshot::Sender<()>>,
    _tmp: tempfile::TempDir,
}

impl std::ops::Deref for InProcess {
    type Target = Api;
    fn deref(&self) -> &Api {
        &self.api
    }
}

impl InProcess {
    /// `flags` are extra command-line flags, `env` the environment the settings read.
    pub async fn start(flags: &[&str], env: &[(&str, &str)]) -> InProcess {
        let tmp = tempfile::tempdir().expect("temp dir");
        let data = tmp.path().join("data");
        let site = tmp.path().join("site");
        std::fs::create_dir_all(&site).expect("assets dir");
        let mut args = vec!["plugin-host", "--listen", "127.0.0.1:0"];
        args.extend_from_slice(flags);
        let mut cli = Cli::parse_from(args);
        cli.data_dir = data;
        cli.assets_dir = site;
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let settings = Settings::from_sources(cli, move |k| env.get(k).cloned()).expect("settings");
        let (listener, state) = app::bind(settings).await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = oneshot::channel();
        tokio::spawn(app::serve(listener, state.clone(), async move {
            let _ = rx.await;
        }));
        InProcess {
            state,
            api: Api::new(base),
            stop: Some(tx),
            _tmp: tmp,
        }
    }

    /// `GET` on the sandbox's REST stand-in with the sandbox account's credentials:
    /// `(status, body)`.
    pub async fn rest_get(&self, path_and_query: &str) -> (u16, serde_json::Value) {
        let ids = self
            .state
            .sandbox
            .as_ref()
            .expect("sandbox mode")
            .store
            .ids();
        let resp = self
            .http
            .get(self.url(path_and_query))
            .basic_auth(&ids.account_sid, Some(&ids.auth_token))
            .send()
            .await
            .expect("the stand-in answers");
        (
            resp.status().as_u16(),
            resp.json().await.expect("a JSON body"),
        )
    }
}

impl Drop for InProcess {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// The next event on the sandbox's bus that `want` accepts, within 10 s.
pub async fn next_event(
    rx: &mut Receiver<SandboxEvent>,
    want: impl Fn(&SandboxEvent) -> bool,
) -> SandboxEvent {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let e = rx.recv().await.expect("event bus open");
            if want(&e) {
                return e;
            }
        }
    })
    .await
    .expect("event in time")
}
