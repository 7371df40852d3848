//! The in-call screen shared by the customer page and the agent's tab: the call view, mute and
//! camera, screen share, and (customer) leave or (agent) picture-in-picture. Who is who comes from [`Names`]: the other
//! party's tile carries their name, and what they do (join, leave, come back, mute, camera,
//! screen) is said in a live region, and in the picture while nobody is there. Every text is the
//! strings table's.

mod blur;
mod devices;

use super::table::Table;
use super::view::CallView;
use super::{Room, TrackName, VideoError, VideoEvent};
use crate::session::is_customer_identity;
use crate::strings::{Strings, Text};
use crate::web::dom::{action, clear, el, set_role, set_shown, text, Listener};
use crate::web::dom::{append, set_attr};
use crate::web::icons::{self, paste};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlButtonElement, HtmlElement};

/// Which controls a call screen has besides mute and camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Controls {
    pub screen_share: bool,
    pub leave: bool,
    /// A picture-in-picture toggle on each remote tile (the agent's tab).
    pub picture_in_picture: bool,
}

/// Who the other party is, for captions and announcements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Names {
    /// The agent's view: every customer seat is the customer.
    Customer { name: String },
    /// The customer's view: the agent, by identity.
    Agent { identity: String, name: String },
}

impl Names {
    /// The name to show for `identity`, and whether it is the other party.
    fn of(&self, identity: &str) -> (String, bool) {
        match self {
            Names::Customer { name } if is_customer_identity(identity) => (name.clone(), true),
            Names::Agent {
                identity: agent,
                name,
            } if agent == identity => (name.clone(), true),
            _ => (identity.to_owned(), false),
        }
    }

    /// The other party's name.
    pub fn other_name(&self) -> Option<&str> {
        Some(self.other())
    }

    fn other(&self) -> &str {
        match self {
            Names::Customer { name } | Names::Agent { name, .. } => name,
        }
    }
}

/// What a call screen needs besides the room.
pub struct CallSetup {
    /// Every text the screen shows, in the page's language.
    pub strings: Strings,
    /// What the picture says while nobody else is there.
    pub waiting: String,
    pub controls: Controls,
    pub names: Names,
    /// Where optional libraries (background blur) are served from.
    pub assets_base: String,
}

#[must_use = "dropping the call leaves the room and removes its screen"]
pub struct Call {
    pub room: Room,
    root: HtmlElement,
    view: RefCell<CallView>,
    mute: HtmlButtonElement,
    camera: HtmlButtonElement,
    screen: HtmlButtonElement,
    blur: blur::BlurToggle,
    banner: HtmlElement,
    announce: HtmlElement,
    error: HtmlElement,
    /// The Devices control and its lists.
    devices: devices::CallDevices,
    strings: Strings,
    names: Names,
    /// Remote participants by sid: their name and whether they are the other party.
    present: RefCell<Table<(String, bool)>>,
    /// The other party was here and left: their return is "back", not "joined".
    other_left: Cell<bool>,
    listeners: RefCell<Vec<Listener>>,
}

/// A control of the call's bar: an icon above its visible label, which is its accessible name.
fn control(
    role: &str,
    class: &str,
    label: &str,
    icon: &[(&str, bool)],
    on_click: impl FnMut() + 'static,
) -> (HtmlButtonElement, Listener) {
    let (b, listener) = action("", role, on_click);
    b.set_class_name(class);
    show_control(&b, label, icon);
    (b, listener)
}

fn show_control(b: &HtmlButtonElement, label: &str, paths: &[(&str, bool)]) {
    if b.text_content().as_deref() == Some(label) && b.first_element_child().is_some() {
        return;
    }
    clear(b);
    append(b, &icons::icon(paths, 24));
    append(b, &text("span", "ctv-label", label));
}

/// A toggle: its label and icon say what a click does, `aria-pressed` that it is on.
fn pressed(b: &HtmlButtonElement, on: bool, label: &str, icon: &[(&str, bool)]) {
    show_control(b, label, icon);
    set_attr(b, "aria-pressed", if on { "true" } else { "false" });
}

impl Call {
    /// Renders into `parent`; `leave` runs when the person clicks Leave.
    pub fn new(
        room: Room,
        parent: &HtmlElement,
        setup: CallSetup,
        leave: impl Fn() + 'static,
    ) -> Rc<Call> {
        let CallSetup {
            strings,
            waiting,
            controls: wanted,
            names,
            assets_base,
        } = setup;
        let root = el("section", "ctv-in-call");
        set_attr(&root, "aria-label", strings.get(Text::VideoCall));
        let mut view = CallView::new(&waiting, &strings);
        view.set_picture_in_picture(wanted.picture_in_picture);
        view.set_local(Some(&room.local_stream()));
        let banner = text("p", "ctv-banner", strings.get(Text::Reconnecting));
        set_role(&banner, "reconnecting");
        set_attr(&banner, "role", "status");
        set_shown(&banner, false);
        let announce = text("p", "ctv-announce", "");
        set_role(&announce, "announcement");
        set_attr(&announce, "role", "status");
        set_attr(&announce, "aria-live", "polite");
        let error = text("p", "ctv-error", "");
        set_attr(&error, "role", "alert");
        set_role(&error, "call-error");
        let controls = el("div", "ctv-controls");
        set_attr(&controls, "role", "group");
        set_attr(&controls, "aria-label", strings.get(Text::CallControls));
        let toggle = "ctv-button ctv-control";
        let (mute, l_mute) = control(
            "mute",
            toggle,
            strings.get(Text::Mute),
            paste::MICROPHONE_ON,
            || {},
        );
        let (camera, l_camera) = control(
            "camera",
            toggle,
            strings.get(Text::StopCamera),
            paste::VIDEO_ON,
            || {},
        );
        let (screen, l_screen) = control(
            "screen",
            toggle,
            strings.get(Text::ShareScreen),
            paste::SCREEN_SHARE,
            || {},
        );
        let leave_class = "ctv-button ctv-control ctv-leave";
        let (leave_b, l_leave) = control(
            "leave",
            leave_class,
            strings.get(Text::Leave),
            paste::LEAVE,
            leave,
        );
        let blur = blur::BlurToggle::new(&strings, assets_base);
        set_shown(&screen, wanted.screen_share);
        set_shown(&leave_b, wanted.leave);
        let (devices, l_devices) = devices::CallDevices::new(strings.get(devices::LABEL));
        for b in [
            &mute,
            &camera,
            &blur.button,
            &screen,
            &devices.button,
            &leave_b,
        ] {
            append(&controls, b);
        }
        append(&root, &banner);
        append(&root, view.element());
        append(&root, &announce);
        append(&root, &controls);
        append(&root, &devices.panel);
        append(&root, &error);
        append(parent, &root);
        let call = Rc::new(Call {
            room,
            root,
            view: RefCell::new(view),
            mute,
            camera,
            screen,
            blur,
            banner,
            announce,
            error,
            devices,
            strings,
            names,
            present: RefCell::new(Table::default()),
            other_left: Cell::new(false),
            listeners: RefCell::new(vec![l_mute, l_camera, l_screen, l_leave, l_devices]),
        });
        call.refresh();
        call.wire();
        call.wire_blur();
        call
    }

    /// The first control, for focus after joining.
    pub fn first_control(&self) -> &HtmlButtonElement {
        &self.mute
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
        let devices = self.wire_devices();
        let mut listeners = self.listeners.borrow_mut();
        listeners[4] = devices;
        listeners[0] = Listener::new(
            &self.mute,
            "click",
            on(&weak, |c| {
                c.room.set_microphone(!c.room.microphone_enabled());
                c.refresh();
            }),
        );
        listeners[1] = Listener::new(
            &self.camera,
            "click",
            on(&weak, |c| {
                c.camera.set_disabled(true);
                spawn_local(async move {
                    let result = c.room.set_camera(!c.room.camera_enabled()).await;
                    c.camera.set_disabled(false);
                    c.report(result.err().map(|e| c.error_text(&e)).as_deref());
                    c.view.borrow().set_local(Some(&c.room.local_stream()));
                    c.refresh();
                    c.apply_blur();
                    c.relist(false);
                });
            }),
        );
        listeners[2] = Listener::new(
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
                        Err(e) => c.report(Some(&c.error_text(&e))),
                    }
                    c.refresh();
                });
            }),
        );
    }

    /// What a failed camera or screen share says (never a refusal by the service).
    fn error_text(&self, e: &VideoError) -> String {
        self.strings
            .get(e.text().unwrap_or(Text::CallError))
            .to_owned()
    }

    fn report(&self, message: Option<&str>) {
        self.error.set_text_content(message);
    }

    fn refresh(&self) {
        let s = &self.strings;
        let mic = self.room.microphone_enabled();
        let (label, icon) = if mic {
            (Text::Mute, paste::MICROPHONE_ON)
        } else {
            (Text::Unmute, paste::MICROPHONE_OFF)
        };
        pressed(&self.mute, !mic, s.get(label), icon);
        let cam = self.room.camera_enabled();
        let (label, icon) = if cam {
            (Text::StopCamera, paste::VIDEO_ON)
        } else {
            (Text::StartCamera, paste::VIDEO_OFF)
        };
        pressed(&self.camera, !cam, s.get(label), icon);
        let sharing = self.room.sharing_screen();
        let (label, icon) = if sharing {
            (Text::StopSharing, paste::STOP_SCREEN_SHARE)
        } else {
            (Text::ShareScreen, paste::SCREEN_SHARE)
        };
        pressed(&self.screen, sharing, s.get(label), icon);
    }

    /// Says `t` about the other party in the live region.
    fn say(&self, t: Text, name: &str) {
        self.announce
            .set_text_content(Some(&self.strings.about(t, name)));
    }

    pub fn apply(&self, event: &VideoEvent) {
        match event {
            VideoEvent::ParticipantJoined { sid, identity } => {
                let (name, other) = self.names.of(identity);
                if other {
                    let back = self.other_left.replace(false);
                    self.say(
                        if back {
                            Text::PersonBack
                        } else {
                            Text::PersonJoined
                        },
                        &name,
                    );
                }
                self.present.borrow_mut().insert(sid.clone(), (name, other));
            }
            VideoEvent::ParticipantLeft { sid } => {
                if let Some((name, true)) = self.present.borrow_mut().remove(sid) {
                    self.other_left.set(true);
                    self.say(Text::PersonLeft, &name);
                    let words = self.strings.about(Text::PersonLeft, &name);
                    self.view.borrow().set_waiting(&words);
                }
            }
            VideoEvent::TrackSwitched {
                participant,
                name: track,
                enabled,
            } => {
                let t = match (track, enabled) {
                    (TrackName::Microphone, false) => Some(Text::PersonMuted),
                    (TrackName::Microphone, true) => Some(Text::PersonUnmuted),
                    (TrackName::Camera, false) => Some(Text::PersonCameraOff),
                    (TrackName::Camera, true) => Some(Text::PersonCameraOn),
                    (TrackName::Screen, _) => None,
                };
                self.say_about(participant, t);
            }
            VideoEvent::TrackAdded {
                participant,
                name: TrackName::Screen,
                ..
            } => self.say_about(participant, Some(Text::PersonSharing)),
            VideoEvent::TrackFailed { participant, name } => {
                let t = match name {
                    TrackName::Microphone => Text::PersonAudioFailed,
                    TrackName::Camera | TrackName::Screen => Text::PersonVideoFailed,
                };
                let who = self.name_of(participant);
                self.report(Some(&self.strings.about(t, &who)));
            }
            VideoEvent::TrackRemoved {
                participant,
                name: TrackName::Screen,
            } => self.say_about(participant, Some(Text::PersonStoppedSharing)),
            _ => {}
        }
        self.view.borrow_mut().apply(event);
        if let VideoEvent::ParticipantJoined { sid, .. } = event {
            if let Some((name, _)) = self.present.borrow().get(sid) {
                self.view.borrow_mut().name_tile(sid, name);
            }
        }
        if let VideoEvent::TrackAdded { .. } = event {
            self.route_new_media();
        }
        match event {
            VideoEvent::Reconnecting => set_shown(&self.banner, true),
            VideoEvent::Reconnected => set_shown(&self.banner, false),
            VideoEvent::ScreenShareEnded => self.refresh(),
            VideoEvent::BlurStopped => self.blur_stopped(),
            _ => {}
        }
    }

    /// The name shown for `participant` (the other party's while they are not known yet).
    fn name_of(&self, participant: &str) -> String {
        match self.present.borrow().get(participant) {
            Some((name, _)) => name.clone(),
            None => self.names.other().to_owned(),
        }
    }

    /// Says `t` if `participant` is the other party.
    fn say_about(&self, participant: &str, t: Option<Text>) {
        let Some(t) = t else { return };
        let name = match self.present.borrow().get(participant) {
            Some((name, true)) => name.clone(),
            Some((_, false)) => return,
            // Tracks can arrive before the participant's own event: it is the other party.
            None => self.names.other().to_owned(),
        };
        self.say(t, &name);
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        self.room.disconnect();
        self.root.remove();
    }
}
