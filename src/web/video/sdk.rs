//! Loading a vendor script on demand (`twilio-video` only in twilio mode): one `<script>` per
//! URL, awaited through its load/error events.

use crate::web::dom::Listener;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The global a loaded script defines (`window.Twilio.Video`), if it is there.
pub fn global(path: &[&str]) -> Option<JsValue> {
    let mut value: JsValue = web_sys::window()?.into();
    for key in path {
        value = js_sys::Reflect::get(&value, &JsValue::from_str(key)).ok()?;
        if value.is_undefined() || value.is_null() {
            return None;
        }
    }
    Some(value)
}

/// Adds `<script src>` unless `path` already exists, and waits for it.
pub async fn load(src: &str, path: &[&str]) -> Result<JsValue, ()> {
    if let Some(v) = global(path) {
        return Ok(v);
    }
    let document = web_sys::window().and_then(|w| w.document()).ok_or(())?;
    let script: web_sys::HtmlScriptElement = document
        .create_element("script")
        .map_err(|_| ())?
        .unchecked_into();
    script.set_src(src);
    let listeners: Rc<RefCell<Vec<Listener>>> = Rc::default();
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        let mut l = listeners.borrow_mut();
        l.push(Listener::once(&script, "load", move |_| {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }));
        l.push(Listener::once(&script, "error", move |_| {
            let _ = reject.call0(&JsValue::UNDEFINED);
        }));
    });
    let head = document.head().ok_or(())?;
    head.append_child(&script).map_err(|_| ())?;
    let loaded = JsFuture::from(done).await;
    drop(listeners);
    loaded.map_err(|_| ())?;
    global(path).ok_or(())
}
