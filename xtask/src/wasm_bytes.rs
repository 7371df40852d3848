//! Reading and writing the few WebAssembly encodings the build's checks and rewrites need:
//! bytes, unsigned LEB128 numbers and length-prefixed UTF-8 names.

/// A cursor over a module's bytes; every read is `None` past the end or on a malformed number.
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8], at: usize) -> Self {
        Reader { bytes, at }
    }

    pub fn at(&self) -> usize {
        self.at
    }

    pub fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }

    pub fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    pub fn leb(&mut self) -> Option<usize> {
        let mut value = 0usize;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            value |= usize::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    /// The next `len` bytes.
    pub fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let bytes = self.bytes.get(self.at..self.at.checked_add(len)?)?;
        self.at += len;
        Some(bytes)
    }

    pub fn name(&mut self) -> Option<String> {
        let len = self.leb()?;
        let text = self.take(len)?;
        String::from_utf8(text.to_vec()).ok()
    }
}

pub fn push_leb(mut n: usize, out: &mut Vec<u8>) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

pub fn push_name(s: &str, out: &mut Vec<u8>) {
    push_leb(s.len(), out);
    out.extend_from_slice(s.as_bytes());
}

/// `wasm` with the body of each section `id` replaced by what `rewrite` makes of it (`None`
/// when the body is malformed); every other byte as it was. `None` for a damaged module.
pub fn rewrite_section(
    wasm: &[u8],
    id: u8,
    mut rewrite: impl FnMut(&[u8]) -> Option<Vec<u8>>,
) -> Option<Vec<u8>> {
    if wasm.get(..8) != Some(b"\0asm\x01\0\0\0") {
        return None;
    }
    let mut out = wasm[..8].to_vec();
    let mut r = Reader::new(wasm, 8);
    while !r.done() {
        let start = r.at();
        let section = r.byte()?;
        let size = r.leb()?;
        let body = r.take(size)?;
        if section != id {
            out.extend_from_slice(&wasm[start..r.at()]);
            continue;
        }
        let body = rewrite(body)?;
        out.push(id);
        push_leb(body.len(), &mut out);
        out.extend_from_slice(&body);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_names_round_trip() {
        for n in [0, 1, 127, 128, 300, 16_383, 16_384, 1 << 28] {
            let mut out = Vec::new();
            push_leb(n, &mut out);
            push_name("größe", &mut out);
            let mut r = Reader::new(&out, 0);
            assert_eq!(r.leb(), Some(n));
            assert_eq!(r.name().as_deref(), Some("größe"));
            assert!(r.done());
        }
    }

    #[test]
    fn reads_nothing_past_the_end() {
        let mut r = Reader::new(&[0x80], 0);
        assert_eq!(r.leb(), None);
        let mut r = Reader::new(&[5, b'a'], 0);
        assert_eq!(r.name(), None);
        let mut r = Reader::new(&[1, 2], 0);
        assert_eq!(r.take(3), None);
        assert_eq!(r.take(2), Some(&[1u8, 2][..]));
    }

    #[test]
    fn rewrites_only_the_sections_named() {
        let head = b"\0asm\x01\0\0\0";
        let wasm = [&head[..], &[1, 2, 7, 7], &[7, 1, 9], &[0, 1, 5], &[7, 0]].concat();
        let out = rewrite_section(&wasm, 7, |body| Some([body, &[8][..]].concat())).unwrap();
        assert_eq!(
            out,
            [
                &head[..],
                &[1, 2, 7, 7],
                &[7, 2, 9, 8],
                &[0, 1, 5],
                &[7, 1, 8]
            ]
            .concat()
        );
        assert_eq!(rewrite_section(&wasm, 7, |_| None), None);
        assert_eq!(
            rewrite_section(b"\0asm\x02\0\0\0", 7, |b| Some(b.to_vec())),
            None
        );
        assert_eq!(
            rewrite_section(&wasm[..wasm.len() - 1], 0, |b| Some(b.to_vec())),
            None
        );
    }
}
