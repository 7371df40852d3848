//! The feature's rules as pure functions of plain task data: when the header button and the
//! Video Room tab show, when an agent may join a room (one room per agent at a time), which
//! Flex actions are blocked while the agent holds a room, and what `complete-room` is sent.
//!
//! **Chat-based** means the task's `taskChannelUniqueName` is `chat` (Flex 2 Conversations,
//! which carries web chat, SMS, WhatsApp and the rest) or one of the messaging channel names
//! some contact centres create per medium: `sms`, `whatsapp`, `messenger`, `web`, `gbm`.
//! Names compare ASCII case-insensitively. Voice, email, callbacks and custom channels are not
//! chat-based: the invite goes out with Flex's `SendMessage`, which needs a conversation.

use crate::api::param;
use crate::attributes::VideoAttributes;
use crate::session::EndReason;

/// `taskChannelUniqueName`s that count as chat-based.
pub const CHAT_CHANNELS: [&str; 6] = ["chat", "sms", "whatsapp", "messenger", "web", "gbm"];

/// The TaskRouter task status during which the agent works the task.
pub const ASSIGNED: &str = "assigned";
/// The task status after the agent's work, before completion.
pub const WRAPPING: &str = "wrapping";

/// When the plugin hears a Flex action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookTime {
    /// `before<Action>`: the plugin may veto it ([`blocks_action`]).
    Before,
    /// `after<Action>`: the plugin acts on it (the shell awaits what it returns).
    After,
}

/// One listener the shell adds to Flex's `Actions` for the plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionHook {
    pub action: &'static str,
    pub when: HookTime,
}

impl ActionHook {
    /// Flex's event name: `beforeCompleteTask`, `afterWrapupTask`, …
    pub fn event(self) -> String {
        let prefix = match self.when {
            HookTime::Before => "before",
            HookTime::After => "after",
        };
        let mut event = String::with_capacity(prefix.len() + self.action.len());
        event.push_str(prefix);
        event.push_str(self.action);
        event
    }
}

/// Every Flex action the plugin listens to. The shell adds exactly these listeners.
pub const ACTION_HOOKS: [ActionHook; 5] = [
    // Finishing a task is vetoed while the agent is in its room.
    ActionHook {
        action: "CompleteTask",
        when: HookTime::Before,
    },
    ActionHook {
        action: "WrapupTask",
        when: HookTime::Before,
    },
    // Every way the task leaves the agent ends its video session at once (the host also ends
    // it by itself within a minute, should the browser be gone).
    ActionHook {
        action: "WrapupTask",
        when: HookTime::After,
    },
    ActionHook {
        action: "CompleteTask",
        when: HookTime::After,
    },
    ActionHook {
        action: "TransferTask",
        when: HookTime::After,
    },
];

/// Why the video session ends after Flex's `action` (an `after` hook), if it does.
pub fn ends_session(action: &str) -> Option<EndReason> {
    match action {
        "WrapupTask" => Some(EndReason::WrappedUp),
        "CompleteTask" => Some(EndReason::Completed),
        "TransferTask" => Some(EndReason::Transferred),
        _ => None,
    }
}

/// Whether the plugin vetoes `action` (a `before` hook).
pub fn is_guarded(action: &str) -> bool {
    ACTION_HOOKS
        .iter()
        .any(|h| h.when == HookTime::Before && h.action == action)
}

/// What the rules need to know about a task, read from Flex's `ITask` at the edge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskFacts {
    /// `taskSid` (`WT…`).
    pub task_sid: Option<String>,
    /// `sid`: Flex's reservation (`WR…`); action payloads sometimes carry only this.
    pub reservation_sid: Option<String>,
    /// The task's status, normalised by [`task_status`].
    pub status: Option<String>,
    /// `taskChannelUniqueName`.
    pub channel: Option<String>,
    /// This feature's keys of `attributes`.
    pub video: VideoAttributes,
    /// `attributes.conversationSid` (`CH…`), when the channel set one.
    pub conversation_sid: Option<String>,
}

impl TaskFacts {
    pub fn is_assigned(&self) -> bool {
        self.status.as_deref() == Some(ASSIGNED)
    }

    pub fn is_chat_based(&self) -> bool {
        self.channel.as_deref().is_some_and(is_chat_channel)
    }

    /// The header button: chat-based tasks whose status is `assigned`.
    pub fn show_button(&self) -> bool {
        self.is_assigned() && self.is_chat_based()
    }

    /// The Video Room tab: while the task has been escalated to video and is assigned, or
    /// wrapping (then as a read-only summary of the call, with the customer's rating).
    pub fn show_tab(&self) -> bool {
        (self.is_assigned() || self.is_wrapping()) && self.video.has_video()
    }

    pub fn is_wrapping(&self) -> bool {
        self.status.as_deref() == Some(WRAPPING)
    }

    /// Whether `sid` names this task (its task or its reservation).
    pub fn is_named(&self, sid: &str) -> bool {
        !sid.is_empty()
            && (self.task_sid.as_deref() == Some(sid)
                || self.reservation_sid.as_deref() == Some(sid))
    }
}

pub fn is_chat_channel(channel: &str) -> bool {
    CHAT_CHANNELS
        .iter()
        .any(|c| c.eq_ignore_ascii_case(channel))
}

/// The task status from Flex's two fields: `taskStatus` (TaskRouter's: `assigned`,
/// `wrapping`, …) wins; without it the reservation `status` is mapped (`accepted` is the
/// reservation side of `assigned`). Empty strings count as absent.
pub fn task_status(task_status: Option<&str>, reservation_status: Option<&str>) -> Option<String> {
    if let Some(s) = nonempty(task_status) {
        return Some(s.to_ascii_lowercase());
    }
    nonempty(reservation_status).map(|s| {
        if s.eq_ignore_ascii_case("accepted") {
            ASSIGNED.to_owned()
        } else {
            s.to_ascii_lowercase()
        }
    })
}

/// The room this agent holds: claimed when Join is clicked, released when the agent leaves,
/// the connection fails or the tab goes away.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActiveRoom {
    pub task_sid: String,
    pub reservation_sid: Option<String>,
    /// Known once `agent-get-token` has answered.
    pub room_sid: Option<String>,
    /// Media connected (as opposed to still joining).
    pub connected: bool,
}

impl ActiveRoom {
    /// Whether `sid` names the task that holds the room (task or reservation sid).
    pub fn is_for(&self, sid: &str) -> bool {
        !sid.is_empty() && (self.task_sid == sid || self.reservation_sid.as_deref() == Some(sid))
    }
}

/// Why Join is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinRefused {
    /// The agent holds a room on another task.
    InAnotherRoom,
    /// The agent already holds this task's room (e.g. from a second copy of the tab).
    AlreadyInThisRoom,
}

/// One room per agent: Join is allowed only while the agent holds no room.
pub fn may_join(task_sid: &str, active: Option<&ActiveRoom>) -> Result<(), JoinRefused> {
    match active {
        None => Ok(()),
        Some(room) if room.is_for(task_sid) => Err(JoinRefused::AlreadyInThisRoom),
        Some(_) => Err(JoinRefused::InAnotherRoom),
    }
}

/// Whether Flex's `action` on the task named by `sids` (its `taskSid` and/or `sid`, as the
/// action payload carries them) must be aborted: `CompleteTask` and `WrapupTask` are, while
/// the agent holds (is joining or is in) that task's room. Every other action passes.
pub fn blocks_action(action: &str, sids: &[&str], active: Option<&ActiveRoom>) -> bool {
    is_guarded(action) && active.is_some_and(|room| sids.iter().any(|sid| room.is_for(sid)))
}

/// What `complete-room` is told to complete for a task, as (parameter, value): the Sync
/// document behind the code when known (the server completes its room and expires the code),
/// else the room itself. `None` for tasks that never had video: no request at all.
pub fn complete_room_target(video: &VideoAttributes) -> Option<(&'static str, &str)> {
    nonempty(video.sync_document.as_deref())
        .map(|doc| (param::DOCUMENT_SID, doc))
        .or_else(|| nonempty(video.video_room_sid.as_deref()).map(|room| (param::ROOM_SID, room)))
}

fn nonempty(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
