//! The crate's timers (`dom::Timer`, over gloo-timers): a timer dropped before it fires never
//! fires, and the live count follows each timer from start to firing or dropping.

use chat_to_video::web::dom::{self, Timer};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

/// A promise that a timer started now resolves after `millis`, and the timer.
fn later(millis: u32) -> (JsFuture, Timer) {
    let mut resolve = None;
    let promise = js_sys::Promise::new(&mut |r, _| resolve = Some(r));
    let timer = Timer::new(millis, move || {
        if let Some(r) = resolve {
            let _ = r.call0(&JsValue::UNDEFINED);
        }
    });
    (JsFuture::from(promise), timer)
}

#[wasm_bindgen_test]
async fn a_dropped_timer_never_fires() {
    let before = dom::live_timers();
    let fired = Rc::new(Cell::new(false));
    let flag = fired.clone();
    let dropped = Timer::new(0, move || flag.set(true));
    assert_eq!(dom::live_timers(), before + 1);
    drop(dropped);
    assert_eq!(
        dom::live_timers(),
        before,
        "a dropped timer is no longer live"
    );
    // A timer started after it with a longer delay fires after where it would have: once this
    // one has fired, the dropped one would have too.
    let (fires, timer) = later(20);
    fires.await.expect("the later timer fires");
    drop(timer);
    assert!(!fired.get(), "the dropped timer fired");
    assert_eq!(dom::live_timers(), before);
}

#[wasm_bindgen_test]
async fn a_timer_that_fires_stops_counting_as_live() {
    let before = dom::live_timers();
    let (fires, timer) = later(0);
    assert_eq!(dom::live_timers(), before + 1);
    fires.await.expect("the timer fires");
    assert_eq!(
        dom::live_timers(),
        before,
        "fired: not live, though not dropped yet"
    );
    drop(timer);
    assert_eq!(
        dom::live_timers(),
        before,
        "dropping after firing counts nothing twice"
    );
}
