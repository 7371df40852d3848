use super::*;

fn dev(kind: Kind, id: &str, group: &str, label: &str) -> Device {
    Device {
        kind,
        device_id: id.into(),
        group_id: group.into(),
        label: label.into(),
    }
}

fn mem(id: &str, label: &str) -> Remembered {
    Remembered {
        device_id: id.into(),
        label: label.into(),
    }
}

/// Chrome's list with permission: pseudo entries first, then the devices.
fn chrome() -> Vec<Device> {
    vec![
        dev(Kind::Microphone, "default", "g1", "Default - Built-in Mic"),
        dev(
            Kind::Microphone,
            "communications",
            "g2",
            "Communications - Headset",
        ),
        dev(Kind::Microphone, "m1", "g1", "Built-in Mic"),
        dev(Kind::Microphone, "m2", "g2", "Headset"),
        dev(Kind::Camera, "c1", "g3", "FaceTime HD"),
        dev(Kind::Camera, "c2", "g4", "USB Camera"),
        dev(Kind::Speaker, "default", "g1", "Default - Speakers"),
        dev(Kind::Speaker, "s1", "g1", "Speakers"),
        dev(Kind::Speaker, "s2", "g2", "Headset"),
    ]
}

#[test]
fn kinds_are_the_browser_s_names() {
    for k in Kind::ALL {
        assert_eq!(Kind::from_wire(k.as_str()), Some(k));
    }
    assert_eq!(Kind::Camera.as_str(), "videoinput");
    assert_eq!(Kind::Microphone.as_str(), "audioinput");
    assert_eq!(Kind::Speaker.as_str(), "audiooutput");
    let keys: std::collections::HashSet<_> = Kind::ALL.into_iter().map(storage_key).collect();
    assert_eq!(keys.len(), 3);
    assert_eq!(storage_key(Kind::Camera), "chat-to-video-device:videoinput");
    assert_eq!(
        storage_key(Kind::Microphone),
        "chat-to-video-device:audioinput"
    );
    assert_eq!(
        storage_key(Kind::Speaker),
        "chat-to-video-device:audiooutput"
    );
}

#[test]
fn a_remembered_choice_round_trips_and_junk_is_no_choice() {
    let r = mem("c2", "USB Camera");
    assert_eq!(r.to_json(), r#"{"deviceId":"c2","label":"USB Camera"}"#);
    assert_eq!(Remembered::from_json(&r.to_json()), Some(r));
    for junk in ["", "c2", "{}", r#"{"deviceId":1,"label":""}"#] {
        assert_eq!(Remembered::from_json(junk), None, "{junk}");
    }
}

#[test]
fn pick_matches_the_id_then_the_label_then_falls_back_to_the_default() {
    let d = chrome();
    let id = |r: Option<&Remembered>, k| pick(&d, k, r, true).map(|d| d.device_id.as_str());
    assert_eq!(id(Some(&mem("c2", "USB Camera")), Kind::Camera), Some("c2"));
    assert_eq!(
        id(Some(&mem("old-id", "USB Camera")), Kind::Camera),
        Some("c2"),
        "the id changed between sessions: the label finds it"
    );
    assert_eq!(
        id(Some(&mem("c2", "Renamed")), Kind::Camera),
        Some("c2"),
        "the id wins over the label"
    );
    assert_eq!(
        id(Some(&mem("gone", "Gone")), Kind::Camera),
        Some("c1"),
        "no default entry: the first"
    );
    assert_eq!(id(None, Kind::Camera), Some("c1"));
    assert_eq!(id(None, Kind::Microphone), Some("default"));
    assert_eq!(
        id(Some(&mem("gone", "Gone")), Kind::Microphone),
        Some("default")
    );
    assert_eq!(
        id(Some(&mem("m2", "Headset")), Kind::Microphone),
        Some("m2"),
        "the kind matters: the speaker called Headset is not it"
    );
    assert_eq!(id(Some(&mem("s2", "Headset")), Kind::Speaker), Some("s2"));
    assert_eq!(
        id(Some(&mem("s2", "Headset")), Kind::Microphone),
        Some("m2"),
        "a speaker's id is not a microphone's: only the label matches"
    );
    // Empty ids and labels (before permission) never match an empty remembered field.
    let hidden = [
        dev(Kind::Camera, "", "", ""),
        dev(Kind::Camera, "x", "", ""),
    ];
    assert_eq!(
        pick(&hidden, Kind::Camera, Some(&mem("", "")), true).map(|d| d.device_id.as_str()),
        Some(""),
        "nothing to match: the first"
    );
    assert_eq!(
        pick(&hidden, Kind::Microphone, None, true),
        None,
        "no such kind"
    );
    assert_eq!(pick(&[], Kind::Camera, None, true), None);
}

#[test]
fn speakers_are_offered_only_where_audio_can_be_routed() {
    let d = chrome();
    assert!(offered(Kind::Camera, false) && offered(Kind::Microphone, false));
    assert!(!offered(Kind::Speaker, false) && offered(Kind::Speaker, true));
    assert_eq!(pick(&d, Kind::Speaker, None, false), None);
    assert_eq!(
        pick(&d, Kind::Camera, None, false).map(|d| d.device_id.as_str()),
        Some("c1")
    );
    assert_eq!(
        offers(&d, Kind::Speaker, None, false, &Strings::default()),
        []
    );
    assert_eq!(
        offers(&d, Kind::Speaker, None, true, &Strings::default()).len(),
        3
    );
}

#[test]
fn the_first_request_uses_the_picked_id_or_the_remembered_one_while_ids_are_hidden() {
    let d = chrome();
    let r = mem("c2", "USB Camera");
    assert_eq!(
        first_constraint(&d, Kind::Camera, Some(&r)),
        Some(Constraint::Exact("c2".into()))
    );
    assert_eq!(
        first_constraint(&d, Kind::Camera, None),
        Some(Constraint::Exact("c1".into()))
    );
    let hidden = [
        dev(Kind::Camera, "", "", ""),
        dev(Kind::Microphone, "", "", ""),
    ];
    assert_eq!(
        first_constraint(&hidden, Kind::Camera, Some(&r)),
        Some(Constraint::Exact("c2".into()))
    );
    assert_eq!(
        first_constraint(&hidden, Kind::Microphone, None),
        Some(Constraint::Any)
    );
    assert_eq!(first_constraint(&hidden, Kind::Speaker, Some(&r)), None);
    assert_eq!(
        first_constraint(&[], Kind::Camera, Some(&r)),
        None,
        "no camera at all"
    );
}

#[test]
fn capturing_again_asks_for_the_chosen_device_or_the_default_or_anything_when_nothing_is_listed() {
    let d = chrome();
    // Chosen on the pre-join screen, with the Devices control or while the camera was off.
    assert_eq!(
        to_capture(&d, Kind::Camera, Some(&mem("c2", "USB Camera"))),
        Some(Constraint::Exact("c2".into()))
    );
    // Its id rotated: the same label.
    assert_eq!(
        to_capture(&d, Kind::Camera, Some(&mem("old", "USB Camera"))),
        Some(Constraint::Exact("c2".into()))
    );
    // Nothing chosen, or the choice unplugged: the default.
    assert_eq!(
        to_capture(&d, Kind::Camera, None),
        Some(Constraint::Exact("c1".into()))
    );
    assert_eq!(
        to_capture(&d, Kind::Camera, Some(&mem("gone", "Gone"))),
        Some(Constraint::Exact("c1".into()))
    );
    // A browser that lists nothing is asked anyway; one that lists no camera is not.
    assert_eq!(to_capture(&[], Kind::Camera, None), Some(Constraint::Any));
    let no_camera = [dev(Kind::Microphone, "m1", "g1", "Mic")];
    assert_eq!(to_capture(&no_camera, Kind::Camera, None), None);
}

#[test]
fn find_looks_a_device_up_by_kind_and_id() {
    let d = chrome();
    assert_eq!(
        find(&d, Kind::Camera, "c2").map(|x| x.label.as_str()),
        Some("USB Camera")
    );
    // The same id under another kind is another device.
    assert_eq!(
        find(&d, Kind::Speaker, "default").map(|x| x.label.as_str()),
        Some("Default - Speakers")
    );
    assert_eq!(
        find(&d, Kind::Microphone, "default").map(|x| x.label.as_str()),
        Some("Default - Built-in Mic")
    );
    assert_eq!(
        find(&d, Kind::Camera, "m1"),
        None,
        "a microphone is no camera"
    );
    assert_eq!(find(&d, Kind::Camera, "c9"), None, "no longer listed");
    assert_eq!(find(&d, Kind::Camera, ""), None);
    assert_eq!(find(&[], Kind::Camera, "c1"), None);
}

#[test]
fn constraints_are_exact_device_ids() {
    assert_eq!(Constraint::for_id(""), Constraint::Any);
    assert_eq!(Constraint::for_id("c1"), Constraint::Exact("c1".into()));
    assert_eq!(Constraint::Any.to_json(), serde_json::json!(true));
    assert_eq!(
        Constraint::Exact("c1".into()).to_json(),
        serde_json::json!({"deviceId": {"exact": "c1"}})
    );
}

#[test]
fn a_choice_stores_id_and_label_but_never_a_pseudo_id() {
    let d = chrome();
    assert_eq!(remember(&d[3]), Some(mem("m2", "Headset")));
    assert_eq!(remember(&d[0]), None, "default: follow the system");
    assert_eq!(remember(&d[1]), None, "communications: likewise");
    assert_eq!(remember(&d[6]), None);
    assert_eq!(
        remember(&dev(Kind::Camera, "", "", "")),
        None,
        "a hidden id names nothing"
    );
    assert!(d[0].is_pseudo() && d[1].is_pseudo() && !d[2].is_pseudo());
}

#[test]
fn the_list_offers_labels_or_numbered_names_and_marks_the_one_in_use() {
    let s = Strings::default();
    let d = chrome();
    let cams = offers(&d, Kind::Camera, Some("c2"), true, &s);
    assert_eq!(
        cams,
        [
            Offer {
                device_id: "c1".into(),
                name: "FaceTime HD".into(),
                selected: false
            },
            Offer {
                device_id: "c2".into(),
                name: "USB Camera".into(),
                selected: true
            },
        ]
    );
    let hidden = [
        dev(Kind::Microphone, "a", "", ""),
        dev(Kind::Camera, "b", "", " "),
        dev(Kind::Camera, "c", "", ""),
        dev(Kind::Speaker, "d", "", ""),
    ];
    let names = |k| {
        offers(&hidden, k, None, true, &s)
            .into_iter()
            .map(|o| o.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(names(Kind::Camera), ["Camera 1", "Camera 2"]);
    assert_eq!(names(Kind::Microphone), ["Microphone 1"]);
    assert_eq!(names(Kind::Speaker), ["Speaker 1"]);
    assert!(offers(&hidden, Kind::Camera, None, true, &s)
        .iter()
        .all(|o| !o.selected));
    // A device that is not in the list (already gone) is still named.
    assert_eq!(
        name(&hidden, &dev(Kind::Camera, "z", "", ""), &s),
        "Camera 1"
    );
    // A translation keeps its placeholder.
    let fr = Strings::from_lookup(|k| {
        (k == "PSChatToVideoCameraNumbered").then(|| "Caméra n° {{number}}".into())
    });
    assert_eq!(name(&hidden, &hidden[2], &fr), "Caméra n° 2");
}

#[test]
fn a_device_still_listed_is_kept() {
    let s = Strings::default();
    let d = chrome();
    for in_use in &d {
        assert_eq!(
            on_change(in_use, &d, &s),
            Change::Kept,
            "{}",
            in_use.device_id
        );
    }
    // A pseudo entry whose device changed (the default microphone unplugged): its groupId moved.
    let mut now = chrome();
    now.remove(2);
    now[0] = dev(Kind::Microphone, "default", "g2", "Default - Headset");
    match on_change(&d[0], &now, &s) {
        Change::Switched { to, notice } => {
            assert_eq!(to.device_id, "default");
            assert_eq!(
                notice,
                "Your microphone was disconnected; switched to Default - Headset."
            );
        }
        other => panic!("{other:?}"),
    }
    // A real device keeps its id whatever its group.
    let mut regrouped = chrome();
    regrouped[4].group_id = "elsewhere".into();
    assert_eq!(on_change(&d[4], &regrouped, &s), Change::Kept);
}

#[test]
fn an_unplugged_device_falls_back_to_the_default_or_the_first_with_a_notice() {
    let s = Strings::default();
    let d = chrome();
    let without = |id: &str, kind: Kind| -> Vec<Device> {
        d.iter()
            .filter(|x| !(x.device_id == id && x.kind == kind))
            .cloned()
            .collect()
    };
    let now = without("c2", Kind::Camera);
    assert_eq!(
        on_change(&d[5], &now, &s),
        Change::Switched {
            to: &now[4],
            notice: "Your camera was disconnected; switched to FaceTime HD.".into()
        }
    );
    let now = without("m2", Kind::Microphone);
    match on_change(&d[3], &now, &s) {
        Change::Switched { to, notice } => {
            assert_eq!(to.device_id, "default");
            assert_eq!(
                notice,
                "Your microphone was disconnected; switched to Default - Built-in Mic."
            );
        }
        other => panic!("{other:?}"),
    }
    let now = without("s2", Kind::Speaker);
    match on_change(&d[8], &now, &s) {
        Change::Switched { to, notice } => {
            assert_eq!(to.device_id, "default");
            assert!(
                notice.starts_with("Your speaker was disconnected; switched to"),
                "{notice}"
            );
        }
        other => panic!("{other:?}"),
    }
    // The fallback without a label is named by its number.
    let hidden = [
        dev(Kind::Camera, "a", "", ""),
        dev(Kind::Camera, "b", "", ""),
    ];
    match on_change(&dev(Kind::Camera, "z", "", "Old"), &hidden, &s) {
        Change::Switched { to, notice } => {
            assert_eq!(to.device_id, "a");
            assert_eq!(
                notice,
                "Your camera was disconnected; switched to Camera 1."
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_last_device_of_its_kind_gone_says_what_it_means() {
    let s = Strings::default();
    let d = chrome();
    let only =
        |kind: Kind| -> Vec<Device> { d.iter().filter(|x| x.kind != kind).cloned().collect() };
    for (i, kind, want) in [
        (4, Kind::Camera, "so your camera is off."),
        (2, Kind::Microphone, "so you are muted."),
        (
            7,
            Kind::Speaker,
            "sound plays on the browser's default output.",
        ),
    ] {
        match on_change(&d[i], &only(kind), &s) {
            Change::Gone { notice } => assert!(notice.ends_with(want), "{notice}"),
            other => panic!("{kind:?}: {other:?}"),
        }
    }
}

#[test]
fn constraints_ask_exact_devices_and_leave_out_what_is_not_wanted() {
    assert_eq!(
        constraints(
            Some(&Constraint::Exact("m1".into())),
            Some(&Constraint::Any)
        ),
        serde_json::json!({"audio": {"deviceId": {"exact": "m1"}}, "video": true})
    );
    assert_eq!(
        constraints(None, Some(&Constraint::Exact("c1".into()))),
        serde_json::json!({"audio": false, "video": {"deviceId": {"exact": "c1"}}})
    );
}
