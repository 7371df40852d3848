//! The post-call screen: why the call ended when the customer did not choose it, then a
//! 1–5 rating with an optional comment, sent to `submit-rating` with the feedback ticket.

use super::api::{self, ApiError};
use crate::api::{param, Endpoint, SuccessResponse};
use crate::customer::CodeAnswer;
use crate::language::Words;
use crate::rating::{Rating, MAX_COMMENT_CHARS};
use crate::web::dom::Listener;
use crate::web::dom::{append, set_attr};
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
    set_attr(&l, "for", for_id);
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
    append(&root, &heading);
    if let Some(why) = why {
        let why = text("p", "ctv-end-reason", why);
        set_role(&why, "end-reason");
        set_attr(&why, "role", "alert");
        append(&root, &why);
    }
    let Some(ticket) = ticket else {
        append(parent, &root);
        return (Vec::new(), heading);
    };
    let form: HtmlFormElement = el("form", "ctv-rating").unchecked_into();
    let fieldset = el("fieldset", "");
    append(&fieldset, &text("legend", "", words.rating_question));
    for n in 1..=5 {
        let id = format!("ctv-rating-{n}");
        let radio = input("radio", "rating", &n.to_string(), &id);
        append(&fieldset, &radio);
        append(&fieldset, &label(&id, &n.to_string()));
    }
    append(&form, &fieldset);
    append(&form, &label("ctv-comment", words.comment_label));
    let comment: HtmlTextAreaElement = el("textarea", "").unchecked_into();
    comment.set_id("ctv-comment");
    comment.set_name("comment");
    comment.set_max_length(MAX_COMMENT_CHARS as i32);
    append(&form, &comment);
    let submit: HtmlButtonElement =
        text("button", "ctv-button", words.send_feedback).unchecked_into();
    submit.set_type("submit");
    set_role(&submit, "submit-rating");
    append(&form, &submit);
    let status = text("p", "ctv-status", "");
    set_attr(&status, "role", "status");
    set_role(&status, "rating-status");
    append(&root, &form);
    append(&root, &status);
    append(parent, &root);

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
