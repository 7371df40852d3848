//! The host's own sweep (`functions/sweep.rs`) with Video or TaskRouter answering for it
//! through the recording proxy's scripts: a room or a task they no longer have ends the session
//! and is counted, while either failing ends nothing (the next pass asks again).

use plugin_host::functions::sweep::sweep_once;

use crate::common::proxy::twilio_error;
use crate::common::round_trips::{linked, room_reads_answered, Linked};

/// TaskRouter answers every read of the session's task with Twilio's error `status` / `code`.
fn task_reads_answered(l: &Linked, status: u16, code: u32) {
    let end = format!("/Tasks/{}", l.task);
    l.h.proxy.script(move |method, path| {
        (method == "GET" && path.ends_with(&end)).then(|| twilio_error(status, code))
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_video_no_longer_has_ends_the_session_and_video_failing_ends_nothing() {
    let l = linked().await;
    l.join().await;
    room_reads_answered(&l.h, 500, 20500);
    assert_eq!(sweep_once(&l.h.svc.state).await.expect("sweep"), 0);
    room_reads_answered(&l.h, 404, 20404);
    assert_eq!(sweep_once(&l.h.svc.state).await.expect("sweep"), 1);
    l.h.proxy.script(|_, _| None);
    assert_eq!(
        sweep_once(&l.h.svc.state).await.expect("sweep"),
        0,
        "ended once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_taskrouter_no_longer_has_ends_the_session_and_taskrouter_failing_ends_nothing() {
    let l = linked().await;
    task_reads_answered(&l, 500, 20500);
    assert_eq!(sweep_once(&l.h.svc.state).await.expect("sweep"), 0);
    task_reads_answered(&l, 404, 20404);
    assert_eq!(sweep_once(&l.h.svc.state).await.expect("sweep"), 1);
}
