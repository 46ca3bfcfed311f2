//! Small, dependency-free helpers: a portable PRNG, civil dates, decimal text.
//!
//! The PRNG is written out here (xoshiro256++ seeded by splitmix64) instead of
//! taken from `rand`, so that a seed yields the same stream on every platform
//! and across dependency upgrades: benchmarks and golden tests stay comparable.

/// splitmix64 (S. Vigna): advances `state` by one step and returns the next
/// output. A small, good PRNG on its own, and the seeder of [`Rng`].
///
/// ```
/// let mut state = 0;
/// assert_eq!(pledger_gen::splitmix64(&mut state), 0xE220_A839_7B1D_CDAF);
/// ```
#[inline]
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256++ seeded through splitmix64.
#[derive(Clone, Debug)]
pub(crate) struct Rng {
    s: [u64; 4],
}

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        let mut x = seed;
        Rng {
            s: [
                splitmix64(&mut x),
                splitmix64(&mut x),
                splitmix64(&mut x),
                splitmix64(&mut x),
            ],
        }
    }

    #[inline]
    pub(crate) fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (`n > 0`), by widening multiplication.
    #[inline]
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    #[inline]
    pub(crate) fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `per_mille / 1000`.
    #[inline]
    pub(crate) fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    #[inline]
    pub(crate) fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    #[inline]
    pub(crate) fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.index(xs.len())]
    }

    /// Uniform in `[lo, hi)`.
    #[inline]
    pub(crate) fn unit_range(&mut self, lo: f64, hi: f64) -> f64 {
        let u = (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        lo + (hi - lo) * u
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub(crate) const fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i32 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number.
pub(crate) const fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// 0 = Sunday ... 6 = Saturday.
pub(crate) const fn weekday(z: i32) -> i32 {
    (z + 4).rem_euclid(7)
}

/// The day itself on a weekday, else the following Monday.
pub(crate) const fn business_day(z: i32) -> i32 {
    match weekday(z) {
        6 => z + 2,
        0 => z + 1,
        _ => z,
    }
}

pub(crate) fn year_of(z: i32) -> i32 {
    civil_from_days(z).0
}

/// `YYYY-MM-DD`.
pub(crate) fn date_string(z: i32) -> String {
    let (y, m, d) = civil_from_days(z);
    let mut s = String::with_capacity(10);
    push_padded(&mut s, y as u64, 4);
    s.push('-');
    push_padded(&mut s, m as u64, 2);
    s.push('-');
    push_padded(&mut s, d as u64, 2);
    s
}

/// Appends `v` in decimal, left-padded with zeros to `width` digits.
pub(crate) fn push_padded(s: &mut String, mut v: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let start = i.min(buf.len() - width.min(20));
    // The bytes are ASCII digits.
    s.push_str(std::str::from_utf8(&buf[start..]).unwrap_or("0"));
}

pub(crate) fn push_u64(s: &mut String, v: u64) {
    push_padded(s, v, 1);
}

/// A quantity held in hundredths, as a decimal string with at most two
/// fraction digits and no trailing fraction zeros: 3000 -> "30", 3150 -> "31.5".
pub(crate) fn dec(v: u64) -> String {
    let mut s = String::with_capacity(16);
    push_u64(&mut s, v / 100);
    let f = v % 100;
    if f != 0 {
        s.push('.');
        if f % 10 == 0 {
            push_u64(&mut s, f / 10);
        } else {
            push_padded(&mut s, f, 2);
        }
    }
    s
}

/// An amount in fen (hundredths of a yuan), always with two fraction digits:
/// 10000000000 -> "100000000.00".
pub(crate) fn money2(v: u64) -> String {
    let mut s = String::with_capacity(16);
    push_u64(&mut s, v / 100);
    s.push('.');
    push_padded(&mut s, v % 100, 2);
    s
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// 64 lowercase hex digits, shaped like a BLAKE3 digest.
pub(crate) fn hex64(rng: &mut Rng) -> String {
    let mut s = String::with_capacity(64);
    for _ in 0..4 {
        let mut w = rng.next_u64();
        for _ in 0..16 {
            s.push(HEX[(w >> 60) as usize] as char);
            w <<= 4;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for z in -1000..40_000 {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(date_string(days_from_civil(2006, 1, 1)), "2006-01-01");
        assert_eq!(weekday(days_from_civil(2006, 1, 1)), 0); // a Sunday
        assert_eq!(date_string(business_day(days_from_civil(2006, 1, 1))), "2006-01-02");
    }

    #[test]
    fn decimal_text() {
        assert_eq!(dec(0), "0");
        assert_eq!(dec(3000), "30");
        assert_eq!(dec(3150), "31.5");
        assert_eq!(dec(3105), "31.05");
        assert_eq!(money2(10_000_000_000), "100000000.00");
        assert_eq!(money2(1250), "12.50");
        assert_eq!(money2(7), "0.07");
        let mut s = String::new();
        push_padded(&mut s, 42, 7);
        assert_eq!(s, "0000042");
    }

    #[test]
    fn rng_is_stable() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        let mut r = Rng::new(1);
        for _ in 0..10_000 {
            let v = r.range(3, 9);
            assert!((3..=9).contains(&v));
        }
    }
}
