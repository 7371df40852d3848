//! The customer page's languages: which one to use for the browser's `navigator.languages`
//! ([`Language::choose`]: the first one shipped, else English), and, per language, the page's
//! own words ([`Words`]) and the call's texts ([`Language::strings`], the strings table with that
//! language's entries over the English defaults). Adding a language: a file beside `en.rs` and
//! `es.rs` with its `WORDS` and `CALL`, a variant here, and its tag in [`Language::tag`]; the
//! compiler asks for every word, and the tests for every text the call shows.

use crate::protocol::DisconnectReason;
use crate::session::EndReason;
use crate::strings::{render, Strings, Text, NAME};

mod en;
mod es;

/// A language the customer page speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    English,
    Spanish,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::English, Language::Spanish];

    /// The BCP 47 primary tag, for `<html lang>`.
    pub const fn tag(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Spanish => "es",
        }
    }

    /// The first of the browser's preferred languages (`navigator.languages`, most preferred
    /// first: `es-ES`, `en`, …) that the page speaks, by primary tag and case-insensitively;
    /// English when none is.
    pub fn choose<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Language {
        preferred
            .into_iter()
            .find_map(|tag| {
                let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
                Language::ALL
                    .into_iter()
                    .find(|l| l.tag().eq_ignore_ascii_case(primary))
            })
            .unwrap_or(Language::English)
    }

    /// The page's own words.
    pub const fn words(self) -> &'static Words {
        match self {
            Language::English => &en::WORDS,
            Language::Spanish => &es::WORDS,
        }
    }

    /// This language's entries for the strings table (the call's controls and announcements).
    pub const fn call_texts(self) -> &'static [(Text, &'static str)] {
        match self {
            Language::English => &[],
            Language::Spanish => es::CALL,
        }
    }

    /// The strings table in this language: its entries over the English defaults.
    pub fn strings(self) -> Strings {
        let entries = self.call_texts();
        Strings::from_lookup(|key| {
            entries
                .iter()
                .find(|(t, _)| t.key() == key)
                .map(|(_, v)| (*v).to_owned())
        })
    }
}

/// Every text of the customer page outside the call screen. `{{name}}` is a person's name,
/// `{{seconds}}` a number of seconds.
#[derive(Debug)]
pub struct Words {
    /// The page's heading (waiting, a session that is over).
    pub video_call: &'static str,
    pub unsupported_heading: &'static str,
    pub enter_code_heading: &'static str,
    pub code_label: &'static str,
    pub continue_button: &'static str,
    pub code_format: &'static str,
    pub invalid_code: &'static str,
    pub checking_code: &'static str,
    pub your_code: &'static str,
    pub join: &'static str,
    pub connecting: &'static str,
    /// "Waiting for the agent to join..." while the session does not know who.
    pub waiting_for_agent: &'static str,
    /// "Waiting for {{name}} to join...".
    pub waiting_for: &'static str,
    /// "{{name}} is here. Join when you are ready."
    pub agent_here: &'static str,
    /// The header's line about who the call is with: "Your agent: {{name}}".
    pub your_agent: &'static str,
    pub agent_not_connected: &'static str,
    pub unreachable: &'static str,
    pub unreachable_reload: &'static str,
    pub try_again: &'static str,
    pub seat_taken: &'static str,
    pub use_this_tab: &'static str,
    pub reconnecting: &'static str,
    pub wait_timed_out: &'static str,
    pub wait_denied: &'static str,
    pub wait_failed: &'static str,
    pub wait_unreachable: &'static str,
    /// "Too many attempts. Try again in 1 second."
    pub too_many_attempts_one: &'static str,
    /// "Too many attempts. Try again in {{seconds}} seconds."
    pub too_many_attempts: &'static str,
    pub over_replaced: &'static str,
    pub over_expired: &'static str,
    pub over_ended_by_agent: &'static str,
    pub over_timed_out: &'static str,
    pub over_ended: &'static str,
    pub end_room_completed: &'static str,
    pub end_duplicate_identity: &'static str,
    pub end_token_expired: &'static str,
    pub end_token_invalid: &'static str,
    pub end_room_full: &'static str,
    pub end_room_not_found: &'static str,
    pub end_network: &'static str,
    pub call_ended: &'static str,
    pub rating_question: &'static str,
    pub comment_label: &'static str,
    pub send_feedback: &'static str,
    pub sending: &'static str,
    pub choose_rating: &'static str,
    pub comment_too_long: &'static str,
    pub feedback_thanks: &'static str,
    pub already_rated: &'static str,
    pub feedback_failed: &'static str,
}

/// The placeholder for a number of seconds.
pub const SECONDS: &str = "seconds";

impl Words {
    /// What the page says when the session is over: what happened, and what to do.
    pub const fn over(&self, reason: EndReason) -> &'static str {
        match reason {
            EndReason::Replaced => self.over_replaced,
            EndReason::Expired => self.over_expired,
            EndReason::EndedByAgent => self.over_ended_by_agent,
            EndReason::TimedOut => self.over_timed_out,
            EndReason::WrappedUp
            | EndReason::Completed
            | EndReason::Canceled
            | EndReason::Transferred => self.over_ended,
        }
    }

    /// Why a call ended that the customer did not end; each reason its own sentence, matching
    /// what the agent's tab says for it (`room_state::service_text`).
    pub const fn end_reason(&self, reason: DisconnectReason) -> &'static str {
        match reason {
            DisconnectReason::RoomCompleted => self.end_room_completed,
            DisconnectReason::DuplicateIdentity => self.end_duplicate_identity,
            DisconnectReason::TokenExpired => self.end_token_expired,
            DisconnectReason::TokenInvalid => self.end_token_invalid,
            DisconnectReason::RoomFull => self.end_room_full,
            DisconnectReason::RoomNotFound => self.end_room_not_found,
            DisconnectReason::Network => self.end_network,
        }
    }

    /// "Waiting for Alice to join..." (or for the agent, until the session knows the name).
    pub fn waiting(&self, agent: Option<&str>) -> String {
        match agent {
            Some(name) => render(self.waiting_for, &[(NAME, name)]),
            None => self.waiting_for_agent.to_owned(),
        }
    }

    pub fn agent_here(&self, agent: &str) -> String {
        render(self.agent_here, &[(NAME, agent)])
    }

    pub fn your_agent(&self, agent: &str) -> String {
        render(self.your_agent, &[(NAME, agent)])
    }

    pub fn too_many_attempts(&self, retry_after_secs: u32) -> String {
        if retry_after_secs == 1 {
            return self.too_many_attempts_one.to_owned();
        }
        let mut secs = String::new();
        crate::decimal::push(&mut secs, u64::from(retry_after_secs));
        render(self.too_many_attempts, &[(SECONDS, &secs)])
    }

    /// What is wrong with the rating form.
    pub const fn rating_error(&self, e: &crate::rating::RatingError) -> &'static str {
        match e {
            crate::rating::RatingError::NoStars => self.choose_rating,
            crate::rating::RatingError::CommentTooLong => self.comment_too_long,
        }
    }

    /// Why the wait cannot go on in this page, and what to do.
    pub const fn lost(&self, lost: crate::sync_wait::Lost) -> &'static str {
        use crate::sync_wait::Lost;
        match lost {
            Lost::TokenExpired => self.wait_timed_out,
            Lost::Denied => self.wait_denied,
            Lost::Failed => self.wait_failed,
            Lost::Unreachable => self.wait_unreachable,
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
