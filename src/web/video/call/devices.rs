//! The call's device settings: a Devices control in the bar opens the same device lists as the
//! pre-join screen; a choice switches that device without leaving (the other side keeps
//! receiving) and is remembered; the speaker is `setSinkId` on the call's media elements. On
//! `devicechange`, [`crate::devices::on_change`] decides what an unplugged device becomes, and
//! the live region says so.

use super::{control, Call};
use crate::devices::{find, on_change, pick, remember, Change, Device, Kind};
use crate::strings::Text;
use crate::web::dom::append;
use crate::web::dom::{el, set_attr, set_role, set_shown, Listener};
use crate::web::icons::paste;
use crate::web::video::devices::{self as glue, can_route_output};
use crate::web::video::pickers::{OnPick, Pickers};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlButtonElement, HtmlElement};

/// The settings' parts, held by the call.
pub(super) struct CallDevices {
    pub(super) button: HtmlButtonElement,
    pub(super) panel: HtmlElement,
    pickers: RefCell<Option<Pickers>>,
    /// The devices as last listed.
    list: RefCell<Vec<Device>>,
    /// The devices in use as they were when taken (an unplugged one is judged against these).
    in_use: RefCell<Vec<Device>>,
    speaker: RefCell<Option<String>>,
    can_route: bool,
    listeners: RefCell<Vec<Listener>>,
}

impl CallDevices {
    pub(super) fn new(label: &str) -> (CallDevices, Listener) {
        let (button, listener) = control(
            "devices",
            "ctv-button ctv-control",
            label,
            paste::SETTINGS,
            || {},
        );
        set_attr(&button, "aria-expanded", "false");
        let panel = el("div", "ctv-devices");
        set_role(&panel, "device-settings");
        set_attr(&panel, "role", "group");
        set_attr(&panel, "aria-label", label);
        set_shown(&panel, false);
        let devices = CallDevices {
            button,
            panel,
            pickers: RefCell::new(None),
            list: RefCell::new(Vec::new()),
            in_use: RefCell::new(Vec::new()),
            speaker: RefCell::new(None),
            can_route: can_route_output(),
            listeners: RefCell::new(Vec::new()),
        };
        (devices, listener)
    }
}

impl Call {
    /// Sends the call's sound to `speaker` (the pre-join choice), now and for media to come.
    pub fn route_to(&self, speaker: Option<String>) {
        if let Some(id) = speaker.as_deref() {
            glue::route(&self.root, id);
        }
        *self.devices.speaker.borrow_mut() = speaker;
    }

    /// After a room event: new remote media plays on the chosen speaker too.
    pub(super) fn route_new_media(&self) {
        if let Some(id) = self.devices.speaker.borrow().as_deref() {
            glue::route(&self.root, id);
        }
    }

    /// The Devices control, the lists and `devicechange`.
    pub(super) fn wire_devices(self: &Rc<Self>) -> Listener {
        let weak = Rc::downgrade(self);
        let on_pick: OnPick = Rc::new(move |kind, id| {
            if let Some(call) = weak.upgrade() {
                call.picked(kind, &id);
            }
        });
        let pickers = Pickers::new(&self.strings, on_pick);
        append(&self.devices.panel, &pickers.root);
        *self.devices.pickers.borrow_mut() = Some(pickers);
        if let Some(media) = web_sys::window().and_then(|w| w.navigator().media_devices().ok()) {
            let weak = Rc::downgrade(self);
            let changed = Listener::new(&media, "devicechange", move |_| {
                if let Some(call) = weak.upgrade() {
                    call.relist(true);
                }
            });
            self.devices.listeners.borrow_mut().push(changed);
        }
        self.relist(false);
        let weak: Weak<Call> = Rc::downgrade(self);
        Listener::new(&self.devices.button, "click", move |_| {
            if let Some(call) = weak.upgrade() {
                let open = call.devices.panel.has_attribute("hidden");
                set_shown(&call.devices.panel, open);
                let _ = call
                    .devices
                    .button
                    .set_attribute("aria-expanded", if open { "true" } else { "false" });
                call.relist(false);
            }
        })
    }

    /// The device in use for `kind`, from the list.
    fn current(&self, kind: Kind, list: &[Device]) -> Option<Device> {
        let id = match kind {
            Kind::Speaker => self.devices.speaker.borrow().clone(),
            _ => self.room.device_in_use(kind),
        }?;
        find(list, kind, &id).cloned()
    }

    /// Lists the devices again; after a `devicechange`, a device in use that is gone falls
    /// back to another, with a notice.
    pub(super) fn relist(self: &Rc<Self>, changed: bool) {
        let weak = Rc::downgrade(self);
        spawn_local(async move {
            let list = glue::list().await;
            let Some(call) = weak.upgrade() else { return };
            if changed {
                let before = call.devices.in_use.borrow().clone();
                for was in &before {
                    match on_change(was, &list, &call.strings) {
                        Change::Kept => {}
                        Change::Switched { to, notice } => {
                            call.announce.set_text_content(Some(&notice));
                            call.use_device(to.kind, to.device_id.clone());
                        }
                        Change::Gone { notice } => {
                            call.announce.set_text_content(Some(&notice));
                            call.lost(was.kind).await;
                        }
                    }
                }
            }
            let in_use: Vec<Device> = [Kind::Camera, Kind::Microphone, Kind::Speaker]
                .into_iter()
                .filter_map(|k| call.current(k, &list))
                .collect();
            // Keep what was in use as it was when taken, unless it was replaced.
            let mut kept = call.devices.in_use.borrow().clone();
            kept.retain(|d| !in_use.iter().any(|n| n.kind == d.kind) && !changed);
            kept.extend(in_use);
            *call.devices.in_use.borrow_mut() = kept;
            *call.devices.list.borrow_mut() = list;
            call.show_devices();
        });
    }

    fn show_devices(&self) {
        let list = self.devices.list.borrow();
        // With the camera off, its list shows the camera that comes back on.
        let in_use = |kind: Kind| match kind {
            Kind::Speaker => self.devices.speaker.borrow().clone(),
            _ => self.room.device_in_use(kind).or_else(|| {
                pick(&list, kind, glue::remembered(kind).as_ref(), true)
                    .map(|d| d.device_id.clone())
            }),
        };
        if let Some(p) = self.devices.pickers.borrow().as_ref() {
            p.show(&list, in_use, self.devices.can_route, &self.strings);
        }
    }

    /// A device of `kind` went away with no other: the camera goes off, the microphone mutes.
    async fn lost(self: &Rc<Self>, kind: Kind) {
        match kind {
            Kind::Camera => {
                let _ = self.room.set_camera(false).await;
                self.view
                    .borrow()
                    .set_local(Some(&self.room.local_stream()));
            }
            Kind::Microphone => self.room.set_microphone(false),
            Kind::Speaker => *self.devices.speaker.borrow_mut() = None,
        }
        self.refresh();
    }

    /// The person chose a device in a list: use it and remember it on this browser.
    fn picked(self: &Rc<Self>, kind: Kind, id: &str) {
        let device = find(&self.devices.list.borrow(), kind, id).cloned();
        if let Some(d) = device {
            glue::store(kind, remember(&d).as_ref());
            self.use_device(kind, d.device_id);
        }
    }

    /// Switches `kind` to device `id` (the speaker: routes the sound), then lists again so
    /// the lists and what is in use are current.
    fn use_device(self: &Rc<Self>, kind: Kind, id: String) {
        if kind == Kind::Speaker {
            self.route_to(Some(id));
            self.relist(false);
            return;
        }
        let call = self.clone();
        spawn_local(async move {
            // Blur runs on the camera's track: it is taken off the old camera and put on the
            // new one (the choice stays as it was).
            let reblur = kind == Kind::Camera && call.room.blurring();
            if reblur {
                let _ = call.room.set_blur(None);
            }
            let result = call.room.switch_device(kind, &id).await;
            call.report(result.err().map(|e| call.error_text(&e)).as_deref());
            call.view
                .borrow()
                .set_local(Some(&call.room.local_stream()));
            if reblur {
                call.apply_blur();
            }
            call.relist(false);
        });
    }
}

/// What the Devices control is called.
pub(super) const LABEL: Text = Text::DeviceSettings;
