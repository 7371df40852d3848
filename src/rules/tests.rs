//! When the button and the tab show, the task status (the task's own, else the reservation's),
//! one room per agent, the hooks the shell adds and the actions blocked while a room is held,
//! what `complete-room` is sent, and how a task is named.

use super::*;
use crate::attributes::VideoRoomState;

fn task(status: &str, channel: &str) -> TaskFacts {
    TaskFacts {
        task_sid: Some("WT1".into()),
        reservation_sid: Some("WR1".into()),
        status: Some(status.into()),
        channel: Some(channel.into()),
        ..Default::default()
    }
}

fn with_video(mut t: TaskFacts) -> TaskFacts {
    t.video.sync_document = Some("ET1".into());
    t
}

fn room(task: &str, connected: bool) -> ActiveRoom {
    ActiveRoom {
        task_sid: task.into(),
        reservation_sid: Some(format!("WR{}", &task[2..])),
        room_sid: Some("RM1".into()),
        connected,
    }
}

#[test]
fn button_shows_on_assigned_chat_based_tasks_only() {
    for ch in CHAT_CHANNELS {
        assert!(task("assigned", ch).show_button(), "{ch}");
    }
    assert!(task("assigned", "WhatsApp").show_button());
    for ch in ["voice", "email", "video", "callback", "", "chatty"] {
        assert!(!task("assigned", ch).show_button(), "{ch}");
    }
    for st in [
        "pending",
        "reserved",
        "wrapping",
        "completed",
        "canceled",
        "",
    ] {
        assert!(!task(st, "chat").show_button(), "{st}");
    }
    let mut no_channel = task("assigned", "chat");
    no_channel.channel = None;
    assert!(!no_channel.show_button());
    assert!(!TaskFacts::default().show_button());
}

#[test]
fn tab_shows_while_assigned_with_a_video_attribute() {
    assert!(!task("assigned", "chat").show_tab());
    assert!(with_video(task("assigned", "chat")).show_tab());
    // Wrapping: the summary stays where the agent is.
    assert!(with_video(task("wrapping", "chat")).show_tab());
    assert!(!task("wrapping", "chat").show_tab());
    assert!(!with_video(task("completed", "chat")).show_tab());
    assert!(!with_video(task("reserved", "chat")).show_tab());
    // Any of the feature's keys marks the task, whatever the channel.
    let mut t = task("assigned", "voice");
    t.video.video_room = Some(VideoRoomState::Error);
    assert!(t.show_tab());
    let mut t = task("assigned", "chat");
    t.video.video_room_sid = Some("RM1".into());
    assert!(t.show_tab());
}

#[test]
fn status_prefers_task_status_and_maps_reservations() {
    assert_eq!(
        task_status(Some("wrapping"), Some("accepted")).as_deref(),
        Some("wrapping")
    );
    assert_eq!(
        task_status(None, Some("accepted")).as_deref(),
        Some("assigned")
    );
    assert_eq!(
        task_status(Some(""), Some("Accepted")).as_deref(),
        Some("assigned")
    );
    assert_eq!(
        task_status(None, Some("wrapping")).as_deref(),
        Some("wrapping")
    );
    assert_eq!(
        task_status(Some("Assigned"), None).as_deref(),
        Some("assigned")
    );
    assert_eq!(task_status(None, None), None);
    assert_eq!(task_status(Some(""), Some("")), None);
}

#[test]
fn one_room_per_agent() {
    assert_eq!(may_join("WT1", None), Ok(()));
    assert_eq!(
        may_join("WT1", Some(&room("WT2", true))),
        Err(JoinRefused::InAnotherRoom)
    );
    assert_eq!(
        may_join("WT1", Some(&room("WT2", false))),
        Err(JoinRefused::InAnotherRoom)
    );
    assert_eq!(
        may_join("WT1", Some(&room("WT1", true))),
        Err(JoinRefused::AlreadyInThisRoom)
    );
}

#[test]
fn the_hooks_the_shell_adds() {
    let events: Vec<String> = ACTION_HOOKS.iter().map(|h| h.event()).collect();
    assert_eq!(
        events,
        [
            "beforeCompleteTask",
            "beforeWrapupTask",
            "afterWrapupTask",
            "afterCompleteTask",
            "afterTransferTask"
        ]
    );
    // Every after hook ends the session, for its own reason.
    for hook in ACTION_HOOKS.iter().filter(|h| h.when == HookTime::After) {
        assert!(ends_session(hook.action).is_some(), "{}", hook.action);
    }
    assert_eq!(ends_session("WrapupTask"), Some(EndReason::WrappedUp));
    assert_eq!(ends_session("CompleteTask"), Some(EndReason::Completed));
    assert_eq!(ends_session("TransferTask"), Some(EndReason::Transferred));
    assert_eq!(ends_session("AcceptTask"), None);
    assert_eq!(ends_session("wrapuptask"), None);
    assert!(is_guarded("CompleteTask"));
    assert!(is_guarded("WrapupTask"));
    // Only `before` hooks veto: the plugin hears a transfer after it, and never blocks it.
    assert!(!is_guarded("TransferTask"));
    for other in [
        "AcceptTask",
        "SendMessage",
        "completetask",
        "wrapupTask",
        "",
    ] {
        assert!(!is_guarded(other), "{other}");
    }
}

#[test]
fn guard_blocks_finishing_the_task_whose_room_is_held() {
    let held = room("WT1", true);
    for action in ["CompleteTask", "WrapupTask"] {
        assert!(blocks_action(action, &["WT1"], Some(&held)));
        assert!(blocks_action(action, &["", "WR1"], Some(&held)));
        assert!(!blocks_action(action, &["WT2"], Some(&held)));
        assert!(!blocks_action(action, &["WT1"], None));
        assert!(!blocks_action(action, &[], Some(&held)));
        assert!(!blocks_action(action, &[""], Some(&ActiveRoom::default())));
    }
    // Joining (not yet connected) holds the room too.
    assert!(blocks_action(
        "WrapupTask",
        &["WT1"],
        Some(&room("WT1", false))
    ));
    for action in [
        "AcceptTask",
        "SendMessage",
        "HangupCall",
        "completetask",
        "",
    ] {
        assert!(!blocks_action(action, &["WT1"], Some(&held)), "{action}");
    }
}

#[test]
fn complete_room_prefers_the_document() {
    let mut v = VideoAttributes::default();
    assert_eq!(complete_room_target(&v), None);
    v.video_room_sid = Some("RM1".into());
    assert_eq!(complete_room_target(&v), Some(("roomSid", "RM1")));
    v.sync_document = Some("ET1".into());
    assert_eq!(complete_room_target(&v), Some(("DocumentSid", "ET1")));
    v.sync_document = Some(String::new());
    assert_eq!(complete_room_target(&v), Some(("roomSid", "RM1")));
    v.video_room_sid = Some(String::new());
    assert_eq!(complete_room_target(&v), None);
    v.video_room = Some(VideoRoomState::Connected);
    assert_eq!(complete_room_target(&v), None);
}

#[test]
fn task_naming() {
    let t = task("assigned", "chat");
    assert!(t.is_named("WT1"));
    assert!(t.is_named("WR1"));
    assert!(!t.is_named(""));
    assert!(!t.is_named("WT2"));
}
