//! Every function of the functions API, called the way the plugin and the customer page call
//! it, with the host's Twilio traffic going through the recording proxy at a fixed delay per
//! request: for each call, the Twilio requests it made, their sequential waves
//! ([`super::waves`]) and its latency. `cargo xtask bench` prints these (benches/round_trips.rs);
//! `tests/integration/round_trips.rs` holds `generate-unique-code` to its wave budgets.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::inproc::InProcess;
use super::proxy::{Exchange, PathIs, Proxy};
use super::waves;

/// One measured call.
#[derive(Debug, Clone)]
pub struct Measured {
    pub function: &'static str,
    /// Which click: `first`, `repeat`, …
    pub case: &'static str,
    pub status: u16,
    /// Each wave's requests (`METHOD /path`, sids as `{sid}`), in time order.
    pub waves: Vec<Vec<String>>,
    pub latency: Duration,
}

impl Measured {
    pub fn calls(&self) -> usize {
        self.waves.iter().map(Vec::len).sum()
    }

    /// `GET /v1/…, GET /v1/… → POST /v1/…`: the waves in order, each wave's calls together.
    pub fn shape(&self) -> String {
        let waves: Vec<String> = self.waves.iter().map(|w| w.join(" + ")).collect();
        waves.join(" → ")
    }
}

/// A host in this process whose REST traffic goes through a proxy adding `delay` per request.
pub struct Harness {
    pub proxy: Proxy,
    pub svc: InProcess,
}

impl Harness {
    /// `env` is added to the host's environment (the sweep is kept out of the way).
    pub async fn start(delay: Duration, env: &[(&str, &str)]) -> Harness {
        let proxy = Proxy::start().await;
        let mut all = vec![("SESSION_SWEEP_SECS", "60")];
        all.extend_from_slice(env);
        let svc = InProcess::start(&["--twilio-rest-base-url", &proxy.url()], &all).await;
        proxy.set_target(&svc.base);
        proxy.set_delay(delay);
        Harness { proxy, svc }
    }

    /// Calls `function` with `form` and measures the Twilio traffic it caused.
    pub async fn measure(
        &self,
        function: &'static str,
        case: &'static str,
        form: &[(&str, &str)],
    ) -> (Measured, Value) {
        let before = self.proxy.exchanges().len();
        let started = Instant::now();
        let (status, body) = self.svc.call(function, form).await;
        let latency = started.elapsed();
        let made: Vec<Exchange> = self.proxy.exchanges().split_off(before);
        let spans: Vec<(Instant, Instant)> = made.iter().map(|e| (e.started, e.finished)).collect();
        let waves = waves::waves(&spans)
            .into_iter()
            .map(|w| w.into_iter().map(|i| shape(&made[i])).collect())
            .collect();
        let measured = Measured {
            function,
            case,
            status,
            waves,
            latency,
        };
        (measured, body)
    }

    /// Like [`measure`](Self::measure), and the call must answer 200.
    async fn ok(
        &self,
        out: &mut Vec<Measured>,
        function: &'static str,
        case: &'static str,
        form: &[(&str, &str)],
    ) -> Value {
        let (m, body) = self.measure(function, case, form).await;
        assert_eq!(m.status, 200, "{function} ({case}): {body}");
        out.push(m);
        body
    }

    /// A new agent (with a worker whose `full_name` is set, as Flex's are) and a chat task of
    /// theirs: `(Flex token, task sid)`.
    pub async fn agent_with_task(&self, identity: &str) -> (String, String) {
        let v = self
            .svc
            .post_json(
                "/sandbox/agents",
                &[("identity", identity), ("fullName", "Alice Agent")],
            )
            .await;
        let token = v["token"].as_str().expect("token").to_owned();
        let task = self.svc.chat(identity, "Bob").await;
        (token, task)
    }

    /// Every function, in the order a call goes: the link (first click, repeat click), the
    /// agent's join, presence, the customer's page, the end and the rating.
    pub async fn every_function(&self) -> Vec<Measured> {
        let mut out = Vec::new();
        let (token, task) = self.agent_with_task("alice").await;
        let t = token.as_str();
        let link = self
            .ok(
                &mut out,
                "generate-unique-code",
                "first",
                &[("Token", t), ("taskSid", &task)],
            )
            .await;
        self.ok(
            &mut out,
            "generate-unique-code",
            "repeat",
            &[("Token", t), ("taskSid", &task)],
        )
        .await;
        let code = link["unique_code"]
            .as_str()
            .expect("unique_code")
            .to_owned();
        let doc = self.svc.document("alice", &task).await;
        self.ok(
            &mut out,
            "agent-get-token",
            "first join",
            &[("Token", t), ("DocumentSid", &doc)],
        )
        .await;
        for case in ["connected", "connected again"] {
            self.ok(
                &mut out,
                "update-video-state",
                case,
                &[("Token", t), ("taskSid", &task), ("state", "connected")],
            )
            .await;
        }
        self.ok(
            &mut out,
            "agent-get-token",
            "rejoin",
            &[("Token", t), ("DocumentSid", &doc)],
        )
        .await;
        self.ok(
            &mut out,
            "client-get-sync-token",
            "page",
            &[("code", &code)],
        )
        .await;
        let video = self
            .ok(
                &mut out,
                "client-get-video-token",
                "join",
                &[("code", &code)],
            )
            .await;
        let seat = video["seat"].to_string();
        self.ok(
            &mut out,
            "client-get-video-token",
            "rejoin",
            &[("code", &code), ("seat", &seat)],
        )
        .await;
        self.ok(
            &mut out,
            "update-video-state",
            "disconnected",
            &[("Token", t), ("taskSid", &task), ("state", "disconnected")],
        )
        .await;
        self.ok(
            &mut out,
            "complete-room",
            "wrap-up",
            &[
                ("Token", t),
                ("taskSid", &task),
                ("DocumentSid", &doc),
                ("reason", "wrapped_up"),
            ],
        )
        .await;
        let ticket = video["feedback_ticket"]
            .as_str()
            .expect("feedback_ticket")
            .to_owned();
        self.ok(
            &mut out,
            "submit-rating",
            "rating",
            &[("ticket", &ticket), ("rating", "5"), ("comment", "thanks")],
        )
        .await;
        out
    }
}

/// A session of Alice's with its link sent.
pub struct Linked {
    pub h: Harness,
    pub token: String,
    pub task: String,
    pub doc: String,
    pub code: String,
}

pub async fn linked() -> Linked {
    let h = Harness::start(Duration::ZERO, &[]).await;
    let (token, task) = h.agent_with_task("alice").await;
    let form = [("Token", token.as_str()), ("taskSid", task.as_str())];
    let (m, body) = h.measure("generate-unique-code", "first", &form).await;
    assert_eq!(m.status, 200, "{body}");
    let code = body["unique_code"]
        .as_str()
        .expect("unique_code")
        .to_owned();
    let doc = h.svc.document("alice", &task).await;
    Linked {
        h,
        token,
        task,
        doc,
        code,
    }
}

impl Linked {
    /// Alice joins her session's room: its sid.
    pub async fn join(&self) -> String {
        let join = [
            ("Token", self.token.as_str()),
            ("DocumentSid", self.doc.as_str()),
        ];
        let (m, body) = self.h.measure("agent-get-token", "first join", &join).await;
        assert_eq!(m.status, 200, "{body}");
        body["room_sid"].as_str().expect("room_sid").to_owned()
    }
}

/// Video answers every read of a room with Twilio's error `status` / `code`.
pub fn room_reads_answered(h: &Harness, status: u16, code: u32) {
    let rooms = PathIs::Containing("/v1/Rooms/RM".into());
    h.proxy.answer_error("GET", rooms, status, code);
}

/// TaskRouter answers every `method` request for `task` with Twilio's error `status` / `code`.
pub fn task_answered(h: &Harness, method: &'static str, task: &str, status: u16, code: u32) {
    let path = PathIs::EndingIn(format!("/Tasks/{task}"));
    h.proxy.answer_error(method, path, status, code);
}

/// [`Exchange::operation`], with the names in Sync paths (codes, watcher identities) as `{name}`:
/// they differ on every run.
fn shape(ex: &Exchange) -> String {
    let op = ex.operation();
    let mut out: Vec<&str> = Vec::new();
    for part in op.split('/') {
        let named = matches!(out.last(), Some(&("Documents" | "Permissions")));
        out.push(if named && part != "{sid}" {
            "{name}"
        } else {
            part
        });
    }
    out.join("/")
}
