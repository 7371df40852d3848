//! How late the sandbox deletes what Twilio deletes late: expired Sync documents ("might not be
//! deleted immediately") and completed or canceled TaskRouter tasks (queued for deletion), so the
//! host is tested against both.

use super::values::parse_non_negative_f64;
use super::ConfigError;

/// The variables this file reads.
pub const VARIABLES: [&str; 2] = [
    "SANDBOX_SYNC_DELETE_DELAY_SECS",
    "SANDBOX_TASK_DELETE_DELAY_SECS",
];

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SandboxLag {
    /// Seconds an expired document is still read, listed and named before it is deleted
    /// (`SANDBOX_SYNC_DELETE_DELAY_SECS`, default 5).
    pub sync_delete_delay_secs: f64,
    /// Seconds a completed or canceled task stays before it is deleted
    /// (`SANDBOX_TASK_DELETE_DELAY_SECS`, default 300).
    pub task_delete_delay_secs: f64,
}

pub fn read(get: impl Fn(&'static str) -> Option<String>) -> Result<SandboxLag, ConfigError> {
    Ok(SandboxLag {
        sync_delete_delay_secs: parse_non_negative_f64(
            "SANDBOX_SYNC_DELETE_DELAY_SECS",
            get("SANDBOX_SYNC_DELETE_DELAY_SECS"),
            5.0,
        )?,
        task_delete_delay_secs: parse_non_negative_f64(
            "SANDBOX_TASK_DELETE_DELAY_SECS",
            get("SANDBOX_TASK_DELETE_DELAY_SECS"),
            300.0,
        )?,
    })
}
