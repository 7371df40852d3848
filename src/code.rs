//! The customer's join code: its format (length from configuration, alphabet `[A-Za-z0-9]`),
//! validation of untrusted input, and unbiased generation from a caller-supplied random source.

use crate::sid::looks_like_sid;
use thiserror::Error;

/// The characters a code is drawn from.
pub const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// Shortest configurable code: anything shorter is trivially guessable.
pub const MIN_LEN: usize = 4;
/// Longest configurable code (it travels in a URL and is a Sync unique name).
pub const MAX_LEN: usize = 64;
/// The template's default, `VIDEO_CODE_LENGTH=7`.
pub const DEFAULT_LEN: usize = 7;

/// Whether `b` may appear in a code: exactly the bytes of [`ALPHABET`].
pub fn is_code_char(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// Whether a code is worth asking the server about where the configured length is unknown (the
/// customer page): [`MIN_LEN`] to [`MAX_LEN`] characters of the alphabet. The server decides the
/// rest.
pub fn plausible(code: &str) -> bool {
    (MIN_LEN..=MAX_LEN).contains(&code.len()) && code.bytes().all(is_code_char)
}

/// The configured code format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeFormat {
    len: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("code length must be between {MIN_LEN} and {MAX_LEN}, got {0}")]
pub struct LengthOutOfRange(pub usize);

/// Why a string is not a well-formed code. Messages never echo the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum InvalidCode {
    #[error("the code is empty")]
    Empty,
    #[error("the code has the wrong length")]
    WrongLength,
    #[error("the code contains characters other than letters and digits")]
    BadCharacter,
    /// `[A-Z]{2}[0-9a-f]{32}`: a SID (a document's sits in the task attributes) is never a code,
    /// so a customer endpoint never looks a document up by SID.
    #[error("the code has the shape of a Twilio SID")]
    SidShaped,
}

impl Default for CodeFormat {
    fn default() -> Self {
        CodeFormat { len: DEFAULT_LEN }
    }
}

impl CodeFormat {
    pub fn new(len: usize) -> Result<Self, LengthOutOfRange> {
        if (MIN_LEN..=MAX_LEN).contains(&len) {
            Ok(CodeFormat { len })
        } else {
            Err(LengthOutOfRange(len))
        }
    }

    /// Characters per code.
    pub fn length(&self) -> usize {
        self.len
    }

    /// Checks untrusted input before any lookup.
    pub fn validate(&self, code: &str) -> Result<(), InvalidCode> {
        if code.is_empty() {
            return Err(InvalidCode::Empty);
        }
        if !code.bytes().all(is_code_char) {
            return Err(InvalidCode::BadCharacter);
        }
        if code.len() != self.len {
            return Err(InvalidCode::WrongLength);
        }
        if looks_like_sid(code) {
            return Err(InvalidCode::SidShaped);
        }
        Ok(())
    }

    /// Draws a code. `next_u32` must be a CSPRNG on the server; each character is chosen
    /// uniformly (rejection sampling, no modulo bias). Codes that look like a Twilio SID
    /// (`[A-Z]{2}[a-f0-9]{32}`, which Sync refuses as a unique name) are drawn again.
    pub fn generate(&self, mut next_u32: impl FnMut() -> u32) -> String {
        // Largest multiple of 62 that fits in a u32: values at or above it are rejected.
        const LIMIT: u32 = u32::MAX - (u32::MAX % ALPHABET.len() as u32);
        loop {
            let code: String = (0..self.len)
                .map(|_| loop {
                    let v = next_u32();
                    if v < LIMIT {
                        break ALPHABET[(v % ALPHABET.len() as u32) as usize] as char;
                    }
                })
                .collect();
            if !looks_like_sid(&code) {
                return code;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counter(mut state: u32) -> impl FnMut() -> u32 {
        move || {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            state
        }
    }

    #[test]
    fn length_bounds() {
        assert_eq!(CodeFormat::new(0), Err(LengthOutOfRange(0)));
        assert_eq!(CodeFormat::new(3), Err(LengthOutOfRange(3)));
        assert_eq!(CodeFormat::new(65), Err(LengthOutOfRange(65)));
        assert_eq!(CodeFormat::new(7).map(|f| f.length()), Ok(7));
        assert_eq!(CodeFormat::default().length(), DEFAULT_LEN);
    }

    #[test]
    fn generated_codes_have_the_format() {
        for len in [MIN_LEN, 7, 32, MAX_LEN] {
            let f = CodeFormat::new(len).unwrap();
            let mut rng = counter(len as u32);
            for _ in 0..200 {
                let code = f.generate(&mut rng);
                assert_eq!(code.len(), len);
                assert_eq!(f.validate(&code), Ok(()));
            }
        }
    }

    #[test]
    fn validation_rejects_bad_input() {
        let f = CodeFormat::new(7).unwrap();
        assert_eq!(f.validate(""), Err(InvalidCode::Empty));
        assert_eq!(f.validate("abc"), Err(InvalidCode::WrongLength));
        assert_eq!(f.validate("abcdefgh"), Err(InvalidCode::WrongLength));
        assert_eq!(f.validate("abc-efg"), Err(InvalidCode::BadCharacter));
        assert_eq!(f.validate("abc efg"), Err(InvalidCode::BadCharacter));
        assert_eq!(f.validate("ábcdefg"), Err(InvalidCode::BadCharacter));
        assert_eq!(f.validate("<script"), Err(InvalidCode::BadCharacter));
        assert_eq!(f.validate("aB3dE5g"), Ok(()));
    }

    #[test]
    fn the_alphabet_is_exactly_the_code_characters() {
        for b in 0..=255u8 {
            assert_eq!(is_code_char(b), ALPHABET.contains(&b), "{b}");
        }
    }

    #[test]
    fn plausible_codes() {
        assert!(plausible("aB3dE5g"));
        assert!(plausible("abcd"));
        assert!(plausible(&"a".repeat(MAX_LEN)));
        assert!(!plausible("abc"));
        assert!(!plausible(&"a".repeat(MAX_LEN + 1)));
        assert!(!plausible("abc-efg"));
        assert!(!plausible("<script>"));
        assert!(!plausible("abc%20"));
        assert!(!plausible("ábcd"));
    }

    #[test]
    fn rejection_sampling_skips_biased_values() {
        let f = CodeFormat::new(4).unwrap();
        // u32::MAX is above the rejection limit and must never select a character.
        let mut values = vec![u32::MAX, 0, u32::MAX, 1, 2, 3].into_iter();
        assert_eq!(f.generate(move || values.next().unwrap()), "ABCD");
    }

    #[test]
    fn the_rejection_limit_is_the_largest_multiple_of_the_alphabet() {
        let limit = u32::MAX - (u32::MAX % 62);
        assert_eq!(limit % 62, 0);
        let f = CodeFormat::new(4).unwrap();
        // The limit itself is rejected; the value just below it is the alphabet's last character.
        let mut values = vec![limit, limit - 1, limit - 62, limit - 2, 61].into_iter();
        assert_eq!(f.generate(move || values.next().unwrap()), "9A89");
    }

    #[test]
    fn every_character_is_reachable_and_roughly_uniform() {
        let f = CodeFormat::new(64).unwrap();
        let mut rng = counter(42);
        let mut counts = [0usize; 62];
        for _ in 0..1000 {
            for b in f.generate(&mut rng).bytes() {
                let i = ALPHABET.iter().position(|&a| a == b).unwrap();
                counts[i] += 1;
            }
        }
        let expected = 64_000 / 62;
        for c in counts {
            assert!(
                c > expected * 8 / 10 && c < expected * 12 / 10,
                "{counts:?}"
            );
        }
    }

    #[test]
    fn a_sid_is_never_a_valid_code() {
        let f = CodeFormat::new(crate::sid::LEN).unwrap();
        for sid in [
            "ET0123456789abcdef0123456789abcdef",
            "RM0123456789abcdef0123456789abcdef",
            "WTffffffffffffffffffffffffffffffff",
        ] {
            assert_eq!(f.validate(sid), Err(InvalidCode::SidShaped), "{sid}");
        }
        // Same length, not SID-shaped: fine.
        assert_eq!(f.validate("Et0123456789abcdef0123456789abcdef"), Ok(()));
        assert_eq!(f.validate("ET0123456789ABCDEF0123456789abcdef"), Ok(()));
        // Other lengths cannot spell a SID at all.
        for len in [
            MIN_LEN,
            DEFAULT_LEN,
            crate::sid::LEN - 1,
            crate::sid::LEN + 1,
            MAX_LEN,
        ] {
            let f = CodeFormat::new(len).unwrap();
            let mut rng = counter(len as u32 + 7);
            for _ in 0..50 {
                let code = f.generate(&mut rng);
                assert!(!looks_like_sid(&code));
                assert_eq!(f.validate(&code), Ok(()));
            }
        }
    }

    #[test]
    fn sid_lookalikes_are_redrawn() {
        let f = CodeFormat::new(34).unwrap();
        // First draw spells a SID ("ET" + 32 × '0'), the second does not.
        let sid_like = std::iter::once(4u32)
            .chain(std::iter::once(19))
            .chain(std::iter::repeat_n(52, 32));
        let mut values = sid_like.chain(std::iter::repeat_n(0, 34));
        let code = f.generate(move || values.next().unwrap());
        assert_eq!(code, "A".repeat(34));
    }
}
