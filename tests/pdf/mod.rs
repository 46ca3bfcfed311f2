//! Just enough PDF reading to check what Chromium printed
//! (tests/console_print.rs): the page objects, their content streams
//! inflated, and the text they draw mapped back to Unicode through each
//! font's `ToUnicode` CMap.
//!
//! Chromium (Skia) writes every object uncompressed at the top level, its
//! streams with `FlateDecode`, its fonts as `Type0`/`Identity-H` with a
//! `ToUnicode` CMap of `bfchar` and `bfrange` entries, and its text as hex
//! strings shown with `Tj`/`TJ` (a ligature inside an `/ActualText` span).
//! No inflate crate is in the offline registry, so inflate (RFC 1951) is
//! written out below, after zlib's `puff.c`. This is a test reader for
//! that producer, not a general PDF parser.

#![allow(dead_code)]

use std::collections::HashMap;

// ------------------------------------------------------------------ inflate

struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    buf: u32,
    count: u32,
}

impl Bits<'_> {
    fn take(&mut self, n: u32) -> Option<u32> {
        while self.count < n {
            let byte = *self.data.get(self.pos)?;
            self.pos += 1;
            self.buf |= (byte as u32) << self.count;
            self.count += 8;
        }
        let v = self.buf & ((1u32 << n) - 1);
        self.buf >>= n;
        self.count -= n;
        Some(v)
    }
}

/// A canonical Huffman code: how many codes of each length, and the
/// symbols in code order.
struct Huffman {
    counts: [u16; 16],
    symbols: Vec<u16>,
}

impl Huffman {
    fn new(lengths: &[u8]) -> Huffman {
        let mut counts = [0u16; 16];
        for &l in lengths {
            counts[l as usize] += 1;
        }
        let mut offsets = [0u16; 16];
        for len in 1..15 {
            offsets[len + 1] = offsets[len] + counts[len];
        }
        let mut symbols = vec![0u16; lengths.len()];
        for (sym, &l) in lengths.iter().enumerate() {
            if l != 0 {
                symbols[offsets[l as usize] as usize] = sym as u16;
                offsets[l as usize] += 1;
            }
        }
        counts[0] = 0;
        Huffman { counts, symbols }
    }

    fn decode(&self, bits: &mut Bits) -> Option<u16> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for len in 1..16 {
            code |= bits.take(1)? as i32;
            let count = self.counts[len] as i32;
            if code - count < first {
                return self.symbols.get((index + (code - first)) as usize).copied();
            }
            index += count;
            first += count;
            first <<= 1;
            code <<= 1;
        }
        None
    }
}

const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
];
const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
    8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];

fn codes(bits: &mut Bits, out: &mut Vec<u8>, lit: &Huffman, dist: &Huffman) -> Option<()> {
    loop {
        let sym = lit.decode(bits)? as usize;
        match sym {
            0..=255 => out.push(sym as u8),
            256 => return Some(()),
            _ => {
                let i = sym - 257;
                let len = *LENGTH_BASE.get(i)? as usize + bits.take(*LENGTH_EXTRA.get(i)? as u32)? as usize;
                let d = dist.decode(bits)? as usize;
                let back = *DIST_BASE.get(d)? as usize + bits.take(*DIST_EXTRA.get(d)? as u32)? as usize;
                if back > out.len() {
                    return None;
                }
                let start = out.len() - back;
                for k in 0..len {
                    let b = out[start + k];
                    out.push(b);
                }
            }
        }
    }
}

/// Inflates a raw DEFLATE stream; `None` if it is not one.
pub fn inflate(data: &[u8]) -> Option<Vec<u8>> {
    let mut bits = Bits {
        data,
        pos: 0,
        buf: 0,
        count: 0,
    };
    let mut out = Vec::new();
    loop {
        let last = bits.take(1)?;
        match bits.take(2)? {
            0 => {
                bits.buf = 0;
                bits.count = 0;
                let b = data.get(bits.pos..bits.pos + 4)?;
                let len = u16::from_le_bytes([b[0], b[1]]) as usize;
                bits.pos += 4;
                out.extend_from_slice(data.get(bits.pos..bits.pos + len)?);
                bits.pos += len;
            }
            1 => {
                let mut lengths = [0u8; 288];
                for (i, l) in lengths.iter_mut().enumerate() {
                    *l = match i {
                        0..=143 => 8,
                        144..=255 => 9,
                        256..=279 => 7,
                        _ => 8,
                    };
                }
                let lit = Huffman::new(&lengths);
                let dist = Huffman::new(&[5u8; 30]);
                codes(&mut bits, &mut out, &lit, &dist)?;
            }
            2 => {
                let nlen = bits.take(5)? as usize + 257;
                let ndist = bits.take(5)? as usize + 1;
                let ncode = bits.take(4)? as usize + 4;
                const ORDER: [usize; 19] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
                let mut cl = [0u8; 19];
                for &o in ORDER.iter().take(ncode) {
                    cl[o] = bits.take(3)? as u8;
                }
                let clh = Huffman::new(&cl);
                let mut lengths = vec![0u8; nlen + ndist];
                let mut i = 0;
                while i < nlen + ndist {
                    let sym = clh.decode(&mut bits)?;
                    let (value, repeat) = match sym {
                        0..=15 => (sym as u8, 1),
                        16 => (*lengths.get(i.checked_sub(1)?)?, 3 + bits.take(2)? as usize),
                        17 => (0, 3 + bits.take(3)? as usize),
                        _ => (0, 11 + bits.take(7)? as usize),
                    };
                    for _ in 0..repeat {
                        *lengths.get_mut(i)? = value;
                        i += 1;
                    }
                }
                let lit = Huffman::new(&lengths[..nlen]);
                let dist = Huffman::new(&lengths[nlen..]);
                codes(&mut bits, &mut out, &lit, &dist)?;
            }
            _ => return None,
        }
        if last == 1 {
            return Some(out);
        }
    }
}

/// Inflates a zlib stream (a 2-byte header, DEFLATE, a checksum not checked).
pub fn zlib(data: &[u8]) -> Option<Vec<u8>> {
    inflate(data.get(2..)?)
}

// ---------------------------------------------------------------- objects

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// Every top-level `N 0 obj ... endobj`, by number.
fn objects(pdf: &[u8]) -> HashMap<u32, &[u8]> {
    let mut out = HashMap::new();
    let mut at = 0;
    while let Some(i) = find(pdf, b" 0 obj", at) {
        let start = pdf[..i].iter().rposition(|b| !b.is_ascii_digit()).map_or(0, |p| p + 1);
        let number = std::str::from_utf8(&pdf[start..i]).ok().and_then(|s| s.parse().ok());
        let Some(end) = find(pdf, b"endobj", i) else { break };
        if let Some(n) = number {
            out.insert(n, &pdf[i + 6..end]);
        }
        at = end;
    }
    out
}

/// The object number after `key` (`/Contents 8 0 R` → 8).
fn reference(obj: &[u8], key: &[u8]) -> Option<u32> {
    let i = find(obj, key, 0)? + key.len();
    let rest = std::str::from_utf8(&obj[i..]).ok()?;
    rest.split_whitespace().next()?.parse().ok()
}

/// A stream object's data, inflated when it is Flate-encoded.
fn stream(obj: &[u8]) -> Option<Vec<u8>> {
    let mut s = find(obj, b"stream", 0)? + 6;
    if obj.get(s) == Some(&b'\r') {
        s += 1;
    }
    if obj.get(s) == Some(&b'\n') {
        s += 1;
    }
    let e = find(obj, b"endstream", s)?;
    let raw = &obj[s..e];
    if find(obj, b"/FlateDecode", 0).is_some_and(|f| f < s) {
        zlib(raw)
    } else {
        Some(raw.to_vec())
    }
}

fn hex_bytes(h: &[u8]) -> Vec<u8> {
    let digits: Vec<u8> = h
        .iter()
        .filter_map(|c| (*c as char).to_digit(16).map(|d| d as u8))
        .collect();
    digits
        .chunks(2)
        .map(|p| (p[0] << 4) | p.get(1).copied().unwrap_or(0))
        .collect()
}

fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|p| u16::from_be_bytes([p[0], p.get(1).copied().unwrap_or(0)]))
        .collect();
    String::from_utf16_lossy(&units)
}

/// A ToUnicode CMap: 2-byte code → text.
fn cmap(text: &[u8]) -> HashMap<u16, String> {
    let text = String::from_utf8_lossy(text);
    let mut map = HashMap::new();
    let hexes = |s: &str| -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut rest = s;
        while let Some(i) = rest.find('<') {
            let Some(j) = rest[i..].find('>') else { break };
            out.push(hex_bytes(&rest.as_bytes()[i + 1..i + j]));
            rest = &rest[i + j + 1..];
        }
        out
    };
    let code = |b: &[u8]| -> u16 { b.iter().fold(0u16, |acc, x| (acc << 8) | *x as u16) };
    for section in text.split("beginbfchar").skip(1) {
        let body = section.split("endbfchar").next().unwrap_or("");
        for line in body.lines() {
            let h = hexes(line);
            if h.len() == 2 {
                map.insert(code(&h[0]), utf16(&h[1]));
            }
        }
    }
    for section in text.split("beginbfrange").skip(1) {
        let body = section.split("endbfrange").next().unwrap_or("");
        for line in body.lines() {
            let h = hexes(line);
            if h.len() < 3 {
                continue;
            }
            let (lo, hi) = (code(&h[0]), code(&h[1]));
            if line.contains('[') {
                // One destination per code.
                for (k, dst) in h[2..].iter().enumerate() {
                    map.insert(lo + k as u16, utf16(dst));
                }
            } else {
                let mut dst = h[2].clone();
                for c in lo..=hi {
                    map.insert(c, utf16(&dst));
                    if let Some(last) = dst.last_mut() {
                        *last = last.wrapping_add(1);
                    }
                }
            }
        }
    }
    map
}

// -------------------------------------------------------------------- text

/// The pages of `pdf`, in order, each as the text it draws (runs joined
/// without separators: compare with whitespace removed).
pub fn pages_text(pdf: &[u8]) -> Vec<String> {
    let objs = objects(pdf);
    // Page order: the Pages tree's Kids, flattened.
    let root = objs
        .iter()
        .find(|(_, o)| find(o, b"/Type /Catalog", 0).is_some())
        .and_then(|(_, o)| reference(o, b"/Pages "));
    let mut order = Vec::new();
    let mut stack: Vec<u32> = root.into_iter().collect();
    while let Some(n) = stack.pop() {
        let Some(o) = objs.get(&n) else { continue };
        if let Some(k) = find(o, b"/Kids [", 0) {
            let end = find(o, b"]", k).unwrap_or(o.len());
            let kids: Vec<u32> = String::from_utf8_lossy(&o[k + 7..end])
                .split(" R")
                .filter_map(|s| s.split_whitespace().next().and_then(|x| x.parse().ok()))
                .collect();
            stack.extend(kids.into_iter().rev());
        } else {
            order.push(n);
        }
    }
    let mut unicode: HashMap<u32, HashMap<u16, String>> = HashMap::new();
    order
        .iter()
        .map(|p| {
            let page = objs.get(p).copied().unwrap_or_default();
            // The page's font names → font objects.
            let mut fonts: HashMap<String, u32> = HashMap::new();
            if let Some(f) = find(page, b"/Font <<", 0) {
                let end = find(page, b">>", f + 8).unwrap_or(page.len());
                let body = String::from_utf8_lossy(&page[f + 8..end]).to_string();
                for entry in body.split('/').skip(1) {
                    let mut w = entry.split_whitespace();
                    if let (Some(name), Some(n)) = (w.next(), w.next().and_then(|x| x.parse().ok())) {
                        fonts.insert(name.to_string(), n);
                    }
                }
            }
            let content = reference(page, b"/Contents ")
                .and_then(|c| objs.get(&c))
                .and_then(|o| stream(o))
                .unwrap_or_default();
            let mut maps: HashMap<String, &HashMap<u16, String>> = HashMap::new();
            for n in fonts.values() {
                if !unicode.contains_key(n) {
                    let m = objs
                        .get(n)
                        .and_then(|f| reference(f, b"/ToUnicode "))
                        .and_then(|t| objs.get(&t))
                        .and_then(|o| stream(o))
                        .map(|s| cmap(&s))
                        .unwrap_or_default();
                    unicode.insert(*n, m);
                }
            }
            for (name, n) in &fonts {
                if let Some(m) = unicode.get(n) {
                    maps.insert(name.clone(), m);
                }
            }
            draw(&content, &maps)
        })
        .collect()
}

/// The text a content stream shows.
fn draw(content: &[u8], fonts: &HashMap<String, &HashMap<u16, String>>) -> String {
    let mut out = String::new();
    let mut font: Option<&HashMap<u16, String>> = None;
    let mut last_name = String::new();
    let mut strings: Vec<Vec<u8>> = Vec::new();
    let mut actual: Option<String> = None;
    let mut i = 0;
    let show = |bytes: &[u8], font: Option<&HashMap<u16, String>>, out: &mut String| {
        for pair in bytes.chunks(2) {
            let code = u16::from_be_bytes([pair[0], pair.get(1).copied().unwrap_or(0)]);
            if let Some(t) = font.and_then(|f| f.get(&code)) {
                out.push_str(t);
            }
        }
    };
    while i < content.len() {
        let c = content[i];
        match c {
            b'<' if content.get(i + 1) == Some(&b'<') => {
                // A dictionary: an ActualText span gives the text of what follows.
                let end = find(content, b">>", i + 2).unwrap_or(content.len());
                let body = &content[i + 2..end];
                if let Some(a) = find(body, b"/ActualText", 0) {
                    let rest = &body[a + 11..];
                    let t = rest.iter().position(|b| *b == b'(' || *b == b'<');
                    actual = match t {
                        Some(p) if rest[p] == b'(' => {
                            let close = rest[p..].iter().position(|b| *b == b')').unwrap_or(rest.len() - p);
                            Some(String::from_utf8_lossy(&rest[p + 1..p + close]).to_string())
                        }
                        Some(p) => {
                            let close = rest[p..].iter().position(|b| *b == b'>').unwrap_or(rest.len() - p);
                            let bytes = hex_bytes(&rest[p + 1..p + close]);
                            let bytes = bytes.strip_prefix(&[0xFE, 0xFF][..]).unwrap_or(&bytes);
                            Some(utf16(bytes))
                        }
                        None => None,
                    };
                }
                i = end + 2;
            }
            b'<' => {
                let end = content[i..]
                    .iter()
                    .position(|b| *b == b'>')
                    .map_or(content.len(), |p| p + i);
                strings.push(hex_bytes(&content[i + 1..end]));
                i = end + 1;
            }
            b'/' => {
                let end = content[i + 1..]
                    .iter()
                    .position(|b| b.is_ascii_whitespace() || b"/<[(".contains(b))
                    .map_or(content.len(), |p| p + i + 1);
                last_name = String::from_utf8_lossy(&content[i + 1..end]).to_string();
                i = end;
            }
            b'(' => {
                // Literal strings carry no text here (Skia writes hex).
                let end = content[i..]
                    .iter()
                    .position(|b| *b == b')')
                    .map_or(content.len(), |p| p + i);
                i = end + 1;
            }
            _ if c.is_ascii_alphabetic() || c == b'\'' || c == b'"' || c == b'*' => {
                let end = content[i..]
                    .iter()
                    .position(|b| !(b.is_ascii_alphabetic() || b"'\"*".contains(b)))
                    .map_or(content.len(), |p| p + i);
                match &content[i..end] {
                    b"Tf" => font = fonts.get(&last_name).copied(),
                    b"Tj" | b"TJ" | b"'" | b"\"" => {
                        match actual.take() {
                            Some(t) => out.push_str(&t),
                            None => {
                                for s in &strings {
                                    show(s, font, &mut out);
                                }
                            }
                        }
                        strings.clear();
                    }
                    b"EMC" => actual = None,
                    _ => strings.clear(),
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn stored_and_fixed_blocks() {
        // "hello" as a stored block, and as a fixed-Huffman block (zlib -1).
        assert_eq!(
            super::inflate(&[1, 5, 0, 250, 255, b'h', b'e', b'l', b'l', b'o']).as_deref(),
            Some(&b"hello"[..])
        );
        let fixed = [
            0x78, 0x9c, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x06, 0x2c, 0x02, 0x15,
        ];
        assert_eq!(super::zlib(&fixed).as_deref(), Some(&b"hello"[..]));
    }
}
