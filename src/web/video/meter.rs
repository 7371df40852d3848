//! The microphone level meter: a Web Audio `AnalyserNode` on the running microphone track,
//! read every [`TICK_MS`] with `getFloatTimeDomainData`, shown as [`METER_STEPS`] segments with
//! an accessible value (`role=meter`). The step is [`meter_step`]'s. Dropping the meter stops
//! its timer and closes its audio context; the track itself is not touched.

use crate::prejoin::{meter_step, METER_STEPS};
use crate::strings::{Strings, Text};
use crate::web::dom::append;
use crate::web::dom::{document, el, set_attr, set_role, Listener, Timer};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use web_sys::{AnalyserNode, AudioContext, HtmlElement, MediaStream, MediaStreamTrack};

const TICK_MS: u32 = 100;
const FFT_SIZE: u32 = 1024;

/// The meter's element: empty (level 0) until a track is measured.
pub struct MeterView {
    pub root: HtmlElement,
    segments: Vec<HtmlElement>,
}

impl MeterView {
    pub fn new(strings: &Strings) -> MeterView {
        let root = el("div", "ctv-meter");
        set_role(&root, "mic-meter");
        set_attr(&root, "role", "meter");
        set_attr(&root, "aria-label", strings.get(Text::MicrophoneLevel));
        set_attr(&root, "aria-valuemin", "0");
        let mut max = String::new();
        crate::decimal::push(&mut max, u64::from(METER_STEPS));
        set_attr(&root, "aria-valuemax", &max);
        let segments = (0..METER_STEPS)
            .map(|_| {
                let s = el("span", "ctv-meter-step");
                append(&root, &s);
                s
            })
            .collect();
        let view = MeterView { root, segments };
        view.show(0);
        view
    }

    /// Lights `level` segments and says the level.
    pub fn show(&self, level: u8) {
        let mut now = String::new();
        crate::decimal::push(&mut now, u64::from(level));
        set_attr(&self.root, "aria-valuenow", &now);
        set_attr(&self.root, "data-level", &now);
        for (i, s) in self.segments.iter().enumerate() {
            set_attr(
                s,
                "data-on",
                if i < usize::from(level) {
                    "true"
                } else {
                    "false"
                },
            );
        }
    }
}

struct Running {
    context: AudioContext,
    analyser: AnalyserNode,
    buffer: RefCell<Vec<f32>>,
    view: Rc<MeterView>,
    timer: RefCell<Option<Timer>>,
    /// Browsers start an audio context suspended until the page is used: the first press or
    /// key on it resumes this one.
    _resume: [Listener; 2],
}

/// Measuring one track.
#[must_use = "the meter stops when dropped"]
pub struct Meter {
    running: Rc<Running>,
}

impl Meter {
    /// Starts measuring `track` into `view`; `None` where Web Audio is not available.
    pub fn start(track: &MediaStreamTrack, view: Rc<MeterView>) -> Option<Meter> {
        let context = AudioContext::new().ok()?;
        let stream = MediaStream::new().ok()?;
        stream.add_track(track);
        let source = context.create_media_stream_source(&stream).ok()?;
        let analyser = context.create_analyser().ok()?;
        analyser.set_fft_size(FFT_SIZE);
        source.connect_with_audio_node(&analyser).ok()?;
        let _ = context.resume();
        let resume = |event: &'static str| {
            let context = context.clone();
            Listener::new(&document(), event, move |_| {
                let _ = context.resume();
            })
        };
        let resume = [resume("pointerdown"), resume("keydown")];
        let running = Rc::new(Running {
            context,
            _resume: resume,
            analyser,
            buffer: RefCell::new(vec![0.0; FFT_SIZE as usize]),
            view,
            timer: RefCell::new(None),
        });
        tick(&Rc::downgrade(&running));
        Some(Meter { running })
    }
}

fn tick(weak: &Weak<Running>) {
    let Some(r) = weak.upgrade() else { return };
    {
        let mut buffer = r.buffer.borrow_mut();
        r.analyser.get_float_time_domain_data(&mut buffer);
        r.view.show(meter_step(&buffer));
    }
    let next = weak.clone();
    *r.timer.borrow_mut() = Some(Timer::new(TICK_MS, move || tick(&next)));
}

impl Drop for Meter {
    fn drop(&mut self) {
        self.running.timer.borrow_mut().take();
        let _ = self.running.context.close();
        self.running.view.show(0);
    }
}
