//! The pre-join screen, shared by the customer page and the agent's tab: the camera preview
//! (muted, self), the microphone meter, the device lists, what the screen says and Try again.
//! Its rules are [`crate::prejoin`]'s and [`crate::devices`]'; this module performs the effects
//! (`getUserMedia`, stopping a track, storing a choice) and shows the state. The page owns the
//! Join button: it asks [`PreJoinScreen::can_join`] and [`PreJoinScreen::join_text`] when told
//! something changed, and on Join takes the running tracks with [`PreJoinScreen::take`].

use super::devices::{self, Captured};
use super::meter::{Meter, MeterView};
use super::pickers::{OnPick, Pickers};
use super::view::{play, video};
use super::LocalMedia;
use crate::devices::{find, first_constraint, pick, Device, Kind, MediaError};
use crate::prejoin::{Effect, Input, Phase, PreJoin};
use crate::strings::{Strings, Text};
use crate::web::dom::{action, el, set_role, set_shown, text, Listener};
use crate::web::dom::{append, set_attr};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlButtonElement, HtmlElement, HtmlVideoElement, MediaStream, MediaStreamTrack};

struct Inner {
    strings: Strings,
    machine: RefCell<PreJoin>,
    devices: RefCell<Vec<Device>>,
    can_route: bool,
    root: HtmlElement,
    preview: HtmlVideoElement,
    microphone: RefCell<Option<MediaStreamTrack>>,
    camera: RefCell<Option<MediaStreamTrack>>,
    speaker: RefCell<Option<String>>,
    meter_view: Rc<MeterView>,
    meter: RefCell<Option<Meter>>,
    pickers: RefCell<Option<Pickers>>,
    notices: HtmlElement,
    retry: HtmlButtonElement,
    /// The page's: something it shows (Join's text, whether it is enabled) may have changed.
    changed: Box<dyn Fn()>,
    /// The tracks went to the call: they are its to stop now.
    handed: Cell<bool>,
    _listeners: RefCell<Vec<Listener>>,
}

/// The screen, rendered into its parent. Dropping it stops its tracks (unless Join took them)
/// and removes it.
#[must_use = "dropping the screen stops its camera and microphone"]
pub struct PreJoinScreen {
    inner: Rc<Inner>,
}

impl PreJoinScreen {
    /// Renders into `parent` and asks for the camera and microphone (the remembered ones).
    pub fn new(
        parent: &HtmlElement,
        strings: Strings,
        changed: impl Fn() + 'static,
    ) -> PreJoinScreen {
        let root = el("section", "ctv-prejoin");
        set_role(&root, "prejoin");
        set_attr(&root, "aria-label", strings.get(Text::VideoCall));
        let preview = video("preview", true);
        preview.set_class_name("ctv-video ctv-preview");
        let meter_view = Rc::new(MeterView::new(&strings));
        let notices = el("div", "ctv-prejoin-notices");
        set_role(&notices, "prejoin-notices");
        set_attr(&notices, "role", "status");
        set_attr(&notices, "aria-live", "polite");
        let (retry, l_retry) = action(strings.get(Text::TryAgain), "retry", || {});
        set_shown(&retry, false);
        append(&root, &preview);
        append(&root, &meter_view.root);
        append(&root, &notices);
        append(&root, &retry);
        append(parent, &root);
        let inner = Rc::new(Inner {
            strings,
            machine: RefCell::new(PreJoin::default()),
            devices: RefCell::new(Vec::new()),
            can_route: devices::can_route_output(),
            root,
            preview,
            microphone: RefCell::new(None),
            camera: RefCell::new(None),
            speaker: RefCell::new(None),
            meter_view,
            meter: RefCell::new(None),
            pickers: RefCell::new(None),
            notices,
            retry,
            changed: Box::new(changed),
            handed: Cell::new(false),
            _listeners: RefCell::new(vec![l_retry]),
        });
        let weak = Rc::downgrade(&inner);
        let on_pick: OnPick = Rc::new(move |kind, id| {
            if let Some(inner) = weak.upgrade() {
                inner.picked(kind, &id);
            }
        });
        let pickers = Pickers::new(&inner.strings, on_pick);
        let _ = inner
            .root
            .insert_before(&pickers.root, Some(&inner.notices));
        *inner.pickers.borrow_mut() = Some(pickers);
        let weak = Rc::downgrade(&inner);
        inner._listeners.borrow_mut()[0] = Listener::new(&inner.retry, "click", move |_| {
            if let Some(inner) = weak.upgrade() {
                start(&inner);
            }
        });
        start(&inner);
        PreJoinScreen { inner }
    }

    pub fn element(&self) -> &HtmlElement {
        &self.inner.root
    }

    /// Whether Join may be clicked now (not while a track is starting).
    pub fn can_join(&self) -> bool {
        self.inner.machine.borrow().can_join()
    }

    /// What Join says: plain, or what joining now goes without.
    pub fn join_text(&self) -> &str {
        let machine = self.inner.machine.borrow();
        let t = if machine.can_join() {
            machine.join_text()
        } else {
            Text::JoinVideoRoom
        };
        self.inner.strings.get(t)
    }

    /// Join: the running tracks and the chosen speaker, for the call (`None`: not now).
    pub fn take(&self) -> Option<LocalMedia> {
        let inner = &self.inner;
        let effects = inner.machine.borrow_mut().step(Input::Join)?;
        let mut media = None;
        for effect in effects {
            if let Effect::Join {
                microphone,
                camera,
                speaker,
            } = effect
            {
                inner.meter.borrow_mut().take();
                inner.preview.set_src_object(None);
                inner.handed.set(true);
                let mic = inner.microphone.borrow_mut().take();
                let cam = inner.camera.borrow_mut().take();
                media = Some(LocalMedia {
                    microphone: mic.filter(|_| microphone.is_some()),
                    camera: cam.filter(|_| camera.is_some()),
                    speaker: speaker.or_else(|| inner.speaker.borrow().clone()),
                });
            }
        }
        media
    }
}

impl Drop for PreJoinScreen {
    fn drop(&mut self) {
        let inner = &self.inner;
        inner.meter.borrow_mut().take();
        if !inner.handed.get() {
            for slot in [&inner.microphone, &inner.camera] {
                if let Some(t) = slot.borrow_mut().take() {
                    t.stop();
                }
            }
        }
        inner.preview.set_src_object(None);
        inner.root.remove();
    }
}

/// Lists the devices, then asks for the remembered (or default) camera and microphone.
fn start(inner: &Rc<Inner>) {
    let weak = Rc::downgrade(inner);
    spawn_local(async move {
        let listed = devices::list().await;
        let Some(inner) = weak.upgrade() else { return };
        let has = |kind| listed.iter().any(|d: &Device| d.kind == kind);
        let remembered = |kind| devices::remembered(kind);
        let mic = first_constraint(
            &listed,
            Kind::Microphone,
            remembered(Kind::Microphone).as_ref(),
        );
        let cam = first_constraint(&listed, Kind::Camera, remembered(Kind::Camera).as_ref());
        // A browser that lists nothing (before permission some list no entries) is asked anyway.
        let any = crate::devices::Constraint::Any;
        let (mic, cam) = if listed.is_empty() {
            (Some(any.clone()), Some(any))
        } else {
            (
                mic.filter(|_| has(Kind::Microphone)),
                cam.filter(|_| has(Kind::Camera)),
            )
        };
        *inner.devices.borrow_mut() = listed;
        let effects = inner.machine.borrow_mut().step(Input::Start {
            microphone: mic.as_ref(),
            camera: cam.as_ref(),
        });
        if let Some(effects) = effects {
            inner.perform(effects);
        }
        inner.render();
    });
}

impl Inner {
    fn slot(&self, kind: Kind) -> Option<&RefCell<Option<MediaStreamTrack>>> {
        match kind {
            Kind::Microphone => Some(&self.microphone),
            Kind::Camera => Some(&self.camera),
            Kind::Speaker => None,
        }
    }

    fn perform(self: &Rc<Self>, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Acquire { audio, video } => {
                    let weak = Rc::downgrade(self);
                    spawn_local(async move {
                        let answer = devices::capture(audio.as_ref(), video.as_ref()).await;
                        if let Some(inner) = weak.upgrade() {
                            inner.answered(answer);
                        } else if let Ok(c) = answer {
                            c.microphone
                                .iter()
                                .chain(c.camera.iter())
                                .for_each(|t| t.stop());
                        }
                    });
                }
                Effect::Stop(kind) => {
                    if kind == Kind::Microphone {
                        self.meter.borrow_mut().take();
                    }
                    if let Some(t) = self.slot(kind).and_then(|s| s.borrow_mut().take()) {
                        t.stop();
                    }
                }
                Effect::Route(id) => *self.speaker.borrow_mut() = Some(id),
                Effect::Store(kind, choice) => devices::store(kind, choice.as_ref()),
                Effect::Join { .. } => {}
            }
        }
    }

    /// A `getUserMedia` answered.
    fn answered(self: &Rc<Self>, answer: Result<Captured, MediaError>) {
        let effects = match answer {
            Ok(captured) => {
                let mut effects = Vec::new();
                for (kind, track) in [
                    (Kind::Microphone, captured.microphone),
                    (Kind::Camera, captured.camera),
                ] {
                    let Some(track) = track else { continue };
                    let id = devices::device_of(&track);
                    match self.machine.borrow_mut().step(Input::Got(kind, &id)) {
                        Some(more) => {
                            if let Some(slot) = self.slot(kind) {
                                if let Some(old) = slot.borrow_mut().replace(track) {
                                    old.stop();
                                }
                            }
                            effects.extend(more);
                        }
                        // Not asked for (any more): nobody will use it.
                        None => track.stop(),
                    }
                }
                effects
            }
            Err(e) => self
                .machine
                .borrow_mut()
                .step(Input::Failed(e))
                .unwrap_or_default(),
        };
        self.perform(effects);
        self.show_tracks();
        if self.machine.borrow().phase() == Phase::Previewing {
            self.settle();
        }
        self.render();
    }

    /// Once previewing: list again (labels appear with permission), route the remembered
    /// speaker, and renew a remembered device found by its label under a new id.
    fn settle(self: &Rc<Self>) {
        let weak = Rc::downgrade(self);
        spawn_local(async move {
            let listed = devices::list().await;
            let Some(inner) = weak.upgrade() else { return };
            *inner.devices.borrow_mut() = listed;
            let listed = inner.devices.borrow().clone();
            if inner.speaker.borrow().is_none() {
                let remembered = devices::remembered(Kind::Speaker);
                if let Some(d) = pick(&listed, Kind::Speaker, remembered.as_ref(), inner.can_route)
                {
                    inner.switch(d, false);
                }
            }
            for kind in [Kind::Microphone, Kind::Camera] {
                let Some(r) = devices::remembered(kind) else {
                    continue;
                };
                let live = inner.machine.borrow().slot(kind).and_then(|s| s.live());
                if let Some(d) = pick(&listed, kind, Some(&r), true) {
                    let renewed = d.device_id != r.device_id && d.label == r.label;
                    if renewed && live.as_deref() != Some(d.device_id.as_str()) {
                        inner.switch(d, true);
                    }
                }
            }
            inner.render();
        });
    }

    fn switch(self: &Rc<Self>, device: &Device, remember: bool) {
        let effects = self
            .machine
            .borrow_mut()
            .step(Input::Switch { device, remember });
        if let Some(effects) = effects {
            self.perform(effects);
        }
    }

    /// The person chose a device in a list.
    fn picked(self: &Rc<Self>, kind: Kind, id: &str) {
        let device = find(&self.devices.borrow(), kind, id).cloned();
        if let Some(device) = device {
            self.switch(&device, true);
            self.show_tracks();
            self.render();
        }
    }

    /// The preview shows the running camera; the meter measures the running microphone.
    fn show_tracks(&self) {
        match self.camera.borrow().as_ref() {
            Some(track) => {
                if let Ok(stream) = MediaStream::new() {
                    stream.add_track(track);
                    self.preview.set_src_object(Some(&stream));
                    play(&self.preview);
                }
            }
            None => self.preview.set_src_object(None),
        }
        set_shown(&self.preview, self.camera.borrow().is_some());
        let mic = self.microphone.borrow();
        let mut meter = self.meter.borrow_mut();
        match mic.as_ref() {
            Some(track) if meter.is_none() => {
                *meter = Meter::start(track, self.meter_view.clone());
            }
            None => {
                meter.take();
            }
            _ => {}
        }
    }

    fn render(&self) {
        let machine = self.machine.borrow();
        self.notices.set_text_content(None);
        for t in machine.notices() {
            let _ = self
                .notices
                .append_child(&text("p", "ctv-notice", self.strings.get(t)));
        }
        set_shown(&self.retry, machine.can_retry());
        let live = |kind: Kind| match kind {
            Kind::Speaker => self.speaker.borrow().clone(),
            _ => machine.slot(kind).and_then(|s| s.live()),
        };
        if let Some(p) = self.pickers.borrow().as_ref() {
            p.show(&self.devices.borrow(), live, self.can_route, &self.strings);
        }
        set_shown(&self.meter_view.root, self.microphone.borrow().is_some());
        drop(machine);
        (self.changed)();
    }
}
