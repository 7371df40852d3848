//! The agent's single active room, for this page: at most one tab holds it at a time. A tab
//! claims it on Join and releases it when it leaves, fails or is unmounted; the wrap-up guard
//! reads it. Each claim carries its owner so a tab can only ever change its own claim.

use crate::rules::ActiveRoom;
use std::cell::{Cell, RefCell};

/// Identifies one claimant (one mounted tab).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner(u32);

thread_local! {
    static ACTIVE: RefCell<Option<(Owner, ActiveRoom)>> = const { RefCell::new(None) };
    static NEXT_OWNER: Cell<u32> = const { Cell::new(1) };
}

impl Owner {
    pub fn next() -> Owner {
        NEXT_OWNER.with(|n| {
            let id = n.get();
            n.set(id.wrapping_add(1));
            Owner(id)
        })
    }
}

/// The held room, if any.
pub fn current() -> Option<ActiveRoom> {
    ACTIVE.with(|a| a.borrow().as_ref().map(|(_, room)| room.clone()))
}

/// Takes the claim. Refused (false) while someone else holds it.
pub fn claim(owner: Owner, room: ActiveRoom) -> bool {
    ACTIVE.with(|a| {
        let mut a = a.borrow_mut();
        match &*a {
            Some((holder, _)) if *holder != owner => false,
            _ => {
                *a = Some((owner, room));
                true
            }
        }
    })
}

/// Changes `owner`'s claim; nothing happens if `owner` does not hold it.
pub fn update(owner: Owner, change: impl FnOnce(&mut ActiveRoom)) {
    ACTIVE.with(|a| {
        if let Some((holder, room)) = a.borrow_mut().as_mut() {
            if *holder == owner {
                change(room);
            }
        }
    })
}

/// Drops `owner`'s claim; another owner's claim is left alone.
pub fn release(owner: Owner) {
    ACTIVE.with(|a| {
        let mut a = a.borrow_mut();
        if matches!(&*a, Some((holder, _)) if *holder == owner) {
            *a = None;
        }
    })
}
