//! A chat task's status as the agent moves it: who may, assigned to wrapping to completed, what
//! both sides hear, and the chat ending with the task.

use super::*;

#[tokio::test]
async fn tasks_move_assigned_wrapping_completed_and_the_chat_then_ends() {
    let svc = start().await;
    let alice = svc.agent("alice").await;
    let mallory = svc.agent("mallory").await;
    let (task, conv, customer) = svc.chat("Ada", "alice").await;
    let mut desk = svc.live("/sandbox/agents/alice/live", &alice).await;
    next_of(&mut desk, "ready").await;
    let mut web = svc
        .live(&format!("/sandbox/conversations/{conv}/live"), &customer)
        .await;
    next_of(&mut web, "ready").await;
    let status_path = format!("/sandbox/agents/alice/tasks/{task}/status");

    let wrap = json!({"assignmentStatus": "wrapping"});
    assert_eq!(
        svc.post(&status_path, Some(&mallory), wrap.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        svc.post(&status_path, Some(&customer), wrap.clone())
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        svc.post(&status_path, None, wrap.clone()).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, body) = svc
        .post(
            &status_path,
            Some(&alice),
            json!({"assignmentStatus": "canceled"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = svc
        .post(
            "/sandbox/agents/alice/tasks/WTnope/status",
            Some(&alice),
            wrap.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    let (status, body) = svc.post(&status_path, Some(&alice), wrap.clone()).await;
    assert_eq!(
        (status, body["assignmentStatus"].as_str()),
        (StatusCode::OK, Some("wrapping")),
        "{body}"
    );
    assert_eq!(
        next_of(&mut desk, "task").await["task"]["assignmentStatus"],
        "wrapping"
    );
    assert_eq!(next_of(&mut web, "status").await["taskStatus"], "wrapping");

    let (status, body) = svc.post(&status_path, Some(&alice), wrap.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "wrapping twice: {body}");
    assert!(body["error"].as_str().unwrap().contains("wrapping"));

    let (status, body) = svc
        .post(
            &status_path,
            Some(&alice),
            json!({"assignmentStatus": "completed"}),
        )
        .await;
    assert_eq!(
        (status, body["assignmentStatus"].as_str()),
        (StatusCode::OK, Some("completed")),
        "{body}"
    );
    assert_eq!(body["reason"], "Completed by agent");
    assert_eq!(
        next_of(&mut desk, "task").await["task"]["assignmentStatus"],
        "completed"
    );
    assert_eq!(next_of(&mut web, "status").await["taskStatus"], "completed");

    // The chat has ended: no more messages, but the transcript stays readable.
    let path = format!("/sandbox/conversations/{conv}/messages");
    let (status, body) = svc
        .post(&path, Some(&customer), json!({"body": "still there?"}))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::CONFLICT, Some("This chat has ended."))
    );
    assert_eq!(svc.get(&path, Some(&customer)).await.0, StatusCode::OK);
}
