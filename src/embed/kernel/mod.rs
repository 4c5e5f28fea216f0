//! The fast path of the sentence encoder: matrix products on AVX-512 with
//! BF16 (`vdpbf16ps`, two multiply-adds per 32-bit lane), on weights packed once, at build time,
//! so nothing is packed per call. [`available`] tells whether this CPU has it; the encoder's
//! portable path computes the same on any CPU. Built with `opt-level` ≥ 1 even in the dev profile
//! (Cargo.toml): unoptimized, each intrinsic is a function call.
//!
//! The packed layout of a `[k, n]` matrix (`k` even, `n` a multiple of [`PANEL`]): panels of 32
//! columns one after the other (`k · 32` values each); within a panel, for each pair of rows
//! `2r, 2r + 1`, 64 values: columns 0–15, then 16–31, each column's two rows side by side
//! (row `2r` first). One 64-byte load is then 16 columns × 2 rows, one `vdpbf16ps` operand.
//!
//! [`matmul`] takes the activations as bfloat16 rows that may overlap (a convolution's windows
//! are `order` consecutive rows of a zero-padded buffer, so no im2col copy is made). It splits the
//! rows into tiles of at most [`MR`] and computes each tile 32 columns at a time with all its
//! accumulators in registers (`2 · MR` of the 32), reading each weight value once per tile: the
//! weights stream from L2 and each 64-byte load feeds `MR` instructions.
//!
//! [`matvec`] (one row, the per-text layers) keeps the activations in `f32` and widens the
//! weights to `f32` (exact), since it is bound by reading the weights, not by arithmetic.

/// Most rows per tile: 24 accumulators, two weight registers, a broadcast.
pub const MR: usize = 12;

/// A `[k, n]` weight matrix in the packed layout (see the module documentation).
#[derive(Clone, Copy, Debug)]
pub struct Packed<'a> {
    k: usize,
    n: usize,
    data: &'a [u16],
}

impl<'a> Packed<'a> {
    /// `None` unless `k` is even, `n` a multiple of [`PANEL`] and `data` holds `k · n` values.
    pub fn new(data: &'a [u16], k: usize, n: usize) -> Option<Packed<'a>> {
        (k > 0 && k.is_multiple_of(2) && n.is_multiple_of(PANEL) && data.len() == k * n)
            .then_some(Packed { k, n, data })
    }

    /// Rows.
    pub fn k(&self) -> usize {
        self.k
    }

    /// Columns.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The packed values.
    pub fn data(&self) -> &'a [u16] {
        self.data
    }
}

/// Whether this CPU runs [`matmul`], [`matvec`] and [`to_bf16`] (AVX-512F and AVX-512 BF16).
pub fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512bf16")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// `c_i = bias + a_i · B` for `rows` rows, where `a_i = a[i · lda ..][..k]` (bfloat16; rows may
/// overlap) and `c_i = c[i · ldc ..][..n]`.
///
/// # Panics
/// If the CPU lacks AVX-512 BF16 ([`available`]), `lda` is not 256 or 512, or a slice is too
/// short for the shape.
pub fn matmul(
    a: &[u16],
    lda: usize,
    rows: usize,
    b: Packed<'_>,
    bias: &[f32],
    c: &mut [f32],
    ldc: usize,
) {
    assert!(available(), "AVX-512 BF16 needed");
    assert!(lda == 256 || lda == 512, "row stride 256 or 512");
    if rows == 0 {
        return;
    }
    assert!(a.len() >= (rows - 1) * lda + b.k, "a too short");
    assert!(bias.len() >= b.n, "bias too short");
    assert!(
        ldc >= b.n && c.len() >= (rows - 1) * ldc + b.n,
        "c too short"
    );
    #[cfg(target_arch = "x86_64")]
    {
        let tiles = rows.div_ceil(MR);
        let mut row = 0;
        for t in 0..tiles {
            let m = (rows - row).div_ceil(tiles - t);
            for p in 0..b.n / PANEL {
                // SAFETY: the CPU has the features (asserted). The tile reads rows
                // `row..row + m` of `a` (each `lda` apart, `k` values: within `a` by the
                // assertion, as `row + m <= rows`), panel `p` of `b` (`k · 32` values at
                // `p · k · 32`, within `data` as `Packed` holds `k · n`), 32 values of `bias` at
                // `p · 32`, and writes 32 values of each of those rows of `c` at column `p · 32`
                // (within `c` by the assertion). `c` is a unique borrow, so it aliases nothing.
                unsafe {
                    x86::tile(
                        m,
                        lda,
                        a.as_ptr().add(row * lda),
                        b.data.as_ptr().add(p * b.k * PANEL),
                        b.k / 2,
                        bias.as_ptr().add(p * PANEL),
                        c.as_mut_ptr().add(row * ldc + p * PANEL),
                        ldc,
                    )
                };
            }
            row += m;
        }
    }
}

/// `y += x · B`, with `x` and `y` in `f32`.
///
/// # Panics
/// If the CPU lacks AVX-512 BF16 ([`available`]) or `x`, `y` do not have `k`, `n` values.
pub fn matvec(x: &[f32], b: Packed<'_>, y: &mut [f32]) {
    assert!(available(), "AVX-512 BF16 needed");
    assert!(x.len() == b.k && y.len() == b.n, "matvec shapes");
    #[cfg(target_arch = "x86_64")]
    for p in 0..b.n / PANEL {
        // SAFETY: the CPU has the features (asserted); panel `p` is `k · 32` values of `data`
        // (which holds `k · n`), `x` has `k` values and `y` has `32` at `p · 32` (asserted).
        unsafe {
            x86::matvec_panel(
                x.as_ptr(),
                b.data.as_ptr().add(p * b.k * PANEL),
                b.k / 2,
                y.as_mut_ptr().add(p * PANEL),
            )
        };
    }
}

/// `dst[i] = bf16(src[i])`, rounded to nearest even as [`bf16`] does (the instruction may
/// flush subnormal inputs to zero).
///
/// # Panics
/// If the CPU lacks AVX-512 BF16 ([`available`]) or the lengths differ.
pub fn to_bf16(src: &[f32], dst: &mut [u16]) {
    assert!(available(), "AVX-512 BF16 needed");
    assert_eq!(src.len(), dst.len(), "lengths");
    #[cfg(target_arch = "x86_64")]
    {
        let mut s = src.chunks_exact(16);
        let mut d = dst.chunks_exact_mut(16);
        for (s, d) in (&mut s).zip(&mut d) {
            // SAFETY: the CPU has the features (asserted); both chunks hold 16 values.
            unsafe { x86::to_bf16_16(s.as_ptr(), d.as_mut_ptr()) };
        }
        for (s, d) in s.remainder().iter().zip(d.into_remainder()) {
            *d = bf16(*s);
        }
    }
}

/// The row-major `[k, n]` `f32` matrix a packed one holds.
pub fn unpack(p: Packed<'_>) -> Vec<f32> {
    let (k, n) = (p.k, p.n);
    let mut out = vec![0f32; k * n];
    for r in 0..k {
        for c in 0..n {
            out[r * n + c] = f32_of_bf16(p.data[packed_index(r, c, k)]);
        }
    }
    out
}

pub mod layout;
#[cfg(target_arch = "x86_64")]
mod x86;

pub use layout::{bf16, f32_of_bf16, pack, packed_index, PANEL};

#[cfg(test)]
mod tests;
