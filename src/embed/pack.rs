//! How case vectors are stored in the index: each vector as 512 signed bytes and one `f32` scale
//! (`value ≈ byte · scale`), a quarter of its `f32` size. For unit vectors the rounding moves a
//! cosine by about 0.001 (tested below), far less than the gaps a ranking depends on.
//!
//! Layout: a version byte ([`VERSION`]), the number of vectors (one byte), a 16-byte key naming
//! the texts they were made from (so a later build can reuse them), then per vector its scale
//! (`f32`, little-endian) and [`DIM`] bytes.

use super::DIM;

/// Version of the layout; part of the index fingerprint through [`super::MODEL_ID`]'s users.
pub const VERSION: u8 = 2;

/// Bytes one vector takes.
pub const PACKED: usize = 4 + DIM;

/// Bytes before the first vector: version, count and key.
const HEAD: usize = 2 + 16;

/// Quantized vectors, made from the texts `key` names, as the index stores them.
pub fn pack(key: [u8; 16], vectors: &[Vec<f32>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEAD + vectors.len() * PACKED);
    out.push(VERSION);
    out.push(u8::try_from(vectors.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(&key);
    for v in vectors.iter().take(usize::from(u8::MAX)) {
        let max = v.iter().fold(0f32, |m, x| m.max(x.abs()));
        let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
        out.extend_from_slice(&scale.to_le_bytes());
        for i in 0..DIM {
            let x = v.get(i).copied().unwrap_or(0.0);
            out.push((x / scale).round().clamp(-127.0, 127.0) as i8 as u8);
        }
    }
    out
}

/// One stored vector: its scale and bytes.
#[derive(Debug, Clone, Copy)]
pub struct Packed<'a> {
    /// Multiply a byte by this to get the value.
    pub scale: f32,
    /// The [`DIM`] quantized values.
    pub values: &'a [i8],
}

impl Packed<'_> {
    /// Dot product with a full-precision vector (the cosine when both have length 1).
    pub fn dot(&self, query: &[f32]) -> f32 {
        dot_i8(query, self.values) * self.scale
    }

    /// Back to `f32`.
    pub fn unpack(&self) -> Vec<f32> {
        self.values
            .iter()
            .map(|&b| f32::from(b) * self.scale)
            .collect()
    }
}

/// The key of a stored value; `None` when it is not in this layout.
pub fn key(bytes: &[u8]) -> Option<[u8; 16]> {
    unpack(bytes)?;
    bytes.get(2..HEAD)?.try_into().ok()
}

/// `Σ query[i] · values[i]`, in sixteen lanes so the compiler vectorizes it.
#[inline(always)]
pub fn dot_i8(query: &[f32], values: &[i8]) -> f32 {
    // `for` loops over fixed-size chunks, no closures: the body inlines into the AVX-512 copy of
    // `scan` (a closure's body would be compiled without the feature) and has no bounds checks.
    let mut acc = [0f32; 16];
    let (qs, vs) = (query.chunks_exact(16), values.chunks_exact(16));
    let (qt, vt) = (qs.remainder(), vs.remainder());
    for (q, v) in qs.zip(vs) {
        let (q, v): (&[f32; 16], &[i8; 16]) = match (q.try_into(), v.try_into()) {
            (Ok(q), Ok(v)) => (q, v),
            _ => continue,
        };
        for l in 0..16 {
            acc[l] += q[l] * f32::from(v[l]);
        }
    }
    let mut sum = 0f32;
    for a in acc {
        sum += a;
    }
    for (q, v) in qt.iter().zip(vt) {
        sum += q * f32::from(*v);
    }
    sum
}

/// `out[d] = scales[d] · (query · rows[d])` for the `DIM`-byte rows of `rows` (0 where the scale
/// is 0): every stored vector against a query, on AVX-512 when the CPU has it.
pub fn scan(query: &[f32], rows: &[i8], scales: &[f32], out: &mut Vec<f32>) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU has AVX-512F (checked); the function only reads and writes slices.
        unsafe { scan_avx512(query, rows, scales, out) };
        return;
    }
    scan_portable(query, rows, scales, out);
}

#[inline(always)]
fn scan_portable(query: &[f32], rows: &[i8], scales: &[f32], out: &mut Vec<f32>) {
    out.clear();
    out.reserve(scales.len());
    for (d, &s) in scales.iter().enumerate() {
        let v = match rows.get(d * DIM..(d + 1) * DIM) {
            Some(row) if s != 0.0 => dot_i8(query, row) * s,
            _ => 0.0,
        };
        out.push(v);
    }
}

/// [`scan_portable`] compiled for AVX-512 (the same code, 512-bit vectors).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn scan_avx512(query: &[f32], rows: &[i8], scales: &[f32], out: &mut Vec<f32>) {
    scan_portable(query, rows, scales, out)
}

/// The vectors of a stored value; `None` when it is not in this layout.
pub fn unpack(bytes: &[u8]) -> Option<Vec<Packed<'_>>> {
    let (&version, rest) = bytes.split_first()?;
    let (&count, rest) = rest.split_first()?;
    let mut rest = rest.get(16..)?;
    if version != VERSION || rest.len() != usize::from(count) * PACKED {
        return None;
    }
    let mut out = Vec::with_capacity(usize::from(count));
    while !rest.is_empty() {
        let (scale, tail) = rest.split_at(4);
        let (values, tail) = tail.split_at(DIM);
        out.push(Packed {
            scale: f32::from_le_bytes(scale.try_into().ok()?),
            values: bytemuck::cast_slice(values),
        });
        rest = tail;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embed::{cosine, Encoder};

    #[test]
    fn packed_vectors_keep_their_cosines() {
        let e = Encoder::get().unwrap();
        let texts = [
            "小区里车越来越多，晚上回来根本没地方停",
            "和写字楼地库错峰共用，老街坊晚上不再绕圈找车位",
            "狗在小区里乱拉屎没人管",
        ];
        let full: Vec<Vec<f32>> = texts.iter().map(|t| e.encode(t)).collect();
        let bytes = pack([7; 16], &full);
        assert_eq!(bytes.len(), HEAD + 3 * PACKED);
        assert_eq!(key(&bytes), Some([7; 16]));
        let packed = unpack(&bytes).unwrap();
        assert_eq!(packed.len(), 3);
        for (i, p) in packed.iter().enumerate() {
            let back = p.unpack();
            let norm = cosine(&back, &back).sqrt();
            let c = cosine(&back, &full[i]) / norm;
            assert!(c > 0.9999, "{c}");
            for (j, f) in full.iter().enumerate() {
                let exact = cosine(&full[i], f);
                assert!((p.dot(f) - exact).abs() < 0.003, "{i},{j}");
            }
        }
    }

    #[test]
    fn a_scan_equals_dot_products_one_by_one() {
        let query: Vec<f32> = (0..DIM)
            .map(|i| ((i * 7) % 13) as f32 / 13.0 - 0.5)
            .collect();
        let rows: Vec<i8> = (0..3 * DIM).map(|i| ((i * 31) % 255) as i8).collect();
        let scales = [0.01, 0.0, 0.02];
        let mut out = Vec::new();
        scan(&query, &rows, &scales, &mut out);
        assert_eq!(out.len(), 3);
        assert_eq!(out[1], 0.0, "no vector");
        for d in [0, 2] {
            let want: f32 = (0..DIM)
                .map(|i| query[i] * f32::from(rows[d * DIM + i]))
                .sum::<f32>()
                * scales[d];
            assert!((out[d] - want).abs() < 1e-3, "{d}: {} vs {want}", out[d]);
        }
    }

    #[test]
    fn other_layouts_are_refused() {
        assert!(unpack(&[]).is_none());
        assert!(unpack(&[VERSION + 1, 0]).is_none());
        assert!(unpack(&[VERSION, 1, 0, 0]).is_none(), "truncated");
        assert_eq!(unpack(&pack([0; 16], &[])).map(|v| v.len()), Some(0));
        assert!(key(&[VERSION, 0]).is_none());
        let zero = pack([0; 16], &[vec![0.0; DIM]]);
        assert_eq!(unpack(&zero).unwrap()[0].dot(&[1.0; DIM]), 0.0);
    }
}
