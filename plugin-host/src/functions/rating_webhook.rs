//! Pushes each rating to the operator's `RATING_WEBHOOK_URL`, so it is kept even when the task
//! it belongs to is long gone (TaskRouter deletes completed tasks). One `POST` per rating, JSON
//! (`taskSid`, `roomSid`, `documentSid`, `rating`, `comment`, `submittedAt`), signed the way
//! `X-Twilio-Signature` is, with our own definition:
//!
//! `X-C2V-Signature: base64(HMAC-SHA256(RATING_WEBHOOK_SECRET, URL + body))`
//!
//! where URL is exactly the configured URL and body the exact bytes sent. The receiver computes
//! the same over the URL it is configured at and the raw body, and compares in constant time.
//! Delivery runs beside the request (the customer is not kept waiting) and is tried up to
//! [`ATTEMPTS`] times, on a network failure or a 5xx or 429 answer; a 2xx is delivered.

use std::sync::OnceLock;
use std::time::Duration;

use base64::Engine as _;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::RatingWebhook;

/// The signature header.
pub const SIGNATURE_HEADER: &str = "X-C2V-Signature";
/// Tries per rating.
pub const ATTEMPTS: u32 = 4;

/// What is pushed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RatingDelivery {
    pub task_sid: String,
    pub room_sid: String,
    pub document_sid: String,
    pub rating: u8,
    pub comment: Option<String>,
    pub submitted_at: Option<String>,
}

/// `base64(HMAC-SHA256(secret, url + body))` (RFC 2104).
pub fn sign(secret: &str, url: &str, body: &[u8]) -> String {
    const BLOCK: usize = 64;
    let mut key = [0u8; BLOCK];
    if secret.len() > BLOCK {
        key[..32].copy_from_slice(&Sha256::digest(secret.as_bytes()));
    } else {
        key[..secret.len()].copy_from_slice(secret.as_bytes());
    }
    let pad = |byte: u8| key.map(|k| k ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(url.as_bytes())
        .chain_update(body)
        .finalize();
    let mac = Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize();
    base64::engine::general_purpose::STANDARD.encode(mac)
}

fn http() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default()
    })
}

/// Starts delivering `rating` to the webhook (returns at once).
pub fn spawn(hook: &RatingWebhook, rating: RatingDelivery) {
    let hook = hook.clone();
    tokio::spawn(async move { deliver(&hook, &rating).await });
}

/// How long to wait before attempt `attempt` (from 0): not before the first, then 1, 2 and 4 s.
fn backoff(attempt: u32) -> Option<Duration> {
    (attempt > 0).then(|| Duration::from_millis(500 << attempt))
}

/// What a webhook's answer means for the rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// 2xx: it has the rating.
    Delivered,
    /// 5xx or 429: try again after the backoff.
    Retry,
    /// Anything else (a 4xx, a redirect): it will not take it; trying again would not help.
    Refused,
}

fn verdict(status: reqwest::StatusCode) -> Verdict {
    if status.is_success() {
        Verdict::Delivered
    } else if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        Verdict::Retry
    } else {
        Verdict::Refused
    }
}

/// Delivers with retries; answers whether the webhook took it.
pub async fn deliver(hook: &RatingWebhook, rating: &RatingDelivery) -> bool {
    let Ok(body) = serde_json::to_vec(rating) else {
        return false;
    };
    let signature = sign(&hook.secret, &hook.url, &body);
    for attempt in 0..ATTEMPTS {
        if let Some(wait) = backoff(attempt) {
            tokio::time::sleep(wait).await;
        }
        let sent = http()
            .post(&hook.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, &signature)
            .body(body.clone())
            .send()
            .await;
        match sent.map(|r| (r.status(), verdict(r.status()))) {
            Ok((_, Verdict::Delivered)) => return true,
            Ok((status, Verdict::Retry)) => {
                tracing::warn!(%status, attempt, "rating webhook failed; retrying");
            }
            Ok((status, Verdict::Refused)) => {
                tracing::error!(%status, task = %rating.task_sid, "rating webhook refused the rating");
                return false;
            }
            Err(e) => {
                tracing::warn!(error = %e.without_url(), attempt, "rating webhook unreachable; retrying")
            }
        }
    }
    tracing::error!(task = %rating.task_sid, "rating webhook: gave up; the rating is still in the session document");
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b64: &str) -> String {
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2: key "Jefe", data "what do ya want for nothing?" (split across URL and body).
        assert_eq!(
            hex(&sign("Jefe", "what do ya ", b"want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_secret_of_the_block_size_is_the_key_and_a_longer_one_is_hashed_first() {
        // RFC 2104: a key of up to 64 bytes is used as it is, a longer one is hashed. Expected
        // values from Python's `hmac.new(b"k" * n, url + body, hashlib.sha256)`.
        let (url, body) = ("https://ops.example.com/ratings", br#"{"rating":5}"#);
        for (len, mac) in [
            (
                64,
                "b48a5ff614fb60d5bc97f4e9716cfdd78fce600a0b72169060c58fc1e5169c1e",
            ),
            (
                65,
                "6cb5facff82582f203391a472e81d984f0c5cee403da0534e09c7f9a3e0a37f7",
            ),
            (
                131,
                "cd948903aafafd96142873203ffa41840cc9385f294ecdf387ac8d44701616fd",
            ),
        ] {
            assert_eq!(
                hex(&sign(&"k".repeat(len), url, body)),
                mac,
                "{len}-byte secret"
            );
        }
    }

    #[test]
    fn the_first_attempt_goes_at_once_and_the_waits_double_from_a_second() {
        let waits: Vec<Option<u64>> = (0..ATTEMPTS)
            .map(|a| backoff(a).map(|d| d.as_millis() as u64))
            .collect();
        assert_eq!(waits, [None, Some(1_000), Some(2_000), Some(4_000)]);
    }

    #[test]
    fn success_delivers_server_errors_and_429_retry_and_the_rest_is_refused() {
        use reqwest::StatusCode;
        for (status, expected) in [
            (200, Verdict::Delivered),
            (204, Verdict::Delivered),
            (500, Verdict::Retry),
            (503, Verdict::Retry),
            (429, Verdict::Retry),
            (400, Verdict::Refused),
            (401, Verdict::Refused),
            (404, Verdict::Refused),
            (428, Verdict::Refused),
            (430, Verdict::Refused),
            (302, Verdict::Refused),
        ] {
            let code = StatusCode::from_u16(status).unwrap();
            assert_eq!(verdict(code), expected, "{status}");
        }
    }

    /// A webhook on loopback answering `statuses` in turn (the last one from then on; `0`
    /// never answers): its URL and how many posts it received.
    async fn webhook(
        statuses: &'static [u16],
    ) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let posts = std::sync::Arc::new(AtomicUsize::new(0));
        let seen = posts.clone();
        let app = axum::Router::new().route(
            "/ratings",
            axum::routing::post(move || {
                let n = seen.fetch_add(1, Ordering::SeqCst);
                let status = statuses[n.min(statuses.len() - 1)];
                async move {
                    if status == 0 {
                        std::future::pending::<()>().await;
                    }
                    axum::http::StatusCode::from_u16(status).unwrap()
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/ratings", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (url, posts)
    }

    fn delivery() -> RatingDelivery {
        RatingDelivery {
            task_sid: "WT0123456789abcdef0123456789abcdef".into(),
            room_sid: "RM0123456789abcdef0123456789abcdef".into(),
            document_sid: "ET0123456789abcdef0123456789abcdef".into(),
            rating: 5,
            comment: None,
            submitted_at: None,
        }
    }

    #[tokio::test]
    async fn a_failing_webhook_is_tried_again_and_a_refusing_one_is_not() {
        use std::sync::atomic::Ordering;
        let (url, posts) = webhook(&[503, 200]).await;
        let hook = RatingWebhook {
            url,
            secret: "s".into(),
        };
        assert!(deliver(&hook, &delivery()).await);
        assert_eq!(posts.load(Ordering::SeqCst), 2);
        let (url, posts) = webhook(&[400]).await;
        let hook = RatingWebhook {
            url,
            secret: "s".into(),
        };
        assert!(!deliver(&hook, &delivery()).await);
        assert_eq!(posts.load(Ordering::SeqCst), 1);
    }

    /// A webhook that takes the post and never answers is given up on after the client's
    /// timeout and tried again. The clock is paused: it jumps to the next timer whenever the
    /// test is only waiting, so the 10 s pass at once, and without the timeout the attempt
    /// would wait for ever (the outer minute says so).
    #[tokio::test(start_paused = true)]
    async fn a_webhook_that_never_answers_is_given_up_on_and_tried_again() {
        use std::sync::atomic::Ordering;
        let (url, posts) = webhook(&[0, 200]).await;
        let hook = RatingWebhook {
            url,
            secret: "s".into(),
        };
        let started = tokio::time::Instant::now();
        let delivered =
            tokio::time::timeout(Duration::from_secs(60), deliver(&hook, &delivery())).await;
        assert_eq!(delivered, Ok(true), "the second attempt delivers it");
        assert_eq!(posts.load(Ordering::SeqCst), 2);
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_secs(11) && waited < Duration::from_secs(12),
            "10 s for the first attempt, 1 s of backoff: {waited:?}"
        );
    }
}
