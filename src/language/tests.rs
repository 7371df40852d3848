use super::*;
use crate::strings::has_placeholder;

#[test]
fn the_first_preferred_language_the_page_speaks_wins() {
    assert_eq!(Language::choose(["es-ES", "en-US"]), Language::Spanish);
    assert_eq!(Language::choose(["fr-FR", "es", "en"]), Language::Spanish);
    assert_eq!(Language::choose(["en-GB", "es-ES"]), Language::English);
    assert_eq!(Language::choose(["ES_mx"]), Language::Spanish);
    assert_eq!(Language::choose([" es "]), Language::Spanish);
}

#[test]
fn english_when_the_browser_prefers_nothing_the_page_speaks() {
    assert_eq!(Language::choose(["fr-FR", "de"]), Language::English);
    assert_eq!(Language::choose([]), Language::English);
    assert_eq!(Language::choose(["", "e", "esp"]), Language::English);
}

#[test]
fn tags_are_the_primary_bcp47_tags() {
    assert_eq!(Language::English.tag(), "en");
    assert_eq!(Language::Spanish.tag(), "es");
    for l in Language::ALL {
        assert_eq!(Language::choose([l.tag()]), l);
    }
}

/// Every text the customer's call screen shows.
const CALL_SCREEN: [Text; 69] = [
    Text::BlurBackground,
    Text::StopBlur,
    Text::BlurHint,
    Text::BlurFailed,
    Text::BlurStopped,
    Text::Mute,
    Text::Unmute,
    Text::StopCamera,
    Text::StartCamera,
    Text::ShareScreen,
    Text::StopSharing,
    Text::Leave,
    Text::Reconnecting,
    Text::PersonJoined,
    Text::PersonLeft,
    Text::PersonBack,
    Text::PersonMuted,
    Text::PersonUnmuted,
    Text::PersonCameraOff,
    Text::PersonCameraOn,
    Text::PersonSharing,
    Text::PersonStoppedSharing,
    Text::PersonVideoFailed,
    Text::PersonAudioFailed,
    Text::Muted,
    Text::CameraOff,
    Text::MutedCameraOff,
    Text::VideoCall,
    Text::CallControls,
    Text::BrowserUnsupported,
    Text::InsecurePage,
    Text::DevicesRefused,
    Text::NoDevices,
    Text::DevicesFailed,
    Text::CallUnreachable,
    Text::LibraryUnavailable,
    Text::CallError,
    Text::NetworkQualityUnknown,
    Text::NetworkQuality0,
    Text::NetworkQuality1,
    Text::NetworkQuality2,
    Text::NetworkQuality3,
    Text::NetworkQuality4,
    Text::NetworkQuality5,
    Text::NetworkQualityCut,
    Text::JoinVideoRoom,
    Text::JoinWithoutMicrophone,
    Text::JoinWithoutDevices,
    Text::PreJoinAsking,
    Text::PreJoinRefused,
    Text::PreJoinNoCamera,
    Text::PreJoinCameraFailed,
    Text::PreJoinNoMicrophone,
    Text::PreJoinMicrophoneFailed,
    Text::TryAgain,
    Text::CameraChoice,
    Text::MicrophoneChoice,
    Text::SpeakerChoice,
    Text::MicrophoneLevel,
    Text::CameraNumbered,
    Text::MicrophoneNumbered,
    Text::SpeakerNumbered,
    Text::CameraSwitched,
    Text::MicrophoneSwitched,
    Text::SpeakerSwitched,
    Text::CameraGone,
    Text::MicrophoneGone,
    Text::SpeakerGone,
    Text::DeviceSettings,
];

#[test]
fn every_language_says_everything_the_call_screen_shows() {
    for l in Language::ALL
        .into_iter()
        .filter(|l| *l != Language::English)
    {
        let entries = l.call_texts();
        for t in CALL_SCREEN {
            let Some((_, text)) = entries.iter().find(|(e, _)| *e == t) else {
                panic!("{l:?} has no {}", t.key());
            };
            assert_ne!(*text, t.default_text(), "{l:?} {} is English", t.key());
            if has_placeholder(t.default_text(), NAME) {
                assert!(
                    has_placeholder(text, NAME),
                    "{l:?} {} lost {{{{name}}}}",
                    t.key()
                );
            }
        }
        for (i, (t, _)) in entries.iter().enumerate() {
            assert!(CALL_SCREEN.contains(t), "{l:?} {} is not shown", t.key());
            assert!(
                !entries[..i].iter().any(|(e, _)| e == t),
                "{l:?} {} twice",
                t.key()
            );
        }
    }
}

#[test]
fn a_language_s_strings_are_its_entries_over_the_defaults() {
    let es = Language::Spanish.strings();
    assert_eq!(es.get(Text::Mute), "Silenciar");
    assert_eq!(
        es.about(Text::PersonLeft, "Ana"),
        "Ana ha salido de la llamada."
    );
    // A text only the agent's tab shows stays as it is.
    assert_eq!(
        es.get(Text::EndForEveryone),
        Text::EndForEveryone.default_text()
    );
    // Join is on the customer's pre-join screen too.
    assert_eq!(es.get(Text::JoinVideoRoom), "Unirse a la videollamada");
    assert_eq!(Language::English.strings(), Strings::default());
}

#[test]
fn every_language_keeps_the_placeholders() {
    for l in Language::ALL {
        let w = l.words();
        for (template, name) in [
            (w.waiting_for, NAME),
            (w.agent_here, NAME),
            (w.your_agent, NAME),
            (w.too_many_attempts, SECONDS),
        ] {
            assert!(has_placeholder(template, name), "{l:?}: {template}");
        }
    }
}

#[test]
fn every_end_has_its_own_sentence_in_every_language() {
    for l in Language::ALL {
        let w = l.words();
        let ends: Vec<&str> = DisconnectReason::ALL
            .into_iter()
            .map(|r| w.end_reason(r))
            .collect();
        for (i, t) in ends.iter().enumerate() {
            assert!(t.ends_with('.'), "{l:?}: {t}");
            assert!(!ends[..i].contains(t), "{l:?} duplicate: {t}");
        }
        for r in EndReason::ALL {
            assert!(w.over(r).ends_with('.'), "{l:?} {r:?}");
        }
    }
}

#[test]
fn what_the_page_says_in_english_and_spanish() {
    let en = Language::English.words();
    assert_eq!(en.waiting(None), "Waiting for agent to join...");
    assert_eq!(en.waiting(Some("Alice")), "Waiting for Alice to join...");
    assert_eq!(
        en.agent_here("Alice"),
        "Alice is here. Join when you are ready."
    );
    assert_eq!(
        en.too_many_attempts(12),
        "Too many attempts. Try again in 12 seconds."
    );
    assert_eq!(
        en.too_many_attempts(1),
        "Too many attempts. Try again in 1 second."
    );
    assert_eq!(
        en.end_reason(DisconnectReason::RoomCompleted),
        crate::customer::end_reason_text(DisconnectReason::RoomCompleted)
    );
    let es = Language::Spanish.words();
    assert_eq!(es.waiting(Some("Ana")), "Esperando a que se una Ana...");
    assert_eq!(
        es.too_many_attempts(12),
        "Demasiados intentos. Inténtelo de nuevo en 12 segundos."
    );
    assert_eq!(es.over(EndReason::Expired), es.over_expired);
}
