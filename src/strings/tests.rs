use super::*;
use std::collections::HashMap;

#[test]
fn keys_are_unique_and_round_trip() {
    let mut seen = std::collections::HashSet::new();
    for (i, t) in Text::ALL.into_iter().enumerate() {
        assert_eq!(t.index(), i, "ALL must list variants in declaration order");
        assert!(seen.insert(t.key()), "duplicate key {}", t.key());
        assert_eq!(Text::from_key(t.key()), Some(t));
        assert!(t.key().starts_with("PS"));
        assert!(!t.default_text().is_empty());
    }
    assert_eq!(Text::from_key("PSNope"), None);
}

#[test]
fn template_keys_and_defaults() {
    let s = Strings::default();
    assert_eq!(s.get(Text::SwitchToVideo), "Switch to Video");
    assert_eq!(s.get(Text::VideoRoom), "Video Room");
    assert_eq!(s.get(Text::Connecting), "Connecting...");
    assert_eq!(
        s.get(Text::FailedVideoLink),
        "Unable to create the video room. Please try again."
    );
    assert_eq!(Text::InviteMessage.key(), "PSChatToVideoInviteMessage");
    assert_eq!(Text::FailedVideoLink.key(), "PSFailedVideoLink");
    assert_eq!(
        s.get(Text::AlreadyInAnotherRoom),
        "You are already in a video room on another task. Leave it first."
    );
    assert_eq!(
        s.get(Text::WrapupBlocked),
        "Disconnect from the video room before wrapping up or completing this task."
    );
}

#[test]
fn overrides_replace_defaults_except_blank_ones() {
    let table: HashMap<&str, &str> = [
        ("PSChatToVideoRoom", "Salle vidéo"),
        ("PSChatToVideoConnecting", "   "),
        ("Unrelated", "x"),
    ]
    .into();
    let mut asked = Vec::new();
    let s = Strings::from_lookup(|k| {
        asked.push(k.to_owned());
        table.get(k).map(|v| v.to_string())
    });
    assert_eq!(asked.len(), Text::ALL.len());
    assert_eq!(s.get(Text::VideoRoom), "Salle vidéo");
    assert_eq!(s.get(Text::Connecting), "Connecting...");
    assert_eq!(s.get(Text::SwitchToVideo), "Switch to Video");
}

#[test]
fn render_substitutes_placeholders() {
    let vars = [("videoUrl", "https://x/y?code=abc"), ("name", "Ann")];
    assert_eq!(
        render("a {{videoUrl}} b", &vars),
        "a https://x/y?code=abc b"
    );
    assert_eq!(render("{{ name }}{{name}}", &vars), "AnnAnn");
    assert_eq!(render("{{{name}}}!", &vars), "Ann!");
    assert_eq!(render("x{{unknown}}y", &vars), "xy");
    assert_eq!(render("open {{name", &vars), "open {{name");
    assert_eq!(render("", &vars), "");
    assert_eq!(render("no placeholders", &vars), "no placeholders");
    // Values are not re-scanned.
    assert_eq!(render("{{a}}", &[("a", "{{a}}")]), "{{a}}");
    assert_eq!(render("é{{name}}ü", &vars), "éAnnü");
}

#[test]
fn invite_body_from_default_and_custom_templates() {
    let url = "https://example.com/features/chat-to-video/index.html?code=aB3dE5g";
    assert_eq!(
        Strings::default().invite_body(url),
        format!("Please join me using this unique video link: {url}")
    );
    let custom = Strings::from_lookup(|k| {
        (k == "PSChatToVideoInviteMessage").then(|| "Rejoignez-moi : {{ videoUrl }} !".into())
    });
    assert_eq!(custom.invite_body(url), format!("Rejoignez-moi : {url} !"));
    // The template's own wording had no placeholder: the URL is appended.
    let legacy = Strings::from_lookup(|k| {
        (k == "PSChatToVideoInviteMessage")
            .then(|| "Please join me using this unique video link:".into())
    });
    assert_eq!(
        legacy.invite_body(url),
        format!("Please join me using this unique video link: {url}")
    );
}

fn stars(n: u8) -> Rating {
    Rating {
        rating: n,
        comment: None,
        submitted_at: None,
    }
}

#[test]
fn sentences_about_people_and_the_call_length() {
    let s = Strings::default();
    assert_eq!(s.about(Text::PersonLeft, "Bob"), "Bob left the call.");
    assert_eq!(s.about(Text::PersonBack, "Bob"), "Bob is back in the call.");
    let odd = Strings::from_lookup(|k| (k == "PSChatToVideoPersonLeft").then(|| "Gone.".into()));
    assert_eq!(odd.about(Text::PersonLeft, "Bob"), "Bob: Gone.");
    assert_eq!(duration_text(0), "0 s");
    assert_eq!(duration_text(45), "45 s");
    assert_eq!(duration_text(252), "4 min 12 s");
    assert_eq!(duration_text(3600 + 120 + 5), "1 h 02 min");
    assert_eq!(duration_text(36_000 + 59 * 60), "10 h 59 min");
    assert_eq!(s.call_summary(252), "Video call: 4 min 12 s");
    let plain =
        Strings::from_lookup(|k| (k == "PSChatToVideoCallSummary").then(|| "Llamada:".into()));
    assert_eq!(plain.call_summary(5), "Llamada: 5 s");
}

#[test]
fn customer_rating_line() {
    let s = Strings::default();
    assert_eq!(
        s.customer_rating(&stars(4)).as_deref(),
        Some("Customer rating: 4/5")
    );
    assert_eq!(
        s.customer_rating(&stars(1)).as_deref(),
        Some("Customer rating: 1/5")
    );
    assert_eq!(
        s.customer_rating(&stars(5)).as_deref(),
        Some("Customer rating: 5/5")
    );
    assert_eq!(s.customer_rating(&stars(0)), None);
    assert_eq!(s.customer_rating(&stars(6)), None);
    assert_eq!(s.customer_rating(&stars(255)), None);
    let custom = Strings::from_lookup(|k| {
        (k == "PSChatToVideoCustomerRating").then(|| "Note du client : {{ rating }} sur 5".into())
    });
    assert_eq!(
        custom.customer_rating(&stars(3)).as_deref(),
        Some("Note du client : 3 sur 5")
    );
    let plain =
        Strings::from_lookup(|k| (k == "PSChatToVideoCustomerRating").then(|| "Rated:".into()));
    assert_eq!(
        plain.customer_rating(&stars(2)).as_deref(),
        Some("Rated: 2/5")
    );
}

#[test]
fn placeholder_detection() {
    assert!(has_placeholder("x {{videoUrl}}", "videoUrl"));
    assert!(has_placeholder("x {{ videoUrl }}", "videoUrl"));
    assert!(!has_placeholder("x {{videoURL}}", "videoUrl"));
    assert!(!has_placeholder("x videoUrl", "videoUrl"));
}
