//! Concurrency and durability: racing attribute merges lose nothing, and a restart keeps codes.

use crate::common::inproc::InProcess;
use crate::common::Service;
use plugin_host::functions::task_attrs::edit_task_attributes;
use plugin_host::functions::FnError;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_attribute_merges_keep_every_key() {
    let svc = InProcess::start(&[], &[]).await;
    let task = svc.chat("alice", "bob").await;
    let mut writers = Vec::new();
    for i in 0..50 {
        let state = svc.state.clone();
        let task = task.clone();
        writers.push(tokio::spawn(async move {
            let key = format!("key{i:02}");
            let edit = |attributes: &str| -> Result<String, FnError> {
                let mut v: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(attributes)
                        .map_err(|e| FnError::Internal(e.to_string()))?;
                v.insert(key.clone(), serde_json::Value::from(i));
                Ok(serde_json::Value::Object(v).to_string())
            };
            edit_task_attributes(&state, &task, edit, None).await
        }));
    }
    for w in writers {
        w.await.expect("join").expect("merge");
    }
    let attrs = svc.task_attributes("alice", &task).await;
    for i in 0..50 {
        assert_eq!(attrs[format!("key{i:02}")], i, "key{i:02} lost: {attrs}");
    }
    assert_eq!(attrs["customerName"], "bob");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_functions_on_one_task_keep_each_others_keys() {
    let svc = InProcess::start(&[], &[]).await;
    let room = svc.room("alice").await;
    let (_, video) = svc
        .call("client-get-video-token", &[("code", &room.code)])
        .await;
    let ticket = video["feedback_ticket"].as_str().unwrap().to_owned();
    let rating = {
        let api = svc.api.clone();
        let ticket = ticket.clone();
        tokio::spawn(async move {
            api.call("submit-rating", &[("ticket", &ticket), ("rating", "2")])
                .await
                .0
        })
    };
    let state = {
        let api = svc.api.clone();
        let (token, task) = (room.token.clone(), room.task.clone());
        tokio::spawn(async move {
            api.call(
                "update-video-state",
                &[
                    ("Token", &token),
                    ("taskSid", &task),
                    ("state", "disconnected"),
                ],
            )
            .await
            .0
        })
    };
    assert_eq!((rating.await.unwrap(), state.await.unwrap()), (200, 200));
    let attrs = svc.task_attributes("alice", &room.task).await;
    assert_eq!(attrs["videoRoom"], "disconnected");
    assert_eq!(attrs["videoRating"]["rating"], 2);
    assert_eq!(attrs["syncDocument"], room.doc.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_survives_a_restart() {
    let mut svc = Service::start(&[]);
    let (token, task, code) = svc.code("alice").await;
    let unique = code["unique_code"].as_str().unwrap().to_owned();
    svc.restart();
    // The agent's Flex token from before the restart still verifies, the task is still known,
    // and the code still works.
    let doc = svc.document("alice", &task).await;
    let (status, body) = svc
        .call("client-get-sync-token", &[("code", &unique)])
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["document_sid"], doc.as_str());
    let (status, agent) = svc
        .call(
            "agent-get-token",
            &[("Token", &token), ("DocumentSid", &doc)],
        )
        .await;
    assert_eq!(status, 200, "{agent}");
    svc.connected(&token, &task).await;
    svc.restart();
    let (status, video) = svc
        .call("client-get-video-token", &[("code", &unique)])
        .await;
    assert_eq!(status, 200, "{video}");
    assert_eq!(video["room_sid"], agent["room_sid"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_code_is_drawn_again() {
    use chat_to_video::session::Agent;
    use plugin_host::functions::session_store;
    let svc = InProcess::start(&[], &[]).await;
    let state = &svc.state;
    let task = svc.chat("alice", "bob").await;
    let taken = state
        .twilio
        .create_document(
            &state.sync_service_sid,
            Some("Taken01"),
            &serde_json::json!({"other": true}),
            None,
        )
        .await
        .unwrap();
    let mut draws = vec!["Fresh01", "Taken01"];
    let agent = Agent {
        name: "Alice".into(),
        identity: "alice".into(),
        worker: "WK00000000000000000000000000000001".into(),
        present: false,
    };
    let stored = session_store::create(state, &task, None, agent, || {
        draws.pop().unwrap().to_owned()
    })
    .await
    .unwrap();
    assert_eq!(stored.code, "Fresh01");
    assert!(draws.is_empty(), "both codes were tried");
    let doc = state
        .twilio
        .fetch_document(&state.sync_service_sid, "Fresh01")
        .await
        .unwrap();
    assert_eq!(
        (doc.sid, doc.data["task"].as_str()),
        (stored.sid, Some(task.as_str()))
    );
    let kept = state
        .twilio
        .fetch_document(&state.sync_service_sid, "Taken01")
        .await
        .unwrap();
    assert_eq!(
        (kept.sid, kept.data),
        (taken.sid, serde_json::json!({"other": true}))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_agent_token_requests_end_in_one_room() {
    let svc = InProcess::start(&[], &[]).await;
    let (token, task, _) = svc.code("alice").await;
    let doc = svc.document("alice", &task).await;
    let calls: Vec<_> = (0..6)
        .map(|_| {
            let (api, token, doc) = (svc.api.clone(), token.clone(), doc.clone());
            tokio::spawn(async move {
                api.call(
                    "agent-get-token",
                    &[("Token", &token), ("DocumentSid", &doc)],
                )
                .await
            })
        })
        .collect();
    let mut rooms = Vec::new();
    for c in calls {
        let (status, body) = c.await.unwrap();
        assert_eq!(status, 200, "{body}");
        rooms.push(body["room_sid"].as_str().unwrap().to_owned());
    }
    rooms.sort();
    rooms.dedup();
    assert_eq!(rooms.len(), 1, "every caller got the same room: {rooms:?}");
    let live = svc
        .state
        .twilio
        .list_rooms(None, Some("in-progress"))
        .await
        .unwrap();
    assert_eq!(
        live.iter().map(|r| r.sid.as_str()).collect::<Vec<_>>(),
        [rooms[0].as_str()],
        "the losers' rooms were completed"
    );
    assert_eq!(
        svc.task_attributes("alice", &task).await["videoRoomSid"],
        rooms[0].as_str()
    );
}

/// A database from before reservations existed: its assigned tasks get theirs on start-up, so
/// their agents keep working on them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_database_is_upgraded_with_reservations_for_its_tasks() {
    const ALICE: &str = "WK000000000000000000000000000000a1";
    const BOB: &str = "WK000000000000000000000000000000b0";
    let task = |n: u8| format!("WT0000000000000000000000000000000{n}");
    let svc = Service::start_prepared(&[], |data| {
        let mut conn = rusqlite::Connection::open(data.join("sandbox.sqlite3")).unwrap();
        let tx = conn.transaction().unwrap();
        tx.execute_batch(include_str!("../../migrations/0001_sandbox.sql"))
            .unwrap();
        tx.execute_batch(include_str!(
            "../../migrations/0002_conversation_messages.sql"
        ))
        .unwrap();
        tx.pragma_update(None, "user_version", 2).unwrap();
        tx.execute_batch(&format!(
            "INSERT INTO workers VALUES ('{ALICE}', 'alice', 1), ('{BOB}', 'bob', 1);
             INSERT INTO task_channels VALUES ('chat', 'TC00000000000000000000000000000001');
             INSERT INTO tasks (sid, worker_sid, channel, assignment_status, attributes, revision, date_created, date_updated) VALUES
               ('{}', '{ALICE}', 'chat', 'assigned', '{{}}', 0, 1, 1),
               ('{}', '{ALICE}', 'chat', 'wrapping', '{{}}', 1, 1, 2),
               ('{}', '{ALICE}', 'chat', 'completed', '{{}}', 2, 1, 3),
               ('{}', '{BOB}', 'chat', 'assigned', '{{}}', 0, 1, 1);",
            task(1),
            task(2),
            task(3),
            task(4)
        ))
        .unwrap();
        tx.commit().unwrap();
    });
    let alice = svc.agent("alice").await;
    let bob = svc.agent("bob").await;
    let (status, body) = svc
        .call(
            "generate-unique-code",
            &[("Token", &alice), ("taskSid", &task(1))],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = svc
        .call(
            "update-video-state",
            &[
                ("Token", &alice),
                ("taskSid", &task(2)),
                ("state", "disconnected"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    for (token, t) in [(&alice, task(2)), (&alice, task(4)), (&bob, task(1))] {
        let (status, body) = svc
            .call("generate-unique-code", &[("Token", token), ("taskSid", &t)])
            .await;
        assert_eq!(
            (status, body.as_str()),
            (403, Some("Forbidden: this task is not assigned to you")),
            "{t}"
        );
    }
    let conn = rusqlite::Connection::open(svc.dir.join("data/sandbox.sqlite3")).unwrap();
    let mut rows: Vec<(String, String, String)> = conn
        .prepare("SELECT task_sid, worker_sid, status FROM reservations ORDER BY task_sid")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rows.sort();
    let want = |n: u8, w: &str, s: &str| (task(n), w.to_owned(), s.to_owned());
    assert_eq!(
        rows,
        [
            want(1, ALICE, "accepted"),
            want(2, ALICE, "wrapping"),
            want(3, ALICE, "completed"),
            want(4, BOB, "accepted"),
        ]
    );
    let version: usize = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        version,
        plugin_host::sandbox::db::SCHEMA_VERSION,
        "every migration ran"
    );
}
