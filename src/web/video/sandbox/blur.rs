//! The sandbox's blur pipeline: the camera track plays in a detached `<video>`, each frame goes
//! through the processor's `processFrame(video, canvas)`, and the canvas's `captureStream()`
//! track is what the peers receive (`replaceTrack`, no renegotiation) and the self view shows.
//! Dropping the pipeline stops its loop and its track. The processor is a [`Watched`] one: if it
//! keeps failing, the room hears of it and sends the camera as it is again.

use crate::web::dom::set_attr;
use crate::web::dom::Timer;
use crate::web::video::blur::Watched;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{HtmlCanvasElement, HtmlVideoElement, MediaStream, MediaStreamTrack};

/// Frames per second drawn (and sent): the library's advice for desktop browsers.
const FPS: u32 = 24;

#[must_use = "dropping the pipeline stops the blurred track"]
pub struct Pipeline {
    /// The track peers receive and the self view shows.
    pub output: MediaStreamTrack,
    running: Rc<Cell<bool>>,
    video: HtmlVideoElement,
    /// Kept while the loop may call it.
    _processor: Watched,
}

/// Resolves after `millis` (a counted [`Timer`] kept until it fires).
async fn sleep(millis: u32) {
    let slot: Rc<RefCell<Option<Timer>>> = Rc::default();
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let timer = Timer::new(millis, move || {
            let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
        });
        *slot.borrow_mut() = Some(timer);
    });
    let _ = JsFuture::from(promise).await;
    slot.borrow_mut().take();
}

impl Pipeline {
    /// Starts blurring `camera`. `None` when the page cannot make a canvas or its track.
    pub fn start(camera: &MediaStreamTrack, processor: Watched) -> Option<Pipeline> {
        let document = web_sys::window()?.document()?;
        let video: HtmlVideoElement = document.create_element("video").ok()?.dyn_into().ok()?;
        let canvas: HtmlCanvasElement = document.create_element("canvas").ok()?.dyn_into().ok()?;
        let source = MediaStream::new().ok()?;
        source.add_track(camera);
        video.set_muted(true);
        set_attr(&video, "playsinline", "");
        video.set_src_object(Some(&source));
        let _ = video.play();
        let captured = canvas
            .capture_stream_with_frame_request_rate(f64::from(FPS))
            .ok()?;
        let output: MediaStreamTrack = captured.get_video_tracks().get(0).dyn_into().ok()?;
        let running = Rc::new(Cell::new(true));
        let (flag, v, p) = (running.clone(), video.clone(), processor.processor.clone());
        spawn_local(async move {
            while flag.get() {
                let (w, h) = (v.video_width(), v.video_height());
                if w > 0 && h > 0 {
                    if canvas.width() != w || canvas.height() != h {
                        canvas.set_width(w);
                        canvas.set_height(h);
                    }
                    if let Ok(frame) = p.process_frame(v.as_ref(), &canvas) {
                        let _ = JsFuture::from(frame).await;
                    }
                }
                sleep(1000 / FPS).await;
            }
        });
        Some(Pipeline {
            output,
            running,
            video,
            _processor: processor,
        })
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        self.running.set(false);
        self.output.stop();
        self.video.set_src_object(None);
    }
}
