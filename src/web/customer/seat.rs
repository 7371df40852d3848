//! This tab's seat in the session, kept in `sessionStorage` (per tab, and per code), so a reload
//! or a rejoin keeps it and a new tab is handed the next one.

fn key(code: &str) -> String {
    let mut k = String::from("chat-to-video-seat:");
    k.push_str(code);
    k
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// The seat this tab held for `code`, if any.
pub fn held(code: &str) -> Option<u32> {
    storage()?.get_item(&key(code)).ok()??.parse().ok()
}

/// Remembers the seat the host handed out (a storage that refuses is only a lost convenience).
pub fn keep(code: &str, seat: u32) {
    if let Some(s) = storage() {
        let _ = s.set_item(&key(code), &seat.to_string());
    }
}
