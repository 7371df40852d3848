use super::*;

fn level(n: u8) -> Quality {
    Quality::Level(Level::new(n).unwrap())
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A report at `s` seconds with this many packets received and lost so far.
fn at(s: f64, received: u64, lost: i64) -> Sample {
    Sample {
        at_ms: s * 1000.0,
        round_trip_s: Some(0.05),
        inbound: Some(Counters { received, lost }),
        ..Sample::default()
    }
}

fn feed(samples: &[Sample]) -> (Monitor, Vec<Quality>) {
    let mut m = Monitor::default();
    let shown = samples.iter().map(|&s| m.push(s)).collect();
    (m, shown)
}

#[test]
fn the_mos_matches_twilio_video_js_calculate_mos() {
    // calculateMOS's own cases (test/unit/spec/mos.ts): MOS and the level mosToScore gives.
    for (rtt, jitter, loss, want_mos, want_level) in [
        (0.0, 0.0, 0.0, 4.43, 5),
        (2000.0, 0.0, 0.0, 1.00, 1),
        (0.0, 0.0, 10.0, 3.57, 2),
    ] {
        let m = mos(rtt, jitter, loss);
        assert_eq!(round2(m), want_mos, "rtt {rtt} jitter {jitter} loss {loss}");
        assert_eq!(score(m).get(), want_level, "rtt {rtt} loss {loss}");
    }
    // Jitter counts twice: 100 ms of rtt equals 50 of jitter.
    assert_eq!(mos(100.0, 0.0, 1.0), mos(0.0, 50.0, 1.0));
}

#[test]
fn the_r_factor_follows_both_latency_slopes_and_the_loss_penalty() {
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert_eq!(latency_r(0.0), 94.768);
    assert!(close(latency_r(120.0), 94.768 - 3.0));
    assert!(
        close(latency_r(160.0), 94.768 - 4.0),
        "both slopes meet at 160 ms"
    );
    assert!(close(latency_r(220.0), 94.768 - 10.0));
    assert!(close(latency_r(999.0), 94.768 - 87.9));
    assert_eq!(latency_r(1000.0), 0.0, "a second of latency is unusable");
    assert_eq!(latency_r(5000.0), 0.0);

    assert_eq!(loss_r(50.0, 0.0), 50.0);
    assert_eq!(loss_r(50.0, 4.0), 40.0);
    assert_eq!(loss_r(50.0, 17.0), 7.5);
    assert_eq!(loss_r(50.0, 18.0), 6.52, "the penalty stops at the floor");
    assert_eq!(
        loss_r(50.0, 20.0),
        6.52,
        "a loss of exactly R / 2.5 still has the floor"
    );
    assert_eq!(
        loss_r(50.0, 20.5),
        0.0,
        "more loss than that is no call at all"
    );
    assert_eq!(round2(mos(0.0, 0.0, 100.0)), 1.0);
}

#[test]
fn mos_to_level_uses_mos_to_score_s_thresholds_exclusive() {
    for (m, want) in [
        (4.5, 5),
        (4.2001, 5),
        (4.2, 4),
        (4.0001, 4),
        (4.0, 3),
        (3.6001, 3),
        (3.6, 2),
        (3.0001, 2),
        (3.0, 1),
        (1.0, 1),
        (0.0, 1),
    ] {
        assert_eq!(score(m).get(), want, "MOS {m}");
    }
}

#[test]
fn the_available_bitrate_caps_the_level() {
    for (bps, want) in [
        (0.0, 1),
        (39_999.0, 1),
        (40_000.0, 2),
        (199_999.0, 2),
        (200_000.0, 3),
        (539_999.0, 3),
        (540_000.0, 4),
        (1_499_999.0, 4),
        (1_500_000.0, 5),
        (50_000_000.0, 5),
    ] {
        assert_eq!(bitrate_cap(bps).get(), want, "{bps} bit/s");
    }
    let mut slow = at(1.0, 100, 0);
    slow.available_outgoing_bps = Some(300_000.0);
    let (m, shown) = feed(&[at(0.0, 0, 0), slow]);
    assert_eq!(
        shown[1],
        level(3),
        "a clean link with 300 kbit/s is average"
    );
    assert_eq!(m.measure(), level(3));
}

#[test]
fn levels_are_on_twilio_s_scale_and_the_sdk_s_value_maps_onto_them() {
    assert_eq!(Level::new(0).map(Level::get), Some(0));
    assert_eq!(Level::new(5).map(Level::get), Some(5));
    assert_eq!(Level::new(6), None);
    assert_eq!(Level::MAX.get(), 5);
    assert_eq!(Quality::from_sdk(None), Quality::Unknown);
    for n in 0..=5u8 {
        assert_eq!(Quality::from_sdk(Some(f64::from(n))), level(n));
    }
    for bad in [-1.0, 6.0, 2.5, f64::NAN, f64::INFINITY] {
        assert_eq!(Quality::from_sdk(Some(bad)), Quality::Unknown, "{bad}");
    }
}

#[test]
fn each_quality_has_bars_and_its_own_text() {
    use crate::strings::Strings;
    let s = Strings::default();
    assert_eq!(Quality::Unknown.bars(), None);
    assert_eq!(Quality::Cut.bars(), Some(0));
    assert_eq!(level(3).bars(), Some(3));
    let mut texts = std::collections::HashSet::new();
    for q in [Quality::Unknown, Quality::Cut]
        .into_iter()
        .chain((0..=5).map(level))
    {
        assert!(texts.insert(q.text()), "{q:?} shares its text");
    }
    assert_eq!(s.get(level(4).text()), "Network quality: 4 of 5 (good)");
    assert_eq!(
        s.get(level(0).text()),
        "Network quality: 0 of 5 (connection broken, reconnecting)"
    );
    assert_eq!(s.get(level(1).text()), "Network quality: 1 of 5 (bad)");
    assert_eq!(
        s.get(level(2).text()),
        "Network quality: 2 of 5 (below average)"
    );
    assert_eq!(s.get(level(3).text()), "Network quality: 3 of 5 (average)");
    assert_eq!(
        s.get(level(5).text()),
        "Network quality: 5 of 5 (excellent)"
    );
    assert!(s.get(Quality::Cut.text()).starts_with("Connection lost"));
    assert_eq!(
        s.get(Quality::Unknown.text()),
        "Network quality: not measured yet"
    );
}

#[test]
fn the_first_report_is_only_a_baseline_then_a_clean_link_is_excellent() {
    let (m, shown) = feed(&[at(0.0, 0, 0), at(1.0, 50, 0)]);
    assert_eq!(shown, [Quality::Unknown, level(5)]);
    assert_eq!(m.measure(), level(5));
    assert_eq!(Monitor::default().measure(), Quality::Unknown);
}

#[test]
fn nothing_to_measure_stays_unknown() {
    let none = |s: f64| Sample {
        at_ms: s * 1000.0,
        ..Sample::default()
    };
    let (_, shown) = feed(&[none(0.0), none(1.0), none(2.0)]);
    assert_eq!(shown, [Quality::Unknown; 3]);
    // A round trip alone is enough: a peer that sends nothing still has a link.
    let rtt_only = |s: f64| Sample {
        round_trip_s: Some(0.05),
        ..none(s)
    };
    let (_, shown) = feed(&[rtt_only(0.0), rtt_only(1.0), rtt_only(9.0)]);
    assert_eq!(
        shown,
        [Quality::Unknown, level(5), level(5)],
        "no inbound stream: no cut"
    );
    // Packets without a round trip count the round trip as 0, as the preflight test does.
    let no_rtt = |s: f64, r| Sample {
        round_trip_s: None,
        ..at(s, r, 0)
    };
    let (_, shown) = feed(&[no_rtt(0.0, 0), no_rtt(1.0, 50)]);
    assert_eq!(shown[1], level(5));
}

#[test]
fn loss_over_the_window_lowers_the_level_from_counter_deltas() {
    // 10 % lost in the second second: MOS 3.5 or so → 2.
    let (m, shown) = feed(&[at(0.0, 1000, 40), at(1.0, 1090, 50)]);
    assert_eq!(shown[1], level(2));
    assert_eq!(
        m.received_loss_pct(),
        10.0,
        "deltas, not totals (40 were lost before)"
    );
    // 2 % (MOS ≈ 4.29): still excellent; 4 % (≈ 4.14): good.
    let (_, shown) = feed(&[at(0.0, 0, 0), at(1.0, 98, 2)]);
    assert_eq!(shown[1], level(5));
    let (_, shown) = feed(&[at(0.0, 0, 0), at(1.0, 96, 4)]);
    assert_eq!(shown[1], level(4));
}

#[test]
fn the_window_forgets_old_loss() {
    let mut samples = vec![at(0.0, 0, 0), at(1.0, 50, 50)];
    for i in 2..=(WINDOW as u64 + 1) {
        samples.push(at(i as f64, 50 + 100 * (i - 1), 50));
    }
    let (m, _) = feed(&samples[..WINDOW]);
    assert!(
        m.received_loss_pct() > 10.0,
        "the lossy second is in the window"
    );
    let (m, _) = feed(&samples);
    assert_eq!(m.received_loss_pct(), 0.0, "it fell out of the window");
    assert_eq!(m.measure(), level(5));
}

#[test]
fn packets_lost_going_down_and_counter_resets_do_not_invent_loss() {
    // Late packets: packetsLost goes down; over the window the net loss counts.
    let (m, _) = feed(&[at(0.0, 0, 0), at(1.0, 90, 10), at(2.0, 200, 5)]);
    assert_eq!(m.received_loss_pct(), 5.0 / 205.0 * 100.0);
    let (m, _) = feed(&[at(0.0, 0, 5), at(1.0, 100, 0)]);
    assert_eq!(
        m.received_loss_pct(),
        0.0,
        "a net gain of packets is no loss"
    );
    // A stream replaced: received drops; that interval is left out, the rest counts.
    let (m, shown) = feed(&[at(0.0, 5000, 100), at(1.0, 10, 0), at(2.0, 110, 0)]);
    assert_eq!(m.received_loss_pct(), 0.0);
    assert_eq!(shown[1], level(5), "a reset is not a cut nor a loss");
    let (m, _) = feed(&[at(0.0, 5000, 0), at(1.0, 10, 0), at(2.0, 100, 10)]);
    assert_eq!(m.received_loss_pct(), 10.0);
    // Nothing received and nothing lost: no loss to speak of.
    let (m, _) = feed(&[at(0.0, 10, 0), at(1.0, 10, 0)]);
    assert_eq!(m.received_loss_pct(), 0.0);
    // Absurd counters do not overflow.
    let (m, _) = feed(&[at(0.0, 0, i64::MIN), at(1.0, u64::MAX, i64::MAX)]);
    assert!(m.received_loss_pct().is_finite());
}

#[test]
fn the_peer_s_reported_loss_of_what_we_send_counts_too() {
    let mut s = at(1.0, 100, 0);
    s.remote_fraction_lost = Some(0.1);
    let (_, shown) = feed(&[at(0.0, 0, 0), s]);
    assert_eq!(
        shown[1],
        level(2),
        "10 % of ours lost: the worse direction counts"
    );
    s.remote_fraction_lost = Some(7.0);
    let (m, _) = feed(&[at(0.0, 0, 0), s]);
    assert_eq!(m.measure(), level(1), "a fraction above 1 is all lost");
    s.remote_fraction_lost = Some(-0.5);
    let (m, _) = feed(&[at(0.0, 0, 0), s]);
    assert_eq!(m.measure(), level(5), "a negative fraction is no reading");
}

#[test]
fn round_trip_and_jitter_come_from_the_latest_report() {
    let slow = |s: f64, r, rtt| Sample {
        round_trip_s: Some(rtt),
        ..at(s, r, 0)
    };
    // 400 ms: R = 94.768 - 29 → MOS ≈ 3.4 → 2.
    let (_, shown) = feed(&[slow(0.0, 0, 0.0), slow(1.0, 50, 0.4)]);
    assert_eq!(shown[1], level(2));
    let mut j = at(1.0, 50, 0);
    j.jitter_s = Some(0.2);
    let (_, shown) = feed(&[at(0.0, 0, 0), j]);
    assert_eq!(
        shown[1],
        level(2),
        "200 ms jitter weighs as 400 ms of delay"
    );
    j.jitter_s = Some(f64::NAN);
    j.round_trip_s = Some(f64::INFINITY);
    let (m, _) = feed(&[at(0.0, 0, 0), j]);
    assert_eq!(
        m.measure(),
        level(5),
        "non-finite readings are missing ones"
    );
}

#[test]
fn nothing_received_for_the_cut_time_is_cut_and_packets_bring_it_back() {
    let cut = CUT_AFTER_MS / 1000.0;
    let (m, shown) = feed(&[
        at(0.0, 0, 0),
        at(1.0, 100, 0),
        at(1.0 + cut - 0.001, 100, 0),
        at(1.0 + cut, 100, 0),
        at(2.0 + cut, 100, 0),
        at(3.0 + cut, 150, 0),
    ]);
    assert_eq!(shown[2], level(5), "just under the cut time");
    assert_eq!(shown[3], Quality::Cut, "the cut time without a packet");
    assert_eq!(shown[4], Quality::Cut);
    assert_eq!(shown[5], level(5), "packets again: shown at once");
    assert_eq!(m.measure(), level(5));
    // From the start: a peer whose streams never deliver is cut too.
    let (_, shown) = feed(&[at(0.0, 0, 0), at(cut, 0, 0)]);
    assert_eq!(shown[1], Quality::Cut);
    // The peer stops sending altogether (no inbound stream): no verdict on silence.
    let mut gone = at(cut + 1.0, 0, 0);
    gone.inbound = None;
    let (_, shown) = feed(&[at(0.0, 0, 0), at(1.0, 10, 0), gone]);
    assert_eq!(shown[2], level(5));
}

#[test]
fn a_late_report_is_ignored() {
    let (m, shown) = feed(&[at(0.0, 0, 0), at(2.0, 100, 0), at(1.0, 100, 100)]);
    assert_eq!(shown[2], level(5));
    assert_eq!(m.received_loss_pct(), 0.0);
    let (m, shown) = feed(&[at(0.0, 0, 0), at(1.0, 100, 0), at(1.0, 200, 0)]);
    assert_eq!(shown[2], level(5), "the same timestamp is not late");
    assert_eq!(m.window.len(), 3);
}

#[test]
fn smoothing_drops_at_once_and_rises_after_consecutive_better_samples() {
    let mut s = Smoother::default();
    assert_eq!(s.push(Quality::Unknown), Quality::Unknown);
    assert_eq!(s.push(level(2)), level(2), "the first level shows at once");
    assert_eq!(s.push(level(5)), level(2));
    assert_eq!(s.push(level(4)), level(2));
    assert_eq!(
        s.push(level(5)),
        level(4),
        "after RISE_AFTER better ones: the lowest of them"
    );
    assert_eq!(RISE_AFTER, 3);
    assert_eq!(s.push(level(1)), level(1), "down at once");
    // A streak is broken by a sample that is not better.
    assert_eq!(s.push(level(3)), level(1));
    assert_eq!(s.push(level(3)), level(1));
    assert_eq!(s.push(level(1)), level(1));
    assert_eq!(s.push(level(3)), level(1));
    assert_eq!(s.push(level(3)), level(1));
    assert_eq!(s.push(level(3)), level(3));
    // Flapping shows the worse level.
    for _ in 0..4 {
        assert_eq!(s.push(level(4)), level(3));
        assert_eq!(s.push(level(3)), level(3));
    }
    // A gap in the measurement changes nothing, nor breaks a streak.
    assert_eq!(s.push(level(5)), level(3));
    assert_eq!(s.push(Quality::Unknown), level(3));
    assert_eq!(s.push(level(5)), level(3));
    assert_eq!(s.push(level(5)), level(5));
    // A cut shows at once, and so does the first level after it.
    assert_eq!(s.push(Quality::Cut), Quality::Cut);
    assert_eq!(s.push(level(4)), level(4));
    assert_eq!(s.shown(), level(4));
    // A pending rise does not survive a cut.
    assert_eq!(s.push(level(5)), level(4));
    assert_eq!(s.push(level(5)), level(4));
    assert_eq!(s.push(Quality::Cut), Quality::Cut);
    assert_eq!(s.push(level(3)), level(3));
    assert_eq!(s.push(level(5)), level(3), "the streak started over");
}

#[test]
fn the_local_quality_is_the_worst_measured_connection() {
    assert_eq!(worst([]), Quality::Unknown);
    assert_eq!(
        worst([Quality::Unknown, Quality::Unknown]),
        Quality::Unknown
    );
    assert_eq!(worst([Quality::Unknown, level(4)]), level(4));
    assert_eq!(worst([level(5), level(2), level(4)]), level(2));
    assert_eq!(
        worst([level(0), Quality::Cut]),
        Quality::Cut,
        "a cut is worse than 0"
    );
    assert_eq!(
        worst([level(1), Quality::Cut, Quality::Unknown]),
        Quality::Cut
    );
}
