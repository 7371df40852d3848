//! The pure modules and the HTTP client in the wasm build: the attribute merge, the code format,
//! templates, the tab's state machine, and posts through the real `fetch`.

use chat_to_video::attributes::{merge, AttributePatch, VideoRoomState};
use chat_to_video::code::CodeFormat;
use chat_to_video::room_state::{Input, Phase};
use chat_to_video::strings::render;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn pure_modules_work_in_the_wasm_build() {
    // The attribute merge keeps foreign keys verbatim.
    let merged = merge(
        r#"{"a":{"b":[1,2.50]},"videoRoom":"created"}"#,
        &AttributePatch {
            video_room: Some(VideoRoomState::Connected),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(merged, r#"{"a":{"b":[1,2.50]},"videoRoom":"connected"}"#);

    // The code format.
    let format = CodeFormat::new(7).unwrap();
    let mut n = 0u32;
    let code = format.generate(|| {
        n = n.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        n
    });
    assert_eq!(format.validate(&code), Ok(()));
    assert!(format.validate("abc-def").is_err());

    // Templates and the tab's state machine.
    assert_eq!(render("go {{videoUrl}}", &[("videoUrl", "u")]), "go u");
    let step = Phase::Idle
        .step(Input::Join {
            task_sid: "WT1",
            has_document: true,
            active: None,
        })
        .unwrap();
    assert_eq!(step.phase, Phase::FetchingToken);
}

#[wasm_bindgen_test]
async fn http_posts_through_the_real_fetch() {
    use chat_to_video::api::SuccessResponse;
    use chat_to_video::web::http::{post_form, HttpError, InFlight};
    use chat_to_video::web::read::success;

    // `data:` URLs answer any method without a server.
    let ok: Result<SuccessResponse, _> = post_form(
        "data:application/json,%7B%22success%22%3Atrue%7D",
        &[("Token", "t"), ("taskSid", "WT1")],
        None,
        success,
    )
    .await;
    assert_eq!(ok, Ok(SuccessResponse { success: true }));

    let not_json = post_form("data:text/plain,hello", &[], None, success).await;
    assert!(
        matches!(not_json, Err(HttpError::BadBody(_))),
        "{not_json:?}"
    );
    let wrong_shape = post_form(
        "data:application/json,%7B%22nope%22%3A1%7D",
        &[],
        None,
        success,
    )
    .await;
    assert!(
        matches!(wrong_shape, Err(HttpError::BadBody(_))),
        "{wrong_shape:?}"
    );

    let request = InFlight::new();
    let signal = request.signal();
    drop(request);
    let aborted = post_form("data:text/plain,x", &[], signal.as_ref(), success).await;
    assert_eq!(aborted, Err(HttpError::Aborted));

    // Nothing listens on port 1: a network error, not a panic.
    let refused = post_form("http://127.0.0.1:1/", &[], None, success).await;
    assert!(matches!(refused, Err(HttpError::Network(_))), "{refused:?}");
}
