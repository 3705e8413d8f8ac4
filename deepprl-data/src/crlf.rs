//! A reader that turns `\r\n` and a lone `\r` into `\n`, so the CSV reader counts the lines of
//! CRLF and CR files right.
//!
//! The `csv` crate ends a record at `\r` and consumes the `\n` as the start of the next record,
//! whose position then still has the previous line: every error in a CRLF file named a line one
//! too low.
//! Dropping the `\r` of each `\r\n` leaves every field as it was (the reader already took
//! `\r\n` as one terminator), except that a `\r\n` inside a quoted field becomes `\n`.
//! A lone `\r` ends a record for the `csv` reader too, but not a line: in a file with `\r` line
//! endings every error named line 1 (found by the loader's property test); it becomes `\n`, also
//! inside a quoted field.

use std::io::{self, BufRead, Read};

/// Streams `inner` with every `\r\n` and every lone `\r` replaced by `\n`.
pub(crate) struct CrlfToLf<R> {
    inner: R,
    /// A `\r` ended the last chunk: whether it is kept depends on the next byte.
    pending_cr: bool,
}

impl<R: BufRead> CrlfToLf<R> {
    /// Wraps `inner`.
    pub(crate) fn new(inner: R) -> Self {
        CrlfToLf { inner, pending_cr: false }
    }
}

impl<R: BufRead> Read for CrlfToLf<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            let chunk = self.inner.fill_buf()?;
            let mut n = 0;
            if self.pending_cr && chunk.first() != Some(&b'\n') {
                out[0] = b'\n';
                n = 1;
            }
            self.pending_cr = false;
            if chunk.is_empty() {
                return Ok(n);
            }
            let mut used = 0;
            while used < chunk.len() && n < out.len() {
                let b = chunk[used];
                used += 1;
                if b == b'\r' {
                    match chunk.get(used) {
                        Some(b'\n') => continue,
                        None => {
                            self.pending_cr = true;
                            break;
                        }
                        Some(_) => {
                            out[n] = b'\n';
                            n += 1;
                            continue;
                        }
                    }
                }
                out[n] = b;
                n += 1;
            }
            self.inner.consume(used);
            if n > 0 {
                return Ok(n);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;

    /// `text` read through [`CrlfToLf`] with an inner buffer of `capacity` bytes.
    fn convert(text: &[u8], capacity: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let inner = BufReader::with_capacity(capacity, text);
        CrlfToLf::new(inner).read_to_end(&mut out).expect("reading from memory");
        out
    }

    #[test]
    fn crlf_and_a_lone_cr_become_lf() {
        let text = b"a,b\r\nc\rd\r\n\r\n\"e\r\nf\"\r\r\rg";
        // Chunk boundaries fall everywhere, also between `\r` and `\n`.
        for capacity in [1, 2, 3, 5, 64] {
            assert_eq!(convert(text, capacity), b"a,b\nc\nd\n\n\"e\nf\"\n\n\ng", "{capacity}");
        }
        assert_eq!(convert(b"", 4), b"");
        assert_eq!(convert(b"\r", 1), b"\n");
        assert_eq!(convert(b"\r\r\n", 1), b"\n\n");
    }
}
