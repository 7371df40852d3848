//! The tab's state machine, tested by topic (one module each); here, the inputs and the runner
//! they share.

use super::*;

mod endings;
mod interruptions;
mod invariants;
mod joining;
mod session;

fn failures() -> Vec<ConnectFailure> {
    let mut v = vec![
        ConnectFailure::MediaUnavailable,
        ConnectFailure::DevicesUnavailable,
        ConnectFailure::Other,
    ];
    v.extend(ServiceReason::ALL.map(ConnectFailure::Refused));
    v
}

fn join(active: Option<&ActiveRoom>) -> Input<'_> {
    // (`'static` when `active` is `None`.)
    Input::Join {
        task_sid: "WT1",
        has_document: true,
        active,
    }
}

fn run(inputs: &[Input<'_>]) -> (Phase, Vec<VideoRoomState>, Vec<Effect>) {
    let mut phase = Phase::Idle;
    let mut writes = Vec::new();
    let mut effects = Vec::new();
    for &i in inputs {
        if let Some(step) = phase.step(i) {
            phase = step.phase;
            writes.extend(step.write);
            effects.push(step.effect);
        }
    }
    (phase, writes, effects)
}
