//! Chat-to-video escalation for Twilio Flex.
//!
//! The pure modules compile on every target and are shared with `plugin-host`;
//! the browser modules (`web`) exist only on `wasm32`.

pub mod api;
pub mod attributes;
pub mod code;
pub mod customer;
pub mod protocol;

#[cfg(target_arch = "wasm32")]
pub mod web;
