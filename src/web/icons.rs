//! The inline SVG icons: drawn in `currentColor`, hidden from assistive technology (the button
//! carrying one has its own accessible name).

use super::dom::{append, document, set_attr};
use wasm_bindgen::UnwrapThrowExt;
use web_sys::Element;

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// The video camera icon, as SVG.
pub fn camera() -> Element {
    let doc = document();
    let svg = doc
        .create_element_ns(Some(SVG_NS), "svg")
        .expect_throw("create_element_ns");
    set_attr(&svg, "viewBox", "0 0 24 24");
    set_attr(&svg, "width", "18");
    set_attr(&svg, "height", "18");
    set_attr(&svg, "fill", "currentColor");
    set_attr(&svg, "aria-hidden", "true");
    set_attr(&svg, "focusable", "false");
    let path = doc
        .create_element_ns(Some(SVG_NS), "path")
        .expect_throw("create_element_ns");
    set_attr(
        &path,
        "d",
        "M3 6h11a1 1 0 0 1 1 1v3.2l5-3.2v10l-5-3.2V17a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1z",
    );
    append(&svg, &path);
    svg
}
