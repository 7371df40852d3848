//! A small DOM toolkit for the components: element creation that only ever sets text (never
//! HTML), event listeners that remove themselves on drop, the shared stylesheet (added while
//! any component is mounted), and counters of live listeners and components so tests can
//! prove that freeing a component releases everything.

use gloo_events::EventListener;
use std::cell::Cell;
use wasm_bindgen::{JsCast, UnwrapThrowExt};
use web_sys::{Document, Element, Event, EventTarget, HtmlButtonElement};

const SVG_NS: &str = "http://www.w3.org/2000/svg";

thread_local! {
    static LIVE_LISTENERS: Cell<usize> = const { Cell::new(0) };
    static LIVE_COMPONENTS: Cell<usize> = const { Cell::new(0) };
    static STYLE_USERS: Cell<usize> = const { Cell::new(0) };
}

/// Listeners this crate has registered and not yet removed.
pub fn live_listeners() -> usize {
    LIVE_LISTENERS.with(Cell::get)
}

/// Counts a listener registered elsewhere (the SDK listeners of [`crate::web::emitter`]).
pub(crate) fn count_listener(added: bool) {
    LIVE_LISTENERS.with(|n| {
        n.set(if added {
            n.get() + 1
        } else {
            n.get().saturating_sub(1)
        })
    });
}

/// Components (button, tab) whose state is still alive.
pub fn live_components() -> usize {
    LIVE_COMPONENTS.with(Cell::get)
}

pub fn document() -> Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect_throw("chat-to-video: no document")
}

/// An event listener that is removed when dropped.
#[must_use = "the listener is removed when dropped"]
pub struct Listener {
    _inner: EventListener,
}

impl Listener {
    pub fn new(
        target: &EventTarget,
        event: &'static str,
        callback: impl FnMut(&Event) + 'static,
    ) -> Listener {
        LIVE_LISTENERS.with(|n| n.set(n.get() + 1));
        Listener {
            _inner: EventListener::new(target, event, callback),
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        LIVE_LISTENERS.with(|n| n.set(n.get().saturating_sub(1)));
    }
}

/// Held by each component's state; counts it as alive.
#[must_use = "the component stops counting as alive when dropped"]
pub struct LiveComponent(());

impl LiveComponent {
    pub fn new() -> LiveComponent {
        LIVE_COMPONENTS.with(|n| n.set(n.get() + 1));
        LiveComponent(())
    }
}

impl Default for LiveComponent {
    fn default() -> Self {
        LiveComponent::new()
    }
}

impl Drop for LiveComponent {
    fn drop(&mut self) {
        LIVE_COMPONENTS.with(|n| n.set(n.get().saturating_sub(1)));
    }
}

/// `<tag class="class">`.
pub fn element(doc: &Document, tag: &str, class: &str) -> Element {
    let el = doc.create_element(tag).expect_throw("create_element");
    if !class.is_empty() {
        el.set_class_name(class);
    }
    el
}

/// `<button type="button" class="class">text</button>`.
pub fn button(doc: &Document, class: &str, text: &str) -> HtmlButtonElement {
    let b: HtmlButtonElement = element(doc, "button", class).unchecked_into();
    b.set_type("button");
    set_text(&b, text);
    b
}

/// Sets an element's text (as text: markup in `text` is shown, not parsed).
pub fn set_text(el: &Element, text: &str) {
    if el.text_content().as_deref() != Some(text) {
        el.set_text_content(Some(text));
    }
}

pub fn set_attr(el: &Element, name: &str, value: &str) {
    let _ = el.set_attribute(name, value);
}

/// Shows or hides with the `hidden` attribute.
pub fn set_shown(el: &Element, shown: bool) {
    if shown {
        let _ = el.remove_attribute("hidden");
    } else {
        set_attr(el, "hidden", "");
    }
}

pub fn append(parent: &Element, child: &Element) {
    parent.append_child(child).expect_throw("append_child");
}

/// The video camera icon, as SVG.
pub fn camera_icon(doc: &Document) -> Element {
    let svg = doc
        .create_element_ns(Some(SVG_NS), "svg")
        .expect_throw("create_element_ns");
    set_attr(&svg, "viewBox", "0 0 24 24");
    set_attr(&svg, "width", "18");
    set_attr(&svg, "height", "18");
    set_attr(&svg, "fill", "currentColor");
    set_attr(&svg, "aria-hidden", "true");
    set_attr(&svg, "focusable", "false");
    let path = doc
        .create_element_ns(Some(SVG_NS), "path")
        .expect_throw("create_element_ns");
    set_attr(
        &path,
        "d",
        "M3 6h11a1 1 0 0 1 1 1v3.2l5-3.2v10l-5-3.2V17a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1z",
    );
    append(&svg, &path);
    svg
}

const STYLE_ID: &str = "chat-to-video-style";
/// The shared stylesheet. In the tab, the call's own "Reconnecting..." banner is hidden: the
/// tab's status line says it, from `manager.strings`.
const CSS: &str = "\
.c2v [hidden],.c2v[hidden]{display:none!important}\
.c2v-video-button{display:inline-flex;align-items:center;justify-content:center;min-width:32px;height:32px;padding:0 6px;border:1px solid currentColor;border-radius:4px;background:transparent;color:inherit;cursor:pointer}\
.c2v-video-button:disabled{cursor:progress;opacity:.6}\
.c2v-video-button[data-state=error]{color:#c41f1f}\
.c2v-spinner{display:inline-block;width:14px;height:14px;border:2px solid currentColor;border-right-color:transparent;border-radius:50%;animation:c2v-spin .8s linear infinite}\
@keyframes c2v-spin{to{transform:rotate(360deg)}}\
.c2v-tab{display:flex;flex-direction:column;gap:12px;padding:16px}\
.c2v-actions{display:flex;flex-wrap:wrap;gap:8px}\
.c2v-tab button{align-self:flex-start;min-height:44px;padding:6px 14px;border-radius:4px;border:1px solid currentColor;background:transparent;color:inherit;cursor:pointer}\
.c2v-tab button:disabled{cursor:progress;border-style:dashed}\
.c2v-tab .c2v-join,.c2v-tab .c2v-new-link[data-primary=true]{background:#0263e0;border-color:#0263e0;color:#fff}\
.c2v-error,.c2v-tab .c2v-end-all{color:#c41f1f}\
.c2v-summary{font-weight:600;margin:0}\
.c2v-notice{margin:0}\
@media (prefers-color-scheme:dark){.c2v-error,.c2v-tab .c2v-end-all{color:#ff9c9c}.c2v-video-button[data-state=error]{color:#ff9c9c}}\
.c2v-media:empty{display:none}\
.c2v-media [hidden]{display:none}\
.c2v-media .ctv-call{position:relative;background:#111;border-radius:6px;padding:6px;min-height:200px}\
.c2v-media .ctv-remote{margin:0}\
.c2v-media .ctv-remote[data-screen=on]{display:grid;grid-template-columns:3fr 1fr;gap:6px;align-items:start}\
.c2v-media .ctv-remote[data-screen=on] [data-role=remote-screen]{grid-area:1/1}\
.c2v-media .ctv-remote[data-screen=on] [data-role=remote-video]{grid-area:1/2}\
.c2v-media .ctv-remote[data-screen=on] .ctv-caption{grid-column:1/-1}\
.c2v-media .ctv-video{width:100%;background:#000;border-radius:4px;display:block}\
.c2v-media .ctv-caption{color:#fff;font-size:12px;display:flex;gap:8px;padding:2px 0}\
.c2v-media .ctv-local{position:absolute;right:12px;bottom:12px;width:25%;max-width:160px;border:2px solid #fff}\
.c2v-media .ctv-waiting{color:#ddd;text-align:center;padding:48px 0;margin:0}\
.c2v-media .ctv-controls{display:flex;gap:8px;margin-top:8px}\
.c2v-media .ctv-button[aria-pressed=true]{background:#c41f1f;border-color:#c41f1f;color:#fff}\
.c2v-media .ctv-announce{margin:6px 0 0;min-height:1.4em}\
.c2v-media .ctv-banner{display:none!important}\
.c2v-rating{border-top:1px solid #ccc;padding-top:8px}\
.c2v-rating p{margin:0 0 4px}\
.c2v-rating-comment{white-space:pre-wrap;font-style:italic}";

/// Keeps the shared stylesheet in `<head>` while alive; the last one out removes it.
#[must_use = "the stylesheet is removed when the last guard is dropped"]
pub struct StyleGuard(());

impl StyleGuard {
    pub fn new(doc: &Document) -> StyleGuard {
        let users = STYLE_USERS.with(|n| {
            n.set(n.get() + 1);
            n.get()
        });
        if users == 1 || doc.get_element_by_id(STYLE_ID).is_none() {
            let style = element(doc, "style", "");
            style.set_id(STYLE_ID);
            set_text(&style, CSS);
            if let Some(head) = doc.head() {
                append(&head, &style);
            }
        }
        StyleGuard(())
    }
}

impl Drop for StyleGuard {
    fn drop(&mut self) {
        let users = STYLE_USERS.with(|n| {
            n.set(n.get().saturating_sub(1));
            n.get()
        });
        if users == 0 {
            if let Some(style) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(STYLE_ID))
            {
                style.remove();
            }
        }
    }
}
