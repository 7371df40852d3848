//! Background blur, the decisions: whether this browser can offer it before the library is
//! fetched, where the library and its model are served from, what the person chose last time
//! (remembered per browser in `localStorage`), and what a failure does to the toggle. The browser
//! side (`web::video::blur`) only carries these out.
//!
//! Off by default. The library (`@twilio/video-processors`, its TensorFlow Lite model, WebAssembly
//! and workers) is fetched only when the person turns blur on, from the host that serves the pages
//! (`<base>/vendor/video-processors/`), never with the page or the plugin bundle.

use crate::strings::Text;

/// The `localStorage` key of the choice.
pub const STORAGE_KEY: &str = "ctv.blur";
/// What the key holds while blur is on; absent means off.
const ON: &str = "on";

/// The folder the host serves the library's files from, below its base URL.
pub const ASSETS_DIR: &str = "/vendor/video-processors/";
/// The library's script in that folder; it defines `window.Twilio.VideoProcessors`.
pub const SCRIPT: &str = "twilio-video-processors.min.js";
/// The global the script defines.
pub const GLOBAL: [&str; 2] = ["Twilio", "VideoProcessors"];

/// The library's `assetsPath`: `base` (the functions' or the page's origin) and the folder.
pub fn assets_path(base: &str) -> String {
    let mut path = base.trim_end_matches('/').to_owned();
    path.push_str(ASSETS_DIR);
    path
}

/// The library's script URL.
pub fn script_url(base: &str) -> String {
    let mut url = assets_path(base);
    url.push_str(SCRIPT);
    url
}

/// Whether the stored value says blur was on. Anything but the exact value is off: a value
/// someone edited by hand turns nothing on.
pub fn remembered(stored: Option<&str>) -> bool {
    stored == Some(ON)
}

/// What to store for a choice: `Some` to set, `None` to remove the key.
pub fn to_store(on: bool) -> Option<&'static str> {
    on.then_some(ON)
}

/// What the browser offers, looked at before anything is fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Features {
    /// `WebAssembly` (the model runs in it).
    pub webassembly: bool,
    /// A canvas with a `2d` or `webgl2` context (the library draws with either).
    pub canvas: bool,
    /// `HTMLCanvasElement.captureStream` (the blurred picture becomes a track).
    pub capture_stream: bool,
    /// `RTCRtpSender.replaceTrack` (sandbox: the sent track is swapped without renegotiating).
    pub replace_track: bool,
}

impl Features {
    /// Whether to show the toggle at all.
    pub fn offer_blur(self) -> bool {
        self.webassembly && self.canvas && self.capture_stream && self.replace_track
    }
}

/// Why blur could not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The script did not load (network, host without the files).
    Library,
    /// The library loaded and says this browser cannot run it (`isSupported` false).
    Unsupported,
    /// The model, its WebAssembly or its worker did not load or start.
    Model,
    /// The blurred picture could not be sent (no camera, no track from the canvas).
    Pipeline,
    /// The processor failed after it started ([`stopped`]): `processFrame` threw or rejected.
    Stopped,
}

/// Frames in a row the processor may fail before blur counts as stopped: one dropped frame is
/// not worth a notice, a processor that keeps failing freezes the picture.
pub const FAILURES_IN_A_ROW: u32 = 3;

/// Whether blur has stopped after `failures` frames in a row went wrong.
pub fn stopped(failures: u32) -> bool {
    failures >= FAILURES_IN_A_ROW
}

/// What a failure does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AfterFailure {
    /// The notice the person reads.
    pub notice: Text,
    /// Hide the toggle for the rest of the call (trying again cannot help).
    pub hide: bool,
}

impl Failure {
    /// Every failure shows the camera as it is, says so, and forgets "on" (the next call does
    /// not start with an error); only a browser that cannot run the library loses the toggle.
    pub fn outcome(self) -> AfterFailure {
        AfterFailure {
            notice: match self {
                Failure::Stopped => Text::BlurStopped,
                _ => Text::BlurFailed,
            },
            hide: self == Failure::Unsupported,
        }
    }
}

/// The toggle's label and whether it shows pressed, for blur `on`.
pub fn toggle(on: bool) -> (Text, bool) {
    if on {
        (Text::StopBlur, true)
    } else {
        (Text::BlurBackground, false)
    }
}

/// Twilio mode's `addProcessor` options, `(inputFrameBufferType, outputFrameBufferContextType)`:
/// frames as `VideoFrame`s drawn through a bitmap renderer where the browser has
/// `MediaStreamTrackProcessor` (Chromium; the library's advice), else a canvas and `2d`.
pub fn frame_buffers(has_track_processor: bool) -> (&'static str, &'static str) {
    if has_track_processor {
        ("videoframe", "bitmaprenderer")
    } else {
        ("canvas", "2d")
    }
}

/// Whether a call starts with blur wanted: the person left it on and the browser offers it.
pub fn wanted_at_start(remembered: bool, features: Features) -> bool {
    remembered && features.offer_blur()
}

/// What the camera needs for the person's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Nothing,
    /// Load the processor if needed and send the camera through it.
    Blur,
    /// Send the camera as it is again.
    Unblur,
}

/// The step from what the person wants, what is sent, and whether the camera is on (without a
/// camera there is nothing to blur; the choice waits for it).
pub fn step(wanted: bool, blurring: bool, camera_on: bool) -> Step {
    match (wanted, blurring) {
        (false, true) => Step::Unblur,
        (true, false) if camera_on => Step::Blur,
        _ => Step::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: Features = Features {
        webassembly: true,
        canvas: true,
        capture_stream: true,
        replace_track: true,
    };

    #[test]
    fn assets_come_from_the_base_whatever_its_trailing_slash() {
        for base in ["https://fn.example.com", "https://fn.example.com/"] {
            assert_eq!(
                assets_path(base),
                "https://fn.example.com/vendor/video-processors/"
            );
            assert_eq!(
                script_url(base),
                "https://fn.example.com/vendor/video-processors/twilio-video-processors.min.js"
            );
        }
    }

    #[test]
    fn only_the_exact_stored_value_turns_blur_on() {
        assert!(remembered(Some("on")));
        for other in [None, Some(""), Some("ON"), Some("true"), Some("on ")] {
            assert!(!remembered(other), "{other:?}");
        }
        assert!(remembered(to_store(true)));
        assert!(!remembered(to_store(false)));
        assert_eq!(to_store(false), None);
    }

    #[test]
    fn the_toggle_is_offered_only_with_every_feature() {
        assert!(ALL.offer_blur());
        let without = [
            Features {
                webassembly: false,
                ..ALL
            },
            Features {
                canvas: false,
                ..ALL
            },
            Features {
                capture_stream: false,
                ..ALL
            },
            Features {
                replace_track: false,
                ..ALL
            },
        ];
        for f in without {
            assert!(!f.offer_blur(), "{f:?}");
        }
        assert!(!Features::default().offer_blur());
    }

    #[test]
    fn blur_is_wanted_at_start_only_when_remembered_and_offered() {
        assert!(wanted_at_start(true, ALL));
        assert!(!wanted_at_start(false, ALL));
        assert!(!wanted_at_start(true, Features::default()));
    }

    #[test]
    fn the_camera_follows_the_choice_once_it_is_on() {
        assert_eq!(step(true, false, true), Step::Blur);
        assert_eq!(step(true, false, false), Step::Nothing);
        assert_eq!(step(true, true, true), Step::Nothing);
        assert_eq!(step(false, true, true), Step::Unblur);
        assert_eq!(step(false, true, false), Step::Unblur);
        assert_eq!(step(false, false, true), Step::Nothing);
    }

    #[test]
    fn every_failure_says_the_camera_is_shown_as_is_and_only_unsupported_hides_the_toggle() {
        for f in [Failure::Library, Failure::Model, Failure::Pipeline] {
            assert_eq!(
                f.outcome(),
                AfterFailure {
                    notice: Text::BlurFailed,
                    hide: false
                }
            );
        }
        assert!(Failure::Unsupported.outcome().hide);
        assert_eq!(Failure::Unsupported.outcome().notice, Text::BlurFailed);
    }

    #[test]
    fn a_processor_that_fails_mid_call_says_blur_stopped_and_keeps_the_toggle() {
        assert_eq!(
            Failure::Stopped.outcome(),
            AfterFailure {
                notice: Text::BlurStopped,
                hide: false
            }
        );
    }

    #[test]
    fn blur_stops_after_a_few_failed_frames_in_a_row_not_one() {
        assert!(!stopped(0));
        assert!(!stopped(FAILURES_IN_A_ROW - 1));
        assert!(stopped(FAILURES_IN_A_ROW));
        assert!(stopped(FAILURES_IN_A_ROW + 1));
        assert!(!stopped(1), "one dropped frame is no failure");
    }

    #[test]
    fn video_frames_where_the_browser_has_a_track_processor_else_a_canvas() {
        assert_eq!(frame_buffers(true), ("videoframe", "bitmaprenderer"));
        assert_eq!(frame_buffers(false), ("canvas", "2d"));
    }

    #[test]
    fn the_toggle_says_what_a_click_does() {
        assert_eq!(toggle(false), (Text::BlurBackground, false));
        assert_eq!(toggle(true), (Text::StopBlur, true));
    }
}
