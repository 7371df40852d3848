//! Starting a web chat and its transcript over HTTP: who may start one, both sides posting and
//! reading in order, and refused posts leaving nothing stored.

use super::*;

#[tokio::test]
async fn a_web_chat_needs_a_signed_in_agent_and_valid_names() {
    let svc = start().await;
    let (status, body) = svc
        .post(
            "/sandbox/webchat/sessions",
            None,
            json!({"name": "Ada", "agent": "nobody"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body["error"],
        "No agent named nobody has signed in to the agent desktop."
    );
    svc.agent("alice").await;
    let (status, body) = svc
        .post(
            "/sandbox/webchat/sessions",
            None,
            json!({"name": " ", "agent": "alice"}),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("Missing name"))
    );
    let (status, _) = svc
        .post("/sandbox/webchat/sessions", None, json!(["Ada"]))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = svc
        .post(
            "/sandbox/webchat/sessions",
            None,
            json!({"name": "Ada", "agent": "alice"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(body["token"].as_str().unwrap().starts_with("cht_"));
    assert_eq!(
        (body["name"].as_str(), body["agent"].as_str()),
        (Some("Ada"), Some("alice"))
    );
    assert!(body["linkOrigins"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o == svc.base.as_str()));
    // The chat task is the agent's, with the conversation in its attributes.
    let (_, tasks) = svc.get("/sandbox/agents/alice/tasks", None).await;
    let task = &tasks["tasks"][0];
    assert_eq!(task["taskSid"], body["taskSid"]);
    assert_eq!(
        task["attributes"]["conversationSid"],
        body["conversationSid"]
    );
    assert_eq!(task["attributes"]["customerName"], "Ada");
}

#[tokio::test]
async fn both_sides_post_and_read_the_transcript_in_order() {
    let svc = start().await;
    let alice = svc.agent("alice").await;
    let (_, conv, customer) = svc.chat("Ada", "alice").await;
    let path = format!("/sandbox/conversations/{conv}/messages");
    let (status, m0) = svc
        .post(
            &path,
            Some(&customer),
            json!({"body": "Hello <b>there</b>"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m0}");
    assert_eq!(
        (
            m0["author"].as_str(),
            m0["authorRole"].as_str(),
            m0["index"].as_i64()
        ),
        (Some("Ada"), Some("customer"), Some(0))
    );
    let invite = json!({"hasVideo": true, "videoUrl": format!("{}/features/chat-to-video/index.html?code=abc1234", svc.base), "uniqueCode": "abc1234"});
    let (status, m1) = svc
        .post(
            &path,
            Some(&alice),
            json!({"body": "Join me", "attributes": invite}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        (
            m1["author"].as_str(),
            m1["authorRole"].as_str(),
            m1["index"].as_i64()
        ),
        (Some("alice"), Some("agent"), Some(1))
    );
    assert_eq!(m1["attributes"], invite);
    for token in [&alice, &customer] {
        let (status, list) = svc.get(&path, Some(token)).await;
        assert_eq!(status, StatusCode::OK);
        let bodies: Vec<&str> = list["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["body"].as_str().unwrap())
            .collect();
        assert_eq!(bodies, ["Hello <b>there</b>", "Join me"]);
    }
}

#[tokio::test]
async fn strangers_and_bad_input_are_refused_and_nothing_is_stored() {
    let svc = start().await;
    let alice = svc.agent("alice").await;
    let mallory = svc.agent("mallory").await;
    let (_, conv, customer) = svc.chat("Ada", "alice").await;
    let (_, other_conv, other_customer) = svc.chat("Eve", "alice").await;
    let path = format!("/sandbox/conversations/{conv}/messages");
    let hi = json!({"body": "hi"});
    assert_eq!(
        svc.post(&path, None, hi.clone()).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        svc.post(&path, Some("not-a-token"), hi.clone()).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        svc.post(&path, Some("cht_0000"), hi.clone()).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        svc.post(&path, Some(&mallory), hi.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        svc.post(&path, Some(&other_customer), hi.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        svc.get(&path, Some(&mallory)).await.0,
        StatusCode::FORBIDDEN
    );
    let missing = "/sandbox/conversations/CH00000000000000000000000000000000/messages";
    assert_eq!(
        svc.post(missing, Some(&alice), hi.clone()).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, body) = svc.post(&path, Some(&customer), json!({"body": ""})).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("The message is empty"))
    );
    let (status, _) = svc
        .post(
            &path,
            Some(&customer),
            json!({"body": "x", "attributes": "{}"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = svc
        .post(
            &path,
            Some(&customer),
            json!({"body": "x".repeat(40 * 1024)}),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    let res = svc
        .http
        .post(format!("{}{path}", svc.base))
        .bearer_auth(&customer)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    for (p, token) in [
        (&path, &alice),
        (
            &format!("/sandbox/conversations/{other_conv}/messages"),
            &alice,
        ),
    ] {
        let (_, list) = svc.get(p, Some(token)).await;
        assert_eq!(list["messages"], json!([]), "a refused message was stored");
    }
}
