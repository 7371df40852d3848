//! The post-call screen: why the call ended when the customer did not choose it, then a
//! 1–5 rating with an optional comment, sent to `submit-rating` with the feedback ticket.

use super::api::{self, ApiError};
use crate::api::{param, Endpoint, SuccessResponse};
use crate::customer::CodeAnswer;
use crate::language::Words;
use crate::rating::{Rating, MAX_COMMENT_CHARS};
use crate::web::dom::Listener;
use crate::web::dom::{el, set_role, set_shown, text};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{
    HtmlButtonElement, HtmlElement, HtmlFormElement, HtmlInputElement, HtmlTextAreaElement,
};

fn input(kind: &str, name: &str, value: &str, id: &str) -> HtmlInputElement {
    let i: HtmlInputElement = el("input", "").unchecked_into();
    i.set_type(kind);
    i.set_name(name);
    i.set_value(value);
    i.set_id(id);
    i
}

fn label(for_id: &str, content: &str) -> HtmlElement {
    let l = text("label", "", content);
    let _ = l.set_attribute("for", for_id);
    l
}

/// Renders into `parent` (`why`: why the call ended, when the customer did not choose it);
/// returns the listeners to keep and the heading, for focus.
pub fn render(
    parent: &HtmlElement,
    words: &'static Words,
    why: Option<&str>,
    ticket: Option<String>,
) -> (Vec<Listener>, HtmlElement) {
    let root = el("section", "ctv-post-call");
    set_role(&root, "post-call");
    let heading = text("h2", "", words.call_ended);
    let _ = root.append_child(&heading);
    if let Some(why) = why {
        let why = text("p", "ctv-end-reason", why);
        set_role(&why, "end-reason");
        let _ = why.set_attribute("role", "alert");
        let _ = root.append_child(&why);
    }
    let Some(ticket) = ticket else {
        let _ = parent.append_child(&root);
        return (Vec::new(), heading);
    };
    let form: HtmlFormElement = el("form", "ctv-rating").unchecked_into();
    let fieldset = el("fieldset", "");
    let _ = fieldset.append_child(&text("legend", "", words.rating_question));
    for n in 1..=5 {
        let id = format!("ctv-rating-{n}");
        let radio = input("radio", "rating", &n.to_string(), &id);
        let _ = fieldset.append_child(&radio);
        let _ = fieldset.append_child(&label(&id, &n.to_string()));
    }
    let _ = form.append_child(&fieldset);
    let _ = form.append_child(&label("ctv-comment", words.comment_label));
    let comment: HtmlTextAreaElement = el("textarea", "").unchecked_into();
    comment.set_id("ctv-comment");
    comment.set_name("comment");
    comment.set_max_length(MAX_COMMENT_CHARS as i32);
    let _ = form.append_child(&comment);
    let submit: HtmlButtonElement =
        text("button", "ctv-button", words.send_feedback).unchecked_into();
    submit.set_type("submit");
    set_role(&submit, "submit-rating");
    let _ = form.append_child(&submit);
    let status = text("p", "ctv-status", "");
    let _ = status.set_attribute("role", "status");
    set_role(&status, "rating-status");
    let _ = root.append_child(&form);
    let _ = root.append_child(&status);
    let _ = parent.append_child(&root);

    let form2 = form.clone();
    let listener = Listener::preventing(&form, "submit", move |event| {
        event.prevent_default();
        let chosen = form2
            .query_selector("input[name=rating]:checked")
            .ok()
            .flatten()
            .map(|e| e.unchecked_into::<HtmlInputElement>().value());
        let rating = match Rating::from_input(chosen.as_deref(), Some(&comment.value())) {
            Ok(r) => r,
            Err(e) => {
                status.set_text_content(Some(words.rating_error(&e)));
                return;
            }
        };
        submit.set_disabled(true);
        status.set_text_content(Some(words.sending));
        let (ticket, status, submit, form) = (
            ticket.clone(),
            status.clone(),
            submit.clone(),
            form2.clone(),
        );
        spawn_local(async move {
            let stars = rating.rating.to_string();
            let mut params = vec![
                (param::TICKET, ticket.as_str()),
                (param::RATING, stars.as_str()),
            ];
            if let Some(c) = rating.comment.as_deref() {
                params.push((param::COMMENT, c));
            }
            match api::call(Endpoint::SubmitRating, &params, crate::web::read::success).await {
                Ok(SuccessResponse { success: true }) => {
                    set_shown(&form, false);
                    status.set_text_content(Some(words.feedback_thanks));
                }
                // One rating per call: another tab (or an earlier try) already sent it.
                Err(ApiError::Answer(CodeAnswer::AlreadyRated)) => {
                    set_shown(&form, false);
                    status.set_text_content(Some(words.already_rated));
                }
                _ => {
                    submit.set_disabled(false);
                    status.set_text_content(Some(words.feedback_failed));
                }
            }
        });
    });
    (vec![listener], heading)
}
