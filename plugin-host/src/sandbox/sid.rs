//! Fresh Twilio-style identifiers (the shape is [`chat_to_video::sid`]'s) and secrets, from the
//! thread's CSPRNG.

use chat_to_video::sid;
use rand::RngCore as _;

/// A fresh SID with the given two-letter prefix (`RM`, `ET`, `WT`, ...).
pub fn new_sid(prefix: &str) -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    sid::from_bytes(prefix, &bytes)
}

/// 32 random bytes as 64 hex digits.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let mut s = String::with_capacity(64);
    sid::push_hex(&mut s, &bytes);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sids_look_like_twilios() {
        let sid = new_sid("RM");
        assert!(chat_to_video::sid::is_sid(&sid, "RM"), "{sid}");
        assert_ne!(sid, new_sid("RM"));
        assert_eq!(new_secret().len(), 64);
    }
}
