//! Feature flags as Unleash evaluates a gradual (percentage) rollout.
//!
//! A user's bucket is `murmur3_32("flag:user", seed 0) % 100 + 1`, a number
//! in `1..=100` that never changes for that flag and user, so the same people
//! keep the new code path as the percentage grows, and a flag that is off
//! returns its off value at once, without a deploy.

/// MurmurHash3, x86 32-bit variant, of `data` with `seed`.
pub fn murmur3_32(data: &[u8], seed: u32) -> u32 {
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    let mut h = seed;
    let mut chunks = data.chunks_exact(4);
    for chunk in &mut chunks {
        let mut k = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h ^= k;
        h = h.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        let mut k: u32 = 0;
        for (i, &b) in tail.iter().enumerate() {
            k |= u32::from(b) << (8 * i);
        }
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h ^= k;
    }
    h ^= data.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h
}

/// The user's stable bucket for a flag, in `1..=100` (Unleash's
/// `normalizedValue`: `murmur3("flag:user", 0) % 100 + 1`).
pub fn flag_bucket(flag: &str, user_id: &str) -> u32 {
    let mut key = String::with_capacity(flag.len() + user_id.len() + 1);
    key.push_str(flag);
    key.push(':');
    key.push_str(user_id);
    murmur3_32(key.as_bytes(), 0) % 100 + 1
}

/// Whether the flag is on for this user at a rollout of `percent` (0–100):
/// on when the user's bucket is at most `percent`. 0 % is off for everyone,
/// 100 % on for everyone; NaN counts as 0 %.
pub fn is_enabled(flag: &str, user_id: &str, percent: f64) -> bool {
    if percent.is_nan() || percent <= 0.0 {
        return false;
    }
    f64::from(flag_bucket(flag, user_id)) <= percent
}

/// How many user ids the engine hashes to turn a rollout percentage into the
/// share of users who really get the new code path.
pub const FLAG_POPULATION: u32 = 10_000;

/// The share (0–1) of the users `user-1` … `user-10000` for whom the flag is
/// on at `percent`: close to `percent / 100`, but exactly what the hash gives.
pub fn enabled_share(flag: &str, percent: f64) -> f64 {
    if percent.is_nan() || percent <= 0.0 {
        return 0.0;
    }
    if percent >= 100.0 {
        return 1.0;
    }
    let mut on = 0u32;
    let mut id = String::new();
    for i in 1..=FLAG_POPULATION {
        id.clear();
        id.push_str("user-");
        push_u32(&mut id, i);
        if is_enabled(flag, &id, percent) {
            on += 1;
        }
    }
    f64::from(on) / f64::from(FLAG_POPULATION)
}

fn push_u32(s: &mut String, mut v: u32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        s.push(char::from(b));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_u32_writes_decimal() {
        let mut s = String::new();
        push_u32(&mut s, 0);
        s.push(',');
        push_u32(&mut s, 4_294_967_295);
        assert_eq!(s, "0,4294967295");
    }
}
