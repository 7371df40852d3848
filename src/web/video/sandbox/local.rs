//! The sandbox room's local media: the captured camera and microphone, mute, camera off and on,
//! the screen share, and publishing them to every peer with the track messages that name them.

use super::{blur, Inner, Local, Peer, Phase, SandboxRoom};
use crate::devices::{Constraint, Kind};
use crate::protocol::{ClientMessage, TrackChange};
use crate::web::video::blur::{Processor, Watched};
use crate::web::video::{devices, media, on_share_ended, TrackName, VideoError};
use web_sys::{MediaStream, MediaStreamTrack};

impl Local {
    pub(super) fn tracks(&self) -> Vec<(TrackName, MediaStreamTrack, MediaStream)> {
        let mut all = Vec::new();
        if let Some(t) = self.microphone.borrow().clone() {
            all.push((TrackName::Microphone, t, media::same_stream(&self.stream)));
        }
        if let Some(t) = self.sent_camera() {
            all.push((TrackName::Camera, t, media::same_stream(&self.stream)));
        }
        if let Some((t, _)) = self.screen.borrow().as_ref() {
            all.push((
                TrackName::Screen,
                media::same_track(t),
                media::same_stream(&self.screen_stream),
            ));
        }
        all
    }

    /// What the camera's sender carries: the blurred picture while blur is on.
    fn sent_camera(&self) -> Option<MediaStreamTrack> {
        match self.blurred.borrow().as_ref() {
            Some(p) => Some(media::same_track(&p.output)),
            None => self.camera.borrow().clone(),
        }
    }

    /// Ends blur: the self view and the stream carry `camera` again (if it is still on).
    fn unblur(&self) -> Option<blur::Pipeline> {
        let pipeline = self.blurred.borrow_mut().take()?;
        self.stream.remove_track(&pipeline.output);
        if let Some(camera) = self.camera.borrow().as_ref() {
            self.stream.add_track(camera);
        }
        Some(pipeline)
    }

    pub(super) fn stop(&self) {
        self.blurred.borrow_mut().take();
        media::stop_stream(&self.stream);
        self.microphone.borrow_mut().take();
        self.camera.borrow_mut().take();
        if let Some((t, _)) = self.screen.borrow_mut().take() {
            t.stop();
        }
    }
}

impl SandboxRoom {
    pub fn local_stream(&self) -> MediaStream {
        media::same_stream(&self.inner.local.stream)
    }

    pub fn microphone_enabled(&self) -> bool {
        self.inner
            .local
            .microphone
            .borrow()
            .as_ref()
            .is_some_and(MediaStreamTrack::enabled)
    }

    pub fn set_microphone(&self, enabled: bool) {
        let Some(track) = self.inner.local.microphone.borrow().clone() else {
            return;
        };
        track.set_enabled(enabled);
        let change = if enabled {
            TrackChange::Enabled
        } else {
            TrackChange::Disabled
        };
        self.inner.track_message(change, TrackName::Microphone);
    }

    pub fn camera_enabled(&self) -> bool {
        self.inner.local.camera.borrow().is_some()
    }

    pub async fn set_camera(&self, enabled: bool) -> Result<(), VideoError> {
        let inner = &self.inner;
        if enabled == self.camera_enabled() {
            return Ok(());
        }
        if enabled {
            // The chosen camera, not the browser's default (a choice made while it was off
            // included).
            let track = devices::chosen_camera().await?;
            if inner.phase.get() == Phase::Closed {
                track.stop();
                return Ok(());
            }
            inner.local.stream.add_track(&track);
            *inner.local.camera.borrow_mut() = Some(media::same_track(&track));
            inner.publish(TrackName::Camera, &track, &inner.local.stream);
        } else {
            drop(inner.local.unblur());
            let track = inner.local.camera.borrow_mut().take();
            if let Some(track) = track {
                inner.unpublish(TrackName::Camera);
                track.stop();
                inner.local.stream.remove_track(&track);
            }
        }
        Ok(())
    }

    /// The running camera or microphone track.
    pub fn local_track(&self, kind: Kind) -> Option<MediaStreamTrack> {
        match kind {
            Kind::Microphone => self.inner.local.microphone.borrow().clone(),
            Kind::Camera => self.inner.local.camera.borrow().clone(),
            Kind::Speaker => None,
        }
    }

    /// Takes `kind` from device `id` and sends it in place of the running track
    /// (`replaceTrack`: no renegotiation, the other side keeps receiving). A muted microphone
    /// stays muted; with the camera off there is nothing to switch.
    pub async fn switch_device(&self, kind: Kind, id: &str) -> Result<(), VideoError> {
        let (slot, name) = match kind {
            Kind::Microphone => (&self.inner.local.microphone, TrackName::Microphone),
            Kind::Camera => (&self.inner.local.camera, TrackName::Camera),
            Kind::Speaker => return Ok(()),
        };
        let Some(old) = slot.borrow().clone() else {
            return Ok(());
        };
        let track = devices::capture_one(kind, &Constraint::for_id(id)).await?;
        let inner = &self.inner;
        if inner.phase.get() == Phase::Closed || slot.borrow().is_none() {
            track.stop();
            return Ok(());
        }
        track.set_enabled(old.enabled());
        for peer in inner.peers.borrow().values() {
            peer.replace(name, &track);
        }
        inner.local.stream.remove_track(&old);
        inner.local.stream.add_track(&track);
        *slot.borrow_mut() = Some(track);
        old.stop();
        Ok(())
    }

    pub fn blurring(&self) -> bool {
        self.inner.local.blurred.borrow().is_some()
    }

    /// Blurs the camera with `processor`, or (`None`) sends it as is again. Without a camera
    /// there is nothing to blur: `Ok` and nothing changes.
    pub fn set_blur(&self, processor: Option<&Processor>) -> Result<(), VideoError> {
        let local = &self.inner.local;
        let Some(camera) = local.camera.borrow().clone() else {
            return Ok(());
        };
        let sent = match processor {
            Some(_) if self.blurring() => return Ok(()),
            Some(p) => {
                let watched = Watched::new(p, &self.inner.events);
                let pipeline = blur::Pipeline::start(&camera, watched)
                    .ok_or_else(|| VideoError::Other("canvas".into()))?;
                let output = media::same_track(&pipeline.output);
                local.stream.remove_track(&camera);
                local.stream.add_track(&output);
                *local.blurred.borrow_mut() = Some(pipeline);
                output
            }
            None => match local.unblur() {
                Some(_stopped) => camera,
                None => return Ok(()),
            },
        };
        for peer in self.inner.peers.borrow().values() {
            peer.replace(TrackName::Camera, &sent);
        }
        Ok(())
    }

    pub fn sharing_screen(&self) -> bool {
        self.inner.local.screen.borrow().is_some()
    }

    pub async fn start_screen_share(&self) -> Result<Option<MediaStreamTrack>, VideoError> {
        if self.sharing_screen() {
            return Ok(self
                .inner
                .local
                .screen
                .borrow()
                .as_ref()
                .map(|(t, _)| media::same_track(t)));
        }
        let Some(track) = media::display_media().await? else {
            return Ok(None);
        };
        let inner = &self.inner;
        if inner.phase.get() == Phase::Closed {
            track.stop();
            return Ok(None);
        }
        let ended = on_share_ended(&track, inner, Inner::stop_screen, |i| &i.events);
        inner.local.screen_stream.add_track(&track);
        *inner.local.screen.borrow_mut() = Some((media::same_track(&track), ended));
        inner.publish(TrackName::Screen, &track, &inner.local.screen_stream);
        Ok(Some(track))
    }

    pub fn stop_screen_share(&self) {
        self.inner.stop_screen();
    }
}

impl Inner {
    pub(super) fn track_message(&self, change: TrackChange, name: TrackName) {
        let stream = (change == TrackChange::Published).then(|| match name {
            TrackName::Screen => self.local.screen_stream.id(),
            _ => self.local.stream.id(),
        });
        self.send(ClientMessage::Track {
            change,
            kind: name.kind(),
            name,
            stream,
        });
    }

    /// Tells the room first (so receivers can name the track), then adds it everywhere.
    fn publish(&self, name: TrackName, track: &MediaStreamTrack, stream: &MediaStream) {
        self.track_message(TrackChange::Published, name);
        for peer in self.peers.borrow().values() {
            peer.add(name, track, stream);
        }
    }

    fn unpublish(&self, name: TrackName) {
        for peer in self.peers.borrow().values() {
            peer.remove(name);
        }
        self.track_message(TrackChange::Unpublished, name);
    }

    /// Returns whether a share was running.
    fn stop_screen(&self) -> bool {
        let Some((track, _listener)) = self.local.screen.borrow_mut().take() else {
            return false;
        };
        self.unpublish(TrackName::Screen);
        track.stop();
        self.local.screen_stream.remove_track(&track);
        true
    }

    pub(super) fn add_local_tracks(&self, peer: &Peer) {
        for (name, track, stream) in self.local.tracks() {
            peer.add(name, &track, &stream);
        }
    }
}
