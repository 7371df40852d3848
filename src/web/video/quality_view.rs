//! The network quality indicator on a tile: five bars of rising height, as many filled as the
//! level ([`crate::network_quality::Quality::bars`]), with the level in words as its accessible
//! name and tooltip ("Network quality: 3 of 5 (average)"), so neither colour nor the bars alone
//! carry it. What the level is comes from [`crate::network_quality`]; this only shows it.

use crate::network_quality::Quality;
use crate::strings::Strings;
use crate::web::dom::append;
use crate::web::dom::{el, set_attr, set_role};
use web_sys::HtmlElement;

const BARS: u8 = 5;

/// One participant's indicator.
pub struct QualityView {
    root: HtmlElement,
    bars: Vec<HtmlElement>,
    shown: Option<Quality>,
}

impl QualityView {
    /// Not measured yet until [`QualityView::set`]; `role` is its `data-role`.
    pub fn new(role: &str, strings: &Strings) -> QualityView {
        let root = el("span", "ctv-quality");
        set_role(&root, role);
        set_attr(&root, "role", "img");
        let bars = (0..BARS)
            .map(|_| {
                let bar = el("span", "ctv-quality-bar");
                append(&root, &bar);
                bar
            })
            .collect();
        let mut view = QualityView {
            root,
            bars,
            shown: None,
        };
        view.set(Quality::Unknown, strings);
        view
    }

    pub fn element(&self) -> &HtmlElement {
        &self.root
    }

    pub fn set(&mut self, quality: Quality, strings: &Strings) {
        if self.shown == Some(quality) {
            return;
        }
        self.shown = Some(quality);
        let words = strings.get(quality.text());
        set_attr(&self.root, "aria-label", words);
        set_attr(&self.root, "title", words);
        let filled = quality.bars();
        let level = match filled {
            None => "unknown",
            Some(n) => ["0", "1", "2", "3", "4", "5"][usize::from(n.min(BARS))],
        };
        set_attr(&self.root, "data-level", level);
        for (i, bar) in (0u8..).zip(&self.bars) {
            if filled.is_some_and(|n| i < n) {
                set_attr(bar, "data-on", "");
            } else {
                let _ = bar.remove_attribute("data-on");
            }
        }
    }
}
