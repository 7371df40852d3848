//! Access tokens decode to exactly the header and claims Twilio documents
//! (https://www.twilio.com/docs/iam/access-tokens) and verify with the API
//! secret; feedback tickets carry exactly their own claims.

use crate::common::sockets::subscribe;
use crate::common::{jwt_part, Service};
use chat_to_video::protocol::LiveServerMessage;
use jsonwebtoken::{decode, Algorithm, DecodingKey, Validation};
use serde_json::{json, Value};

const KEY: &str = "SKfeedbeeffeedbeeffeedbeeffeedbeef";
const SECRET: &str = "a secret only this test knows";

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

/// Checks the header, the claim set (living `ttl` seconds) and the signature; answers the grants.
fn check_access_token(token: &str, ttl: u64) -> Value {
    assert_eq!(
        jwt_part(token, 0),
        json!({"alg": "HS256", "typ": "JWT", "cty": "twilio-fpa;v=1"})
    );
    let claims = jwt_part(token, 1);
    assert_eq!(keys(&claims), ["exp", "grants", "iat", "iss", "jti", "sub"]);
    assert_eq!(claims["iss"], KEY);
    let sub = claims["sub"].as_str().unwrap();
    assert!(
        sub.starts_with("AC") && sub.len() == 34 && sub[2..].bytes().all(|b| b.is_ascii_hexdigit()),
        "{sub}"
    );
    let iat = claims["iat"].as_u64().unwrap();
    assert_eq!(claims["jti"], format!("{KEY}-{iat}"));
    assert_eq!(claims["exp"].as_u64().unwrap() - iat, ttl);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(iat.abs_diff(now) < 60);

    let mut v = Validation::new(Algorithm::HS256);
    v.set_issuer(&[KEY]);
    v.set_required_spec_claims(&["exp", "iss", "sub"]);
    decode::<Value>(token, &DecodingKey::from_secret(SECRET.as_bytes()), &v)
        .expect("verifies with the API secret");
    assert!(decode::<Value>(token, &DecodingKey::from_secret(b"another secret"), &v).is_err());
    claims["grants"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_have_exactly_the_documented_header_claims_and_grants() {
    let svc = Service::start(&[("TWILIO_API_KEY", KEY), ("TWILIO_API_SECRET", SECRET)]);
    let (token, task, code) = svc.code("agent@example.com").await;
    let unique = code["unique_code"].as_str().unwrap();
    let doc = svc.document("agent@example.com", &task).await;

    let (_, sync) = svc.call("client-get-sync-token", &[("code", unique)]).await;
    let grants = check_access_token(sync["token"].as_str().unwrap(), 3600);
    let service = grants["data_sync"]["service_sid"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(service.starts_with("IS") && service.len() == 34);
    assert_eq!(
        grants,
        json!({"identity": sync["identity"], "data_sync": {"service_sid": service}})
    );

    let (_, agent) = svc
        .call(
            "agent-get-token",
            &[("Token", &token), ("DocumentSid", &doc)],
        )
        .await;
    let room = agent["room_sid"].as_str().unwrap();
    let grants = check_access_token(agent["token"].as_str().unwrap(), 14400);
    assert_eq!(
        grants,
        json!({"identity": "agent@example.com", "video": {"room": room}, "data_sync": {"service_sid": service}})
    );

    svc.connected(&token, &task).await;
    let (_, video) = svc
        .call("client-get-video-token", &[("code", unique)])
        .await;
    let grants = check_access_token(video["token"].as_str().unwrap(), 14400);
    assert_eq!(
        grants,
        json!({"identity": video["identity"], "video": {"room": room}})
    );

    // The feedback ticket is not an access token: its own claims, same key.
    let ticket = video["feedback_ticket"].as_str().unwrap();
    assert_eq!(jwt_part(ticket, 0), json!({"alg": "HS256", "typ": "JWT"}));
    let claims = jwt_part(ticket, 1);
    assert_eq!(keys(&claims), ["aud", "document", "exp", "room", "task"]);
    assert_eq!(
        (
            claims["aud"].as_str(),
            claims["task"].as_str(),
            claims["room"].as_str()
        ),
        (Some("c2v-feedback"), Some(task.as_str()), Some(room))
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(claims["exp"].as_u64().unwrap().abs_diff(now + 24 * 3600) < 60);
    let mut v = Validation::new(Algorithm::HS256);
    v.set_audience(&["c2v-feedback"]);
    decode::<Value>(ticket, &DecodingKey::from_secret(SECRET.as_bytes()), &v)
        .expect("ticket verifies");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_configured_key_the_sandbox_keeps_one_across_restarts() {
    let mut svc = Service::start(&[]);
    let (_, _, code) = svc.code("alice").await;
    let unique = code["unique_code"].as_str().unwrap().to_owned();
    let (_, a) = svc
        .call("client-get-sync-token", &[("code", &unique)])
        .await;
    svc.restart();
    let (_, b) = svc
        .call("client-get-sync-token", &[("code", &unique)])
        .await;
    let (ca, cb) = (
        jwt_part(a["token"].as_str().unwrap(), 1),
        jwt_part(b["token"].as_str().unwrap(), 1),
    );
    assert!(ca["iss"].as_str().unwrap().starts_with("SK"));
    assert_eq!((&ca["iss"], &ca["sub"]), (&cb["iss"], &cb["sub"]));
    // The same key has the same secret: the token signed before the restart still opens the
    // document after it.
    let url = b["sync_url"].as_str().unwrap();
    let (_live, first) = subscribe(url, a["token"].as_str().unwrap()).await;
    assert!(
        matches!(first, LiveServerMessage::Document { .. }),
        "a token from before the restart: {first:?}"
    );
}
