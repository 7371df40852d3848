//! Twilio SIDs: two uppercase letters naming the resource type (`RM` a room, `ET` a Sync
//! document, `WT` a task, …), then 32 lowercase hex digits. One rule for every side: the host's
//! configuration and inputs, the sandbox's generated ids, and the codes that must never look like
//! one (Sync refuses a SID-shaped unique name, and a SID from the task attributes must never pass
//! as a code).

/// Characters in a SID.
pub const LEN: usize = 34;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Whether `value` has the shape of any SID: `[A-Z]{2}[0-9a-f]{32}`.
pub fn looks_like_sid(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == LEN
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..].iter().all(|c| HEX.contains(c))
}

/// Whether `value` is a SID of the kind `prefix` names (`"RM"`, `"ET"`, …).
pub fn is_sid(value: &str, prefix: &str) -> bool {
    looks_like_sid(value) && value.starts_with(prefix) && prefix.len() == 2
}

/// The SID with `prefix` whose hex digits spell `bytes` (the caller draws them at random).
pub fn from_bytes(prefix: &str, bytes: &[u8; 16]) -> String {
    let mut s = String::with_capacity(LEN);
    s.push_str(prefix);
    push_hex(&mut s, bytes);
    s
}

/// Appends `bytes` as lowercase hex digits.
pub fn push_hex(out: &mut String, bytes: &[u8]) {
    for b in bytes {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOM: &str = "RM0123456789abcdef0123456789abcdef";

    #[test]
    fn the_shape() {
        assert!(looks_like_sid(ROOM));
        assert!(looks_like_sid("ET0123456789abcdef0123456789abcdef"));
        assert!(
            !looks_like_sid("Rm0123456789abcdef0123456789abcdef"),
            "prefix case"
        );
        assert!(
            !looks_like_sid("RM0123456789abcdef0123456789abcdeF"),
            "hex case"
        );
        assert!(
            !looks_like_sid("RM0123456789abcdef0123456789abcdeg"),
            "not hex"
        );
        assert!(
            !looks_like_sid("RM0123456789abcdef0123456789abcde"),
            "short"
        );
        assert!(
            !looks_like_sid("RM0123456789abcdef0123456789abcdef0"),
            "long"
        );
        assert!(!looks_like_sid("1M0123456789abcdef0123456789abcdef"));
        assert!(!looks_like_sid(""));
        assert!(!looks_like_sid("RMé123456789abcdef0123456789abcde"));
    }

    #[test]
    fn the_kind() {
        assert!(is_sid(ROOM, "RM"));
        assert!(!is_sid(ROOM, "ET"));
        assert!(!is_sid(ROOM, "R"));
        assert!(!is_sid(ROOM, "RM0"));
        assert!(!is_sid("RM0123456789ABCDEF0123456789ABCDEF", "RM"));
    }

    #[test]
    fn from_random_bytes() {
        let sid = from_bytes("WT", &[0xab; 16]);
        assert_eq!(sid, format!("WT{}", "ab".repeat(16)));
        assert!(is_sid(&sid, "WT"));
        let zero = from_bytes("RM", &[0; 16]);
        assert_eq!(zero, format!("RM{}", "0".repeat(32)));
        let mut s = String::new();
        push_hex(&mut s, &[0x0f, 0xf0, 0x9a]);
        assert_eq!(s, "0ff09a");
    }
}
