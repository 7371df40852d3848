//! Watching the session document: the sandbox's live-document socket, or the `twilio-sync` SDK
//! (loaded on demand) in twilio mode. Dropping the subscription closes it and releases its
//! listeners.

use crate::api::{Provider, SyncTokenResponse};
use crate::protocol::{LiveClientMessage, LiveServerMessage};
use crate::session::Session;
use crate::web::video::media::error_name;
use gloo_events::EventListener;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{MessageEvent, WebSocket};

/// What the subscription reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveUpdate {
    Data(Session),
    /// The document is gone: the code expired.
    Removed,
    /// The room behind the code was completed.
    Completed,
    /// The subscription was refused or lost.
    Failed,
}

pub type OnUpdate = Rc<dyn Fn(LiveUpdate)>;

#[must_use = "dropping the subscription closes it"]
pub enum Subscription {
    Sandbox {
        ws: WebSocket,
        _listeners: [EventListener; 3],
    },
    Twilio {
        client: JsValue,
        _listeners: Vec<Closure<dyn FnMut(JsValue)>>,
    },
}

fn deliver(on: &OnUpdate, update: LiveUpdate) {
    let on = on.clone();
    spawn_local(async move { on(update) });
}

fn sandbox(url: &str, token: String, on: OnUpdate) -> Result<Subscription, JsValue> {
    let ws = WebSocket::new(url)?;
    let socket = ws.clone();
    let open = EventListener::new(&ws, "open", move |_| {
        if let Some(text) = crate::web::video::wire::live(&LiveClientMessage::Subscribe {
            token: token.clone(),
        }) {
            let _ = socket.send_with_str(&text);
        }
    });
    // After a last word (removed, completed, refused) the close that follows says nothing new.
    let finished = Rc::new(std::cell::Cell::new(false));
    let (on_message, finished_message) = (on.clone(), finished.clone());
    let message = EventListener::new(&ws, "message", move |event| {
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
    let close = EventListener::new(&ws, "close", move |_| {
        if !finished.get() {
            deliver(&on, LiveUpdate::Failed);
        }
    });
    Ok(Subscription::Sandbox {
        ws,
        _listeners: [open, message, close],
    })
}

fn document_update(value: &JsValue) -> LiveUpdate {
    match serde_wasm_bindgen::from_value::<Session>(value.clone()) {
        Ok(doc) => LiveUpdate::Data(doc),
        Err(_) => LiveUpdate::Failed,
    }
}

/// How long twilio-sync may take to open the document before the wait gives up (the SDK
/// itself retries forever when Twilio cannot be reached).
const SYNC_OPEN_TIMEOUT_MS: i32 = 15_000;

fn shutdown(client: &JsValue) {
    if let Ok(f) = js_sys::Reflect::get(client, &"shutdown".into())
        .and_then(|f| f.dyn_into::<js_sys::Function>())
    {
        let _ = f.call0(client);
    }
}

/// A promise that rejects after `ms`.
fn deadline(ms: i32) -> js_sys::Promise {
    js_sys::Promise::new(&mut |_, reject| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&reject, ms);
        }
    })
}

/// `new Twilio.Sync.Client(token)`, `client.document(sid)`, then `updated`/`removed`.
async fn twilio(
    sync: &SyncTokenResponse,
    assets_base: &str,
    on: OnUpdate,
) -> Result<Subscription, JsValue> {
    let src = format!(
        "{}/vendor/twilio-sync.min.js",
        assets_base.trim_end_matches('/')
    );
    let client_class: js_sys::Function =
        crate::web::video::load_script(&src, &["Twilio", "Sync", "Client"])
            .await
            .map_err(|()| JsValue::from_str("twilio-sync unavailable"))?
            .dyn_into()?;
    let client = js_sys::Reflect::construct(
        &client_class,
        &js_sys::Array::of1(&sync.token.as_str().into()),
    )?;
    let opened = async {
        let open: js_sys::Function =
            js_sys::Reflect::get(&client, &"document".into())?.dyn_into()?;
        let promise: js_sys::Promise = open
            .call1(&client, &sync.document_sid.as_str().into())?
            .dyn_into()?;
        let race = js_sys::Promise::race(&js_sys::Array::of2(
            &promise,
            &deadline(SYNC_OPEN_TIMEOUT_MS),
        ));
        JsFuture::from(race).await
    };
    let document = match opened.await {
        Ok(d) => d,
        Err(e) => {
            shutdown(&client);
            return Err(e);
        }
    };
    deliver(
        &on,
        document_update(&js_sys::Reflect::get(&document, &"data".into())?),
    );
    let on_updated = on.clone();
    let updated = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let data = js_sys::Reflect::get(&event, &"data".into()).unwrap_or(JsValue::UNDEFINED);
        deliver(&on_updated, document_update(&data));
    });
    let removed = Closure::<dyn FnMut(JsValue)>::new(move |_| deliver(&on, LiveUpdate::Removed));
    let subscribe: js_sys::Function = js_sys::Reflect::get(&document, &"on".into())?.dyn_into()?;
    subscribe.call2(&document, &"updated".into(), updated.as_ref())?;
    subscribe.call2(&document, &"removed".into(), removed.as_ref())?;
    Ok(Subscription::Twilio {
        client,
        _listeners: vec![updated, removed],
    })
}

impl Subscription {
    /// Starts watching; the result arrives through `done` (twilio mode loads the SDK first).
    pub fn start(
        sync: SyncTokenResponse,
        assets_base: String,
        on: OnUpdate,
        done: impl FnOnce(Subscription) + 'static,
    ) {
        match (sync.provider, sync.sync_url.clone()) {
            (Provider::Sandbox, Some(url)) => match sandbox(&url, sync.token, on.clone()) {
                Ok(sub) => done(sub),
                Err(_) => deliver(&on, LiveUpdate::Failed),
            },
            (Provider::Sandbox, None) => deliver(&on, LiveUpdate::Failed),
            (Provider::Twilio, _) => spawn_local(async move {
                match twilio(&sync, &assets_base, on.clone()).await {
                    Ok(sub) => done(sub),
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
            Subscription::Sandbox { ws, .. } => {
                let _ = ws.close();
            }
            Subscription::Twilio { client, .. } => shutdown(client),
        }
    }
}
