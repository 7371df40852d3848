//! Browser modules: DOM, HTTP, WebSocket and media. Present only on `wasm32`.

pub mod customer;
pub mod video;
