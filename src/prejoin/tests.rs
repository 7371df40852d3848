use super::*;

fn exact(id: &str) -> Constraint {
    Constraint::Exact(id.into())
}

fn acquire(audio: Option<Constraint>, video: Option<Constraint>) -> Effect {
    Effect::Acquire { audio, video }
}

fn dev(kind: Kind, id: &str, label: &str) -> Device {
    Device {
        kind,
        device_id: id.into(),
        group_id: String::new(),
        label: label.into(),
    }
}

/// A screen that asked for both kinds (`m1`, `c1`).
fn asking() -> (PreJoin, Vec<Effect>) {
    let mut p = PreJoin::default();
    let (m, c) = (exact("m1"), exact("c1"));
    let effects = p
        .step(Input::Start {
            microphone: Some(&m),
            camera: Some(&c),
        })
        .unwrap();
    (p, effects)
}

/// A screen previewing `m1` and `c1`.
fn previewing() -> PreJoin {
    let (mut p, _) = asking();
    p.step(Input::Got(Kind::Microphone, "m1")).unwrap();
    p.step(Input::Got(Kind::Camera, "c1")).unwrap();
    p
}

#[test]
fn dom_exception_names_map_to_what_they_mean() {
    for (name, want) in [
        ("NotAllowedError", MediaError::Refused),
        ("SecurityError", MediaError::Refused),
        ("NotFoundError", MediaError::NotFound),
        ("OverconstrainedError", MediaError::Overconstrained),
        ("NotReadableError", MediaError::Failed),
        ("AbortError", MediaError::Failed),
        ("", MediaError::Failed),
    ] {
        assert_eq!(MediaError::from_name(name), want, "{name}");
    }
}

#[test]
fn both_kinds_are_asked_in_one_request_then_previewed_then_joined() {
    let (mut p, effects) = asking();
    assert_eq!(effects, [acquire(Some(exact("m1")), Some(exact("c1")))]);
    assert_eq!(p.phase(), Phase::Asking);
    assert_eq!(p.notices(), [Text::PreJoinAsking]);
    assert!(!p.can_join() && !p.can_retry());
    assert_eq!(p.step(Input::Join), None, "Join waits for the preview");
    assert_eq!(
        p.step(Input::Got(Kind::Microphone, "m1")),
        Some(vec![]),
        "the camera's track is still to come from the same request"
    );
    assert_eq!(p.phase(), Phase::Asking);
    assert_eq!(p.step(Input::Got(Kind::Camera, "c1")), Some(vec![]));
    assert_eq!(p.phase(), Phase::Previewing);
    assert_eq!(p.slot(Kind::Camera), Some(&Slot::Live("c1".into())));
    assert_eq!(p.slot(Kind::Microphone), Some(&Slot::Live("m1".into())));
    assert_eq!(p.slot(Kind::Speaker), None);
    assert!(p.notices().is_empty());
    assert!(p.can_join() && !p.can_retry());
    assert_eq!(p.join_text(), Text::JoinVideoRoom);
    assert_eq!(
        p.step(Input::Got(Kind::Camera, "c1")),
        None,
        "a late answer"
    );
    assert_eq!(
        p.step(Input::Join),
        Some(vec![Effect::Join {
            microphone: Some("m1".into()),
            camera: Some("c1".into()),
            speaker: None
        }])
    );
    assert_eq!(p.phase(), Phase::Joining);
    assert_eq!(p.step(Input::Join), None, "once");
    assert!(!p.can_join());
}

#[test]
fn a_refusal_offers_try_again_and_joining_without_devices() {
    let (mut p, _) = asking();
    assert_eq!(p.step(Input::Failed(MediaError::Refused)), Some(vec![]));
    assert_eq!(p.phase(), Phase::Previewing);
    assert_eq!(p.slot(Kind::Microphone), Some(&Slot::Refused));
    assert_eq!(p.slot(Kind::Camera), Some(&Slot::Refused));
    assert_eq!(p.notices(), [Text::PreJoinRefused]);
    assert!(p.can_retry() && p.can_join());
    assert_eq!(p.join_text(), Text::JoinWithoutDevices);
    assert_eq!(
        p.step(Input::Failed(MediaError::Refused)),
        None,
        "nothing is asked"
    );
    // Try again: asks again.
    let m = exact("m1");
    assert_eq!(
        p.step(Input::Start {
            microphone: Some(&m),
            camera: None
        }),
        Some(vec![acquire(Some(exact("m1")), None)])
    );
    assert_eq!(p.notices(), [Text::PreJoinAsking]);
    assert_eq!(
        p.step(Input::Start {
            microphone: Some(&m),
            camera: None
        }),
        None,
        "not while asking"
    );
}

#[test]
fn a_failed_request_for_both_asks_each_kind_alone_microphone_first() {
    for (cam_error, cam_slot, notice) in [
        (MediaError::NotFound, Slot::Missing, Text::PreJoinNoCamera),
        (MediaError::Failed, Slot::Failed, Text::PreJoinCameraFailed),
    ] {
        let (mut p, _) = asking();
        assert_eq!(
            p.step(Input::Failed(MediaError::NotFound)),
            Some(vec![acquire(Some(exact("m1")), None)])
        );
        assert_eq!(
            p.step(Input::Got(Kind::Camera, "c1")),
            None,
            "not asked yet"
        );
        assert_eq!(
            p.step(Input::Got(Kind::Microphone, "m1")),
            Some(vec![acquire(None, Some(exact("c1")))])
        );
        assert_eq!(p.phase(), Phase::Asking);
        assert_eq!(p.step(Input::Failed(cam_error)), Some(vec![]));
        assert_eq!(p.phase(), Phase::Previewing);
        assert_eq!(p.slot(Kind::Camera), Some(&cam_slot));
        assert_eq!(p.slot(Kind::Microphone), Some(&Slot::Live("m1".into())));
        // No camera: audio only, with a notice; Join as usual.
        assert_eq!(p.notices(), [notice]);
        assert_eq!(p.join_text(), Text::JoinVideoRoom);
        assert!(p.can_join() && p.can_retry());
        assert_eq!(
            p.step(Input::Join),
            Some(vec![Effect::Join {
                microphone: Some("m1".into()),
                camera: None,
                speaker: None
            }])
        );
    }
}

#[test]
fn no_microphone_says_so_and_joins_muted_knowingly() {
    for (error, slot, notice) in [
        (
            MediaError::NotFound,
            Slot::Missing,
            Text::PreJoinNoMicrophone,
        ),
        (
            MediaError::Failed,
            Slot::Failed,
            Text::PreJoinMicrophoneFailed,
        ),
    ] {
        let (mut p, _) = asking();
        p.step(Input::Failed(MediaError::Failed)).unwrap();
        assert_eq!(
            p.step(Input::Failed(error)),
            Some(vec![acquire(None, Some(exact("c1")))]),
            "the camera's turn"
        );
        assert_eq!(p.slot(Kind::Microphone), Some(&slot));
        assert_eq!(p.step(Input::Got(Kind::Camera, "c1")), Some(vec![]));
        assert_eq!(p.notices(), [notice]);
        assert_eq!(p.join_text(), Text::JoinWithoutMicrophone);
        assert!(p.can_join());
    }
    // A microphone refused alone (the camera still asked) is a refusal.
    let (mut p, _) = asking();
    p.step(Input::Failed(MediaError::Failed)).unwrap();
    p.step(Input::Failed(MediaError::Refused)).unwrap();
    assert_eq!(p.slot(Kind::Microphone), Some(&Slot::Refused));
    assert_eq!(p.slot(Kind::Camera), Some(&Slot::Asking(exact("c1"))));
    p.step(Input::Got(Kind::Camera, "c1")).unwrap();
    assert_eq!(p.notices(), [Text::PreJoinRefused]);
}

#[test]
fn no_device_at_all_previews_nothing_and_says_both() {
    let mut p = PreJoin::default();
    assert_eq!(
        p.step(Input::Start {
            microphone: None,
            camera: None
        }),
        Some(vec![])
    );
    assert_eq!(p.phase(), Phase::Previewing);
    assert_eq!(
        p.notices(),
        [Text::PreJoinNoCamera, Text::PreJoinNoMicrophone]
    );
    assert_eq!(p.join_text(), Text::JoinWithoutDevices);
    assert!(p.can_join() && p.can_retry());
    // Only the camera: asked alone from the start.
    let mut p = PreJoin::default();
    let c = Constraint::Any;
    assert_eq!(
        p.step(Input::Start {
            microphone: None,
            camera: Some(&c)
        }),
        Some(vec![acquire(None, Some(Constraint::Any))])
    );
}

#[test]
fn an_unknown_remembered_id_is_asked_again_as_any_device() {
    let (mut p, _) = asking();
    assert_eq!(
        p.step(Input::Failed(MediaError::Overconstrained)),
        Some(vec![acquire(Some(Constraint::Any), Some(Constraint::Any))]),
        "still one request for both"
    );
    assert_eq!(
        p.step(Input::Failed(MediaError::Overconstrained)),
        Some(vec![acquire(Some(Constraint::Any), None)]),
        "any device is overconstrained too: a failure like another, each alone"
    );
    // Alone: the microphone with an exact id, then any.
    let mut p = PreJoin::default();
    let m = exact("gone");
    p.step(Input::Start {
        microphone: Some(&m),
        camera: None,
    })
    .unwrap();
    assert_eq!(
        p.step(Input::Failed(MediaError::Overconstrained)),
        Some(vec![acquire(Some(Constraint::Any), None)])
    );
    assert_eq!(
        p.step(Input::Failed(MediaError::Overconstrained)),
        Some(vec![])
    );
    assert_eq!(p.slot(Kind::Microphone), Some(&Slot::Failed));
}

#[test]
fn switching_a_device_while_previewing_restarts_that_track_only_and_stores_the_choice() {
    let mut p = previewing();
    let usb = dev(Kind::Camera, "c2", "USB Camera");
    assert_eq!(
        p.step(Input::Switch {
            device: &usb,
            remember: true
        }),
        Some(vec![
            Effect::Stop(Kind::Camera),
            acquire(None, Some(exact("c2"))),
            Effect::Store(
                Kind::Camera,
                Some(Remembered {
                    device_id: "c2".into(),
                    label: "USB Camera".into()
                })
            ),
        ])
    );
    assert!(!p.can_join(), "Join waits for the new camera");
    assert_eq!(p.step(Input::Join), None);
    let (m, c) = (exact("m1"), exact("c1"));
    let again = Input::Start {
        microphone: Some(&m),
        camera: Some(&c),
    };
    assert_eq!(p.step(again), None, "Try again waits too");
    assert_eq!(p.phase(), Phase::Previewing);
    assert_eq!(p.notices(), []);
    let headset = dev(Kind::Microphone, "m2", "Headset");
    assert_eq!(
        p.step(Input::Switch {
            device: &headset,
            remember: true
        }),
        None,
        "one request at a time"
    );
    assert_eq!(p.step(Input::Got(Kind::Camera, "c2")), Some(vec![]));
    assert_eq!(p.slot(Kind::Camera), Some(&Slot::Live("c2".into())));
    assert_eq!(p.slot(Kind::Microphone), Some(&Slot::Live("m1".into())));
    assert!(p.can_join());
    // The same device again: nothing restarts; an automatic switch stores nothing.
    assert_eq!(
        p.step(Input::Switch {
            device: &usb,
            remember: false
        }),
        Some(vec![])
    );
    // The "default" entry: the stored choice is cleared.
    let default = dev(Kind::Microphone, "default", "Default - Mic");
    assert_eq!(
        p.step(Input::Switch {
            device: &default,
            remember: true
        }),
        Some(vec![
            Effect::Stop(Kind::Microphone),
            acquire(Some(exact("default")), None),
            Effect::Store(Kind::Microphone, None),
        ])
    );
    // The switch failed: that kind says so, the other still runs.
    assert_eq!(p.step(Input::Failed(MediaError::Failed)), Some(vec![]));
    assert_eq!(p.slot(Kind::Microphone), Some(&Slot::Failed));
    assert_eq!(p.slot(Kind::Camera), Some(&Slot::Live("c2".into())));
    // Choosing a device for a kind that failed asks for it (nothing to stop).
    assert_eq!(
        p.step(Input::Switch {
            device: &headset,
            remember: false
        }),
        Some(vec![acquire(Some(exact("m2")), None)])
    );
}

#[test]
fn the_speaker_is_routed_not_captured_and_joins_with_the_call() {
    let mut p = previewing();
    let s2 = dev(Kind::Speaker, "s2", "Headset");
    assert_eq!(
        p.step(Input::Switch {
            device: &s2,
            remember: true
        }),
        Some(vec![
            Effect::Route("s2".into()),
            Effect::Store(
                Kind::Speaker,
                Some(Remembered {
                    device_id: "s2".into(),
                    label: "Headset".into()
                })
            ),
        ])
    );
    assert!(p.can_join());
    assert_eq!(
        p.step(Input::Join),
        Some(vec![Effect::Join {
            microphone: Some("m1".into()),
            camera: Some("c1".into()),
            speaker: Some("s2".into())
        }])
    );
}

#[test]
fn switching_is_for_the_preview_only() {
    let usb = dev(Kind::Camera, "c2", "USB Camera");
    let switch = Input::Switch {
        device: &usb,
        remember: true,
    };
    assert_eq!(PreJoin::default().step(switch), None);
    assert_eq!(asking().0.step(switch), None);
    let mut p = previewing();
    p.step(Input::Join).unwrap();
    assert_eq!(p.step(switch), None);
    assert_eq!(p.step(Input::Lost(Kind::Camera)), None);
}

#[test]
fn a_device_lost_while_previewing_stops_its_track() {
    let mut p = previewing();
    assert_eq!(
        p.step(Input::Lost(Kind::Camera)),
        Some(vec![Effect::Stop(Kind::Camera)])
    );
    assert_eq!(p.slot(Kind::Camera), Some(&Slot::Missing));
    assert_eq!(p.notices(), [Text::PreJoinNoCamera]);
    assert_eq!(
        p.step(Input::Lost(Kind::Camera)),
        Some(vec![]),
        "nothing left to stop"
    );
    assert_eq!(p.step(Input::Lost(Kind::Speaker)), None);
    // Lost while its own switch runs: the request answers for it; another kind's is handled.
    let mut p = previewing();
    let usb = dev(Kind::Camera, "c2", "USB Camera");
    p.step(Input::Switch {
        device: &usb,
        remember: false,
    })
    .unwrap();
    assert_eq!(p.step(Input::Lost(Kind::Camera)), None);
    assert_eq!(
        p.step(Input::Lost(Kind::Microphone)),
        Some(vec![Effect::Stop(Kind::Microphone)])
    );
    assert!(!p.can_join());
}

#[test]
fn try_again_stops_the_running_tracks_first() {
    let mut p = previewing();
    p.step(Input::Lost(Kind::Camera)).unwrap();
    assert!(p.can_retry());
    let (m, c) = (exact("m1"), exact("c1"));
    assert_eq!(
        p.step(Input::Start {
            microphone: Some(&m),
            camera: Some(&c)
        }),
        Some(vec![
            Effect::Stop(Kind::Microphone),
            acquire(Some(exact("m1")), Some(exact("c1")))
        ])
    );
}

#[test]
fn the_meter_is_the_rms_in_6_db_steps_over_60_db() {
    assert_eq!(METER_STEPS, 10);
    assert_eq!(meter_step(&[]), 0);
    assert_eq!(meter_step(&[0.0; 128]), 0);
    assert_eq!(meter_step(&[f32::NAN; 4]), 0);
    assert_eq!(meter_step(&[f32::INFINITY, 0.0]), 0);
    // A full-scale square wave: 0 dBFS.
    assert_eq!(meter_step(&[1.0, -1.0, 1.0, -1.0]), 10);
    assert_eq!(meter_step(&[4.0, -4.0]), 10, "clipping stays at the top");
    // RMS 0.1 → -20 dB → step 6; 0.01 → -40 → 3; 0.001 → -60 → 0.
    for (amplitude, want) in [(0.1f32, 6), (0.01, 3), (0.001, 0), (0.0001, 0), (0.5, 8)] {
        let frame = [amplitude, -amplitude, amplitude, -amplitude];
        assert_eq!(meter_step(&frame), want, "amplitude {amplitude}");
    }
    // The RMS, not the peak: one loud sample among quiet ones reads lower than a loud frame.
    let mut frame = [0.0f32; 100];
    frame[0] = 1.0;
    assert_eq!(meter_step(&frame), 6, "RMS 0.1");
}
