//! Watching the session document: the sandbox's live-document socket, or the `twilio-sync` SDK
//! in twilio mode ([`super::sync`]). Dropping the subscription closes it and releases its
//! listeners.

use crate::api::{Provider, SyncTokenResponse};
use crate::session::{EndReason, Session};
#[cfg(feature = "sandbox")]
use crate::web::dom::Listener;
use crate::web::video::media::error_name;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;

/// What the subscription reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveUpdate {
    Data(Session),
    /// The document is gone: the code expired.
    Removed,
    /// The room behind the code was completed (the sandbox says so; Sync has no such event).
    #[cfg_attr(not(feature = "sandbox"), allow(dead_code))]
    Completed,
    /// The subscription was refused or lost.
    Failed,
    /// The connection dropped; the client is reconnecting (the document follows once back).
    Interrupted,
    /// The wait cannot go on in this page: what happened and what to do.
    Lost(crate::sync_wait::Lost),
    /// A new token was refused because the session is over.
    Over(EndReason),
}

pub type OnUpdate = Rc<dyn Fn(LiveUpdate)>;

#[must_use = "dropping the subscription closes it"]
pub enum Subscription {
    #[cfg(feature = "sandbox")]
    Sandbox {
        ws: web_sys::WebSocket,
        _listeners: [Listener; 3],
    },
    Twilio(Rc<super::sync::Watch>),
}

pub(super) fn deliver(on: &OnUpdate, update: LiveUpdate) {
    let on = on.clone();
    spawn_local(async move { on(update) });
}

/// The sandbox's live-document socket (the page a twilio-mode host serves is built without it).
#[cfg(feature = "sandbox")]
mod socket {
    use super::{deliver, LiveUpdate, OnUpdate, Subscription};
    use crate::protocol::{LiveClientMessage, LiveServerMessage};
    use crate::web::dom::Listener;
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;
    use web_sys::{MessageEvent, WebSocket};

    pub(super) fn open(url: &str, token: String, on: OnUpdate) -> Result<Subscription, JsValue> {
        let ws = WebSocket::new(url)?;
        let socket = ws.clone();
        let open = Listener::new(&ws, "open", move |_| {
            if let Some(text) = crate::web::video::wire::live(&LiveClientMessage::Subscribe {
                token: token.clone(),
            }) {
                let _ = socket.send_with_str(&text);
            }
        });
        // After a last word (removed, completed, refused) the close that follows says nothing new.
        let finished = Rc::new(std::cell::Cell::new(false));
        let (on_message, finished_message) = (on.clone(), finished.clone());
        let message = Listener::new(&ws, "message", move |event| {
            let parsed = event
                .dyn_ref::<MessageEvent>()
                .and_then(|e| e.data().as_string())
                .and_then(|text| crate::web::video::wire::live_server(&text));
            let update = match parsed {
                Some(LiveServerMessage::Document { data, .. }) => LiveUpdate::Data(data),
                Some(LiveServerMessage::Removed) => LiveUpdate::Removed,
                Some(LiveServerMessage::Completed) => LiveUpdate::Completed,
                Some(LiveServerMessage::Error { .. }) | None => LiveUpdate::Failed,
            };
            if !matches!(update, LiveUpdate::Data(_)) {
                finished_message.set(true);
            }
            deliver(&on_message, update);
        });
        let close = Listener::new(&ws, "close", move |_| {
            if !finished.get() {
                deliver(&on, LiveUpdate::Failed);
            }
        });
        Ok(Subscription::Sandbox {
            ws,
            _listeners: [open, message, close],
        })
    }
}

impl Subscription {
    /// Starts watching; the result arrives through `done` (twilio mode loads the SDK first).
    pub fn start(
        sync: SyncTokenResponse,
        code: String,
        assets_base: String,
        on: OnUpdate,
        done: impl FnOnce(Subscription) + 'static,
    ) {
        match (sync.provider, sync.sync_url.clone()) {
            #[cfg(feature = "sandbox")]
            (Provider::Sandbox, Some(url)) => match socket::open(&url, sync.token, on.clone()) {
                Ok(sub) => done(sub),
                Err(_) => deliver(&on, LiveUpdate::Failed),
            },
            (Provider::Sandbox, _) => deliver(&on, LiveUpdate::Failed),
            (Provider::Twilio, _) => spawn_local(async move {
                match super::sync::watch(&sync, code, &assets_base, on.clone()).await {
                    Ok(watch) => done(Subscription::Twilio(watch)),
                    Err(e) => {
                        web_sys::console::warn_2(
                            &"live document failed".into(),
                            &error_name(&e).into(),
                        );
                        deliver(&on, LiveUpdate::Failed);
                    }
                }
            }),
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        match self {
            #[cfg(feature = "sandbox")]
            Subscription::Sandbox { ws, .. } => {
                let _ = ws.close();
            }
            Subscription::Twilio(watch) => watch.stop(),
        }
    }
}
