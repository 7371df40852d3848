use super::*;

fn text(s: &str) -> Option<RawValue> {
    Some(RawValue::Text(s.into()))
}

fn enabled(domain: &str) -> RawConfig {
    RawConfig {
        domain: text(domain),
        enabled: Some(RawValue::Bool(true)),
        ..Default::default()
    }
}

#[test]
fn disabled_by_default_and_validates_nothing_then() {
    let c = Config::from_raw(&RawConfig::default()).unwrap();
    assert!(!c.enabled());
    assert_eq!(c.endpoint_url(Endpoint::GenerateUniqueCode), None);
    let junk = RawConfig {
        domain: Some(RawValue::Other),
        protocol: text("gopher"),
        port: text("99999"),
        enabled: Some(RawValue::Bool(false)),
        accent_color: text("blue"),
    };
    assert!(!Config::from_raw(&junk).unwrap().enabled());
    let null = RawConfig {
        enabled: Some(RawValue::Null),
        ..Default::default()
    };
    assert!(!Config::from_raw(&null).unwrap().enabled());
}

#[test]
fn enabled_flag_must_be_a_boolean() {
    for v in [
        text("true"),
        Some(RawValue::Number(1.0)),
        Some(RawValue::Other),
    ] {
        let raw = RawConfig {
            enabled: v,
            ..enabled("x.twil.io")
        };
        assert_eq!(Config::from_raw(&raw), Err(ConfigError::InvalidEnabledFlag));
    }
}

#[test]
fn builds_endpoint_urls() {
    let c = Config::from_raw(&enabled("custom-1234.twil.io")).unwrap();
    assert!(c.enabled());
    assert_eq!(c.origin(), Some("https://custom-1234.twil.io"));
    assert_eq!(
        c.endpoint_url(Endpoint::GenerateUniqueCode).as_deref(),
        Some("https://custom-1234.twil.io/features/chat-to-video-escalation/generate-unique-code")
    );
    let local = RawConfig {
        protocol: text("http"),
        port: text("3001"),
        ..enabled("127.0.0.1")
    };
    assert_eq!(
        Config::from_raw(&local)
            .unwrap()
            .endpoint_url(Endpoint::AgentGetToken)
            .as_deref(),
        Some("http://127.0.0.1:3001/features/chat-to-video-escalation/agent-get-token")
    );
    let numeric = RawConfig {
        protocol: text("HTTP:"),
        port: Some(RawValue::Number(8080.0)),
        ..enabled("localhost/")
    };
    assert_eq!(
        Config::from_raw(&numeric).unwrap().origin(),
        Some("http://localhost:8080")
    );
    let in_domain = enabled("localhost:3000");
    assert_eq!(
        Config::from_raw(&in_domain).unwrap().origin(),
        Some("https://localhost:3000")
    );
    let blank_port = RawConfig {
        port: text(""),
        protocol: Some(RawValue::Null),
        ..enabled("[::1]")
    };
    assert_eq!(
        Config::from_raw(&blank_port).unwrap().origin(),
        Some("https://[::1]")
    );
}

#[test]
fn missing_or_bad_domain() {
    for d in [None, text(""), text("  "), Some(RawValue::Null)] {
        let raw = RawConfig {
            domain: d,
            ..enabled("")
        };
        assert_eq!(
            Config::from_raw(&raw),
            Err(ConfigError::MissingFunctionsDomain)
        );
    }
    for d in [
        "https://x.twil.io",
        "x.twil.io/path",
        "x twil.io",
        "user@x.twil.io",
        "x.twil.io?a",
        ":80",
        "-x",
        "<script>",
    ] {
        assert_eq!(
            Config::from_raw(&enabled(d)),
            Err(ConfigError::InvalidFunctionsDomain),
            "{d}"
        );
    }
    let number = RawConfig {
        domain: Some(RawValue::Number(1.0)),
        ..enabled("")
    };
    assert_eq!(
        Config::from_raw(&number),
        Err(ConfigError::InvalidFunctionsDomain)
    );
}

#[test]
fn bad_protocol_or_port() {
    for p in [
        text("ftp"),
        text(""),
        text("https//"),
        Some(RawValue::Bool(true)),
    ] {
        let raw = RawConfig {
            protocol: p,
            ..enabled("x.twil.io")
        };
        assert_eq!(
            Config::from_raw(&raw),
            Err(ConfigError::InvalidFunctionsProtocol)
        );
    }
    for p in [
        text("0"),
        text("65536"),
        text("80a"),
        text("-1"),
        text("123456"),
        Some(RawValue::Number(0.0)),
        Some(RawValue::Number(80.5)),
        Some(RawValue::Number(70000.0)),
        Some(RawValue::Number(f64::NAN)),
        Some(RawValue::Bool(true)),
    ] {
        let raw = RawConfig {
            port: p.clone(),
            ..enabled("x.twil.io")
        };
        assert_eq!(
            Config::from_raw(&raw),
            Err(ConfigError::InvalidFunctionsPort),
            "{p:?}"
        );
    }
    let spaced = RawConfig {
        port: text(" 443 "),
        ..enabled("x.twil.io")
    };
    assert_eq!(
        Config::from_raw(&spaced).unwrap().origin(),
        Some("https://x.twil.io:443")
    );
}

#[test]
fn error_messages() {
    let all = [
        ConfigError::InvalidEnabledFlag,
        ConfigError::MissingFunctionsDomain,
        ConfigError::InvalidFunctionsDomain,
        ConfigError::InvalidFunctionsProtocol,
        ConfigError::InvalidFunctionsPort,
    ];
    for e in all {
        assert_eq!(e.to_string(), e.message());
        assert!(e.message().starts_with("custom_data."), "{e:?}");
    }
}

#[test]
fn the_accent_colour_is_a_hex_colour_with_its_readable_text() {
    let mut raw = enabled("example-1234.twil.io");
    assert_eq!(Config::from_raw(&raw).unwrap().accent(), None);
    raw.accent_color = text("#F2BE5A");
    assert_eq!(
        Config::from_raw(&raw).unwrap().accent(),
        Some(("#f2be5a", "#000000"))
    );
    raw.accent_color = text("#0263e0");
    assert_eq!(
        Config::from_raw(&raw).unwrap().accent(),
        Some(("#0263e0", "#ffffff"))
    );
    raw.accent_color = text("  ");
    assert_eq!(Config::from_raw(&raw).unwrap().accent(), None);
    for bad in [text("blue"), Some(RawValue::Number(255.0))] {
        raw.accent_color = bad;
        assert_eq!(Config::from_raw(&raw), Err(ConfigError::InvalidAccentColor));
    }
    assert!(ConfigError::InvalidAccentColor
        .message()
        .contains("#0263e0"));
}
