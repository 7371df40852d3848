//! Chat-to-video escalation for Twilio Flex.
//!
//! The pure modules compile on every target and are shared with `plugin-host`;
//! the browser modules (`web`) exist only on `wasm32`.

#[macro_use]
mod wire_enum;

pub mod api;
pub mod attributes;
pub mod blur;
pub mod brand;
pub mod code;
pub mod config;
pub mod customer;
mod decimal;
pub mod devices;
pub mod language;
pub mod network_quality;
pub mod notifications;
pub mod prejoin;
pub mod protocol;
pub mod rating;
pub mod room_state;
pub mod rules;
pub mod session;
pub mod sid;
pub mod strings;
pub mod sync_wait;

#[cfg(target_arch = "wasm32")]
pub mod web;

/// The browser modules allocate through talc rather than Rust's default
/// dlmalloc: the same behaviour for a single-threaded module in fewer bytes
/// (`docs/performance.md`, "Getting the bundle to 80,000 B", item 9).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
