//! The stylesheet shared by the button and the tab inside Flex: added to `<head>` while any of
//! them is mounted, removed with the last; Paste's tokens in Flex's theme.

use super::dom::{append, el, set_text};
use super::tokens;
use std::cell::Cell;
use web_sys::Document;

thread_local! {
    static STYLE_USERS: Cell<usize> = const { Cell::new(0) };
}

const STYLE_ID: &str = "chat-to-video-style";
/// The shared stylesheet, every value a Twilio Paste token ([`tokens`]: Paste's light theme, or its
/// dark theme when Flex's is dark, `data-theme=dark` on the component's root). In the tab, the
/// call's own "Reconnecting..." banner is hidden: the tab's status line says it, from
/// `manager.strings`.
const CSS: &str = "\
.c2v [hidden],.c2v[hidden]{display:none!important}\
.c2v{color:var(--paste-color-text);font-family:var(--paste-font-family-text)}\
.c2v button:focus-visible{outline:none;box-shadow:var(--paste-shadow-focus)}\
.c2v-video-button{display:inline-flex;align-items:center;justify-content:center;min-width:32px;height:32px;padding:0 var(--paste-space-20);border:1px solid var(--paste-color-border);border-radius:var(--paste-border-radius-20);background:transparent;color:inherit;cursor:pointer}\
.c2v-video-button:disabled{cursor:progress;opacity:.6}\
.c2v-video-button[data-state=error]{color:var(--paste-color-text-error)}\
.c2v-spinner{display:inline-block;width:14px;height:14px;border:2px solid currentColor;border-right-color:transparent;border-radius:var(--paste-border-radius-circle);animation:c2v-spin .8s linear infinite}\
@keyframes c2v-spin{to{transform:rotate(360deg)}}\
.c2v-tab{display:flex;flex-direction:column;gap:var(--paste-space-40);padding:var(--paste-space-50);background:var(--paste-color-background-body);font-size:var(--paste-font-size-30);line-height:var(--paste-line-height-30)}\
.c2v-actions{display:flex;flex-wrap:wrap;gap:var(--paste-space-30)}\
.c2v-tab button{align-self:flex-start;min-height:44px;min-width:44px;padding:var(--paste-space-30) var(--paste-space-50);border-radius:var(--paste-border-radius-20);border:1px solid var(--paste-color-border);background:var(--paste-color-background-body);color:var(--paste-color-text);font:inherit;font-weight:var(--paste-font-weight-semibold);cursor:pointer}\
.c2v-tab button:disabled{cursor:progress;border-style:dashed}\
.c2v-tab .c2v-join,.c2v-tab .c2v-new-link[data-primary=true]{background:var(--c2v-accent,var(--paste-color-background-primary));border-color:var(--c2v-accent,var(--paste-color-background-primary));color:var(--c2v-accent-text,var(--paste-color-text-inverse))}\
.c2v-error{color:var(--paste-color-text-error)}\
.c2v-tab .c2v-end-all{background:var(--paste-color-background-destructive);border-color:var(--paste-color-background-destructive);color:var(--paste-color-text-inverse)}\
.c2v-summary{font-weight:var(--paste-font-weight-semibold);margin:0}\
.c2v-notice{margin:0}\
.c2v-media:empty{display:none}\
.c2v-media [hidden]{display:none}\
.c2v-media .ctv-call{position:relative;background:var(--paste-color-background-body-inverse);color:var(--paste-color-text-inverse);border-radius:var(--paste-border-radius-30);padding:var(--paste-space-30);min-height:200px;overflow:hidden}\
.c2v-media .ctv-remote{margin:0}\
.c2v-media .ctv-remote[data-screen=on]{display:grid;grid-template-columns:3fr 1fr;gap:var(--paste-space-30);align-items:start}\
.c2v-media .ctv-remote[data-screen=on] [data-role=remote-screen]{grid-area:1/1}\
.c2v-media .ctv-remote[data-screen=on] [data-role=remote-video]{grid-area:1/2}\
.c2v-media .ctv-remote[data-screen=on] .ctv-caption{grid-column:1/-1}\
.c2v-media .ctv-video{width:100%;background:var(--paste-color-background-inverse);border-radius:var(--paste-border-radius-20);display:block}\
.c2v-media .ctv-caption{font-size:var(--paste-font-size-30);display:flex;gap:var(--paste-space-30);padding:var(--paste-space-20) 0}\
.c2v-media .ctv-caption .ctv-status{color:var(--paste-color-text-inverse-weak)}\
.c2v-media .ctv-local{position:absolute;right:var(--paste-space-40);top:var(--paste-space-40);width:25%;max-width:160px;border:2px solid var(--paste-color-border-inverse)}\
.c2v-media .ctv-local+.ctv-local{right:calc(var(--paste-space-40) + min(25%,160px) + var(--paste-space-30))}\
.c2v-media .ctv-quality{display:inline-flex;align-items:flex-end;gap:2px;height:16px;align-self:center}\
.c2v-media .ctv-quality-bar{width:4px;height:100%;background:var(--paste-color-border-inverse);border-radius:1px}\
.c2v-media .ctv-quality-bar:nth-child(1){height:20%}.c2v-media .ctv-quality-bar:nth-child(2){height:40%}.c2v-media .ctv-quality-bar:nth-child(3){height:60%}.c2v-media .ctv-quality-bar:nth-child(4){height:80%}\
.c2v-media .ctv-quality-bar[data-on]{background:var(--paste-color-text-inverse)}\
.c2v-media [data-role=local-quality]{position:absolute;top:calc(var(--paste-space-40) + var(--paste-space-20));right:calc(var(--paste-space-40) + var(--paste-space-20));padding:var(--paste-space-20);background:var(--paste-color-background-body-inverse);border-radius:var(--paste-border-radius-20)}\
.c2v-tab .c2v-media .ctv-pip{margin-left:auto;font-size:var(--paste-font-size-30)}\
.c2v-media .ctv-waiting{color:var(--paste-color-text-inverse-weak);text-align:center;padding:48px 0;margin:0}\
.c2v-media .ctv-controls{display:flex;justify-content:center;flex-wrap:wrap;gap:var(--paste-space-30);margin-top:var(--paste-space-30);padding:var(--paste-space-30);background:var(--paste-color-background-body-inverse);border-radius:var(--paste-border-radius-30)}\
.c2v-tab .c2v-media .ctv-control{display:inline-flex;flex-direction:column;align-items:center;gap:var(--paste-space-20);min-width:5.5rem;align-self:auto;padding:var(--paste-space-30);border-radius:var(--paste-border-radius-30);border:1px solid var(--paste-color-border-inverse);background:var(--paste-color-background-inverse);color:var(--paste-color-text-inverse);font-size:var(--paste-font-size-30)}\
.c2v-media .ctv-control svg{width:var(--paste-size-icon-30);height:var(--paste-size-icon-30)}\
.c2v-tab .c2v-media .ctv-control[aria-pressed=true]{background:var(--paste-color-background-body);color:var(--paste-color-text);border-color:var(--paste-color-border)}\
.c2v-media .ctv-announce{margin:var(--paste-space-30) 0 0;min-height:1.4em}\
.c2v-media .ctv-error{color:var(--paste-color-text-error)}\
.c2v-media .ctv-banner{display:none!important}\
.c2v-prejoin:empty{display:none}\
.ctv-prejoin{display:grid;gap:var(--paste-space-30);max-width:28rem}\
.ctv-preview{width:100%;aspect-ratio:4/3;object-fit:cover;transform:scaleX(-1);background:var(--paste-color-background-inverse);border-radius:var(--paste-border-radius-20)}\
.ctv-meter{display:flex;gap:var(--paste-space-20);height:var(--paste-space-30)}\
.ctv-meter-step{flex:1;border-radius:var(--paste-border-radius-20);background:var(--paste-color-background-strong)}\
.ctv-meter-step[data-on=true]{background:var(--c2v-accent,var(--paste-color-background-primary))}\
.ctv-pickers{display:grid;gap:var(--paste-space-30)}\
.ctv-picker{display:grid;gap:var(--paste-space-20)}\
.ctv-picker-label{font-weight:var(--paste-font-weight-semibold)}\
.ctv-select{font:inherit;min-height:44px;padding:var(--paste-space-20) var(--paste-space-30);background:var(--paste-color-background-body);color:var(--paste-color-text);border:1px solid var(--paste-color-border);border-radius:var(--paste-border-radius-20)}\
.ctv-prejoin-notices p{margin:0}\
.c2v-media .ctv-devices{margin-top:var(--paste-space-30);padding:var(--paste-space-30);background:var(--paste-color-background-body);color:var(--paste-color-text);border-radius:var(--paste-border-radius-30)}\
.c2v-rating{border-top:1px solid var(--paste-color-border-weak);padding-top:var(--paste-space-30)}\
.c2v-rating p{margin:0 0 var(--paste-space-20)}\
.c2v-rating-comment{white-space:pre-wrap;font-style:italic}";

/// The stylesheet with Paste's light tokens on every component root and, on a root in a dark
/// Flex, its dark ones where they differ (only the tokens [`CSS`] uses: `pkg-shim/design-tokens.mjs`).
fn stylesheet() -> String {
    let mut out = String::with_capacity(tokens::LIGHT.len() + tokens::DARK.len() + CSS.len() + 32);
    out.push_str(".c2v{");
    out.push_str(tokens::LIGHT);
    out.push_str("}.c2v[data-theme=dark]{");
    out.push_str(tokens::DARK);
    out.push('}');
    out.push_str(CSS);
    out
}

/// Marks a component's root with Flex's theme (`manager.configuration.theme.isLight`) and the
/// company's accent (`custom_data.branding.accent_color`, validated `#rrggbb`, with the text
/// colour chosen for it) for the primary buttons.
pub fn set_theme(root: &web_sys::Element, dark: bool, accent: Option<(&str, &str)>) {
    super::dom::set_attr(root, "data-theme", if dark { "dark" } else { "light" });
    if let Some((accent, text)) = accent {
        let style = ["--c2v-accent:", accent, ";--c2v-accent-text:", text].concat();
        super::dom::set_attr(root, "style", &style);
    }
}

/// Keeps the shared stylesheet in `<head>` while alive; the last one out removes it.
#[must_use = "the stylesheet is removed when the last guard is dropped"]
pub struct StyleGuard(());

impl StyleGuard {
    pub fn new(doc: &Document) -> StyleGuard {
        let users = STYLE_USERS.with(|n| {
            n.set(n.get() + 1);
            n.get()
        });
        if users == 1 || doc.get_element_by_id(STYLE_ID).is_none() {
            let style = el("style", "");
            style.set_id(STYLE_ID);
            set_text(&style, &stylesheet());
            if let Some(head) = doc.head() {
                append(&head, &style);
            }
        }
        StyleGuard(())
    }
}

impl Drop for StyleGuard {
    fn drop(&mut self) {
        let users = STYLE_USERS.with(|n| {
            n.set(n.get().saturating_sub(1));
            n.get()
        });
        if users == 0 {
            if let Some(style) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(STYLE_ID))
            {
                style.remove();
            }
        }
    }
}
