//! English, the default: the page's words (the call's texts are the strings table's defaults;
//! the sentences about a session's or a call's end are `crate::customer`'s, the wait's
//! `crate::sync_wait`'s).

use super::Words;
use crate::customer::{end_reason_text, over_text};
use crate::protocol::DisconnectReason;
use crate::session::EndReason;
use crate::sync_wait::Lost;

pub const WORDS: Words = Words {
    video_call: "Video call",
    unsupported_heading: "Video calls are not available here",
    enter_code_heading: "Join a video call",
    code_label: "Your code",
    continue_button: "Continue",
    code_format: "A code is 4 to 64 letters and digits.",
    invalid_code: "This link is not valid or has expired. Please ask the agent for a new link.",
    checking_code: "Checking your code...",
    your_code: "Your code: ",
    join: "Join Video Room",
    connecting: "Connecting...",
    waiting_for_agent: "Waiting for agent to join...",
    waiting_for: "Waiting for {{name}} to join...",
    agent_here: "{{name}} is here. Join when you are ready.",
    your_agent: "Your agent: {{name}}",
    agent_not_connected: crate::api::AGENT_NOT_CONNECTED,
    unreachable: "The service could not be reached. Please try again.",
    unreachable_reload: "The service could not be reached. Please reload the page to try again.",
    try_again: "Try again",
    seat_taken: "You joined from another tab or device.",
    use_this_tab: "Use this tab instead",
    reconnecting: crate::sync_wait::RECONNECTING_TEXT,
    wait_timed_out: Lost::TokenExpired.text(),
    wait_denied: Lost::Denied.text(),
    wait_failed: Lost::Failed.text(),
    wait_unreachable: Lost::Unreachable.text(),
    too_many_attempts_one: "Too many attempts. Try again in 1 second.",
    too_many_attempts: "Too many attempts. Try again in {{seconds}} seconds.",
    over_replaced: over_text(EndReason::Replaced),
    over_expired: over_text(EndReason::Expired),
    over_ended_by_agent: over_text(EndReason::EndedByAgent),
    over_timed_out: over_text(EndReason::TimedOut),
    over_ended: over_text(EndReason::Completed),
    end_room_completed: end_reason_text(DisconnectReason::RoomCompleted),
    end_duplicate_identity: end_reason_text(DisconnectReason::DuplicateIdentity),
    end_token_expired: end_reason_text(DisconnectReason::TokenExpired),
    end_token_invalid: end_reason_text(DisconnectReason::TokenInvalid),
    end_room_full: end_reason_text(DisconnectReason::RoomFull),
    end_room_not_found: end_reason_text(DisconnectReason::RoomNotFound),
    end_network: end_reason_text(DisconnectReason::Network),
    call_ended: "Your call has ended",
    rating_question: "How was your call? (1 = poor, 5 = excellent)",
    comment_label: "Comment (optional)",
    send_feedback: "Send feedback",
    sending: "Sending...",
    choose_rating: "Please choose a rating from 1 to 5.",
    comment_too_long: "Please keep the comment under 1000 characters.",
    feedback_thanks: "Thank you for your feedback.",
    already_rated: "This call has already been rated. Thank you.",
    feedback_failed: "Your feedback could not be sent. Please try again.",
};
