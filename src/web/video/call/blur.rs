//! The call bar's background blur toggle: shown where the browser offers it
//! ([`crate::blur::Features::offer_blur`]), pressed while the person wants blur (remembered in
//! this browser), the library fetched from the host only at the first "on". A failure shows the
//! camera as it is and says so ([`crate::blur::Failure::outcome`]), and so does a processor
//! that stops working mid-call ([`VideoEvent::BlurStopped`](crate::web::video::VideoEvent)).

use super::{control, pressed, Call};
use crate::blur::{self as rules, Failure, Step};
use crate::strings::{Strings, Text};
use crate::web::dom::set_attr;
use crate::web::dom::{set_shown, Listener};
use crate::web::icons::paste;
use crate::web::video::blur::{self, Processor};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlButtonElement;

pub(super) struct BlurToggle {
    pub(super) button: HtmlButtonElement,
    /// Where the library is served from (the functions' or the page's origin).
    base: String,
    /// The person's choice: on survives the camera going off and on.
    wanted: Cell<bool>,
    processor: RefCell<Option<Processor>>,
    listener: RefCell<Option<Listener>>,
}

impl BlurToggle {
    pub(super) fn new(strings: &Strings, base: String) -> BlurToggle {
        let (label, _) = rules::toggle(false);
        let (button, listener) = control(
            "blur",
            "ctv-button ctv-control",
            strings.get(label),
            paste::BLUR,
            || {},
        );
        set_attr(&button, "title", strings.get(Text::BlurHint));
        let features = blur::features();
        set_shown(&button, features.offer_blur());
        BlurToggle {
            button,
            base,
            wanted: Cell::new(rules::wanted_at_start(blur::remembered(), features)),
            processor: RefCell::new(None),
            listener: RefCell::new(Some(listener)),
        }
    }

    pub(super) fn refresh(&self, strings: &Strings) {
        let (label, on) = rules::toggle(self.wanted.get());
        pressed(&self.button, on, strings.get(label), paste::BLUR);
    }
}

impl Call {
    /// Listens to the toggle and starts blurred if the person left it on.
    pub(super) fn wire_blur(self: &Rc<Self>) {
        let weak: Weak<Call> = Rc::downgrade(self);
        let listener = Listener::new(&self.blur.button, "click", move |_| {
            if let Some(call) = weak.upgrade() {
                let on = !call.blur.wanted.get();
                call.blur.wanted.set(on);
                blur::remember(on);
                call.apply_blur();
            }
        });
        *self.blur.listener.borrow_mut() = Some(listener);
        self.apply_blur();
    }

    /// Makes the camera follow the choice (after a click, joining, or the camera coming back).
    pub(super) fn apply_blur(self: &Rc<Self>) {
        self.blur.refresh(&self.strings);
        let room = &self.room;
        match rules::step(
            self.blur.wanted.get(),
            room.blurring(),
            room.camera_enabled(),
        ) {
            Step::Nothing => return,
            Step::Unblur => {
                let _ = room.set_blur(None);
                return self.show_local();
            }
            // Disabled: the library is loading already.
            Step::Blur if self.blur.button.disabled() => return,
            Step::Blur => {}
        }
        self.blur.button.set_disabled(true);
        // The task holds the call weakly: leaving while the library loads ends the call at once.
        let weak = Rc::downgrade(self);
        let cached = self.blur.processor.borrow().clone();
        let base = self.blur.base.clone();
        spawn_local(async move {
            let loaded = match cached {
                Some(p) => Ok(p),
                None => blur::load(&base).await,
            };
            let Some(call) = weak.upgrade() else { return };
            call.blur.button.set_disabled(false);
            match call.blurred(loaded) {
                Ok(()) => call.report(None),
                Err(failure) => call.blur_failed(failure),
            }
            call.show_local();
        });
    }

    /// Sends the camera through the loaded processor (kept for the next time), unless the
    /// person changed their mind meanwhile.
    fn blurred(&self, loaded: Result<Processor, Failure>) -> Result<(), Failure> {
        let processor = loaded?;
        *self.blur.processor.borrow_mut() = Some(processor.clone());
        if rules::step(
            self.blur.wanted.get(),
            self.room.blurring(),
            self.room.camera_enabled(),
        ) != Step::Blur
        {
            return Ok(());
        }
        self.room
            .set_blur(Some(&processor))
            .map_err(|_| Failure::Pipeline)
    }

    /// The processor stopped working mid-call: the camera is sent as it is again, the toggle
    /// is off, and the person is told. The processor is not reused; turning blur on again
    /// builds a new one.
    pub(super) fn blur_stopped(&self) {
        if !self.room.blurring() {
            return;
        }
        let _ = self.room.set_blur(None);
        self.blur.processor.borrow_mut().take();
        self.blur_failed(Failure::Stopped);
        self.show_local();
    }

    fn blur_failed(&self, failure: Failure) {
        let outcome = failure.outcome();
        self.blur.wanted.set(false);
        blur::remember(false);
        self.blur.refresh(&self.strings);
        if outcome.hide {
            set_shown(&self.blur.button, false);
        }
        self.report(Some(self.strings.get(outcome.notice)));
    }

    fn show_local(&self) {
        self.view
            .borrow()
            .set_local(Some(&self.room.local_stream()));
    }
}
