//! Small DOM helpers for the video views and pages: elements with a class, text-only content
//! (anything untrusted goes through text nodes), buttons with owned click listeners.

use gloo_events::EventListener;
use wasm_bindgen::{JsCast, UnwrapThrowExt};
use web_sys::{Document, Element, HtmlButtonElement, HtmlElement};

pub fn document() -> Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect_throw("a document")
}

/// `<tag class=…>`.
pub fn el(tag: &str, class: &str) -> HtmlElement {
    let e: HtmlElement = document()
        .create_element(tag)
        .expect_throw("create element")
        .unchecked_into();
    if !class.is_empty() {
        e.set_class_name(class);
    }
    e
}

/// `<tag class=…>text</tag>`, text as a text node.
pub fn text(tag: &str, class: &str, content: &str) -> HtmlElement {
    let e = el(tag, class);
    e.set_text_content(Some(content));
    e
}

/// A `<button type=button>` and its click listener (dropping the listener detaches it).
pub fn button(
    label: &str,
    role: &str,
    on_click: impl FnMut() + 'static,
) -> (HtmlButtonElement, EventListener) {
    let b: HtmlButtonElement = el("button", "ctv-button").unchecked_into();
    b.set_type("button");
    b.set_text_content(Some(label));
    let _ = b.set_attribute("data-role", role);
    let mut on_click = on_click;
    let listener = EventListener::new(&b, "click", move |_| on_click());
    (b, listener)
}

pub fn set_role(e: &Element, role: &str) {
    let _ = e.set_attribute("data-role", role);
}

pub fn show(e: &HtmlElement, visible: bool) {
    e.set_hidden(!visible);
}

/// Removes every child.
pub fn clear(e: &Element) {
    e.set_text_content(None);
}
