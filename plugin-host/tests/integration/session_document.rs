//! The session document's writes and Sync failing under them (`functions/session_store.rs`),
//! read from and scripted by the recording proxy: what a new session and an ended one ask Sync
//! to keep them for, the link's time in the document, a code already taken drawn again while
//! Sync failing is 503 at once, and a document Sync fails to read or write is 503 where one it
//! no longer has is gone; TaskRouter failing on the task is 503, a task it no longer has unknown.

use chat_to_video::session::Session;
use plugin_host::clock::now_ms;

use crate::common::proxy::PathIs::{Containing, EndingIn};
use crate::common::proxy::{twilio_error, Exchange};
use crate::common::round_trips::{linked, task_answered, Harness, Linked};

/// The `name` field of a form-encoded request body.
fn form_field(e: &Exchange, name: &str) -> Option<String> {
    form_urlencoded::parse(&e.req_body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The proxy's exchanges from `from` on that `method` sent to a path ending in `end` or, with
/// `end` empty, to a session document (`/Documents/ET…`).
fn sent(h: &Harness, from: usize, method: &str, end: &str) -> Vec<Exchange> {
    h.proxy
        .exchanges()
        .split_off(from)
        .into_iter()
        .filter(|e| {
            e.method == method
                && if end.is_empty() {
                    e.path.contains("/Documents/ET")
                } else {
                    e.path.ends_with(end)
                }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_is_kept_25_hours_its_end_24_and_its_link_for_the_codes_time() {
    let h = Harness::start(std::time::Duration::ZERO, &[("VIDEO_CODE_TTL", "600")]).await;
    let (token, task) = h.agent_with_task("alice").await;
    let form = [("Token", token.as_str()), ("taskSid", task.as_str())];
    let before = now_ms() as u64;
    let (m, body) = h.measure("generate-unique-code", "first", &form).await;
    assert_eq!(m.status, 200, "{body}");
    let created = sent(&h, 0, "POST", "/Documents");
    assert_eq!(created.len(), 1, "{}", m.shape());
    assert_eq!(form_field(&created[0], "Ttl").as_deref(), Some("90000"));
    let data = form_field(&created[0], "Data").expect("Data");
    let session: Session = serde_json::from_str(&data).expect("a session");
    let link_ms = session.code_valid_until - before;
    assert!(
        (600_000..605_000).contains(&link_ms),
        "the link admits a customer for VIDEO_CODE_TTL's 600 s: {link_ms} ms"
    );

    let doc = h.svc.document("alice", &task).await;
    let from = h.proxy.exchanges().len();
    let end = [("Token", token.as_str()), ("DocumentSid", doc.as_str())];
    let (m, body) = h.measure("complete-room", "end", &end).await;
    assert_eq!(m.status, 200, "{body}");
    let writes = sent(&h, from, "POST", "");
    assert_eq!(writes.len(), 1, "{}", m.shape());
    assert_eq!(form_field(&writes[0], "Ttl").as_deref(), Some("86400"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_already_taken_is_drawn_again_and_sync_failing_is_503_at_once() {
    let h = Harness::start(std::time::Duration::ZERO, &[]).await;
    let (token, task) = h.agent_with_task("alice").await;
    let form = [("Token", token.as_str()), ("taskSid", task.as_str())];
    // Sync says the first code drawn is taken (54301): another is drawn.
    let taken = std::sync::atomic::AtomicBool::new(false);
    h.proxy.script(move |method, path| {
        (method == "POST"
            && path.ends_with("/Documents")
            && !taken.swap(true, std::sync::atomic::Ordering::SeqCst))
        .then(|| twilio_error(409, 54301))
    });
    let (m, body) = h.measure("generate-unique-code", "code taken", &form).await;
    assert_eq!(m.status, 200, "{body}");
    assert_eq!(sent(&h, 0, "POST", "/Documents").len(), 2, "{}", m.shape());

    // Sync failing is not a code taken: the caller is told to try again after one attempt.
    let h = Harness::start(std::time::Duration::ZERO, &[]).await;
    let (token, task) = h.agent_with_task("alice").await;
    let form = [("Token", token.as_str()), ("taskSid", task.as_str())];
    h.proxy
        .answer_error("POST", EndingIn("/Documents".into()), 500, 20500);
    let (m, body) = h.measure("generate-unique-code", "sync down", &form).await;
    assert_eq!(m.status, 503, "{body}");
    assert_eq!(sent(&h, 0, "POST", "/Documents").len(), 1, "{}", m.shape());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_failing_to_read_the_session_is_503_not_an_unknown_code() {
    let Linked { h, code, .. } = linked().await;
    let read = EndingIn(format!("/Documents/{code}"));
    h.proxy.answer_error("GET", read, 500, 20500);
    let (m, body) = h
        .measure("client-get-video-token", "sync down", &[("code", &code)])
        .await;
    assert_eq!(m.status, 503, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_failing_to_write_the_session_is_503_and_a_document_it_no_longer_has_is_gone() {
    // Sync failing on the write: neither a lost race to retry nor a document gone.
    let l = linked().await;
    let from = l.h.proxy.exchanges().len();
    l.h.proxy
        .answer_error("POST", Containing("/Documents/ET".into()), 500, 20500);
    let end = [("Token", l.token.as_str()), ("DocumentSid", l.doc.as_str())];
    let (m, body) = l.h.measure("complete-room", "sync down", &end).await;
    assert_eq!(m.status, 503, "{body}");
    assert_eq!(sent(&l.h, from, "POST", "").len(), 1, "{}", m.shape());
    l.h.proxy.forward_all();
    let (m, body) = l.h.measure("complete-room", "sync back", &end).await;
    assert_eq!(m.status, 200, "{body}");

    // The document deleted under the write (404): there is nothing left to end.
    let l = linked().await;
    let from = l.h.proxy.exchanges().len();
    l.h.proxy
        .answer_error("POST", Containing("/Documents/ET".into()), 404, 20404);
    let end = [("Token", l.token.as_str()), ("DocumentSid", l.doc.as_str())];
    let (m, body) = l.h.measure("complete-room", "document gone", &end).await;
    assert_eq!(m.status, 200, "{body}");
    assert_eq!(sent(&l.h, from, "POST", "").len(), 1, "{}", m.shape());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taskrouter_failing_on_the_task_is_503_and_a_task_it_no_longer_has_is_unknown() {
    for (method, status, code, want) in [
        ("GET", 500, 20500, 503),
        ("POST", 500, 20500, 503),
        ("POST", 404, 20404, 400),
    ] {
        let h = Harness::start(std::time::Duration::ZERO, &[]).await;
        let (token, task) = h.agent_with_task("alice").await;
        let form = [("Token", token.as_str()), ("taskSid", task.as_str())];
        task_answered(&h, method, &task, status, code);
        let (m, body) = h.measure("generate-unique-code", "taskrouter", &form).await;
        assert_eq!(m.status, want, "{method} {status}: {body}");
        if method == "POST" {
            let writes = sent(&h, 0, "POST", &format!("/Tasks/{task}"));
            assert_eq!(writes.len(), 1, "{method} {status}: {}", m.shape());
        }
    }
}
