//! Browser modules: DOM, HTTP, WebSocket and media. Present only on `wasm32`.
//!
//! The shell sees [`Plugin`] and [`Mounted`]; everything else is internal, with `JsValue`
//! confined to the edges ([`flex`], [`http`], the exported methods).
//!
//! Two entry points, each behind its cargo feature so each browser module carries only its
//! own: `plugin` (the Flex plugin: button, tab, Flex glue, wrap-up guard) and `customer` (the
//! customer page). The call ([`video`]), DOM, HTTP and [`Mounted`] are shared.

#[cfg(feature = "plugin")]
pub mod button;
#[cfg(feature = "plugin")]
pub mod connector;
#[cfg(feature = "plugin")]
pub mod context;
#[cfg(feature = "customer")]
pub mod customer;
pub mod dom;
pub mod emitter;
#[cfg(feature = "plugin")]
pub mod error;
#[cfg(feature = "plugin")]
pub mod flex;
pub mod http;
pub mod icons;
#[cfg(feature = "plugin")]
pub mod invite;
pub mod mounted;
#[cfg(feature = "plugin")]
pub mod plugin;
pub mod read;
#[cfg(feature = "plugin")]
pub mod room_claim;
pub mod style;
#[cfg(feature = "plugin")]
pub mod tab;
mod tokens;
pub mod video;

#[cfg(feature = "plugin")]
pub use error::{PluginError, PluginErrorCode};
pub use mounted::Mounted;
#[cfg(feature = "plugin")]
pub use plugin::Plugin;
