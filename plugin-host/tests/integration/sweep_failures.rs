//! The host's own sweep (`functions/sweep.rs`) with Video or TaskRouter answering for it
//! through the recording proxy's scripts: a room or a task they no longer have ends the session
//! and is counted, while either failing ends nothing (the next pass asks again).

use plugin_host::functions::sweep::sweep_once;

use crate::common::round_trips::{linked, room_reads_answered, task_answered};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_video_no_longer_has_ends_the_session_and_video_failing_ends_nothing() {
    let l = linked().await;
    l.join().await;
    room_reads_answered(&l.h, 500, 20500);
    assert_eq!(sweep_once(&l.h.svc.state).await.expect("sweep"), 0);
    room_reads_answered(&l.h, 404, 20404);
    assert_eq!(sweep_once(&l.h.svc.state).await.expect("sweep"), 1);
    l.h.proxy.forward_all();
    assert_eq!(
        sweep_once(&l.h.svc.state).await.expect("sweep"),
        0,
        "ended once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_taskrouter_no_longer_has_ends_the_session_and_taskrouter_failing_ends_nothing() {
    let l = linked().await;
    task_answered(&l.h, "GET", &l.task, 500, 20500);
    assert_eq!(sweep_once(&l.h.svc.state).await.expect("sweep"), 0);
    task_answered(&l.h, "GET", &l.task, 404, 20404);
    assert_eq!(sweep_once(&l.h.svc.state).await.expect("sweep"), 1);
}
