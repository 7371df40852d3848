//! The video session of one task, the rules of its life, and what each page shows for it.
//!
//! A task has at most one live session. Its state is the data of one Sync document, named by the
//! customer's code (the "session document"): the host writes it, the customer's page watches it
//! live, the agent's tab reads what it needs through the host. The session ends once, for one
//! [`EndReason`], and never comes back; the link is refused from then on.
//!
//! ```text
//! created (link sent) ─agent joins→ agent present ⇄ agent away ─┬→ ended(reason)
//!        └───────── code expires before the customer joins ─────┘
//! ```

use crate::rating::Rating;
use serde::{Deserialize, Serialize};

wire_enum! {
    /// Why a session ended.
    pub enum EndReason {
        /// The agent wrapped up the task.
        WrappedUp = "wrapped_up",
        /// The task was completed (with or without wrap-up).
        Completed = "completed",
        /// TaskRouter canceled the task.
        Canceled = "canceled",
        /// The task went to another agent.
        Transferred = "transferred",
        /// The room's empty or unused timeout ran out.
        TimedOut = "timed_out",
        /// The agent clicked "End call for everyone".
        EndedByAgent = "ended_by_agent",
        /// The agent sent a new link, which retired this one.
        Replaced = "replaced",
        /// The code's time ran out before the customer joined.
        Expired = "expired",
    }
}

/// A sentence for a session that cannot be joined any more (the functions' 403 `error`; each
/// page says it its own way from the reason).
pub const fn session_over_text(reason: EndReason) -> &'static str {
    match reason {
        EndReason::Expired => "This video link has expired before anyone joined.",
        EndReason::Replaced => "This video link was replaced by a newer one.",
        _ => "This video session has ended.",
    }
}

/// The agent as the session knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agent {
    /// What the customer sees (the worker's `full_name`, else the identity). Untrusted text.
    pub name: String,
    /// The agent's video identity (their Flex identity).
    pub identity: String,
    /// The TaskRouter worker (`WK…`) who holds the task.
    pub worker: String,
    /// In the room now, as the agent's tab last reported.
    #[serde(default)]
    pub present: bool,
}

/// The session document's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// The task (`WT…`).
    pub task: String,
    /// The room (`RM…`), once the agent has joined.
    #[serde(default)]
    pub room: Option<String>,
    /// Unix milliseconds after which the link admits no customer who has not joined yet.
    pub code_valid_until: u64,
    /// A customer has joined: from then on the code's time no longer matters.
    #[serde(default)]
    pub customer_joined: bool,
    /// Set when the agent first asks to join.
    #[serde(default)]
    pub agent: Option<Agent>,
    /// The customer's name from the chat (untrusted text).
    #[serde(default)]
    pub customer_name: Option<String>,
    /// Unix milliseconds when the agent was first in the call.
    #[serde(default)]
    pub call_started_at: Option<u64>,
    /// Set once, when the session ends.
    #[serde(default)]
    pub ended: Option<EndReason>,
    /// Unix milliseconds of the end.
    #[serde(default)]
    pub ended_at: Option<u64>,
    /// The customer's rating; set once.
    #[serde(default)]
    pub rating: Option<Rating>,
    /// How many customer seats have been handed out (the next one is `seats_given % seats + 1`).
    #[serde(default)]
    pub seats_given: u32,
}

/// Why a code (or the agent's join) is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The session is over, for this reason.
    Ended(EndReason),
    /// The code's time ran out and no customer ever joined.
    Expired,
}

impl Session {
    /// A new session for `task` whose link admits a first customer until `code_valid_until`.
    pub fn new(task: &str, code_valid_until: u64, customer_name: Option<String>) -> Session {
        Session {
            task: task.to_owned(),
            room: None,
            code_valid_until,
            customer_joined: false,
            agent: None,
            customer_name,
            call_started_at: None,
            ended: None,
            ended_at: None,
            rating: None,
            seats_given: 0,
        }
    }

    pub fn is_live(&self) -> bool {
        self.ended.is_none()
    }

    /// Whether the link still lets someone in at `now`: the session is live and either a
    /// customer has already joined or the code's time has not run out.
    pub fn admits(&self, now_ms: u64) -> Result<(), Refusal> {
        match self.ended {
            Some(reason) => Err(Refusal::Ended(reason)),
            None if !self.customer_joined && now_ms > self.code_valid_until => {
                Err(Refusal::Expired)
            }
            None => Ok(()),
        }
    }

    /// The agent is in the room: the customer may be given a video token.
    pub fn agent_present(&self) -> bool {
        self.is_live() && self.agent.as_ref().is_some_and(|a| a.present)
    }

    /// Records the end (the first reason wins); answers whether this call ended it.
    pub fn end(&mut self, reason: EndReason, now_ms: u64) -> bool {
        if self.ended.is_some() {
            return false;
        }
        self.ended = Some(reason);
        self.ended_at = Some(now_ms);
        if let Some(agent) = &mut self.agent {
            agent.present = false;
        }
        true
    }

    /// The agent's presence as their tab reports it; the first time they are in marks the start
    /// of the call.
    pub fn set_agent_present(&mut self, present: bool, now_ms: u64) {
        if !self.is_live() {
            return;
        }
        if let Some(agent) = &mut self.agent {
            agent.present = present;
        }
        if present && self.call_started_at.is_none() {
            self.call_started_at = Some(now_ms);
        }
    }

    /// How long the call lasted, in whole seconds, once it has ended (from the agent's first
    /// join to the end); `None` if the agent never joined or the session is still live.
    pub fn call_secs(&self) -> Option<u64> {
        let start = self.call_started_at?;
        let end = self.ended_at?;
        Some(end.saturating_sub(start) / 1000)
    }

    /// The seat (1 to `seats`) for a customer: the one they already hold if they say so and it is
    /// a seat of this session, else the next one in turn (so with one seat a new tab takes it
    /// over). Advances the turn when a new seat is handed out.
    pub fn seat_for(&mut self, held: Option<u32>, seats: u32) -> u32 {
        let seats = seats.max(1);
        if let Some(seat) = held.filter(|s| (1..=seats).contains(s) && self.seats_given > 0) {
            return seat;
        }
        let seat = self.seats_given % seats + 1;
        self.seats_given = self.seats_given.saturating_add(1);
        seat
    }
}

/// The video identity of customer seat `seat` (1-based). Identities are per room, so each
/// session's seats are `customer-1`, `customer-2`, …; a second tab on a seat replaces the first
/// (Twilio's duplicate-identity rule).
pub fn seat_identity(seat: u32) -> String {
    let mut s = String::from(CUSTOMER_PREFIX);
    crate::decimal::push(&mut s, u64::from(seat));
    s
}

const CUSTOMER_PREFIX: &str = "customer-";

/// Whether a video identity is one of the customer's seats (else it is the agent).
pub fn is_customer_identity(identity: &str) -> bool {
    identity
        .strip_prefix(CUSTOMER_PREFIX)
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Why the host ends a live session it finds during its sweep, from the task as TaskRouter has
/// it: gone (TaskRouter deletes completed tasks) or completed, canceled, wrapping, or assigned to
/// a worker other than the session's agent. `None`: the agent still holds it.
pub fn end_for_task(task: Option<TaskNow<'_>>) -> Option<EndReason> {
    let Some(task) = task else {
        return Some(EndReason::Completed);
    };
    match task.status {
        "assigned" if task.held_by_agent => None,
        "assigned" | "pending" | "reserved" => Some(EndReason::Transferred),
        "wrapping" => Some(EndReason::WrappedUp),
        "canceled" => Some(EndReason::Canceled),
        _ => Some(EndReason::Completed),
    }
}

/// What the sweep knows of a task now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskNow<'a> {
    /// TaskRouter's `assignment_status`.
    pub status: &'a str,
    /// The session's agent (its worker) holds an accepted reservation for it.
    pub held_by_agent: bool,
}

#[cfg(test)]
mod tests;
