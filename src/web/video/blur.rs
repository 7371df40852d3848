//! Background blur, the browser side: `@twilio/video-processors` as wasm-bindgen extern types,
//! loaded on demand from the host ([`crate::blur::script_url`]) the first time a person turns
//! blur on, the feature check made before that, and the choice kept in `localStorage`. What
//! each outcome means is [`crate::blur`]'s.

use super::sdk;
use super::{emit, EventSink, VideoEvent};
use crate::blur::{self, Failure, Features};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlCanvasElement;

#[wasm_bindgen]
extern "C" {
    /// `Twilio.VideoProcessors`
    type VideoProcessors;
    #[wasm_bindgen(method, getter, js_name = isSupported)]
    fn is_supported(this: &VideoProcessors) -> bool;

    /// A `GaussianBlurBackgroundProcessor`.
    #[derive(Clone)]
    pub type Processor;
    #[wasm_bindgen(method, catch, js_name = loadModel)]
    fn load_model(this: &Processor) -> Result<js_sys::Promise, JsValue>;
    /// `processFrame(input, outputCanvas)`: draws `input` with its background blurred.
    #[wasm_bindgen(method, catch, js_name = processFrame)]
    pub fn process_frame(
        this: &Processor,
        input: &JsValue,
        output: &HtmlCanvasElement,
    ) -> Result<js_sys::Promise, JsValue>;
}

/// The processor as the camera uses it: an object that inherits from it (`Object.create`, so
/// it is still the library's processor to whoever looks) with its own `processFrame`, which
/// calls the processor's and counts the frames that fail, thrown or rejected. A processor that
/// keeps failing ([`crate::blur::stopped`]) sends [`VideoEvent::BlurStopped`] once (on the frame
/// that makes it stopped; the call takes blur off then). Every frame answers a promise
/// that resolves, thrown or not, so the caller's loop (the sandbox's, the SDK's) goes on until
/// blur is taken off.
pub struct Watched {
    pub processor: Processor,
    _process: Closure<dyn FnMut(JsValue, JsValue) -> JsValue>,
}

impl Watched {
    pub fn new(processor: &Processor, events: &EventSink) -> Watched {
        let failures = Rc::new(Cell::new(0));
        let events = events.clone();
        let note = move |drawn: bool| {
            let n = if drawn { 0 } else { failures.get() + 1 };
            failures.set(n);
            if blur::stopped(n) && !blur::stopped(n - 1) {
                emit(&events, VideoEvent::BlurStopped);
            }
        };
        let real = processor.clone();
        let process = Closure::<dyn FnMut(JsValue, JsValue) -> JsValue>::new(
            move |input: JsValue, output: JsValue| -> JsValue {
                match real.process_frame(&input, output.unchecked_ref()) {
                    Ok(frame) => {
                        let note = note.clone();
                        wasm_bindgen_futures::future_to_promise(async move {
                            note(JsFuture::from(frame).await.is_ok());
                            Ok(JsValue::UNDEFINED)
                        })
                        .into()
                    }
                    Err(_) => {
                        note(false);
                        js_sys::Promise::resolve(&JsValue::UNDEFINED).into()
                    }
                }
            },
        );
        let object: js_sys::Object = js_sys::Object::create(processor.unchecked_ref());
        let _ = js_sys::Reflect::set(&object, &"processFrame".into(), process.as_ref());
        Watched {
            processor: object.unchecked_into(),
            _process: process,
        }
    }
}

fn has(target: &JsValue, name: &str) -> bool {
    js_sys::Reflect::get(target, &JsValue::from_str(name)).is_ok_and(|v| !v.is_undefined())
}

/// What this browser offers, without fetching anything.
pub fn features() -> Features {
    let Some(window) = web_sys::window() else {
        return Features::default();
    };
    let global: &JsValue = window.as_ref();
    let prototype = |class: &str| {
        js_sys::Reflect::get(global, &JsValue::from_str(class))
            .and_then(|c| js_sys::Reflect::get(&c, &JsValue::from_str("prototype")))
            .unwrap_or(JsValue::UNDEFINED)
    };
    let canvas = window
        .document()
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok());
    Features {
        webassembly: has(global, "WebAssembly"),
        canvas: canvas.is_some_and(|c| matches!(c.get_context("2d"), Ok(Some(_)))),
        capture_stream: has(&prototype("HTMLCanvasElement"), "captureStream"),
        replace_track: has(&prototype("RTCRtpSender"), "replaceTrack"),
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Whether blur was on the last time in this browser.
pub fn remembered() -> bool {
    let stored = storage().and_then(|s| s.get_item(blur::STORAGE_KEY).ok().flatten());
    blur::remembered(stored.as_deref())
}

/// Keeps the choice for the next call in this browser.
pub fn remember(on: bool) {
    let Some(s) = storage() else { return };
    let _ = match blur::to_store(on) {
        Some(value) => s.set_item(blur::STORAGE_KEY, value),
        None => s.remove_item(blur::STORAGE_KEY),
    };
}

/// Loads the library from `base` (once per page), builds a blur processor and loads its model.
pub async fn load(base: &str) -> Result<Processor, Failure> {
    let library: VideoProcessors = sdk::load(&blur::script_url(base), &blur::GLOBAL)
        .await
        .map_err(|()| Failure::Library)?
        .unchecked_into();
    if !library.is_supported() {
        return Err(Failure::Unsupported);
    }
    let class = js_sys::Reflect::get(&library, &"GaussianBlurBackgroundProcessor".into())
        .ok()
        .and_then(|c| c.dyn_into::<js_sys::Function>().ok())
        .ok_or(Failure::Library)?;
    let options = js_sys::Object::new();
    let path = blur::assets_path(base);
    let _ = js_sys::Reflect::set(&options, &"assetsPath".into(), &path.as_str().into());
    let processor: Processor = js_sys::Reflect::construct(&class, &js_sys::Array::of1(&options))
        .map_err(|_| Failure::Model)?
        .unchecked_into();
    let loaded = processor.load_model().map_err(|_| Failure::Model)?;
    let warn = |e: JsValue| {
        web_sys::console::warn_2(&"background blur: the model did not load".into(), &e);
        Failure::Model
    };
    JsFuture::from(loaded).await.map_err(warn)?;
    // `loadModel` resolves even when the model was not there; the first frame tells.
    if let Some(probe) = probe_frame() {
        let output: HtmlCanvasElement = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.create_element("canvas").ok())
            .and_then(|c| c.dyn_into().ok())
            .ok_or(Failure::Pipeline)?;
        let frame = processor.process_frame(&probe, &output).map_err(warn)?;
        JsFuture::from(frame).await.map_err(warn)?;
    }
    Ok(processor)
}

/// A blank 64 × 48 `OffscreenCanvas` with a `2d` context (the input the library hands its
/// worker as a bitmap), where the browser has one.
fn probe_frame() -> Option<JsValue> {
    let window: JsValue = web_sys::window()?.into();
    let class = js_sys::Reflect::get(&window, &"OffscreenCanvas".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    let canvas =
        js_sys::Reflect::construct(&class, &js_sys::Array::of2(&64.into(), &48.into())).ok()?;
    // Without a context it cannot be turned into the bitmap the worker gets.
    let context: js_sys::Function = js_sys::Reflect::get(&canvas, &"getContext".into())
        .ok()?
        .dyn_into()
        .ok()?;
    context.call1(&canvas, &"2d".into()).ok()?;
    Some(canvas)
}
