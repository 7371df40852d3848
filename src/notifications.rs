//! The notifications the plugin asks the shell to register with Flex: an id, Flex's
//! notification type, and the strings key Flex renders as its content.

use crate::strings::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notification {
    pub id: &'static str,
    /// Flex's `NotificationType`: `error`, `warning`, `info` or `success`.
    pub kind: &'static str,
    pub content: Text,
}

/// Shown when the video link could not be created or sent.
pub const FAILED_VIDEO_LINK: Notification = Notification {
    id: "ChatToVideoFailedVideoLink",
    kind: "error",
    content: Text::FailedVideoLink,
};

/// Shown when `CompleteTask`/`WrapupTask` is aborted because the agent is in the task's room.
pub const WRAPUP_BLOCKED: Notification = Notification {
    id: "ChatToVideoWrapupBlocked",
    kind: "error",
    content: Text::WrapupBlocked,
};

pub const ALL: [Notification; 2] = [FAILED_VIDEO_LINK, WRAPUP_BLOCKED];

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_content_is_a_strings_key() {
        assert_ne!(ALL[0].id, ALL[1].id);
        assert_eq!(FAILED_VIDEO_LINK.content.key(), "PSFailedVideoLink");
        assert_eq!(WRAPUP_BLOCKED.content.key(), "PSChatToVideoWrapupBlocked");
        assert!(ALL.iter().all(|n| n.kind == "error"));
    }
}
