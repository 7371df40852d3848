//! Twilio-style identifiers and secrets: two letters and 32 lowercase hex digits.

use rand::RngCore as _;

/// A fresh SID with the given two-letter prefix (`RM`, `ET`, `WT`, ...).
pub fn new_sid(prefix: &str) -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    let mut s = String::with_capacity(34);
    s.push_str(prefix);
    push_hex(&mut s, &bytes);
    s
}

/// 32 random bytes as 64 hex digits.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let mut s = String::with_capacity(64);
    push_hex(&mut s, &bytes);
    s
}

fn push_hex(s: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sids_look_like_twilios() {
        let sid = new_sid("RM");
        assert!(crate::config::is_sid(&sid, "RM"), "{sid}");
        assert_ne!(sid, new_sid("RM"));
        assert_eq!(new_secret().len(), 64);
    }
}
