//! The wait in twilio mode: the session document through the `twilio-sync` SDK (loaded on
//! demand), opened with `open_existing`, and the client's connection state and token events
//! run through [`SyncWait`]: a token about to expire is replaced from `client-get-sync-token`,
//! a dropped connection says so and recovers, and an expired token, a denied or a failed
//! connection ends the wait with what to do. Every SDK listener is released with the watch.

use super::api::{self, ApiError};
use super::live::{deliver, LiveUpdate, OnUpdate};
use crate::api::{param, Endpoint, SyncTokenResponse};
use crate::session::Session;
use crate::sync_wait::{ConnectionState, RefreshFailure, Shown, SyncEvent, SyncWait};
use crate::web::dom::Timer;
use crate::web::emitter::SdkListener;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};

/// How long twilio-sync may take to open the document before the wait gives up (the SDK
/// itself retries forever when Twilio cannot be reached).
const SYNC_OPEN_TIMEOUT_MS: u32 = 15_000;

/// How long a dropped connection may take to come back before the wait gives up.
const RECONNECT_DEADLINE_MS: u32 = 60_000;

/// One client watching one document.
pub struct Watch {
    client: JsValue,
    code: String,
    on: OnUpdate,
    wait: RefCell<SyncWait>,
    /// The document's latest data, shown again once the connection is back.
    last: RefCell<Option<Session>>,
    listeners: RefCell<Vec<SdkListener>>,
    /// A dropped connection's deadline, cancelled with the watch.
    reconnect_deadline: RefCell<Option<Timer>>,
    stopped: Cell<bool>,
}

fn method(target: &JsValue, name: &str) -> Result<js_sys::Function, JsValue> {
    js_sys::Reflect::get(target, &name.into())?.dyn_into()
}

/// A promise that rejects after `ms`, and the timer behind it: dropping the timer (once the
/// race is decided) cancels it.
fn deadline(ms: u32) -> (js_sys::Promise, Timer) {
    let mut reject = None;
    let promise = js_sys::Promise::new(&mut |_, r| reject = Some(r));
    let timer = Timer::new(ms, move || {
        if let Some(reject) = reject {
            let _ = reject.call1(&JsValue::UNDEFINED, &"timed out".into());
        }
    });
    (promise, timer)
}

fn document_update(value: &JsValue) -> LiveUpdate {
    match crate::web::read::session(value) {
        Ok(doc) => LiveUpdate::Data(doc),
        Err(e) => {
            web_sys::console::warn_2(&"session document unreadable".into(), &JsValue::from(e));
            LiveUpdate::Failed
        }
    }
}

impl Watch {
    fn listen(
        self: &Rc<Self>,
        target: &JsValue,
        event: &'static str,
        handle: impl Fn(&Rc<Watch>, JsValue) + 'static,
    ) -> Result<(), JsValue> {
        let weak: Weak<Watch> = Rc::downgrade(self);
        let listener = SdkListener::new(target, event, move |a, _, _| {
            if let Some(watch) = weak.upgrade() {
                handle(&watch, a);
            }
        })?;
        self.listeners.borrow_mut().push(listener);
        Ok(())
    }

    /// Runs `event` through the wait and does what it says.
    fn event(self: &Rc<Self>, event: SyncEvent) {
        if self.stopped.get() {
            return;
        }
        let step = self.wait.borrow_mut().step(event);
        match step.show {
            Some(Shown::Document) => {
                if let Some(session) = self.last.borrow().clone() {
                    deliver(&self.on, LiveUpdate::Data(session));
                }
            }
            Some(Shown::Reconnecting) => deliver(&self.on, LiveUpdate::Interrupted),
            Some(Shown::Lost(lost)) => deliver(&self.on, LiveUpdate::Lost(lost)),
            Some(Shown::Over(reason)) => deliver(&self.on, LiveUpdate::Over(reason)),
            None => {}
        }
        if step.refresh {
            self.refresh();
        }
        if let Some(drop) = step.deadline {
            let weak = Rc::downgrade(self);
            let timer = Timer::new(RECONNECT_DEADLINE_MS, move || {
                if let Some(watch) = weak.upgrade() {
                    watch.event(SyncEvent::ReconnectDeadline(drop));
                }
            });
            *self.reconnect_deadline.borrow_mut() = Some(timer);
        }
        if step.stop {
            self.stop();
        }
    }

    fn document(&self, update: LiveUpdate) {
        if let LiveUpdate::Data(session) = &update {
            *self.last.borrow_mut() = Some(session.clone());
        }
        if self.wait.borrow().shown() == Shown::Document || !matches!(update, LiveUpdate::Data(_)) {
            deliver(&self.on, update);
        }
    }

    /// A new token from `client-get-sync-token` for the same code, into `updateToken`.
    fn refresh(self: &Rc<Self>) {
        let weak = Rc::downgrade(self);
        let code = self.code.clone();
        spawn_local(async move {
            let answer: Result<SyncTokenResponse, ApiError> = api::call(
                Endpoint::ClientGetSyncToken,
                &[(param::CODE, &code)],
                crate::web::read::sync_token,
            )
            .await;
            let Some(watch) = weak.upgrade() else { return };
            let event = match answer {
                Ok(sync) => match watch.update_token(&sync.token).await {
                    Ok(()) => SyncEvent::Refreshed,
                    Err(_) => SyncEvent::RefreshFailed(RefreshFailure::Unreachable),
                },
                Err(ApiError::Answer(a)) => SyncEvent::RefreshFailed(RefreshFailure::Answer(a)),
                Err(ApiError::Unreachable) => SyncEvent::RefreshFailed(RefreshFailure::Unreachable),
            };
            watch.event(event);
        });
    }

    async fn update_token(&self, token: &str) -> Result<(), JsValue> {
        let promise: js_sys::Promise = method(&self.client, "updateToken")?
            .call1(&self.client, &token.into())?
            .dyn_into()?;
        JsFuture::from(promise).await.map(drop)
    }

    /// Releases every listener and shuts the client down (once).
    pub fn stop(&self) {
        if self.stopped.replace(true) {
            return;
        }
        let listeners = std::mem::take(&mut *self.listeners.borrow_mut());
        drop(listeners);
        self.reconnect_deadline.borrow_mut().take();
        if let Ok(f) = method(&self.client, "shutdown") {
            let _ = f.call0(&self.client);
        }
    }
}

/// `new Twilio.Sync.Client(token)`, its connection and token events, then
/// `client.document({id, mode: 'open_existing'})` and its `updated`/`removed`.
pub async fn watch(
    sync: &SyncTokenResponse,
    code: String,
    assets_base: &str,
    on: OnUpdate,
) -> Result<Rc<Watch>, JsValue> {
    let mut src = assets_base.trim_end_matches('/').to_owned();
    src.push_str("/vendor/twilio-sync.min.js");
    let client_class: js_sys::Function =
        crate::web::video::load_script(&src, &["Twilio", "Sync", "Client"])
            .await
            .map_err(|()| JsValue::from_str("twilio-sync unavailable"))?
            .dyn_into()?;
    let client = js_sys::Reflect::construct(
        &client_class,
        &js_sys::Array::of1(&sync.token.as_str().into()),
    )?;
    let watch = Rc::new(Watch {
        client: client.clone(),
        code,
        on,
        wait: RefCell::default(),
        last: RefCell::default(),
        listeners: RefCell::default(),
        reconnect_deadline: RefCell::default(),
        stopped: Cell::new(false),
    });
    let opened = async {
        watch.listen(&client, "connectionStateChanged", |w, state| {
            if let Some(state) = state
                .as_string()
                .and_then(|s| ConnectionState::from_wire(&s))
            {
                w.event(SyncEvent::State(state));
            }
        })?;
        watch.listen(&client, "tokenAboutToExpire", |w, _| {
            w.event(SyncEvent::TokenAboutToExpire)
        })?;
        watch.listen(&client, "tokenExpired", |w, _| {
            w.event(SyncEvent::TokenExpired)
        })?;
        let options = js_sys::Object::new();
        js_sys::Reflect::set(&options, &"id".into(), &sync.document_sid.as_str().into())?;
        js_sys::Reflect::set(&options, &"mode".into(), &"open_existing".into())?;
        let promise: js_sys::Promise = method(&client, "document")?
            .call1(&client, &options)?
            .dyn_into()?;
        let (timeout, timer) = deadline(SYNC_OPEN_TIMEOUT_MS);
        let race = js_sys::Promise::race(&js_sys::Array::of2(&promise, &timeout));
        let document = JsFuture::from(race).await;
        drop(timer);
        let document = document?;
        watch.listen(&document, "updated", |w, event| {
            let data = js_sys::Reflect::get(&event, &"data".into()).unwrap_or(JsValue::UNDEFINED);
            w.document(document_update(&data));
        })?;
        watch.listen(&document, "removed", |w, _| w.document(LiveUpdate::Removed))?;
        Ok::<JsValue, JsValue>(document)
    };
    match opened.await {
        Ok(document) => {
            let data = js_sys::Reflect::get(&document, &"data".into())?;
            watch.document(document_update(&data));
            Ok(watch)
        }
        Err(e) => {
            watch.stop();
            Err(e)
        }
    }
}
