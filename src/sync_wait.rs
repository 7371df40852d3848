//! The customer's wait on the twilio-sync client, as a pure state machine: the client's
//! connection state and token events in, what the waiting screen says and what the browser does
//! (fetch a new token, stop the client) out. The browser side is `web::customer::sync`.
//!
//! ```text
//! opening ─connected→ watching ⇄ reconnecting (disconnected, connecting, retrying)
//!    │                   │ tokenAboutToExpire → fetch a token (client-get-sync-token) → updateToken
//!    └───────────────────┴─ tokenExpired, denied, error, refused refresh, reconnecting past its
//!                             deadline → over (says what to do)
//! ```
//!
//! An hour-long wait outlives the Sync token, and a connection can drop: each ends in a
//! recovery (a new token; the document again once connected) or a sentence that says what
//! happened and what to do, never in a "Waiting..." that nothing will ever change.

use crate::customer::CodeAnswer;
use crate::session::EndReason;

wire_enum! {
    /// twilio-sync's `ConnectionState` (twilsock's: `connectionStateChanged` and
    /// `client.connectionState`).
    pub enum ConnectionState {
        Unknown = "unknown",
        Connecting = "connecting",
        Connected = "connected",
        Disconnecting = "disconnecting",
        Disconnected = "disconnected",
        Retrying = "retrying",
        /// The token was refused: a new one is needed.
        Denied = "denied",
        /// Permanent: the client must be created again.
        Error = "error",
    }
}

/// What the client reported, or how a refresh went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncEvent {
    State(ConnectionState),
    /// Three minutes before the token's expiry.
    TokenAboutToExpire,
    TokenExpired,
    /// The new token was handed to `updateToken`.
    Refreshed,
    /// `client-get-sync-token` did not give a new token.
    RefreshFailed(RefreshFailure),
    /// The time given to the drop numbered so ([`Step::deadline`]) has run out.
    ReconnectDeadline(u32),
}

/// Why a refresh gave no token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshFailure {
    /// The functions answered: the code is spent or unknown, or something else they said.
    Answer(CodeAnswer),
    /// No answer (or `updateToken` rejected): the old token still runs until it expires.
    Unreachable,
}

/// Why the wait cannot go on in this page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lost {
    /// The token ran out before a new one could be set.
    TokenExpired,
    /// Sync refused the page's token.
    Denied,
    /// The client is in its permanent error state.
    Failed,
    /// The connection stayed down longer than [`Step::deadline`] allows.
    Unreachable,
}

impl Lost {
    /// What happened and what to do.
    pub const fn text(self) -> &'static str {
        match self {
            Lost::TokenExpired => "Your wait has timed out. Please reload the page to keep waiting.",
            Lost::Denied => {
                "The video service stopped accepting this page. Please reload the page to keep waiting."
            }
            Lost::Failed => {
                "The connection to the video service failed. Please reload the page to try again."
            }
            Lost::Unreachable => {
                "The connection to the video service was lost. Please check your internet connection and reload the page."
            }
        }
    }
}

/// While the connection is down, the waiting screen says so (and Join waits).
pub const RECONNECTING_TEXT: &str = "Connection lost. Reconnecting...";

/// What the waiting screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// What the session document says (waiting for the agent, the agent is here, over).
    Document,
    /// [`RECONNECTING_TEXT`].
    Reconnecting,
    /// The wait ended in this page ([`Lost::text`]); the client is stopped.
    Lost(Lost),
    /// The refresh was refused because the session is over.
    Over(EndReason),
}

/// What one event changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Step {
    /// A new screen, if it changed.
    pub show: Option<Shown>,
    /// Fetch a new token from `client-get-sync-token` and hand it to `updateToken`.
    pub refresh: bool,
    /// Stop the client (`shutdown`) and its listeners.
    pub stop: bool,
    /// The connection just dropped (this drop's number): give it a while to come back, then
    /// send [`SyncEvent::ReconnectDeadline`] with the number.
    pub deadline: Option<u32>,
}

/// The wait's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncWait {
    shown: Shown,
    connected_once: bool,
    refreshing: bool,
    /// How many times the connection has dropped.
    drops: u32,
}

impl Default for SyncWait {
    fn default() -> Self {
        SyncWait {
            shown: Shown::Document,
            connected_once: false,
            refreshing: false,
            drops: 0,
        }
    }
}

impl SyncWait {
    pub fn shown(&self) -> Shown {
        self.shown
    }

    fn finished(&self) -> bool {
        matches!(self.shown, Shown::Lost(_) | Shown::Over(_))
    }

    fn show(&mut self, shown: Shown) -> Step {
        let stop = matches!(shown, Shown::Lost(_) | Shown::Over(_));
        if self.shown == shown {
            return Step::default();
        }
        self.shown = shown;
        let deadline = if shown == Shown::Reconnecting {
            self.drops += 1;
            Some(self.drops)
        } else {
            None
        };
        Step {
            show: Some(shown),
            refresh: false,
            stop,
            deadline,
        }
    }

    /// The next state for `event`. Once the wait is over nothing changes it.
    pub fn step(&mut self, event: SyncEvent) -> Step {
        if self.finished() {
            return Step::default();
        }
        match event {
            SyncEvent::State(ConnectionState::Connected) => {
                self.connected_once = true;
                self.show(Shown::Document)
            }
            SyncEvent::State(ConnectionState::Denied) => self.show(Shown::Lost(Lost::Denied)),
            SyncEvent::State(ConnectionState::Error) => self.show(Shown::Lost(Lost::Failed)),
            // Before the first connection the document's opening (and its deadline) decides.
            SyncEvent::State(_) if !self.connected_once => Step::default(),
            SyncEvent::State(_) => self.show(Shown::Reconnecting),
            SyncEvent::TokenAboutToExpire if self.refreshing => Step::default(),
            SyncEvent::TokenAboutToExpire => {
                self.refreshing = true;
                Step {
                    refresh: true,
                    ..Step::default()
                }
            }
            SyncEvent::TokenExpired => self.show(Shown::Lost(Lost::TokenExpired)),
            SyncEvent::ReconnectDeadline(drop)
                if drop == self.drops && self.shown == Shown::Reconnecting =>
            {
                self.show(Shown::Lost(Lost::Unreachable))
            }
            SyncEvent::ReconnectDeadline(_) => Step::default(),
            SyncEvent::Refreshed => {
                self.refreshing = false;
                Step::default()
            }
            SyncEvent::RefreshFailed(failure) => {
                self.refreshing = false;
                match failure {
                    RefreshFailure::Answer(CodeAnswer::Over(reason)) => {
                        self.show(Shown::Over(reason))
                    }
                    // The code is gone (its document too): the link has expired.
                    RefreshFailure::Answer(CodeAnswer::InvalidCode) => {
                        self.show(Shown::Over(EndReason::Expired))
                    }
                    // The old token still runs; `tokenExpired` says so if nothing helps.
                    RefreshFailure::Answer(_) | RefreshFailure::Unreachable => Step::default(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
