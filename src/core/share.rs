//! Share links and files: a value packed as versioned, checksummed JSON in
//! URL-safe base64, and unpacked with a clear reason when it is damaged,
//! tampered with, of another kind, or from a newer version.
//!
//! Everything unpacked is data: it is deserialised into typed structs and
//! only ever shown as text or through the escaping markdown renderer.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The largest packed text accepted (URLs longer than this are refused).
pub const MAX_PACKED: usize = 64 * 1024;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// URL-safe base64 without padding.
pub fn base64url_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Decode URL-safe base64 (padding and standard `+` `/` tolerated).
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buf = 0u32;
    let mut bits = 0;
    for c in text.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        buf = (buf << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    // A single leftover base64 character cannot come from whole bytes.
    if bits >= 6 {
        return None;
    }
    Some(out)
}

fn checksum(s: &str) -> u32 {
    // FNV-1a, 32 bit: detects accidental and casual edits, not an attacker
    // (an attacker gains nothing: the content is only ever shown as text).
    s.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

#[derive(Serialize, Deserialize)]
struct Envelope<T> {
    /// What this is ("checklist", "assignment", "scenario" …).
    k: String,
    /// Its format version.
    v: u32,
    d: T,
}

/// Why a link or file could not be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnpackError {
    Empty,
    TooLong(usize),
    /// Not base64, or the checksum part is missing.
    Damaged,
    /// The checksum does not match: changed or cut.
    Tampered,
    /// Valid JSON envelope of another kind.
    WrongKind {
        found: String,
        expected: String,
    },
    /// Made by a newer version of the app.
    Newer {
        found: u32,
        supported: u32,
    },
    /// The contents do not have the expected shape.
    Invalid(String),
}

impl std::fmt::Display for UnpackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnpackError::Empty => write!(f, "the link carries no data"),
            UnpackError::TooLong(n) => write!(f, "the link is too long ({n} characters; the limit is {MAX_PACKED})"),
            UnpackError::Damaged => write!(f, "the link is damaged (it may have been cut when it was copied)"),
            UnpackError::Tampered => write!(f, "the link was changed or cut after it was made"),
            UnpackError::WrongKind { found, expected } => {
                write!(f, "this is a link to a {found}, not to a {expected}")
            }
            UnpackError::Newer { found, supported } => write!(
                f,
                "the link was made by a newer version of Rollback Lab (format {found}; this version reads up to {supported})"
            ),
            UnpackError::Invalid(e) => write!(f, "the link's contents are not valid ({e})"),
        }
    }
}

/// Pack `value` as `<base64url json>.<checksum hex>`.
pub fn pack<T: Serialize>(kind: &str, version: u32, value: &T) -> String {
    let json = serde_json::to_string(&Envelope { k: kind.to_string(), v: version, d: value }).unwrap_or_default();
    let body = base64url_encode(json.as_bytes());
    format!("{body}.{:08x}", checksum(&body))
}

/// Unpack a value packed by [`pack`] for `kind`, accepting format versions
/// up to `supported`. Returns the value and the version it was packed as.
pub fn unpack<T: DeserializeOwned>(text: &str, kind: &str, supported: u32) -> Result<(T, u32), UnpackError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(UnpackError::Empty);
    }
    if text.len() > MAX_PACKED {
        return Err(UnpackError::TooLong(text.len()));
    }
    let (body, sum) = text.rsplit_once('.').ok_or(UnpackError::Damaged)?;
    let sum = u32::from_str_radix(sum, 16).map_err(|_| UnpackError::Damaged)?;
    let bytes = base64url_decode(body).ok_or(UnpackError::Damaged)?;
    if checksum(body) != sum {
        return Err(UnpackError::Tampered);
    }
    let json = String::from_utf8(bytes).map_err(|_| UnpackError::Damaged)?;
    let envelope: Envelope<serde_json::Value> =
        serde_json::from_str(&json).map_err(|e| UnpackError::Invalid(e.to_string()))?;
    if envelope.k != kind {
        return Err(UnpackError::WrongKind { found: envelope.k, expected: kind.to_string() });
    }
    if envelope.v > supported {
        return Err(UnpackError::Newer { found: envelope.v, supported });
    }
    if envelope.v == 0 {
        return Err(UnpackError::Invalid("format version 0 does not exist".into()));
    }
    let value = serde_json::from_value(envelope.d).map_err(|e| UnpackError::Invalid(e.to_string()))?;
    Ok((value, envelope.v))
}

/// The value of `name` in a URL query string (`a=1&b=2`), percent-decoded.
pub fn query_param(query: &str, name: &str) -> Option<String> {
    query.trim_start_matches('?').split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| percent_decode(v))
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
