//! The customer page's header: the company's logo and name and the agent's name, above every
//! screen. The branding arrives from `brand.json` (the host's `BRAND_*`); its accent colour, and
//! the text colour chosen for it, become `--ctv-accent` and `--ctv-accent-text` on the document.

use crate::brand::Brand;
use crate::language::Words;
use crate::web::dom::{self, el, set_role, set_shown, text};
use web_sys::HtmlElement;

/// Where the host serves the branding, beside the page.
const BRAND_JSON: &str = "brand.json";

pub struct Header {
    root: HtmlElement,
    company: HtmlElement,
    agent: HtmlElement,
    words: &'static Words,
}

impl Header {
    /// Puts an empty header before `page` and asks for the branding.
    pub fn mount(page: &HtmlElement, words: &'static Words) -> std::rc::Rc<Header> {
        let root = el("header", "ctv-header");
        let company = el("div", "ctv-company");
        set_role(&company, "company");
        let agent = text("p", "ctv-agent", "");
        set_role(&agent, "agent-name");
        set_shown(&agent, false);
        dom::append(&root, &company);
        dom::append(&root, &agent);
        let _ = page.before_with_node_1(&root);
        let header = std::rc::Rc::new(Header {
            root,
            company,
            agent,
            words,
        });
        let weak = std::rc::Rc::downgrade(&header);
        wasm_bindgen_futures::spawn_local(async move {
            // No branding (or none reachable) leaves the header naming only the agent.
            if let Ok(brand) = crate::web::http::get_json(BRAND_JSON, crate::web::read::brand).await
            {
                if let Some(header) = weak.upgrade() {
                    header.brand(&brand);
                }
            }
        });
        header
    }

    fn brand(&self, brand: &Brand) {
        if let Some(url) = &brand.logo_url {
            let logo = el("img", "ctv-logo");
            dom::set_attr(&logo, "src", url);
            // The logo's alt text is the company's name (without a name, it is decoration).
            dom::set_attr(&logo, "alt", brand.name.as_deref().unwrap_or(""));
            dom::append(&self.company, &logo);
        }
        if let Some(name) = &brand.name {
            let shown = text("span", "ctv-company-name", name);
            // Beside a logo that already says it, assistive technology hears the name once.
            if brand.logo_url.is_some() {
                dom::set_attr(&shown, "aria-hidden", "true");
            }
            dom::append(&self.company, &shown);
        }
        if let (Some(accent), Some(on)) = (&brand.accent_color, &brand.accent_text_color) {
            // Both are validated `#rrggbb`.
            if let Some(html) = dom::document().document_element() {
                let style = format!("--ctv-accent:{accent};--ctv-accent-text:{on}");
                dom::set_attr(&html, "style", &style);
            }
        }
    }

    /// "Your agent: Alice" once the session knows who.
    pub fn set_agent(&self, name: Option<&str>) {
        match name {
            Some(n) => dom::set_text(&self.agent, &self.words.your_agent(n)),
            None => dom::set_text(&self.agent, ""),
        }
        set_shown(&self.agent, name.is_some());
    }
}

impl Drop for Header {
    fn drop(&mut self) {
        self.root.remove();
    }
}
