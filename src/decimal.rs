//! Numbers as decimal text without `core::fmt`, which the browser build keeps out of its
//! module.

/// Appends `n` in decimal, zero-padded to at least `width` digits.
pub fn push_padded(out: &mut String, n: u64, width: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for _ in (digits.len() - i)..width {
        out.push('0');
    }
    for &d in &digits[i..] {
        out.push(d as char);
    }
}

/// Appends `n` in decimal.
pub fn push(out: &mut String, n: u64) {
    push_padded(out, n, 1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_every_digit_and_pads_to_the_width() {
        for (n, width, want) in [
            (0, 1, "0"),
            (7, 1, "7"),
            (10, 1, "10"),
            (4_294_967_295, 1, "4294967295"),
            (u64::MAX, 1, "18446744073709551615"),
            (5, 2, "05"),
            (12, 2, "12"),
            (123, 2, "123"),
            (0, 3, "000"),
        ] {
            let mut out = String::from(">");
            push_padded(&mut out, n, width);
            assert_eq!(out, format!(">{want}"), "{n} at width {width}");
        }
        let mut out = String::new();
        push(&mut out, 42);
        assert_eq!(out, "42");
    }
}
