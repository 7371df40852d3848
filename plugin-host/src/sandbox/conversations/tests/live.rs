//! The live sockets: a conversation's transcript for both sides, the close codes for bad tokens,
//! and the agent's task list with who shows online.

use super::*;
use futures_util::SinkExt as _;

#[tokio::test]
async fn the_transcript_is_live_for_both_sides() {
    let svc = start().await;
    let alice = svc.agent("alice").await;
    let (_, conv, customer) = svc.chat("Ada", "alice").await;
    let path = format!("/sandbox/conversations/{conv}/messages");
    svc.post(&path, Some(&customer), json!({"body": "before"}))
        .await;
    let live = format!("/sandbox/conversations/{conv}/live");
    let mut web = svc.live(&live, &customer).await;
    let mut desk = svc.live(&live, &alice).await;
    for ws in [&mut web, &mut desk] {
        let ready = next(ws).await.unwrap();
        assert_eq!(ready["type"], "ready");
        assert_eq!(ready["taskStatus"], "assigned");
        assert_eq!(ready["messages"][0]["body"], "before");
    }
    svc.post(
        &path,
        Some(&alice),
        json!({"body": "from the agent", "attributes": {"hasVideo": true}}),
    )
    .await;
    for ws in [&mut web, &mut desk] {
        let event = next_of(ws, "message").await;
        assert_eq!(event["message"]["body"], "from the agent");
        assert_eq!(event["message"]["attributes"]["hasVideo"], true);
    }
    // Another conversation's messages do not leak in.
    let (_, other, other_customer) = svc.chat("Eve", "alice").await;
    svc.post(
        &format!("/sandbox/conversations/{other}/messages"),
        Some(&other_customer),
        json!({"body": "elsewhere"}),
    )
    .await;
    svc.post(&path, Some(&customer), json!({"body": "mine"}))
        .await;
    assert_eq!(
        next_of(&mut web, "message").await["message"]["body"],
        "mine"
    );
}

#[tokio::test]
async fn live_sockets_refuse_bad_tokens_with_close_codes() {
    let svc = start().await;
    let alice = svc.agent("alice").await;
    let mallory = svc.agent("mallory").await;
    let (_, conv, _) = svc.chat("Ada", "alice").await;
    let (_, _, other_customer) = svc.chat("Eve", "alice").await;
    let live = format!("/sandbox/conversations/{conv}/live");
    assert_eq!(next(&mut svc.live(&live, "nope").await).await, Err(4401));
    assert_eq!(next(&mut svc.live(&live, &mallory).await).await, Err(4403));
    assert_eq!(
        next(&mut svc.live(&live, &other_customer).await).await,
        Err(4403)
    );
    assert_eq!(
        next(&mut svc.live("/sandbox/conversations/CHnone/live", &alice).await).await,
        Err(4404)
    );
    assert_eq!(
        next(&mut svc.live("/sandbox/agents/alice/live", &mallory).await).await,
        Err(4403)
    );
    // A first message that is not an auth message.
    let mut ws = sockets::open(&svc.ws_url("/sandbox/agents/alice/live")).await;
    ws.send(Message::Text("hello".into())).await.unwrap();
    assert_eq!(next(&mut ws).await, Err(4400));
}

#[tokio::test]
async fn the_task_list_is_live_and_agents_show_online() {
    let svc = start().await;
    let alice = svc.agent("alice").await;
    assert_eq!(
        svc.get("/sandbox/webchat/agents", None).await.1,
        json!({"agents": []})
    );
    let mut desk = svc.live("/sandbox/agents/alice/live", &alice).await;
    let ready = next(&mut desk).await.unwrap();
    assert_eq!(
        (
            ready["type"].as_str(),
            ready["tasks"].as_array().map(Vec::len)
        ),
        (Some("ready"), Some(0))
    );
    assert_eq!(
        svc.get("/sandbox/webchat/agents", None).await.1,
        json!({"agents": ["alice"]})
    );

    let (task, conv, _) = svc.chat("Ada", "alice").await;
    let event = next_of(&mut desk, "task").await;
    assert_eq!(event["task"]["taskSid"], task.as_str());
    assert_eq!(event["task"]["assignmentStatus"], "assigned");
    assert_eq!(event["task"]["conversationSid"], conv.as_str());
    assert_eq!(event["task"]["taskChannelUniqueName"], "chat");

    // Someone else's task does not reach alice's desk; her own non-chat task does.
    svc.agent("bob").await;
    svc.chat("Eve", "bob").await;
    let (status, made) = svc
        .post(
            "/sandbox/tasks",
            None,
            json!({"agent": "alice", "channel": "voice"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let event = next_of(&mut desk, "task").await;
    assert_eq!(event["task"]["taskSid"], made["taskSid"]);
    assert_eq!(event["task"]["conversationSid"], Value::Null);

    drop(desk);
    for _ in 0..50 {
        if svc.get("/sandbox/webchat/agents", None).await.1 == json!({"agents": []}) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("alice stayed online after her desk closed");
}
