//! The handle every mount returns to the shell. Freeing it (wasm-bindgen's `free()`, called
//! from the React effect cleanup) drops the component, which removes what it mounted and
//! releases every listener, closure and request it owns.

use wasm_bindgen::prelude::*;

/// A mounted component.
pub trait Component {
    /// New props from the shell: the task (and, for the button, the conversation).
    fn update(&self, task: &JsValue, conversation: Option<&JsValue>);
}

#[wasm_bindgen]
#[must_use = "dropping (freeing) the handle unmounts what it mounted"]
pub struct Mounted {
    component: Option<Box<dyn Component>>,
}

#[wasm_bindgen]
impl Mounted {
    /// Passes new props to the component.
    pub fn update(&self, task: JsValue, conversation: Option<JsValue>) {
        if let Some(c) = &self.component {
            c.update(&task, conversation.as_ref());
        }
    }
}

impl Mounted {
    pub fn new(component: Box<dyn Component>) -> Mounted {
        Mounted {
            component: Some(component),
        }
    }

    /// A handle that holds nothing (the feature is disabled).
    pub fn empty() -> Mounted {
        Mounted { component: None }
    }

    /// Whether a component is mounted.
    pub fn is_empty(&self) -> bool {
        self.component.is_none()
    }
}
