//! `Plugin.create`: the configuration read from `custom_data`, and the coded errors it throws for a
//! bad configuration, Flex object or manager.

use crate::common::*;
use crate::plugin;
use chat_to_video::web::{Plugin, PluginError};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

/// The code as JS sees it (the `.d.ts` string enum).
fn code_of(err: &PluginError) -> String {
    JsValue::from(err.code()).as_string().unwrap_or_default()
}

#[wasm_bindgen_test]
fn create_reads_the_configuration_from_custom_data() {
    let flex = FlexDouble::new();
    let p = plugin(&flex, ENABLED, "{}").expect("valid configuration");
    assert!(p.enabled());

    let disabled = plugin(&flex, r#"{"features":{}}"#, "{}").expect("disabled is valid");
    assert!(!disabled.enabled());
    let no_custom = Plugin::create(flex.object(), json(r#"{"user":{}}"#)).expect("no custom_data");
    assert!(!no_custom.enabled());
    let off = plugin(
        &flex,
        r#"{"serverless_functions_port":"bad","features":{"chat_to_video_escalation":{"enabled":false}}}"#,
        "{}",
    )
    .expect("a disabled feature validates nothing else");
    assert!(!off.enabled());
}

#[wasm_bindgen_test]
fn create_throws_errors_with_codes() {
    let flex = FlexDouble::new();
    let cases = [
        (
            r#"{"features":{"chat_to_video_escalation":{"enabled":true}}}"#,
            "MissingFunctionsDomain",
        ),
        (
            r#"{"serverless_functions_domain":"","features":{"chat_to_video_escalation":{"enabled":true}}}"#,
            "MissingFunctionsDomain",
        ),
        (
            r#"{"serverless_functions_domain":"https://x.twil.io","features":{"chat_to_video_escalation":{"enabled":true}}}"#,
            "InvalidFunctionsDomain",
        ),
        (
            r#"{"serverless_functions_domain":"x.twil.io","serverless_functions_protocol":"ftp","features":{"chat_to_video_escalation":{"enabled":true}}}"#,
            "InvalidFunctionsProtocol",
        ),
        (
            r#"{"serverless_functions_domain":"x.twil.io","serverless_functions_port":70000,"features":{"chat_to_video_escalation":{"enabled":true}}}"#,
            "InvalidFunctionsPort",
        ),
        (
            r#"{"features":{"chat_to_video_escalation":{"enabled":"yes"}}}"#,
            "InvalidEnabledFlag",
        ),
    ];
    for (custom_data, code) in cases {
        let err = plugin(&flex, custom_data, "{}")
            .err()
            .unwrap_or_else(|| panic!("{custom_data} must be refused"));
        assert_eq!(code_of(&err), code);
        let message = err.message();
        assert!(message.starts_with("custom_data."), "{message}");
        assert_eq!(err.to_js_string(), format!("{code}: {message}"));
    }

    let err = Plugin::create(json(r#"{"Actions":{}}"#), manager(ENABLED, "{}"))
        .err()
        .expect("flex without invokeAction");
    assert_eq!(code_of(&err), "InvalidFlex");
    let err = Plugin::create(flex.object(), JsValue::NULL)
        .err()
        .expect("null manager");
    assert_eq!(code_of(&err), "InvalidManager");
}
