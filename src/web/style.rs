//! The stylesheet shared by the button and the tab inside Flex: added to `<head>` while any of
//! them is mounted, removed with the last.

use super::dom::{append, el, set_text};
use std::cell::Cell;
use web_sys::Document;

thread_local! {
    static STYLE_USERS: Cell<usize> = const { Cell::new(0) };
}

const STYLE_ID: &str = "chat-to-video-style";
/// The shared stylesheet. In the tab, the call's own "Reconnecting..." banner is hidden: the
/// tab's status line says it, from `manager.strings`.
const CSS: &str = "\
.c2v [hidden],.c2v[hidden]{display:none!important}\
.c2v-video-button{display:inline-flex;align-items:center;justify-content:center;min-width:32px;height:32px;padding:0 6px;border:1px solid currentColor;border-radius:4px;background:transparent;color:inherit;cursor:pointer}\
.c2v-video-button:disabled{cursor:progress;opacity:.6}\
.c2v-video-button[data-state=error]{color:#c41f1f}\
.c2v-spinner{display:inline-block;width:14px;height:14px;border:2px solid currentColor;border-right-color:transparent;border-radius:50%;animation:c2v-spin .8s linear infinite}\
@keyframes c2v-spin{to{transform:rotate(360deg)}}\
.c2v-tab{display:flex;flex-direction:column;gap:12px;padding:16px}\
.c2v-actions{display:flex;flex-wrap:wrap;gap:8px}\
.c2v-tab button{align-self:flex-start;min-height:44px;padding:6px 14px;border-radius:4px;border:1px solid currentColor;background:transparent;color:inherit;cursor:pointer}\
.c2v-tab button:disabled{cursor:progress;border-style:dashed}\
.c2v-tab .c2v-join,.c2v-tab .c2v-new-link[data-primary=true]{background:#0263e0;border-color:#0263e0;color:#fff}\
.c2v-error,.c2v-tab .c2v-end-all{color:#c41f1f}\
.c2v-summary{font-weight:600;margin:0}\
.c2v-notice{margin:0}\
@media (prefers-color-scheme:dark){.c2v-error,.c2v-tab .c2v-end-all{color:#ff9c9c}.c2v-video-button[data-state=error]{color:#ff9c9c}}\
.c2v-media:empty{display:none}\
.c2v-media [hidden]{display:none}\
.c2v-media .ctv-call{position:relative;background:#111;border-radius:6px;padding:6px;min-height:200px}\
.c2v-media .ctv-remote{margin:0}\
.c2v-media .ctv-remote[data-screen=on]{display:grid;grid-template-columns:3fr 1fr;gap:6px;align-items:start}\
.c2v-media .ctv-remote[data-screen=on] [data-role=remote-screen]{grid-area:1/1}\
.c2v-media .ctv-remote[data-screen=on] [data-role=remote-video]{grid-area:1/2}\
.c2v-media .ctv-remote[data-screen=on] .ctv-caption{grid-column:1/-1}\
.c2v-media .ctv-video{width:100%;background:#000;border-radius:4px;display:block}\
.c2v-media .ctv-caption{color:#fff;font-size:12px;display:flex;gap:8px;padding:2px 0}\
.c2v-media .ctv-local{position:absolute;right:12px;bottom:12px;width:25%;max-width:160px;border:2px solid #fff}\
.c2v-media .ctv-waiting{color:#ddd;text-align:center;padding:48px 0;margin:0}\
.c2v-media .ctv-controls{display:flex;gap:8px;margin-top:8px}\
.c2v-media .ctv-button[aria-pressed=true]{background:#c41f1f;border-color:#c41f1f;color:#fff}\
.c2v-media .ctv-announce{margin:6px 0 0;min-height:1.4em}\
.c2v-media .ctv-banner{display:none!important}\
.c2v-rating{border-top:1px solid #ccc;padding-top:8px}\
.c2v-rating p{margin:0 0 4px}\
.c2v-rating-comment{white-space:pre-wrap;font-style:italic}";

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
            set_text(&style, CSS);
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
