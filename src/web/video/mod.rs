//! One video client, two implementations chosen by what the token endpoint returned:
//! the sandbox (web-sys `RTCPeerConnection` + the host's signaling socket) and Twilio (the
//! `twilio-video` SDK, loaded only in that mode). Callers see [`Room`] and [`VideoEvent`]s;
//! remote media arrives as plain `MediaStreamTrack`s either way.
//!
//! Dropping a [`Room`] disconnects it and stops every local track.

pub mod blur;
pub mod call;
mod devices;
pub mod media;
mod meter;
mod pickers;
pub mod pip;
pub mod prejoin;
pub mod quality_view;
#[cfg(feature = "sandbox")]
mod sandbox;
mod sdk;
mod table;
pub use sdk::load as load_script;
mod twilio;
pub mod view;
#[cfg(feature = "sandbox")]
pub mod wire;

#[cfg(feature = "sandbox")]
use crate::api::IceConfig;
use crate::api::Provider;
use crate::network_quality::Quality;
pub use crate::protocol::{DisconnectReason, TrackName};
use crate::strings::Text;
use crate::web::dom::Listener;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use web_sys::{MediaStream, MediaStreamTrack};

/// Something that happened in the room.
#[derive(Debug, Clone)]
pub enum VideoEvent {
    ParticipantJoined {
        sid: String,
        identity: String,
    },
    ParticipantLeft {
        sid: String,
    },
    /// A remote track started arriving.
    TrackAdded {
        participant: String,
        name: TrackName,
        track: MediaStreamTrack,
    },
    TrackRemoved {
        participant: String,
        name: TrackName,
    },
    /// A remote participant muted/unmuted (microphone) or paused/resumed a track.
    TrackSwitched {
        participant: String,
        name: TrackName,
        enabled: bool,
    },
    /// A remote track is published but could not be received (twilio-video's
    /// `trackSubscriptionFailed`).
    TrackFailed {
        participant: String,
        name: TrackName,
    },
    /// The local screen share ended from the browser's own "stop sharing" control.
    ScreenShareEnded,
    /// Background blur's processor stopped working while the camera was sent blurred.
    BlurStopped,
    /// A participant's network quality changed: `None` is the local participant.
    NetworkQuality {
        participant: Option<String>,
        quality: Quality,
    },
    Reconnecting,
    Reconnected,
    /// The room is gone for us. `None`: we chose to leave.
    Disconnected {
        reason: Option<DisconnectReason>,
    },
}

/// Why something failed; shown to people through [`VideoError::message`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VideoError {
    #[error("this browser cannot do video calls")]
    Unsupported,
    #[error("video calls need a secure (https) page")]
    InsecureContext,
    /// The DOMException name (`NotAllowedError`, `NotFoundError`, …).
    #[error("camera or microphone unavailable: {0}")]
    Devices(String),
    #[error("the video service refused the connection")]
    Refused(DisconnectReason),
    #[error("the video library could not be loaded")]
    SdkUnavailable,
    #[error("video error: {0}")]
    Other(String),
}

impl VideoError {
    /// The strings-table text that tells people what happened and what to do; a refusal by
    /// the service is `Err(reason)`, for the page to say in its own words why.
    pub fn text(&self) -> Result<Text, DisconnectReason> {
        Ok(match self {
            VideoError::Unsupported => Text::BrowserUnsupported,
            VideoError::InsecureContext => Text::InsecurePage,
            VideoError::Devices(name) if name == "NotAllowedError" => Text::DevicesRefused,
            VideoError::Devices(name) if name == "NotFoundError" => Text::NoDevices,
            VideoError::Devices(_) => Text::DevicesFailed,
            VideoError::Refused(DisconnectReason::Network) => Text::CallUnreachable,
            VideoError::Refused(reason) => return Err(*reason),
            VideoError::SdkUnavailable => Text::LibraryUnavailable,
            VideoError::Other(_) => Text::CallError,
        })
    }
}

/// What `connect` needs, from the token endpoint's answer.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub token: String,
    pub provider: Provider,
    pub room_sid: String,
    /// The sandbox's signaling socket and ICE servers (a build without the mesh has neither).
    #[cfg(feature = "sandbox")]
    pub signaling_url: Option<String>,
    #[cfg(feature = "sandbox")]
    pub ice: IceConfig,
    /// Where `/vendor/twilio-video.min.js` is served from (twilio mode only).
    pub assets_base: String,
    /// The tracks the pre-join screen captured: the call publishes these (no second
    /// `getUserMedia` on Join) and stops them when it ends, or fails to start. `None` (joining
    /// again from the tab, where no preview is shown): the remembered devices are captured.
    pub local: Option<LocalMedia>,
}

/// The speaker remembered on this browser, where audio can be routed.
pub fn remembered_speaker() -> Option<String> {
    devices::can_route_output()
        .then(|| devices::remembered(crate::devices::Kind::Speaker))
        .flatten()
        .map(|r| r.device_id)
}

/// What the person joins with, from the pre-join screen.
#[derive(Debug, Clone, Default)]
pub struct LocalMedia {
    pub microphone: Option<MediaStreamTrack>,
    pub camera: Option<MediaStreamTrack>,
    /// The chosen speaker (`setSinkId`), `None`: the browser's default.
    pub speaker: Option<String>,
}

impl LocalMedia {
    /// The pre-join screen's tracks, or the remembered devices captured now.
    async fn take_or_capture(local: &Option<LocalMedia>) -> Result<LocalMedia, VideoError> {
        if let Some(local) = local {
            return Ok(local.clone());
        }
        let listed = devices::list().await;
        let (audio, video) = (
            devices::chosen(&listed, crate::devices::Kind::Microphone),
            devices::chosen(&listed, crate::devices::Kind::Camera),
        );
        let captured = devices::capture(audio.as_ref(), video.as_ref())
            .await
            .map_err(devices::video_error)?;
        Ok(LocalMedia {
            microphone: captured.microphone,
            camera: captured.camera,
            speaker: None,
        })
    }

    /// Stops both tracks (the camera light goes off).
    pub fn stop(&self) {
        for t in self.microphone.iter().chain(self.camera.iter()) {
            t.stop();
        }
    }
}

pub type EventSink = Rc<dyn Fn(VideoEvent)>;

/// Events go out from a task of their own, so a handler may call back into the room.
fn emit(events: &EventSink, event: VideoEvent) {
    let events = events.clone();
    spawn_local(async move { events(event) });
}

/// The browser's own "Stop sharing" control ends the screen `track`: `stop` ends the share on
/// `room` (answering whether one was still running), and if it was, `ScreenShareEnded` goes
/// out through `events`.
fn on_share_ended<R: 'static>(
    track: &MediaStreamTrack,
    room: &Rc<R>,
    stop: fn(&R) -> bool,
    events: fn(&R) -> &EventSink,
) -> Listener {
    let weak = Rc::downgrade(room);
    Listener::once(track, "ended", move |_| {
        if let Some(room) = weak.upgrade() {
            if stop(&room) {
                emit(events(&room), VideoEvent::ScreenShareEnded);
            }
        }
    })
}

/// A connected room.
#[must_use = "dropping the room leaves it and stops every local track"]
pub enum Room {
    #[cfg(feature = "sandbox")]
    Sandbox(sandbox::SandboxRoom),
    Twilio(twilio::TwilioRoom),
}

impl Room {
    /// Connects with the pre-join screen's tracks. Events start after this returns.
    pub async fn connect(options: ConnectOptions, events: EventSink) -> Result<Room, VideoError> {
        match options.provider {
            #[cfg(feature = "sandbox")]
            Provider::Sandbox => Ok(Room::Sandbox(
                sandbox::SandboxRoom::connect(options, events).await?,
            )),
            // The bundle released to Flex, where the host is always in twilio mode, has no mesh.
            #[cfg(not(feature = "sandbox"))]
            Provider::Sandbox => Err(VideoError::Other(
                "this build of the plugin has no sandbox calls".into(),
            )),
            Provider::Twilio => Ok(Room::Twilio(
                twilio::TwilioRoom::connect(options, events).await?,
            )),
        }
    }

    /// The local camera (and microphone) for the self view; the microphone is muted in views.
    pub fn local_stream(&self) -> MediaStream {
        match self {
            #[cfg(feature = "sandbox")]
            Room::Sandbox(r) => r.local_stream(),
            Room::Twilio(r) => r.local_stream(),
        }
    }

    pub fn microphone_enabled(&self) -> bool {
        match self {
            #[cfg(feature = "sandbox")]
            Room::Sandbox(r) => r.microphone_enabled(),
            Room::Twilio(r) => r.microphone_enabled(),
        }
    }

    pub fn set_microphone(&self, enabled: bool) {
        match self {
            #[cfg(feature = "sandbox")]
            Room::Sandbox(r) => r.set_microphone(enabled),
            Room::Twilio(r) => r.set_microphone(enabled),
        }
    }

    pub fn camera_enabled(&self) -> bool {
        match self {
            #[cfg(feature = "sandbox")]
            Room::Sandbox(r) => r.camera_enabled(),
            Room::Twilio(r) => r.camera_enabled(),
        }
    }

    /// Off stops the camera (its light goes off) and unpublishes it; on captures it again.
    pub async fn set_camera(&self, enabled: bool) -> Result<(), VideoError> {
        match self {
            #[cfg(feature = "sandbox")]
            Room::Sandbox(r) => r.set_camera(enabled).await,
            Room::Twilio(r) => r.set_camera(enabled).await,
        }
    }

    /// The device the local camera or microphone comes from (`None`: no such track).
    pub fn device_in_use(&self, kind: crate::devices::Kind) -> Option<String> {
        let track = match self {
            #[cfg(feature = "sandbox")]
            Room::Sandbox(r) => r.local_track(kind),
            Room::Twilio(r) => r.local_track(kind),
        };
        track.map(|t| devices::device_of(&t))
    }

    /// Takes the camera or microphone from another device without leaving: the other side
    /// keeps receiving. Nothing to do for a kind that is off.
    pub async fn switch_device(
        &self,
        kind: crate::devices::Kind,
        id: &str,
    ) -> Result<(), VideoError> {
        match self {
            #[cfg(feature = "sandbox")]
            Room::Sandbox(r) => r.switch_device(kind, id).await,
            Room::Twilio(r) => r.switch_device(kind, id).await,
        }
    }

    /// Whether the camera is sent blurred.
    pub fn blurring(&self) -> bool {
        match self {
            #[cfg(feature = "sandbox")]
            Room::Sandbox(r) => r.blurring(),
            Room::Twilio(r) => r.blurring(),
        }
    }

    /// Sends the camera through `processor` (background blurred), or as is with `None`. The
    /// self view follows; without a camera nothing changes.
    pub fn set_blur(&self, processor: Option<&blur::Processor>) -> Result<(), VideoError> {
        match self {
            #[cfg(feature = "sandbox")]
            Room::Sandbox(r) => r.set_blur(processor),
            Room::Twilio(r) => r.set_blur(processor),
        }
    }

    pub fn sharing_screen(&self) -> bool {
        match self {
            #[cfg(feature = "sandbox")]
            Room::Sandbox(r) => r.sharing_screen(),
            Room::Twilio(r) => r.sharing_screen(),
        }
    }

    /// Starts sharing; `Ok(None)` when the person cancelled the picker. The track is for a
    /// local preview.
    pub async fn start_screen_share(&self) -> Result<Option<MediaStreamTrack>, VideoError> {
        match self {
            #[cfg(feature = "sandbox")]
            Room::Sandbox(r) => r.start_screen_share().await,
            Room::Twilio(r) => r.start_screen_share().await,
        }
    }

    pub fn stop_screen_share(&self) {
        match self {
            #[cfg(feature = "sandbox")]
            Room::Sandbox(r) => r.stop_screen_share(),
            Room::Twilio(r) => r.stop_screen_share(),
        }
    }

    /// Leaves and stops every local track. Emits `Disconnected { reason: None }` once.
    pub fn disconnect(&self) {
        match self {
            #[cfg(feature = "sandbox")]
            Room::Sandbox(r) => r.disconnect(),
            Room::Twilio(r) => r.disconnect(),
        }
    }
}

impl Drop for Room {
    fn drop(&mut self) {
        self.disconnect();
    }
}
