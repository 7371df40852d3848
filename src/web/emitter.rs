//! Listeners on the SDKs' Node-style event emitters (`on`/`removeListener`: twilio-video's
//! room, twilio-sync's client and documents), removed when dropped, like the DOM listeners of
//! [`crate::web::dom::Listener`], and counted with them ([`crate::web::dom::live_listeners`]).

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// Anything with Node's `on(event, listener)` and `removeListener(event, listener)`.
    pub type Emitter;
    #[wasm_bindgen(method, catch)]
    fn on(this: &Emitter, event: &str, listener: &js_sys::Function) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = removeListener)]
    fn remove_listener(
        this: &Emitter,
        event: &str,
        listener: &js_sys::Function,
    ) -> Result<JsValue, JsValue>;
}

type Callback = Closure<dyn FnMut(JsValue, JsValue, JsValue)>;

/// One listener on an SDK object; the SDK passes up to three arguments.
#[must_use = "the listener is removed from the SDK object when dropped"]
pub struct SdkListener {
    target: Emitter,
    event: &'static str,
    callback: Option<Callback>,
}

impl SdkListener {
    /// `target.on(event, callback)`; an object that is no emitter is an error, not a panic.
    pub fn new(
        target: &JsValue,
        event: &'static str,
        callback: impl FnMut(JsValue, JsValue, JsValue) + 'static,
    ) -> Result<SdkListener, JsValue> {
        SdkListener::boxed(target, event, Box::new(callback))
    }

    /// The listener itself, built once rather than once per caller's closure type.
    fn boxed(
        target: &JsValue,
        event: &'static str,
        callback: Box<dyn FnMut(JsValue, JsValue, JsValue)>,
    ) -> Result<SdkListener, JsValue> {
        let target: Emitter = target.clone().unchecked_into();
        let callback: Callback = Closure::wrap(callback);
        target.on(event, callback.as_ref().unchecked_ref())?;
        crate::web::dom::count_listener(true);
        Ok(SdkListener {
            target,
            event,
            callback: Some(callback),
        })
    }
}

impl Drop for SdkListener {
    fn drop(&mut self) {
        crate::web::dom::count_listener(false);
        let Some(callback) = self.callback.take() else {
            return;
        };
        let _ = self
            .target
            .remove_listener(self.event, callback.as_ref().unchecked_ref());
        // The listener may be dropped from inside its own call (a `disconnected` that ends the
        // room): a closure cannot be freed while it runs, so it goes from a task of its own.
        wasm_bindgen_futures::spawn_local(async move { drop(callback) });
    }
}
