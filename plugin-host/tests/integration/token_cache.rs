//! The Flex token cache, counted at the recording proxy in front of the sandbox's IAM: a token
//! IAM accepted is not sent to IAM again within `FLEX_TOKEN_CACHE_SECS`, is sent again once that
//! time is over and once the token's own expiry (its `exp`, or IAM's `expiration`) has passed,
//! whichever comes first; a refused token is asked about every time. Time passing is waited
//! for by calling again until the proving request shows up (or the deadline that fails the test).

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::common::proxy::Proxy;
use crate::common::round_trips::Harness;
use base64::Engine as _;
use serde_json::json;

/// How many token checks reached IAM.
fn validations(proxy: &Proxy) -> usize {
    proxy
        .exchanges()
        .iter()
        .filter(|e| e.path.ends_with("/Tokens/validate"))
        .count()
}

fn now_secs() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs_f64()
}

/// `update-video-state` with `token` for `task`: the cheapest Flex function; its status.
async fn present(h: &Harness, token: &str, task: &str) -> u16 {
    let form = [("Token", token), ("taskSid", task), ("state", "connected")];
    h.svc.call("update-video-state", &form).await.0
}

/// A signed-looking JWT whose payload says `exp` (nobody can verify it: IAM is scripted).
fn jwt_with_exp(exp: u64) -> String {
    let b64 = |v: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    format!(
        "{}.{}.c2lnbmF0dXJl",
        b64(json!({"alg": "HS256", "typ": "JWT"})),
        b64(json!({"sub": "alice", "exp": exp}))
    )
}

/// From now on IAM (scripted at the proxy) accepts every token as alice's, with `expiration`.
fn iam_accepts_as_alice(h: &Harness, worker: &str, expiration: Option<String>) {
    let body = json!({
        "valid": true, "code": 0, "message": null, "expiration": expiration,
        "realm_user_id": "alice", "identity": "alice", "roles": ["agent"], "worker_sid": worker,
    })
    .to_string();
    h.proxy.script(move |_, path| {
        path.ends_with("/Tokens/validate").then(|| {
            (
                200,
                vec![("content-type", "application/json".to_owned())],
                body.clone().into_bytes(),
            )
        })
    });
}

/// Alice's worker sid and a chat task of hers.
async fn alice(h: &Harness) -> (String, String) {
    let v = h
        .svc
        .post_json("/sandbox/agents", &[("identity", "alice")])
        .await;
    let worker = v["workerSid"].as_str().expect("workerSid").to_owned();
    (worker, h.svc.chat("alice", "bob").await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_iam_accepted_is_not_sent_again_within_the_cache_time() {
    let h = Harness::start(Duration::ZERO, &[]).await;
    let (token, task) = h.agent_with_task("alice").await;
    for _ in 0..3 {
        assert_eq!(present(&h, &token, &task).await, 200);
    }
    let link = [("Token", token.as_str()), ("taskSid", task.as_str())];
    let (status, body) = h.svc.call("generate-unique-code", &link).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(validations(&h.proxy), 1, "four calls, one token check");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_cache_off_every_call_asks_iam() {
    let h = Harness::start(Duration::ZERO, &[("FLEX_TOKEN_CACHE_SECS", "0")]).await;
    let (token, task) = h.agent_with_task("alice").await;
    for _ in 0..3 {
        assert_eq!(present(&h, &token, &task).await, 200);
    }
    assert_eq!(validations(&h.proxy), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_is_asked_about_again_once_its_cache_time_is_over() {
    let h = Harness::start(Duration::ZERO, &[("FLEX_TOKEN_CACHE_SECS", "0.5")]).await;
    let (token, task) = h.agent_with_task("alice").await;
    let first = Instant::now();
    assert_eq!(present(&h, &token, &task).await, 200);
    assert_eq!(validations(&h.proxy), 1);
    let deadline = first + Duration::from_secs(20);
    loop {
        let sent = Instant::now();
        assert_eq!(present(&h, &token, &task).await, 200);
        if validations(&h.proxy) == 2 {
            assert!(
                sent >= first + Duration::from_millis(250),
                "asked again after {:?}, before the cache time was over",
                sent - first
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the token was never checked again"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Calls with `token` until IAM is asked about it a second time; each call that started after
/// `expires` (Unix seconds) must have been that second check. Answers when the second check
/// came, in Unix seconds.
async fn second_check_after(h: &Harness, token: &str, task: &str, expires: f64) -> f64 {
    assert_eq!(present(h, token, task).await, 200);
    assert_eq!(validations(&h.proxy), 1);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let sent = now_secs();
        assert_eq!(present(h, token, task).await, 200);
        if validations(&h.proxy) == 2 {
            return sent;
        }
        assert!(
            sent < expires,
            "a call sent {:.3} s after the token expired was answered from the cache",
            sent - expires
        );
        assert!(Instant::now() < deadline, "never checked again");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_near_its_exp_is_not_served_from_the_cache_past_it() {
    let h = Harness::start(Duration::ZERO, &[]).await;
    let (worker, task) = alice(&h).await;
    // IAM says the token lives a day; the token's own exp is two seconds away.
    let day = time::OffsetDateTime::now_utc() + time::Duration::days(1);
    let later = day
        .format(&time::format_description::well_known::Rfc3339)
        .expect("format");
    iam_accepts_as_alice(&h, &worker, Some(later));
    let exp = now_secs().ceil() as u64 + 2;
    let token = jwt_with_exp(exp);
    let again = second_check_after(&h, &token, &task, exp as f64).await;
    assert!(
        again >= exp as f64 - 0.5,
        "asked again {:.3} s before exp",
        exp as f64 - again
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_without_a_readable_exp_is_kept_until_iam_says_it_expires() {
    let h = Harness::start(Duration::ZERO, &[]).await;
    let (worker, task) = alice(&h).await;
    // An encrypted token (five parts): its exp cannot be read; IAM says when it expires.
    let expires = time::OffsetDateTime::now_utc() + time::Duration::seconds(2);
    let text = expires
        .format(&time::format_description::well_known::Rfc3339)
        .expect("format");
    iam_accepts_as_alice(&h, &worker, Some(text));
    let token = "eyJhbGciOiJkaXIifQ..aXY.Y2lwaGVydGV4dA.dGFn";
    let at = expires.unix_timestamp_nanos() as f64 / 1e9;
    second_check_after(&h, token, &task, at).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_whose_expiry_nobody_says_is_asked_about_every_time() {
    let h = Harness::start(Duration::ZERO, &[]).await;
    let (worker, task) = alice(&h).await;
    iam_accepts_as_alice(&h, &worker, None);
    let token = "eyJhbGciOiJkaXIifQ..aXY.Y2lwaGVydGV4dA.dGFn";
    for _ in 0..3 {
        assert_eq!(present(&h, token, &task).await, 200);
    }
    assert_eq!(validations(&h.proxy), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_is_asked_about_every_time() {
    let h = Harness::start(Duration::ZERO, &[]).await;
    let (_, task) = h.agent_with_task("alice").await;
    // Shaped like a Flex token, signed by nobody the sandbox's IAM knows.
    let forged = jwt_with_exp(now_secs() as u64 + 3600);
    for _ in 0..2 {
        let form = [("Token", forged.as_str()), ("taskSid", task.as_str())];
        let (status, body) = h.svc.call("generate-unique-code", &form).await;
        assert_eq!(status, 403, "{body}");
        assert!(body.as_str().is_some_and(|b| b.starts_with("Unauthorized")));
    }
    assert_eq!(validations(&h.proxy), 2);
}
