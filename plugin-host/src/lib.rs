//! `plugin-host`: the functions API of chat-to-video escalation over one Twilio REST client, and
//! the sandbox (a SQLite-backed stand-in for the Twilio REST subset) served by the same process.

pub mod app;
pub mod assets;
pub mod client_address;
pub mod clock;
pub mod config;
pub mod custom_data;
pub mod customer_module;
pub mod edge;
pub mod functions;
pub mod observe;
pub mod params;
pub mod plugin_bundle;
pub mod ratelimit;
pub mod sandbox;
pub mod tokens;
pub mod twilio;

/// The socket client the integration tests use, shared with the tests in here.
#[cfg(test)]
#[path = "../tests/common/sockets.rs"]
mod test_sockets;
#[cfg(test)]
mod test_sockets_tests;

pub use app::{routes, AppState};
