//! Browser modules: DOM, HTTP, WebSocket and media. Present only on `wasm32`.
