//! Picture-in-picture for the agent: a toggle on the customer's tile that pops their video out
//! into the browser's own floating window (`requestPictureInPicture()`) and back
//! (`document.exitPictureInPicture()`), so the agent keeps the customer in view while working
//! elsewhere in Flex. `aria-pressed` and the label follow the video's
//! `enterpictureinpicture`/`leavepictureinpicture` events, so closing the floating window from
//! its own controls shows too. Where `document.pictureInPictureEnabled` is not true there is
//! no button.

use crate::strings::{Strings, Text};
use crate::web::dom::{action, document, set_attr, set_role, set_text, Listener};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlButtonElement, HtmlVideoElement};

fn get(target: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(target, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// Calls `target.name()`; a missing method or a rejected promise is only logged: the button's
/// state follows the element's events, so nothing is shown wrongly.
fn call(target: &JsValue, name: &str) {
    let called = get(target, name)
        .dyn_into::<js_sys::Function>()
        .and_then(|f| f.call0(target));
    match called.map(|p| p.dyn_into::<js_sys::Promise>()) {
        Ok(Ok(promise)) => wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = wasm_bindgen_futures::JsFuture::from(promise).await {
                web_sys::console::warn_2(&"picture-in-picture refused".into(), &e);
            }
        }),
        Ok(Err(_)) => {}
        Err(e) => web_sys::console::warn_2(&"picture-in-picture unavailable".into(), &e),
    }
}

/// Whether this page may use picture-in-picture.
pub fn supported() -> bool {
    get(&document(), "pictureInPictureEnabled").as_bool() == Some(true)
}

fn is_popped_out(video: &HtmlVideoElement) -> bool {
    let current = get(&document(), "pictureInPictureElement");
    current.is_object() && js_sys::Object::is(&current, video)
}

/// The toggle for one video; dropping it removes its listeners (and leaves picture-in-picture
/// if that video is in it, so a departed participant's window does not linger).
pub struct Pip {
    button: HtmlButtonElement,
    video: HtmlVideoElement,
    _listeners: [Listener; 3],
}

fn show(button: &HtmlButtonElement, on: bool, strings: &Strings) {
    set_text(
        button,
        strings.get(if on {
            Text::PopInVideo
        } else {
            Text::PopOutVideo
        }),
    );
    set_attr(button, "aria-pressed", if on { "true" } else { "false" });
}

impl Pip {
    /// `None` where the browser offers no picture-in-picture.
    pub fn new(video: &HtmlVideoElement, strings: &Strings) -> Option<Pip> {
        if !supported() {
            return None;
        }
        let target = video.clone();
        let (button, click) = action("", "picture-in-picture", move || {
            if is_popped_out(&target) {
                call(&document(), "exitPictureInPicture");
            } else {
                call(&target, "requestPictureInPicture");
            }
        });
        button.set_class_name("ctv-button ctv-pip");
        set_role(&button, "picture-in-picture");
        show(&button, false, strings);
        let on_event = |on: bool| {
            let (b, s) = (button.clone(), strings.clone());
            move |_: &web_sys::Event| show(&b, on, &s)
        };
        let enter = Listener::new(video, "enterpictureinpicture", on_event(true));
        let leave = Listener::new(video, "leavepictureinpicture", on_event(false));
        Some(Pip {
            button,
            video: video.clone(),
            _listeners: [click, enter, leave],
        })
    }

    pub fn button(&self) -> &HtmlButtonElement {
        &self.button
    }
}

impl Drop for Pip {
    fn drop(&mut self) {
        if is_popped_out(&self.video) {
            call(&document(), "exitPictureInPicture");
        }
        self.button.remove();
    }
}
