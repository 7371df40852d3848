//! Browser modules: DOM, HTTP, WebSocket and media. Present only on `wasm32`.
//!
//! The shell sees [`Plugin`] and [`Mounted`]; everything else is internal, with `JsValue`
//! confined to the edges ([`flex`], [`http`], the exported methods).

pub mod button;
pub mod connector;
pub mod context;
pub mod customer;
pub mod dom;
pub mod emitter;
pub mod error;
pub mod flex;
pub mod http;
pub mod icons;
pub mod invite;
pub mod mounted;
pub mod plugin;
pub mod room_claim;
pub mod style;
pub mod tab;
mod tokens;
pub mod video;

pub use error::{PluginError, PluginErrorCode};
pub use mounted::Mounted;
pub use plugin::Plugin;
