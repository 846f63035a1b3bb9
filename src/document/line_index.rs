//! Line starts and the non-ASCII characters of each line: byte offsets <-> (line, column) in
//! UTF-8, UTF-16 or UTF-32 columns, exact with CRLF and multi-byte text.
//!
//! The idea is rust-analyzer's `line-index` crate: ASCII-only text needs nothing but the line
//! starts, so only the (rare) multi-byte characters are remembered, with their byte offset and
//! length. A column is then the byte distance corrected by the characters before it on its line.
//!
//! Line breaks are `\n`, `\r\n` and a lone `\r`: the LSP specification counts all three, and a
//! client that sees a lone `\r` as a break must agree with us on every line number after it.

/// How columns are counted, as negotiated with an LSP client.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PositionEncoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

/// A 0-based line and a 0-based column counted in the units of a [`PositionEncoding`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// A character encoded in more than one UTF-8 byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WideChar {
    /// Byte offset of the character in the text.
    start: u32,
    /// Its length in UTF-8 bytes (2 to 4).
    len: u8,
}

impl WideChar {
    fn end(self) -> u32 {
        self.start + self.len as u32
    }

    /// Its length in the units of `encoding`.
    fn units(self, encoding: PositionEncoding) -> u32 {
        match encoding {
            PositionEncoding::Utf8 => self.len as u32,
            // Only characters outside the Basic Multilingual Plane (4 UTF-8 bytes) need a
            // surrogate pair.
            PositionEncoding::Utf16 => {
                if self.len == 4 {
                    2
                } else {
                    1
                }
            }
            PositionEncoding::Utf32 => 1,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset where each line starts; `starts[0] == 0`, so there is always one line.
    starts: Vec<u32>,
    /// Byte offset where each line's content ends, before its line break.
    ends: Vec<u32>,
    /// Every multi-byte character of the text, sorted by offset.
    wide: Vec<WideChar>,
    len: u32,
}

impl LineIndex {
    /// The index of `text`: one pass over its bytes, eight at a time where they are plain ASCII.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut index = LineIndex {
            starts: vec![0],
            ends: Vec::new(),
            wide: Vec::new(),
            len: bytes.len() as u32,
        };
        scan(
            bytes,
            0,
            &mut index.starts,
            &mut index.ends,
            &mut index.wide,
        );
        index.ends.push(bytes.len() as u32);
        index
    }

    /// The index of the text after an edit, updated in place: `text` is the new text, in which
    /// the old bytes `start..end` were replaced by `inserted` bytes. Only the lines the edit
    /// touches are scanned again (with the line before it, where a `\r` left of the edit may
    /// meet a `\n` it inserts); the line starts after it move by the length difference. On an
    /// 8 MB order this is a memmove of the line table instead of a scan of the whole text.
    /// Offsets that do not describe an edit of this index's text (`end` past the old length,
    /// or a `text` of the wrong length) give a fresh index of `text`.
    pub fn edited(mut self, text: &str, start: usize, end: usize, inserted: usize) -> Self {
        let bytes = text.as_bytes();
        let old_len = self.len as usize;
        let fits = start <= end
            && end <= old_len
            && old_len - (end - start) + inserted == bytes.len()
            && bytes.len() <= u32::MAX as usize;
        if !fits {
            return LineIndex::new(text);
        }
        let delta = inserted as i64 - (end - start) as i64;
        let shift = |offset: u32| (offset as i64 + delta) as u32;
        // From the start of the line before the edit's line: the text before it is unchanged
        // and so is the line break that ends it.
        let first = self
            .starts
            .partition_point(|&s| s as usize <= start)
            .saturating_sub(2);
        let from = self.starts[first] as usize;
        // To the first line that starts two bytes or more after the edit: the line break
        // before it (`\n`, `\r\n` or a lone `\r`) lies wholly after the edit, so it is still
        // a break and the line still starts there, `delta` bytes later.
        let next = self.starts.partition_point(|&s| (s as usize) < end + 2);
        let to = match self.starts.get(next) {
            Some(&s) => shift(s) as usize,
            None => bytes.len(),
        };
        let (mut starts, mut ends, mut wide) = (Vec::new(), Vec::new(), Vec::new());
        scan(&bytes[..to], from, &mut starts, &mut ends, &mut wide);
        if next < self.starts.len() {
            // The scan ends with the break before line `next`, whose start is kept (moved).
            starts.pop();
        } else {
            ends.push(bytes.len() as u32);
        }
        let kept_starts = first + 1 + starts.len();
        self.starts.splice(first + 1..next, starts);
        for s in &mut self.starts[kept_starts..] {
            *s = shift(*s);
        }
        let kept_ends = first + ends.len();
        let old_ends = if next < self.ends.len() {
            first..next
        } else {
            first..self.ends.len()
        };
        self.ends.splice(old_ends, ends);
        for e in &mut self.ends[kept_ends..] {
            *e = shift(*e);
        }
        let lo = self.wide.partition_point(|wc| (wc.start as usize) < from);
        let old_to = (to as i64 - delta) as usize;
        let hi = self.wide.partition_point(|wc| (wc.start as usize) < old_to);
        let kept_wide = lo + wide.len();
        self.wide.splice(lo..hi, wide);
        for wc in &mut self.wide[kept_wide..] {
            wc.start = shift(wc.start);
        }
        self.len = bytes.len() as u32;
        self
    }

    /// The position of a byte offset; an offset inside a character or past the end is clamped.
    /// An offset inside a line break (between `\r` and `\n`) maps to the end of the line's content.
    pub fn line_col(&self, offset: usize, encoding: PositionEncoding) -> LineCol {
        let offset = offset.min(self.len as usize) as u32;
        // The last line starting at or before the offset.
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let offset = offset.min(self.ends[line]);
        let mut col = offset - start;
        for wc in self.wide_chars(start, offset) {
            if wc.end() > offset {
                // Inside this character: count up to its start only.
                col -= offset - wc.start;
                break;
            }
            col = col - wc.len as u32 + wc.units(encoding);
        }
        LineCol {
            line: line as u32,
            col,
        }
    }

    /// The byte offset of a position. A column past the end of its line is clamped to the line's
    /// end (before its line break); a line past the end gives the text's length. A column inside
    /// a character (half of a surrogate pair, a byte of a UTF-8 sequence) gives its start.
    pub fn offset(&self, pos: LineCol, encoding: PositionEncoding) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return self.len as usize;
        }
        let (start, end) = (self.starts[line], self.ends[line]);
        let col = pos.col;
        let mut byte = start;
        let mut units = 0u32;
        for wc in self.wide_chars(start, end) {
            // The ASCII run before this character: one unit per byte in every encoding.
            let run = wc.start - byte;
            if col - units <= run {
                return (byte + (col - units)) as usize;
            }
            units += run;
            let width = wc.units(encoding);
            if col - units < width {
                return wc.start as usize;
            }
            units += width;
            byte = wc.end();
        }
        (byte as u64 + (col - units) as u64).min(end as u64) as usize
    }

    /// The length in bytes of the text this index was built for.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The byte range of a line's content, without its line break. A line past the end gives an
    /// empty range at the end of the text.
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        match (self.starts.get(line), self.ends.get(line)) {
            (Some(&s), Some(&e)) => s as usize..e as usize,
            _ => self.len as usize..self.len as usize,
        }
    }

    /// The multi-byte characters starting in `from..to`.
    fn wide_chars(&self, from: u32, to: u32) -> &[WideChar] {
        let lo = self.wide.partition_point(|wc| wc.start < from);
        let hi = self.wide.partition_point(|wc| wc.start < to);
        &self.wide[lo..hi]
    }
}

/// Scans `bytes[from..]`, where `from` is a line start: pushes the start of every line that
/// begins after `from`, the end of every line that ends in it (before its break) and every
/// multi-byte character. A `\r` as the last byte is a lone one (`bytes` ends at a line start
/// or at the end of the text).
fn scan(
    bytes: &[u8],
    from: usize,
    starts: &mut Vec<u32>,
    ends: &mut Vec<u32>,
    wide: &mut Vec<WideChar>,
) {
    let mut i = from;
    while i < bytes.len() {
        // Skip eight plain ASCII bytes at a time: most of a large document is numbers.
        if let Some(chunk) = bytes.get(i..i + 8) {
            if is_plain_ascii(u64::from_le_bytes(chunk.try_into().expect("8 bytes"))) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        if b < 0x80 {
            match b {
                b'\n' => {
                    ends.push(i as u32);
                    starts.push(i as u32 + 1);
                }
                b'\r' => {
                    ends.push(i as u32);
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    starts.push(i as u32 + 1);
                }
                _ => {}
            }
            i += 1;
        } else {
            // `bytes` is valid UTF-8 up to a line start, so `b` is a lead byte and tells the
            // length.
            let len = match b {
                0xF0.. => 4,
                0xE0.. => 3,
                _ => 2,
            };
            wide.push(WideChar {
                start: i as u32,
                len,
            });
            i += len as usize;
        }
    }
}

/// True when none of the eight bytes is a line break or part of a multi-byte character.
fn is_plain_ascii(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The classic "has a zero byte" test, applied to the word xor-ed with the byte sought.
    let has = |byte: u8| {
        let x = word ^ (ONES * byte as u64);
        x.wrapping_sub(ONES) & !x & HIGH != 0
    };
    word & HIGH == 0 && !has(b'\n') && !has(b'\r')
}
