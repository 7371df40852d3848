//! The crate's one DOM toolkit, for the button, the tab, the call and the customer page:
//! element creation that only ever sets text (never HTML: anything untrusted goes through text
//! nodes), buttons with owned click listeners, event listeners and timers that release
//! themselves on drop, and counters of live listeners, timers and components so tests can
//! prove that freeing a component releases everything.

use gloo_events::{EventListener, EventListenerOptions};
use gloo_timers::callback::Timeout;
use std::cell::Cell;
use wasm_bindgen::{JsCast, UnwrapThrowExt};
use web_sys::{Document, Element, Event, EventTarget, HtmlButtonElement, HtmlElement};

thread_local! {
    static LIVE_LISTENERS: Cell<usize> = const { Cell::new(0) };
    static LIVE_TIMERS: Cell<usize> = const { Cell::new(0) };
    static LIVE_COMPONENTS: Cell<usize> = const { Cell::new(0) };
}

fn count(counter: &'static std::thread::LocalKey<Cell<usize>>, added: bool) {
    counter.with(|n| {
        n.set(if added {
            n.get() + 1
        } else {
            n.get().saturating_sub(1)
        })
    });
}

/// Listeners this crate has registered and not yet removed.
pub fn live_listeners() -> usize {
    LIVE_LISTENERS.with(Cell::get)
}

/// Counts a listener registered elsewhere (the SDK listeners of [`crate::web::emitter`]).
pub(crate) fn count_listener(added: bool) {
    count(&LIVE_LISTENERS, added);
}

/// Timers this crate has started that have neither fired nor been dropped.
pub fn live_timers() -> usize {
    LIVE_TIMERS.with(Cell::get)
}

/// Components (button, tab, customer page) whose state is still alive.
pub fn live_components() -> usize {
    LIVE_COMPONENTS.with(Cell::get)
}

pub fn document() -> Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect_throw("chat-to-video: no document")
}

/// A DOM event listener that is removed when dropped.
#[must_use = "the listener is removed when dropped"]
pub struct Listener {
    _inner: EventListener,
}

impl Listener {
    fn counted(inner: EventListener) -> Listener {
        count(&LIVE_LISTENERS, true);
        Listener { _inner: inner }
    }

    // Each public constructor only boxes its callback: the listener's machinery is built once,
    // in the non-generic functions below, not once per call site's closure type.

    pub fn new(
        target: &EventTarget,
        event: &'static str,
        callback: impl FnMut(&Event) + 'static,
    ) -> Listener {
        Listener::each(target, event, None, Box::new(callback))
    }

    /// Runs at most once (and is still removed if dropped first).
    pub fn once(
        target: &EventTarget,
        event: &'static str,
        callback: impl FnOnce(&Event) + 'static,
    ) -> Listener {
        Listener::first(target, event, Box::new(callback))
    }

    /// A listener that may call `preventDefault` (a form's `submit`).
    pub fn preventing(
        target: &EventTarget,
        event: &'static str,
        callback: impl FnMut(&Event) + 'static,
    ) -> Listener {
        let options = EventListenerOptions::enable_prevent_default();
        Listener::each(target, event, Some(options), Box::new(callback))
    }

    fn each(
        target: &EventTarget,
        event: &'static str,
        options: Option<EventListenerOptions>,
        callback: Box<dyn FnMut(&Event)>,
    ) -> Listener {
        Listener::counted(match options {
            Some(options) => EventListener::new_with_options(target, event, options, callback),
            None => EventListener::new(target, event, callback),
        })
    }

    fn first(
        target: &EventTarget,
        event: &'static str,
        callback: Box<dyn FnOnce(&Event)>,
    ) -> Listener {
        Listener::counted(EventListener::once(target, event, callback))
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        count(&LIVE_LISTENERS, false);
    }
}

/// A one-shot timer (gloo-timers' `Timeout`): dropping it before it fires cancels it.
#[must_use = "the timer is cancelled when dropped"]
pub struct Timer {
    inner: Option<Timeout>,
    fired: std::rc::Rc<Cell<bool>>,
}

impl Timer {
    pub fn new(millis: u32, callback: impl FnOnce() + 'static) -> Timer {
        Timer::boxed(millis, Box::new(callback))
    }

    /// The timer itself, built once rather than once per caller's closure type.
    fn boxed(millis: u32, callback: Box<dyn FnOnce()>) -> Timer {
        count(&LIVE_TIMERS, true);
        let fired = std::rc::Rc::new(Cell::new(false));
        let flag = fired.clone();
        let inner = Timeout::new(millis, move || {
            flag.set(true);
            count(&LIVE_TIMERS, false);
            callback();
        });
        Timer {
            inner: Some(inner),
            fired,
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let Some(timeout) = self.inner.take() {
            if !self.fired.get() {
                count(&LIVE_TIMERS, false);
            }
            // Dropping a gloo `Timeout` clears it.
            drop(timeout);
        }
    }
}

/// Held by each component's state; counts it as alive.
#[must_use = "the component stops counting as alive when dropped"]
pub struct LiveComponent(());

impl LiveComponent {
    pub fn new() -> LiveComponent {
        count(&LIVE_COMPONENTS, true);
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
        count(&LIVE_COMPONENTS, false);
    }
}

/// `<tag class="class">`.
pub fn el(tag: &str, class: &str) -> HtmlElement {
    let e: HtmlElement = document()
        .create_element(tag)
        .expect_throw("create_element")
        .unchecked_into();
    if !class.is_empty() {
        e.set_class_name(class);
    }
    e
}

/// `<tag class="class">content</tag>`, the content as a text node.
pub fn text(tag: &str, class: &str, content: &str) -> HtmlElement {
    let e = el(tag, class);
    e.set_text_content(Some(content));
    e
}

/// `<button type="button" class="class">label</button>`.
pub fn button(class: &str, label: &str) -> HtmlButtonElement {
    let b: HtmlButtonElement = el("button", class).unchecked_into();
    b.set_type("button");
    set_text(&b, label);
    b
}

/// A `ctv-button` with `data-role=role` and its click listener (dropping it detaches it).
pub fn action(
    label: &str,
    role: &str,
    mut on_click: impl FnMut() + 'static,
) -> (HtmlButtonElement, Listener) {
    let b = button("ctv-button", label);
    set_role(&b, role);
    let listener = Listener::new(&b, "click", move |_| on_click());
    (b, listener)
}

/// Sets an element's text (as text: markup in `text` is shown, not parsed).
pub fn set_text(el: &Element, text: &str) {
    if el.text_content().as_deref() != Some(text) {
        el.set_text_content(Some(text));
    }
}

/// Sets an attribute (a refused name is ignored, as the browser leaves the element as it was).
pub fn set_attr(el: &Element, name: &str, value: &str) {
    let _ = el.set_attribute(name, value);
}

/// `data-role`, the hook tests and the stylesheet find elements by.
pub fn set_role(el: &Element, role: &str) {
    set_attr(el, "data-role", role);
}

/// Shows or hides with the `hidden` attribute.
pub fn set_shown(el: &Element, shown: bool) {
    if shown {
        let _ = el.remove_attribute("hidden");
    } else {
        set_attr(el, "hidden", "");
    }
}

/// Appends `child` (a refused append, which only a node inside its own child can meet, is
/// ignored). One function rather than the import's call and its error path at every site.
pub fn append(parent: &Element, child: &Element) {
    let _ = parent.append_child(child);
}

/// Removes every child.
pub fn clear(el: &Element) {
    el.set_text_content(None);
}
