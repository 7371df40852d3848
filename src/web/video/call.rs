//! The in-call screen shared by the customer page and the agent's tab: the call view plus
//! mute and camera, and (customer) screen share and leave.

use super::dom::{button, el, set_role, show, text};
use super::view::CallView;
use super::{Room, VideoEvent};
use gloo_events::EventListener;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlButtonElement, HtmlElement};

/// Which controls a call screen has besides mute and camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Controls {
    pub screen_share: bool,
    pub leave: bool,
}

#[must_use = "dropping the call leaves the room and removes its screen"]
pub struct Call {
    pub room: Room,
    root: HtmlElement,
    view: RefCell<CallView>,
    mute: HtmlButtonElement,
    camera: HtmlButtonElement,
    screen: HtmlButtonElement,
    banner: HtmlElement,
    error: HtmlElement,
    listeners: RefCell<Vec<EventListener>>,
}

fn pressed(b: &HtmlButtonElement, on: bool, label: &str) {
    b.set_text_content(Some(label));
    let _ = b.set_attribute("aria-pressed", if on { "true" } else { "false" });
}

impl Call {
    /// Renders into `parent`; `leave` runs when the person clicks Leave.
    pub fn new(
        room: Room,
        parent: &HtmlElement,
        controls_wanted: Controls,
        waiting: &str,
        leave: impl Fn() + 'static,
    ) -> Rc<Call> {
        let root = el("section", "ctv-in-call");
        let _ = root.set_attribute("aria-label", "Video call");
        let view = CallView::new(waiting);
        view.set_local(Some(&room.local_stream()));
        let banner = text("p", "ctv-banner", "Reconnecting...");
        set_role(&banner, "reconnecting");
        let _ = banner.set_attribute("role", "status");
        show(&banner, false);
        let error = text("p", "ctv-error", "");
        let _ = error.set_attribute("role", "alert");
        set_role(&error, "call-error");
        let controls = el("div", "ctv-controls");
        let (mute, l_mute) = button("Mute", "mute", || {});
        let (camera, l_camera) = button("Stop camera", "camera", || {});
        let (screen, l_screen) = button("Share screen", "screen", || {});
        let (leave_b, l_leave) = button("Leave", "leave", leave);
        show(&screen, controls_wanted.screen_share);
        show(&leave_b, controls_wanted.leave);
        for b in [&mute, &camera, &screen, &leave_b] {
            let _ = controls.append_child(b);
        }
        let _ = root.append_child(&banner);
        let _ = root.append_child(view.element());
        let _ = root.append_child(&controls);
        let _ = root.append_child(&error);
        let _ = parent.append_child(&root);
        let call = Rc::new(Call {
            room,
            root,
            view: RefCell::new(view),
            mute,
            camera,
            screen,
            banner,
            error,
            listeners: RefCell::new(vec![l_mute, l_camera, l_screen, l_leave]),
        });
        call.refresh();
        call.wire();
        call
    }

    fn wire(self: &Rc<Self>) {
        let weak = Rc::downgrade(self);
        let on = |weak: &Weak<Call>, f: fn(Rc<Call>)| {
            let weak = weak.clone();
            move |_: &web_sys::Event| {
                if let Some(call) = weak.upgrade() {
                    f(call);
                }
            }
        };
        // Replace the placeholder listeners with ones that reach this call.
        let mut listeners = self.listeners.borrow_mut();
        listeners[0] = EventListener::new(
            &self.mute,
            "click",
            on(&weak, |c| {
                c.room.set_microphone(!c.room.microphone_enabled());
                c.refresh();
            }),
        );
        listeners[1] = EventListener::new(
            &self.camera,
            "click",
            on(&weak, |c| {
                c.camera.set_disabled(true);
                spawn_local(async move {
                    let result = c.room.set_camera(!c.room.camera_enabled()).await;
                    c.camera.set_disabled(false);
                    c.report(result.err().map(|e| e.message()));
                    c.view.borrow().set_local(Some(&c.room.local_stream()));
                    c.refresh();
                });
            }),
        );
        listeners[2] = EventListener::new(
            &self.screen,
            "click",
            on(&weak, |c| {
                if c.room.sharing_screen() {
                    c.room.stop_screen_share();
                    c.view.borrow().set_local_screen(None);
                    c.refresh();
                    return;
                }
                c.screen.set_disabled(true);
                spawn_local(async move {
                    let result = c.room.start_screen_share().await;
                    c.screen.set_disabled(false);
                    match result {
                        Ok(track) => {
                            c.report(None);
                            c.view.borrow().set_local_screen(track.as_ref());
                        }
                        Err(e) => c.report(Some(e.message())),
                    }
                    c.refresh();
                });
            }),
        );
    }

    fn report(&self, message: Option<&str>) {
        self.error.set_text_content(message);
    }

    fn refresh(&self) {
        let mic = self.room.microphone_enabled();
        pressed(&self.mute, !mic, if mic { "Mute" } else { "Unmute" });
        let cam = self.room.camera_enabled();
        pressed(
            &self.camera,
            !cam,
            if cam { "Stop camera" } else { "Start camera" },
        );
        let sharing = self.room.sharing_screen();
        pressed(
            &self.screen,
            sharing,
            if sharing {
                "Stop sharing"
            } else {
                "Share screen"
            },
        );
    }

    pub fn apply(&self, event: &VideoEvent) {
        self.view.borrow_mut().apply(event);
        match event {
            VideoEvent::Reconnecting => show(&self.banner, true),
            VideoEvent::Reconnected => show(&self.banner, false),
            VideoEvent::ScreenShareEnded => self.refresh(),
            _ => {}
        }
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        self.room.disconnect();
        self.root.remove();
    }
}
