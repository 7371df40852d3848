//! The notifications the plugin asks the shell to register with Flex: an id, Flex's
//! notification type, and the strings key Flex renders as its content.

use crate::strings::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notification {
    pub id: &'static str,
    /// Flex's `NotificationType`: `error`, `warning`, `information` or `success`.
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

/// Shown when the customer's rating arrives (often during wrap-up, when the tab is a summary).
pub const RATING_RECEIVED: Notification = Notification {
    id: "ChatToVideoRatingReceived",
    kind: "information",
    content: Text::RatingReceived,
};

pub const ALL: [Notification; 3] = [FAILED_VIDEO_LINK, WRAPUP_BLOCKED, RATING_RECEIVED];

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_content_is_a_strings_key() {
        for (i, n) in ALL.iter().enumerate() {
            assert!(ALL[..i].iter().all(|m| m.id != n.id), "{}", n.id);
        }
        assert_eq!(FAILED_VIDEO_LINK.content.key(), "PSFailedVideoLink");
        assert_eq!(WRAPUP_BLOCKED.content.key(), "PSChatToVideoWrapupBlocked");
        assert_eq!(RATING_RECEIVED.content.key(), "PSChatToVideoRatingReceived");
        assert_eq!(
            ALL.map(|n| n.kind),
            ["error", "error", "information"],
            "Flex's NotificationType values"
        );
    }
}
