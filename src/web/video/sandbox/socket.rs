//! The signaling WebSocket: typed messages in and out (`JSON.parse`/`JSON.stringify` plus
//! serde-wasm-bindgen, no JSON parser in the WASM), listeners released on drop.

use crate::protocol::{ClientMessage, ServerMessage};
use crate::web::dom::Listener;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, WebSocket};

#[must_use = "dropping the socket closes it"]
pub struct Socket {
    ws: WebSocket,
    _listeners: [Listener; 3],
}

impl Socket {
    /// Opens the socket; `on_open` runs once it is open, `on_message` for every well-formed
    /// message, `on_close` when it closes for any reason.
    pub fn open(
        url: &str,
        on_open: impl FnMut() + 'static,
        mut on_message: impl FnMut(ServerMessage) + 'static,
        mut on_close: impl FnMut() + 'static,
    ) -> Result<Socket, JsValue> {
        let ws = WebSocket::new(url)?;
        let mut on_open = on_open;
        let open = Listener::new(&ws, "open", move |_| on_open());
        let message = Listener::new(&ws, "message", move |event| {
            let Some(text) = event
                .dyn_ref::<MessageEvent>()
                .and_then(|e| e.data().as_string())
            else {
                return;
            };
            match super::super::wire::server(&text) {
                Some(message) => on_message(message),
                None => web_sys::console::warn_1(&"unexpected signaling message".into()),
            }
        });
        let close = Listener::new(&ws, "close", move |_| on_close());
        Ok(Socket {
            ws,
            _listeners: [open, message, close],
        })
    }

    pub fn send(&self, message: &ClientMessage) {
        if let Some(text) = super::super::wire::client(message) {
            // A socket that is closing drops the message; `close` follows.
            let _ = self.ws.send_with_str(&text);
        }
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        let _ = self.ws.close();
    }
}
