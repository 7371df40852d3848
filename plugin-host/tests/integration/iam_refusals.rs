//! Whatever IAM answers, a Flex function answers 403 or 503, never 500: a refusal in any shape
//! (`valid: false`, Twilio's error JSON without `valid`, a 401, a body that is not JSON) is 403
//! `Unauthorized: …`; IAM unreachable or failing (5xx, after the client's retries) is 503 with
//! `Retry-After`; a token over 8192 characters is refused without asking IAM. The answers are
//! scripted by the recording proxy in front of the sandbox.

use crate::common::inproc::InProcess;
use crate::common::proxy::{Proxy, Scripted};

const JSON: (&str, &str) = ("content-type", "application/json");

fn answer(status: u16, content_type: Option<&str>, body: &str) -> Scripted {
    let headers = content_type
        .map(|t| vec![("content-type", t.to_owned())])
        .unwrap_or_default();
    (status, headers, body.as_bytes().to_vec())
}

/// `generate-unique-code` with a sandbox agent's token, IAM answering `iam` every time.
async fn with_iam(iam: Scripted) -> (u16, Option<String>, String) {
    let proxy = Proxy::start().await;
    let svc = InProcess::start(&["--twilio-rest-base-url", &proxy.url()], &[]).await;
    proxy.set_target(&svc.base);
    let token = svc.agent("alice").await;
    let task = svc.chat("alice", "bob").await;
    proxy.script(move |_, path| path.ends_with("/Tokens/validate").then(|| iam.clone()));
    let resp = svc
        .post_form(
            &svc.function("generate-unique-code"),
            &[("Token", &token), ("taskSid", &task)],
        )
        .await;
    let status = resp.status().as_u16();
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, retry, resp.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_refusal_from_iam_is_403() {
    let twilio_error = r#"{"code":20101,"message":"Invalid Access Token","more_info":"https://www.twilio.com/docs/errors/20101","status":403}"#;
    let bad_credentials = r#"{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}"#;
    for (what, iam, says) in [
        (
            "403 with valid:false",
            answer(
                403,
                Some(JSON.1),
                r#"{"valid":false,"code":20104,"message":"Access Token expired or expiration date invalid","status":403}"#,
            ),
            "Unauthorized: Access Token expired",
        ),
        (
            "403 with Twilio's error JSON and no valid",
            answer(403, Some(JSON.1), twilio_error),
            "Unauthorized: Invalid Access Token",
        ),
        (
            "403 with a text body",
            answer(403, Some("text/plain"), "Forbidden"),
            "Unauthorized: Invalid token",
        ),
        (
            "401 with Twilio's error JSON",
            answer(401, Some(JSON.1), bad_credentials),
            "Unauthorized: Authenticate",
        ),
        (
            "401 without a body",
            answer(401, None, ""),
            "Unauthorized: Invalid token",
        ),
        (
            "400 with Twilio's error JSON",
            answer(400, Some(JSON.1), twilio_error),
            "Unauthorized: Invalid Access Token",
        ),
    ] {
        let (status, _, body) = with_iam(iam).await;
        assert_eq!(status, 403, "{what}: {body}");
        assert!(body.starts_with(says), "{what}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iam_failing_or_unreachable_is_503_with_retry_after() {
    let failed = r#"{"code":20500,"message":"Internal Server Error","more_info":"https://www.twilio.com/docs/errors/20500","status":500}"#;
    for (what, iam) in [
        (
            "500 with Twilio's error JSON",
            answer(500, Some(JSON.1), failed),
        ),
        (
            "502 from a load balancer",
            answer(502, Some("text/html"), "<html>Bad Gateway</html>"),
        ),
        (
            "503 every time (past the retries)",
            answer(503, Some(JSON.1), failed),
        ),
        (
            "200 that is not IAM's answer",
            answer(200, Some("text/html"), "<html>captive portal</html>"),
        ),
    ] {
        let (status, retry, body) = with_iam(iam).await;
        assert_eq!(status, 503, "{what}: {body}");
        assert!(
            retry
                .as_deref()
                .and_then(|r| r.parse::<u64>().ok())
                .is_some_and(|s| s >= 1),
            "{what}: Retry-After {retry:?}"
        );
        assert!(body.contains("try again"), "{what}: {body}");
    }

    // Nothing listens where Twilio should be.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let svc = InProcess::start(&["--twilio-rest-base-url", &nowhere], &[]).await;
    let token = svc.agent("alice").await;
    let task = svc.chat("alice", "bob").await;
    let resp = svc
        .post_form(
            &svc.function("generate-unique-code"),
            &[("Token", &token), ("taskSid", &task)],
        )
        .await;
    assert_eq!(resp.status(), 503);
    assert!(resp.headers().contains_key("retry-after"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_over_8192_characters_is_refused_before_iam_is_asked() {
    let proxy = Proxy::start().await;
    let svc = InProcess::start(&["--twilio-rest-base-url", &proxy.url()], &[]).await;
    proxy.set_target(&svc.base);
    let task = svc.chat("alice", "bob").await;
    // JWT-shaped, so only the length tells them apart.
    let token_of = |len: usize| {
        let mut t = String::from("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.");
        t.push_str(&"A".repeat(len - t.len()));
        t
    };
    for (len, reaches_iam) in [(8192, true), (8193, false)] {
        let before = proxy.exchanges().len();
        let token = token_of(len);
        let resp = svc
            .post_form(
                &svc.function("generate-unique-code"),
                &[("Token", &token), ("taskSid", &task)],
            )
            .await;
        assert_eq!(resp.status(), 403, "{len}");
        let text = resp.text().await.unwrap();
        let asked = proxy.exchanges()[before..]
            .iter()
            .any(|e| e.path.ends_with("/Tokens/validate"));
        assert_eq!(asked, reaches_iam, "{len} characters: {text}");
        assert_eq!(
            text == "Unauthorized: Token is malformed",
            !reaches_iam,
            "{len} characters: {text}"
        );
    }
}
