//! The inline SVG icons, Twilio Paste's ([`paste`], generated from `@twilio-paste/icons`):
//! drawn in `currentColor`, hidden from assistive technology (the button carrying one has its
//! own accessible name and a visible label).

pub mod paste;

use super::dom::{append, document, set_attr};
use wasm_bindgen::UnwrapThrowExt;
use web_sys::Element;

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// An `<svg>` of `paths` (Paste's 20 × 20 view box), `size` CSS pixels square.
pub fn icon(paths: &[(&str, bool)], size: u32) -> Element {
    let doc = document();
    let svg = doc
        .create_element_ns(Some(SVG_NS), "svg")
        .expect_throw("create_element_ns");
    let mut size_text = String::new();
    crate::decimal::push(&mut size_text, u64::from(size));
    let size = size_text;
    set_attr(&svg, "viewBox", "0 0 20 20");
    set_attr(&svg, "width", &size);
    set_attr(&svg, "height", &size);
    set_attr(&svg, "fill", "none");
    set_attr(&svg, "aria-hidden", "true");
    set_attr(&svg, "focusable", "false");
    for (d, evenodd) in paths {
        let path = doc
            .create_element_ns(Some(SVG_NS), "path")
            .expect_throw("create_element_ns");
        set_attr(&path, "fill", "currentColor");
        set_attr(&path, "d", d);
        if *evenodd {
            set_attr(&path, "fill-rule", "evenodd");
            set_attr(&path, "clip-rule", "evenodd");
        }
        append(&svg, &path);
    }
    svg
}

/// The video camera icon of the task header's button.
pub fn camera() -> Element {
    icon(paste::VIDEO_ON, 20)
}
