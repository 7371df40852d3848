//! Twilio mode: a room on the `twilio-video` SDK ([`bindings`]) behind the same interface as
//! the sandbox. Local media is captured the same way as in the sandbox and handed to the SDK as
//! named `LocalAudioTrack`/`LocalVideoTrack`s; SDK errors map to the same typed reasons.

mod bindings;

use super::blur::{Processor, Watched};
use super::table::Table;
use super::{
    devices, emit, media, on_share_ended, ConnectOptions, DisconnectReason, EventSink, TrackName,
    VideoError, VideoEvent,
};
use crate::devices::{Constraint, Kind};
use crate::network_quality::Quality;
use crate::web::emitter::SdkListener;
use bindings::{
    bandwidth_profile, load, local_track, name_of, network_quality, processor_options, sdk_error,
    LocalTrack, Participant, Publication, RemoteTrack, SdkRoom, Video,
};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaStream, MediaStreamTrack};

/// A failed connect stops the tracks it was handed.
fn stopping(local: &Option<super::LocalMedia>, e: VideoError) -> VideoError {
    if let Some(local) = local {
        local.stop();
    }
    e
}

struct Inner {
    video: Video,
    room: SdkRoom,
    events: EventSink,
    stream: MediaStream,
    microphone: RefCell<Option<(MediaStreamTrack, LocalTrack)>>,
    camera: RefCell<Option<(MediaStreamTrack, LocalTrack)>>,
    /// While blur is on: the processor on the camera and its output in the self view.
    blurred: RefCell<Option<(Watched, Option<MediaStreamTrack>)>>,
    screen: RefCell<Option<(MediaStreamTrack, LocalTrack, crate::web::dom::Listener)>>,
    listeners: RefCell<Vec<SdkListener>>,
    /// Each remote participant's `networkQualityLevelChanged` listener, by sid.
    quality_listeners: RefCell<Table<SdkListener>>,
    closed: Cell<bool>,
}

#[must_use = "dropping the room leaves it and stops every local track"]
pub struct TwilioRoom {
    inner: Rc<Inner>,
}

impl TwilioRoom {
    pub async fn connect(options: ConnectOptions, events: EventSink) -> Result<Self, VideoError> {
        let video = match load(&options.assets_base).await {
            Ok(video) if video.is_supported() => video,
            Ok(_) => return Err(stopping(&options.local, VideoError::Unsupported)),
            Err(e) => return Err(stopping(&options.local, e)),
        };
        let captured = super::LocalMedia::take_or_capture(&options.local).await?;
        let captured = Some(captured);
        let stream =
            MediaStream::new().map_err(|_| stopping(&captured, VideoError::Unsupported))?;
        let mut tracks = Vec::new();
        let mut wrap = |track: &Option<MediaStreamTrack>,
                        name: TrackName|
         -> Result<Option<(MediaStreamTrack, LocalTrack)>, VideoError> {
            let Some(t) = track.clone() else {
                return Ok(None);
            };
            stream.add_track(&t);
            let local = local_track(&video, &t, name)?;
            tracks.push(JsValue::from(&local));
            Ok(Some((t, local)))
        };
        let (microphone, camera) = match (
            wrap(
                &captured.as_ref().and_then(|c| c.microphone.clone()),
                TrackName::Microphone,
            ),
            wrap(
                &captured.as_ref().and_then(|c| c.camera.clone()),
                TrackName::Camera,
            ),
        ) {
            (Ok(m), Ok(c)) => (m, c),
            (Err(e), _) | (_, Err(e)) => return Err(stopping(&captured, e)),
        };
        let connect_options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(
            &connect_options,
            &"name".into(),
            &options.room_sid.as_str().into(),
        );
        let _ = js_sys::Reflect::set(
            &connect_options,
            &"tracks".into(),
            &tracks.iter().collect::<js_sys::Array>(),
        );
        let _ = js_sys::Reflect::set(
            &connect_options,
            &"bandwidthProfile".into(),
            &bandwidth_profile(),
        );
        let _ = js_sys::Reflect::set(
            &connect_options,
            &"networkQuality".into(),
            &network_quality(),
        );
        let connected = match video.connect(&options.token, &connect_options) {
            Ok(promise) => JsFuture::from(promise).await,
            Err(e) => Err(e),
        };
        let room: SdkRoom = match connected {
            Ok(room) => room.unchecked_into(),
            Err(e) => return Err(stopping(&captured, sdk_error(&e))),
        };
        let inner = Rc::new(Inner {
            video,
            room,
            events,
            stream,
            microphone: RefCell::new(microphone),
            camera: RefCell::new(camera),
            blurred: RefCell::new(None),
            screen: RefCell::new(None),
            listeners: RefCell::new(Vec::new()),
            quality_listeners: RefCell::default(),
            closed: Cell::new(false),
        });
        inner.listen();
        inner.watch_local_quality();
        // Those already in the room, with the tracks they already have: the SDK announced
        // those (`trackSubscribed`) before there was anyone to listen.
        inner
            .room
            .participants()
            .for_each(&mut |p, _| inner.arrived(&p.unchecked_into()));
        Ok(TwilioRoom { inner })
    }

    pub fn local_stream(&self) -> MediaStream {
        media::same_stream(&self.inner.stream)
    }

    pub fn microphone_enabled(&self) -> bool {
        self.inner
            .microphone
            .borrow()
            .as_ref()
            .is_some_and(|(t, _)| t.enabled())
    }

    pub fn set_microphone(&self, enabled: bool) {
        if let Some((_, local)) = self.inner.microphone.borrow().as_ref() {
            local.enable(enabled);
        }
    }

    pub fn camera_enabled(&self) -> bool {
        self.inner.camera.borrow().is_some()
    }

    pub async fn set_camera(&self, enabled: bool) -> Result<(), VideoError> {
        let inner = &self.inner;
        if enabled == self.camera_enabled() || inner.closed.get() {
            return Ok(());
        }
        if enabled {
            // The chosen camera, not the browser's default (a choice made while it was off
            // included).
            let track = devices::chosen_camera().await?;
            let local = local_track(&inner.video, &track, TrackName::Camera)?;
            JsFuture::from(inner.room.local_participant().publish_track(&local))
                .await
                .map_err(|e| sdk_error(&e))?;
            inner.stream.add_track(&track);
            *inner.camera.borrow_mut() = Some((track, local));
        } else if let Some((track, local)) = inner.camera.borrow_mut().take() {
            inner.unblur(&track, &local);
            inner.room.local_participant().unpublish_track(&local);
            local.stop();
            inner.stream.remove_track(&track);
        }
        Ok(())
    }

    /// The running camera or microphone track.
    pub fn local_track(&self, kind: Kind) -> Option<MediaStreamTrack> {
        let slot = match kind {
            Kind::Microphone => &self.inner.microphone,
            Kind::Camera => &self.inner.camera,
            Kind::Speaker => return None,
        };
        slot.borrow().as_ref().map(|(t, _)| media::same_track(t))
    }

    /// Takes `kind` from device `id`: the new track is published under the same name, then
    /// the old one unpublished and stopped. (`LocalTrack.restart` rejects tracks built from a
    /// `MediaStreamTrack`, as these are: only `createLocalTracks` ones may restart.) A muted
    /// microphone stays muted; with the camera off there is nothing to switch.
    pub async fn switch_device(&self, kind: Kind, id: &str) -> Result<(), VideoError> {
        let inner = &self.inner;
        let (slot, name) = match kind {
            Kind::Microphone => (&inner.microphone, TrackName::Microphone),
            Kind::Camera => (&inner.camera, TrackName::Camera),
            Kind::Speaker => return Ok(()),
        };
        let Some(enabled) = slot.borrow().as_ref().map(|(t, _)| t.enabled()) else {
            return Ok(());
        };
        let track = devices::capture_one(kind, &Constraint::for_id(id)).await?;
        if inner.closed.get() || slot.borrow().is_none() {
            track.stop();
            return Ok(());
        }
        let local = local_track(&inner.video, &track, name)?;
        local.enable(enabled);
        if let Err(e) = JsFuture::from(inner.room.local_participant().publish_track(&local)).await {
            local.stop();
            track.stop();
            return Err(sdk_error(&e));
        }
        let old = slot
            .borrow_mut()
            .replace((media::same_track(&track), local));
        inner.stream.add_track(&track);
        if let Some((old_track, old_local)) = old {
            inner.room.local_participant().unpublish_track(&old_local);
            old_local.stop();
            inner.stream.remove_track(&old_track);
        }
        Ok(())
    }

    pub fn blurring(&self) -> bool {
        self.inner.blurred.borrow().is_some()
    }

    /// Adds `processor` to the camera's `LocalVideoTrack` (the SDK sends its output), or
    /// (`None`) removes it. Without a camera: `Ok`, nothing changes.
    pub fn set_blur(&self, processor: Option<&Processor>) -> Result<(), VideoError> {
        let inner = &self.inner;
        let camera = inner.camera.borrow();
        let Some((track, local)) = camera.as_ref() else {
            return Ok(());
        };
        let Some(processor) = processor else {
            inner.unblur(track, local);
            return Ok(());
        };
        if self.blurring() {
            return Ok(());
        }
        // What the SDK runs is watched: a processor that stops working mid-call is reported.
        let watched = Watched::new(processor, &inner.events);
        local
            .add_processor(&watched.processor, &processor_options())
            .map_err(|e| VideoError::Other(media::error_name(&e)))?;
        let processed = local.processed_track();
        if let Some(output) = processed.as_ref() {
            inner.stream.remove_track(track);
            inner.stream.add_track(output);
        }
        *inner.blurred.borrow_mut() = Some((watched, processed));
        Ok(())
    }

    pub fn sharing_screen(&self) -> bool {
        self.inner.screen.borrow().is_some()
    }

    pub async fn start_screen_share(&self) -> Result<Option<MediaStreamTrack>, VideoError> {
        let inner = &self.inner;
        let Some(track) = media::display_media().await? else {
            return Ok(None);
        };
        let local = local_track(&inner.video, &track, TrackName::Screen)?;
        if let Err(e) = JsFuture::from(inner.room.local_participant().publish_track(&local)).await {
            track.stop();
            return Err(sdk_error(&e));
        }
        let ended = on_share_ended(&track, inner, Inner::stop_screen, |i| &i.events);
        *inner.screen.borrow_mut() = Some((media::same_track(&track), local, ended));
        Ok(Some(track))
    }

    pub fn stop_screen_share(&self) {
        self.inner.stop_screen();
    }

    pub fn disconnect(&self) {
        self.inner.close(None);
    }
}

impl Inner {
    /// Removes the blur processor from the camera, and its output from the self view.
    fn unblur(&self, camera: &MediaStreamTrack, local: &LocalTrack) {
        let Some((processor, processed)) = self.blurred.borrow_mut().take() else {
            return;
        };
        let _ = local.remove_processor(&processor.processor);
        if let Some(output) = processed {
            self.stream.remove_track(&output);
            self.stream.add_track(camera);
        }
    }

    fn stop_screen(&self) -> bool {
        let Some((track, local, _ended)) = self.screen.borrow_mut().take() else {
            return false;
        };
        self.room.local_participant().unpublish_track(&local);
        local.stop();
        track.stop();
        true
    }

    fn on(
        self: &Rc<Self>,
        event: &'static str,
        mut handle: impl FnMut(&Rc<Inner>, JsValue, JsValue, JsValue) + 'static,
    ) {
        let weak = Rc::downgrade(self);
        match SdkListener::new(&self.room, event, move |a, b, c| {
            if let Some(inner) = weak.upgrade() {
                handle(&inner, a, b, c);
            }
        }) {
            Ok(listener) => self.listeners.borrow_mut().push(listener),
            Err(_) => {
                web_sys::console::warn_2(&"twilio-video: cannot listen to".into(), &event.into())
            }
        }
    }

    fn quality(&self, participant: Option<String>, level: Option<f64>) {
        emit(
            &self.events,
            VideoEvent::NetworkQuality {
                participant,
                quality: Quality::from_sdk(level),
            },
        );
    }

    /// The local participant's level, now and as it changes.
    fn watch_local_quality(self: &Rc<Self>) {
        let local = self.room.local_participant();
        self.quality(None, local.network_quality_level());
        let weak = Rc::downgrade(self);
        let on_change = move |level: JsValue, _, _| {
            if let Some(inner) = weak.upgrade() {
                inner.quality(None, level.as_f64());
            }
        };
        match SdkListener::new(&local, "networkQualityLevelChanged", on_change) {
            Ok(l) => self.listeners.borrow_mut().push(l),
            Err(_) => web_sys::console::warn_1(&"twilio-video: no network quality".into()),
        }
    }

    /// A remote participant's level, now and as it changes, until they leave.
    fn watch_quality(self: &Rc<Self>, p: &Participant) {
        let sid = p.sid();
        self.quality(Some(sid.clone()), p.network_quality_level());
        let (weak, who) = (Rc::downgrade(self), sid.clone());
        let on_change = move |level: JsValue, _, _| {
            if let Some(inner) = weak.upgrade() {
                inner.quality(Some(who.clone()), level.as_f64());
            }
        };
        if let Ok(l) = SdkListener::new(p, "networkQualityLevelChanged", on_change) {
            self.quality_listeners.borrow_mut().insert(sid, l);
        }
    }

    /// A participant in the room: their tile, and every track they already publish (the
    /// subscribed ones at once, each muted or paused one as such).
    fn arrived(self: &Rc<Self>, p: &Participant) {
        emit(
            &self.events,
            VideoEvent::ParticipantJoined {
                sid: p.sid(),
                identity: p.identity(),
            },
        );
        self.watch_quality(p);
        p.tracks().for_each(&mut |publication, _| {
            let publication: Publication = publication.unchecked_into();
            if publication.kind() == "data" {
                return;
            }
            let name = name_of(&publication.track_name(), &publication.kind());
            if let Some(track) = publication.track() {
                self.subscribed(p, &track);
            } else if !publication.is_track_enabled() {
                self.switched(p, name, false);
            }
        });
    }

    /// A remote track arrived, in the state its publisher left it.
    fn subscribed(&self, p: &Participant, t: &RemoteTrack) {
        let name = name_of(&t.name(), &t.kind());
        emit(
            &self.events,
            VideoEvent::TrackAdded {
                participant: p.sid(),
                name,
                track: t.media_stream_track(),
            },
        );
        if !t.is_enabled() {
            self.switched(p, name, false);
        }
    }

    fn switched(&self, p: &Participant, name: TrackName, enabled: bool) {
        emit(
            &self.events,
            VideoEvent::TrackSwitched {
                participant: p.sid(),
                name,
                enabled,
            },
        );
    }

    fn listen(self: &Rc<Self>) {
        self.on("participantConnected", |i, p, _, _| {
            i.arrived(&p.unchecked_into())
        });
        self.on("participantDisconnected", |i, p, _, _| {
            let p: Participant = p.unchecked_into();
            i.quality_listeners.borrow_mut().remove(&p.sid());
            emit(&i.events, VideoEvent::ParticipantLeft { sid: p.sid() });
        });
        self.on("trackSubscribed", |i, track, _, p| {
            let (t, p): (RemoteTrack, Participant) = (track.unchecked_into(), p.unchecked_into());
            if t.kind() != "data" {
                i.subscribed(&p, &t);
            }
        });
        self.on("trackSubscriptionFailed", |i, _error, publication, p| {
            let (pb, p): (Publication, Participant) =
                (publication.unchecked_into(), p.unchecked_into());
            if pb.kind() == "data" {
                return;
            }
            emit(
                &i.events,
                VideoEvent::TrackFailed {
                    participant: p.sid(),
                    name: name_of(&pb.track_name(), &pb.kind()),
                },
            );
        });
        self.on("trackUnsubscribed", |i, track, _, p| {
            let (t, p): (RemoteTrack, Participant) = (track.unchecked_into(), p.unchecked_into());
            emit(
                &i.events,
                VideoEvent::TrackRemoved {
                    participant: p.sid(),
                    name: name_of(&t.name(), &t.kind()),
                },
            );
        });
        for (event, enabled) in [("trackEnabled", true), ("trackDisabled", false)] {
            self.on(event, move |i, publication, p, _| {
                let (pb, p): (Publication, Participant) =
                    (publication.unchecked_into(), p.unchecked_into());
                let name = name_of(&pb.track_name(), &pb.kind());
                emit(
                    &i.events,
                    VideoEvent::TrackSwitched {
                        participant: p.sid(),
                        name,
                        enabled,
                    },
                );
            });
        }
        self.on("reconnecting", |i, _, _, _| {
            emit(&i.events, VideoEvent::Reconnecting)
        });
        self.on("reconnected", |i, _, _, _| {
            emit(&i.events, VideoEvent::Reconnected)
        });
        self.on("disconnected", |i, _room, error, _| {
            let reason = if error.is_undefined() || error.is_null() {
                None
            } else {
                match sdk_error(&error) {
                    VideoError::Refused(r) => Some(r),
                    _ => Some(DisconnectReason::Network),
                }
            };
            i.close(reason);
        });
    }

    fn close(&self, reason: Option<DisconnectReason>) {
        if self.closed.replace(true) {
            return;
        }
        // Listeners go first, so our own `disconnect()` does not come back as an event.
        let listeners = std::mem::take(&mut *self.listeners.borrow_mut());
        drop(listeners);
        self.quality_listeners.borrow_mut().clear();
        self.stop_screen();
        self.blurred.borrow_mut().take();
        for slot in [&self.microphone, &self.camera] {
            if let Some((_, local)) = slot.borrow_mut().take() {
                local.stop();
            }
        }
        media::stop_stream(&self.stream);
        self.room.disconnect();
        emit(&self.events, VideoEvent::Disconnected { reason });
    }
}
