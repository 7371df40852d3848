//! Video and Sync failing under the functions, read from the recording proxy's scripts: the room
//! index (`functions/room_index.rs`): one already there is fine, Sync failing on it is 503;
//! Video failing to read a room is 503 and ends nothing, a room it no longer has ends the
//! session; and completing a room (`rooms::complete_idempotent`): one Video no longer has or
//! that is already over is done, one Video refuses while it is still in progress or Video
//! failing is 503 and the caller tries again.

use crate::common::proxy::PathIs::{Containing, EndingIn};
use crate::common::round_trips::{linked, room_reads_answered, Linked};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_index_already_there_is_fine_and_sync_failing_to_write_it_is_503() {
    // Sync says the index's unique name exists (54301): it is there already, the join goes on.
    let Linked { h, token, doc, .. } = linked().await;
    h.proxy
        .answer_error("POST", EndingIn("/Documents".into()), 409, 54301);
    let join = [("Token", token.as_str()), ("DocumentSid", doc.as_str())];
    let (m, body) = h.measure("agent-get-token", "index exists", &join).await;
    assert_eq!(m.status, 200, "{body}");
    // Sync failing to write it: no room is handed out without its index.
    let Linked { h, token, doc, .. } = linked().await;
    h.proxy
        .answer_error("POST", EndingIn("/Documents".into()), 500, 20500);
    let join = [("Token", token.as_str()), ("DocumentSid", doc.as_str())];
    let (m, body) = h.measure("agent-get-token", "sync down", &join).await;
    assert_eq!(m.status, 503, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_failing_to_read_a_room_index_is_503_not_a_refusal() {
    let l = linked().await;
    let room = l.join().await;
    l.h.proxy
        .answer_error("GET", Containing("/Documents/room-".into()), 500, 20500);
    let end = [("Token", l.token.as_str()), ("roomSid", room.as_str())];
    let (m, body) = l.h.measure("complete-room", "index unreadable", &end).await;
    assert_eq!(m.status, 503, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn video_failing_to_read_the_room_is_503_and_a_room_it_no_longer_has_ends_the_session() {
    let Linked {
        h,
        token,
        task,
        doc,
        code,
    } = linked().await;
    let join = [("Token", token.as_str()), ("DocumentSid", doc.as_str())];
    let (m, body) = h.measure("agent-get-token", "first join", &join).await;
    assert_eq!(m.status, 200, "{body}");
    let present = [
        ("Token", token.as_str()),
        ("taskSid", task.as_str()),
        ("state", "connected"),
    ];
    let (m, body) = h.measure("update-video-state", "connected", &present).await;
    assert_eq!(m.status, 200, "{body}");
    // The customer joins while Video cannot say how the room is: try again, nothing ended.
    room_reads_answered(&h, 500, 20500);
    let (m, body) = h
        .measure("client-get-video-token", "video down", &[("code", &code)])
        .await;
    assert_eq!(m.status, 503, "{body}");
    h.proxy.forward_all();
    let (m, body) = h
        .measure("client-get-video-token", "video back", &[("code", &code)])
        .await;
    assert_eq!(m.status, 200, "the session is still live: {body}");
    // A room Video no longer has ended by itself: so does the session, for good.
    room_reads_answered(&h, 404, 20404);
    let (m, body) = h
        .measure("client-get-video-token", "room gone", &[("code", &code)])
        .await;
    assert_eq!(m.status, 403, "{body}");
    assert!(body["reason"].is_string(), "{body}");
    h.proxy.forward_all();
    let (m, body) = h
        .measure("client-get-video-token", "after", &[("code", &code)])
        .await;
    assert_eq!(m.status, 403, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agents_rejoin_with_video_failing_is_503_and_with_the_room_gone_ends_the_session() {
    let Linked { h, token, doc, .. } = linked().await;
    let join = [("Token", token.as_str()), ("DocumentSid", doc.as_str())];
    let (m, body) = h.measure("agent-get-token", "first join", &join).await;
    assert_eq!(m.status, 200, "{body}");
    room_reads_answered(&h, 500, 20500);
    let (m, body) = h.measure("agent-get-token", "video down", &join).await;
    assert_eq!(m.status, 503, "{body}");
    room_reads_answered(&h, 404, 20404);
    let (m, body) = h.measure("agent-get-token", "room gone", &join).await;
    assert_eq!(m.status, 403, "{body}");
    assert!(body["reason"].is_string(), "{body}");
}

/// Video answers every request to complete a room with Twilio's error `status` / `code`.
fn room_completions_answered(l: &Linked, status: u16, code: u32) {
    let rooms = Containing("/v1/Rooms/RM".into());
    l.h.proxy.answer_error("POST", rooms, status, code);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completing_a_room_video_no_longer_has_or_already_over_is_done_and_video_failing_is_503() {
    // Video failing to complete the room: the caller is told to try again, and the retry
    // completes it.
    let l = linked().await;
    let room = l.join().await;
    room_completions_answered(&l, 500, 20500);
    let end = [("Token", l.token.as_str()), ("DocumentSid", l.doc.as_str())];
    let (m, body) = l.h.measure("complete-room", "video down", &end).await;
    assert_eq!(m.status, 503, "{body}");
    assert!(
        !m.waves
            .iter()
            .flatten()
            .any(|op| op == "GET /v1/Rooms/{sid}"),
        "Video failing is answered at once, not checked against the room: {}",
        m.shape()
    );
    l.h.proxy.forward_all();
    let (m, body) = l.h.measure("complete-room", "video back", &end).await;
    assert_eq!(m.status, 200, "{body}");
    let status = l.h.svc.state.twilio.fetch_room(&room).await.expect("room");
    assert!(
        !status.is_in_progress(),
        "the retry completed it: {status:?}"
    );

    // A room Video no longer has (404) is over already.
    let l = linked().await;
    l.join().await;
    room_completions_answered(&l, 404, 20404);
    let end = [("Token", l.token.as_str()), ("DocumentSid", l.doc.as_str())];
    let (m, body) = l.h.measure("complete-room", "room gone", &end).await;
    assert_eq!(m.status, 200, "{body}");

    // Video refuses to change a room that is not in progress (53112): one that is over
    // already is done...
    let l = linked().await;
    let room = l.join().await;
    l.h.svc
        .state
        .twilio
        .complete_room(&room)
        .await
        .expect("completed");
    let end = [("Token", l.token.as_str()), ("DocumentSid", l.doc.as_str())];
    let (m, body) = l.h.measure("complete-room", "already over", &end).await;
    assert_eq!(m.status, 200, "{body}");
    assert!(
        m.waves
            .iter()
            .flatten()
            .any(|op| op == "GET /v1/Rooms/{sid}"),
        "Video's refusal is checked against the room: {}",
        m.shape()
    );

    // ... while a refusal for a room Video still says is in progress is not success.
    let l = linked().await;
    let room = l.join().await;
    room_completions_answered(&l, 400, 53112);
    let end = [("Token", l.token.as_str()), ("DocumentSid", l.doc.as_str())];
    let (m, body) =
        l.h.measure("complete-room", "refused in progress", &end)
            .await;
    assert_ne!(m.status, 200, "{body}");
    let status = l.h.svc.state.twilio.fetch_room(&room).await.expect("room");
    assert!(status.is_in_progress(), "{status:?}");
}
