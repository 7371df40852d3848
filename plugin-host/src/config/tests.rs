//! Settings from flags and an environment lookup: the defaults, errors that name the variable,
//! and what twilio mode requires.

use super::*;

fn cli() -> Cli {
    Cli::parse_from(["plugin-host"])
}

fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Settings::from_sources(cli(), move |name| {
        vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    })
}

#[test]
fn defaults_are_the_seeds() {
    let s = settings(&[]).unwrap();
    assert_eq!(s.mode(), Mode::Sandbox);
    assert_eq!((s.code_format.length(), s.code_ttl_secs), (7, 3600));
    assert_eq!(s.room_type, "group");
    assert!(!s.record_by_default);
    assert_eq!(s.listen.to_string(), "127.0.0.1:8080");
}

#[test]
fn bad_values_name_the_variable() {
    for (var, value) in [
        ("VIDEO_CODE_LENGTH", "0"),
        ("VIDEO_CODE_TTL", "soon"),
        ("VIDEO_ROOM_TYPE", "huge"),
        ("VIDEO_RECORD_BY_DEFAULT", "maybe"),
        ("SANDBOX_MINUTE_SECS", "-1"),
    ] {
        let err = settings(&[(var, value)]).unwrap_err();
        assert_eq!(err.var, var);
        assert!(err.to_string().contains(var));
    }
}

#[test]
fn twilio_mode_needs_everything() {
    let ac = "AC0123456789abcdef0123456789abcdef";
    assert_eq!(
        settings(&[("ACCOUNT_SID", ac)]).unwrap_err().var,
        "AUTH_TOKEN"
    );
    assert_eq!(
        settings(&[("ACCOUNT_SID", ac), ("AUTH_TOKEN", "t")])
            .unwrap_err()
            .var,
        "TWILIO_API_KEY"
    );
    let full = settings(&[
        ("ACCOUNT_SID", ac),
        ("AUTH_TOKEN", "t"),
        ("TWILIO_API_KEY", "SK0123456789abcdef0123456789abcdef"),
        ("TWILIO_API_SECRET", "s"),
        (
            "VIDEO_SYNC_SERVICE_SID",
            "IS0123456789abcdef0123456789abcdef",
        ),
        (
            "TWILIO_FLEX_WORKSPACE_SID",
            "WS0123456789abcdef0123456789abcdef",
        ),
    ])
    .unwrap();
    assert_eq!(full.mode(), Mode::Twilio);
}

#[test]
fn api_key_alone_stays_a_sandbox() {
    let s = settings(&[
        ("TWILIO_API_KEY", "SK0123456789abcdef0123456789abcdef"),
        ("TWILIO_API_SECRET", "s"),
    ])
    .unwrap();
    assert_eq!(s.mode(), Mode::Sandbox);
    assert!(s.api_key.is_some());
}

#[test]
fn sessions_need_a_dedicated_sync_service_never_flexs_own() {
    let base = [
        ("ACCOUNT_SID", "AC0123456789abcdef0123456789abcdef"),
        ("AUTH_TOKEN", "t"),
        ("TWILIO_API_KEY", "SK0123456789abcdef0123456789abcdef"),
        ("TWILIO_API_SECRET", "s"),
        (
            "TWILIO_FLEX_WORKSPACE_SID",
            "WS0123456789abcdef0123456789abcdef",
        ),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut all = base.to_vec();
        all.extend_from_slice(extra);
        settings(&all)
    };
    const FLEX: &str = "IS0123456789abcdef0123456789abcdef";
    const VIDEO: &str = "IS1123456789abcdef0123456789abcdef";
    let missing = with(&[]).unwrap_err();
    assert_eq!(missing.var, "VIDEO_SYNC_SERVICE_SID");
    assert!(missing.reason.contains("cargo xtask deploy"), "{missing}");
    let old = with(&[("TWILIO_FLEX_SYNC_SID", FLEX)]).unwrap_err();
    assert_eq!(old.var, "TWILIO_FLEX_SYNC_SID");
    assert!(old.reason.contains("cargo xtask deploy"), "{old}");
    let same = with(&[
        ("TWILIO_FLEX_SYNC_SID", FLEX),
        ("VIDEO_SYNC_SERVICE_SID", FLEX),
    ])
    .unwrap_err();
    assert_eq!(same.var, "VIDEO_SYNC_SERVICE_SID");
    let ok = with(&[
        ("TWILIO_FLEX_SYNC_SID", FLEX),
        ("VIDEO_SYNC_SERVICE_SID", VIDEO),
    ])
    .unwrap();
    assert_eq!(ok.sync_service_sid.as_deref(), Some(VIDEO));
    assert_eq!(
        with(&[("VIDEO_SYNC_SERVICE_SID", "ISnope")])
            .unwrap_err()
            .var,
        "VIDEO_SYNC_SERVICE_SID"
    );
}
