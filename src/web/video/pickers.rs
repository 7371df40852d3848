//! The device lists, shared by the pre-join screen and the call's device settings: a labelled
//! `<select>` for the camera, the microphone and (where the browser can route audio) the
//! speaker. What each offers is [`crate::devices::offers`]'; a change is reported as the kind
//! and the chosen device id.

use super::devices::fill;
use crate::devices::{offered, offers, Device, Kind};
use crate::strings::{Strings, Text};
use crate::web::dom::append;
use crate::web::dom::{el, set_attr, set_role, set_shown, text, Listener};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlSelectElement};

/// The kinds in the order they are offered.
pub const KINDS: [Kind; 3] = [Kind::Camera, Kind::Microphone, Kind::Speaker];

pub type OnPick = Rc<dyn Fn(Kind, String)>;

thread_local! {
    static IDS: Cell<u64> = const { Cell::new(0) };
}

/// `ctv-<role>-<n>`, unique in the page.
fn next_id(role: &str) -> String {
    let n = IDS.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    let mut id = String::from("ctv-");
    id.push_str(role);
    id.push('-');
    crate::decimal::push(&mut id, n);
    id
}

pub struct Pickers {
    pub root: HtmlElement,
    lists: Vec<(Kind, HtmlElement, HtmlSelectElement)>,
    _listeners: Vec<Listener>,
}

fn role(kind: Kind) -> (&'static str, Text) {
    match kind {
        Kind::Camera => ("camera-choice", Text::CameraChoice),
        Kind::Microphone => ("microphone-choice", Text::MicrophoneChoice),
        Kind::Speaker => ("speaker-choice", Text::SpeakerChoice),
    }
}

impl Pickers {
    pub fn new(strings: &Strings, on_pick: OnPick) -> Pickers {
        let root = el("div", "ctv-pickers");
        let mut lists = Vec::new();
        let mut listeners = Vec::new();
        for kind in KINDS {
            let (data_role, label) = role(kind);
            // The label names its list by id (a number of its own, so two screens never
            // clash): wrapping the list would put the options' text into its name.
            let id = next_id(data_role);
            let wrapper = el("div", "ctv-picker");
            let name = text("label", "ctv-picker-label", strings.get(label));
            set_attr(&name, "for", &id);
            append(&wrapper, &name);
            let select: HtmlSelectElement = el("select", "ctv-select").unchecked_into();
            select.set_id(&id);
            set_role(&select, data_role);
            append(&wrapper, &select);
            append(&root, &wrapper);
            let (on, from) = (on_pick.clone(), select.clone());
            listeners.push(Listener::new(&select, "change", move |_| {
                on(kind, from.value())
            }));
            lists.push((kind, wrapper, select));
        }
        Pickers {
            root,
            lists,
            _listeners: listeners,
        }
    }

    /// Shows what each kind offers, with the device in use (`in_use`) selected.
    pub fn show(
        &self,
        devices: &[Device],
        in_use: impl Fn(Kind) -> Option<String>,
        can_route: bool,
        strings: &Strings,
    ) {
        for (kind, wrapper, select) in &self.lists {
            let shown = offered(*kind, can_route);
            set_shown(wrapper, shown);
            if shown {
                let using = in_use(*kind);
                fill(
                    select,
                    &offers(devices, *kind, using.as_deref(), can_route, strings),
                );
            }
        }
    }
}
