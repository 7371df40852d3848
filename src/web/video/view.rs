//! The in-call picture, shared by the agent's tab and the customer page: each remote
//! participant large (camera and microphone in one `<video>`, a shared screen in a second),
//! with their name and their mute/camera state in words; the local camera small and muted;
//! and a line in the picture while nobody else is there. Each tile and the local preview carry
//! a network quality indicator ([`super::quality_view`]); where the call asks for it, each
//! remote tile has a picture-in-picture toggle ([`super::pip`]).

use super::pip::Pip;
use super::quality_view::QualityView;
use super::table::Table;
use super::{TrackName, VideoEvent};
use crate::network_quality::Quality;
use crate::strings::{Strings, Text};
use crate::web::dom::{append, set_attr};
use crate::web::dom::{el, set_role, set_shown, text};
use wasm_bindgen::{JsCast, UnwrapThrowExt};
use web_sys::{HtmlElement, HtmlVideoElement, MediaStream, MediaStreamTrack};

pub(super) fn video(role: &str, muted: bool) -> HtmlVideoElement {
    let v: HtmlVideoElement = el("video", "ctv-video").unchecked_into();
    v.set_autoplay(true);
    v.set_muted(muted);
    set_attr(&v, "playsinline", "");
    set_role(&v, role);
    v
}

pub(super) fn play(v: &HtmlVideoElement) {
    // Autoplay may be refused until the page has been interacted with; the click that
    // joined normally counts. A refused play() is not an error worth surfacing.
    if let Ok(p) = v.play() {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(p).await;
        });
    }
}

/// The words a tile shows for its participant's state.
#[derive(Clone)]
struct StatusWords {
    muted: String,
    camera_off: String,
    both: String,
}

struct Tile {
    root: HtmlElement,
    main: HtmlVideoElement,
    main_stream: MediaStream,
    screen: HtmlVideoElement,
    name: HtmlElement,
    status: HtmlElement,
    words: StatusWords,
    microphone_on: bool,
    camera_on: bool,
    quality: QualityView,
    _pip: Option<Pip>,
}

impl Tile {
    fn new(identity: &str, words: StatusWords, strings: &Strings, pip: bool) -> Tile {
        let root = el("figure", "ctv-remote");
        set_role(&root, "remote");
        let main_stream = MediaStream::new().unwrap_throw();
        let main = video("remote-video", false);
        main.set_src_object(Some(&main_stream));
        let screen = video("remote-screen", true);
        set_shown(&screen, false);
        let caption = el("figcaption", "ctv-caption");
        let name = text("span", "ctv-identity", identity);
        let status = text("span", "ctv-status", "");
        set_role(&status, "remote-status");
        let quality = QualityView::new("remote-quality", strings);
        append(&caption, quality.element());
        append(&caption, &name);
        append(&caption, &status);
        let pip = if pip { Pip::new(&main, strings) } else { None };
        if let Some(pip) = &pip {
            append(&caption, pip.button());
        }
        append(&root, &main);
        append(&root, &screen);
        append(&root, &caption);
        Tile {
            root,
            main,
            main_stream,
            screen,
            name,
            status,
            words,
            microphone_on: true,
            camera_on: true,
            quality,
            _pip: pip,
        }
    }

    fn refresh_status(&self) {
        let w = &self.words;
        let words = match (self.microphone_on, self.camera_on) {
            (true, true) => "",
            (false, true) => &w.muted,
            (true, false) => &w.camera_off,
            (false, false) => &w.both,
        };
        self.status.set_text_content(Some(words));
        set_attr(
            &self.root,
            "data-microphone",
            if self.microphone_on { "on" } else { "off" },
        );
        let _ = self
            .root
            .set_attribute("data-camera", if self.camera_on { "on" } else { "off" });
    }

    fn add(&mut self, name: TrackName, track: &MediaStreamTrack) {
        match name {
            TrackName::Screen => {
                let stream = MediaStream::new().unwrap_throw();
                stream.add_track(track);
                self.screen.set_src_object(Some(&stream));
                set_shown(&self.screen, true);
                // The stylesheet puts a shared screen large and the camera beside it.
                set_attr(&self.root, "data-screen", "on");
                play(&self.screen);
            }
            TrackName::Camera | TrackName::Microphone => {
                // One track per kind: a republished camera replaces the old one.
                let kind = track.kind();
                for old in self.main_stream.get_tracks().iter() {
                    let old: MediaStreamTrack = old.unchecked_into();
                    if old.kind() == kind {
                        self.main_stream.remove_track(&old);
                    }
                }
                self.main_stream.add_track(track);
                if name == TrackName::Camera {
                    self.camera_on = true;
                    self.refresh_status();
                }
                // Reassigning makes the element pick up the new track at once.
                self.main.set_src_object(Some(&self.main_stream));
                play(&self.main);
            }
        }
    }

    fn remove(&mut self, name: TrackName) {
        match name {
            TrackName::Screen => {
                self.screen.set_src_object(None);
                set_shown(&self.screen, false);
                let _ = self.root.remove_attribute("data-screen");
            }
            TrackName::Camera => {
                for t in self.main_stream.get_video_tracks().iter() {
                    self.main_stream.remove_track(&t.unchecked_into());
                }
                self.camera_on = false;
                self.refresh_status();
            }
            TrackName::Microphone => {
                self.microphone_on = false;
                self.refresh_status();
            }
        }
    }

    fn switched(&mut self, name: TrackName, enabled: bool) {
        match name {
            TrackName::Microphone => self.microphone_on = enabled,
            TrackName::Camera => self.camera_on = enabled,
            TrackName::Screen => {}
        }
        self.refresh_status();
    }
}

/// Remote tiles plus the local preview, inside one element.
#[must_use = "dropping the view detaches its media"]
pub struct CallView {
    root: HtmlElement,
    remotes: HtmlElement,
    waiting: HtmlElement,
    local: HtmlVideoElement,
    local_screen: HtmlVideoElement,
    tiles: Table<Tile>,
    words: StatusWords,
    strings: Strings,
    local_quality: QualityView,
    /// Whether remote tiles get a picture-in-picture toggle.
    pip: bool,
}

impl CallView {
    /// `waiting`: shown while nobody else is in the room.
    pub fn new(waiting: &str, strings: &Strings) -> CallView {
        let root = el("div", "ctv-call");
        let remotes = el("div", "ctv-remotes");
        let waiting = text("p", "ctv-waiting", waiting);
        set_role(&waiting, "waiting-for-others");
        let local = video("local-video", true);
        local.set_class_name("ctv-video ctv-local");
        let local_screen = video("local-screen", true);
        local_screen.set_class_name("ctv-video ctv-local");
        set_shown(&local_screen, false);
        let local_quality = QualityView::new("local-quality", strings);
        append(&root, &remotes);
        append(&root, &waiting);
        append(&root, &local);
        append(&root, &local_screen);
        append(&root, local_quality.element());
        CallView {
            root,
            remotes,
            waiting,
            local,
            local_screen,
            tiles: Table::default(),
            words: StatusWords {
                muted: strings.get(Text::Muted).to_owned(),
                camera_off: strings.get(Text::CameraOff).to_owned(),
                both: strings.get(Text::MutedCameraOff).to_owned(),
            },
            strings: strings.clone(),
            local_quality,
            pip: false,
        }
    }

    /// Gives remote tiles made from now on a picture-in-picture toggle (where the browser has
    /// picture-in-picture).
    pub fn set_picture_in_picture(&mut self, on: bool) {
        self.pip = on;
    }

    fn set_quality(&mut self, participant: Option<&str>, quality: Quality) {
        match participant {
            None => self.local_quality.set(quality, &self.strings),
            // Only for a participant on screen: a late report must not bring a tile back.
            Some(sid) => {
                if let Some(tile) = self.tiles.get_mut(sid) {
                    tile.quality.set(quality, &self.strings);
                }
            }
        }
    }

    /// What the picture says while nobody else is there (e.g. that the other party left).
    pub fn set_waiting(&self, words: &str) {
        self.waiting.set_text_content(Some(words));
    }

    /// Shows `name` on the tile of participant `sid`.
    pub fn name_tile(&mut self, sid: &str, name: &str) {
        if let Some(tile) = self.tiles.get(sid) {
            tile.name.set_text_content(Some(name));
        }
    }

    pub fn element(&self) -> &HtmlElement {
        &self.root
    }

    pub fn set_local(&self, stream: Option<&MediaStream>) {
        self.local.set_src_object(stream);
        if stream.is_some() {
            play(&self.local);
        }
    }

    pub fn set_local_screen(&self, track: Option<&MediaStreamTrack>) {
        match track {
            Some(t) => {
                let stream = MediaStream::new().unwrap_throw();
                stream.add_track(t);
                self.local_screen.set_src_object(Some(&stream));
                set_shown(&self.local_screen, true);
                play(&self.local_screen);
            }
            None => {
                self.local_screen.set_src_object(None);
                set_shown(&self.local_screen, false);
            }
        }
    }

    fn tile(&mut self, sid: &str) -> &mut Tile {
        let (remotes, words, strings, pip) = (&self.remotes, &self.words, &self.strings, self.pip);
        self.tiles.get_or_insert_with(sid, || {
            let tile = Tile::new("", words.clone(), strings, pip);
            append(remotes, &tile.root);
            tile
        })
    }

    /// Updates the picture for one room event.
    pub fn apply(&mut self, event: &VideoEvent) {
        match event {
            VideoEvent::ParticipantJoined { sid, identity } => {
                let tile = Tile::new(identity, self.words.clone(), &self.strings, self.pip);
                append(&self.remotes, &tile.root);
                if let Some(old) = self.tiles.insert(sid.clone(), tile) {
                    old.root.remove();
                }
            }
            VideoEvent::ParticipantLeft { sid } => {
                if let Some(tile) = self.tiles.remove(sid) {
                    tile.main.set_src_object(None);
                    tile.screen.set_src_object(None);
                    tile.root.remove();
                }
            }
            VideoEvent::TrackAdded {
                participant,
                name,
                track,
            } => self.tile(participant).add(*name, track),
            VideoEvent::TrackRemoved { participant, name } => self.tile(participant).remove(*name),
            VideoEvent::TrackSwitched {
                participant,
                name,
                enabled,
            } => self.tile(participant).switched(*name, *enabled),
            VideoEvent::Disconnected { .. } => self.clear(),
            VideoEvent::ScreenShareEnded => self.set_local_screen(None),
            VideoEvent::NetworkQuality {
                participant,
                quality,
            } => self.set_quality(participant.as_deref(), *quality),
            VideoEvent::Reconnecting
            | VideoEvent::Reconnected
            | VideoEvent::TrackFailed { .. }
            | VideoEvent::BlurStopped => {}
        }
        set_shown(&self.waiting, self.tiles.is_empty());
    }

    /// Detaches every stream (nothing keeps playing) and empties the view.
    pub fn clear(&mut self) {
        for tile in self.tiles.take_values() {
            tile.main.set_src_object(None);
            tile.screen.set_src_object(None);
            tile.root.remove();
        }
        self.set_local(None);
        self.set_local_screen(None);
    }
}

impl Drop for CallView {
    fn drop(&mut self) {
        self.clear();
        self.root.remove();
    }
}
