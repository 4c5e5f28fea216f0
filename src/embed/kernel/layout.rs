//! The packed layout of the kernel's weight matrices and bfloat16 rounding: one definition,
//! shared by `build/usem3.rs` (which packs the model's weights at build time) and the kernel
//! ([`super`]). Dependency-free on purpose: the build script includes this file with `#[path]`.

/// Columns per panel of a packed matrix: two 16-lane registers.
pub const PANEL: usize = 32;

/// `v` as bfloat16, rounded to nearest even (a NaN stays a NaN).
pub fn bf16(v: f32) -> u16 {
    let bits = v.to_bits();
    if v.is_nan() {
        return ((bits >> 16) | 0x40) as u16;
    }
    (bits.wrapping_add(0x7fff + ((bits >> 16) & 1)) >> 16) as u16
}

/// The `f32` a bfloat16 value stands for (exact).
pub fn f32_of_bf16(h: u16) -> f32 {
    f32::from_bits(u32::from(h) << 16)
}

/// Where element `(r, c)` of a packed `[k, n]` matrix is (the layout [`super`]'s documentation
/// describes).
pub const fn packed_index(r: usize, c: usize, k: usize) -> usize {
    let (panel, j) = (c / PANEL, c % PANEL);
    (panel * (k / 2) + r / 2) * 2 * PANEL + 2 * j + r % 2
}

/// A row-major `[k, n]` matrix as bfloat16, packed.
///
/// # Panics
/// Unless `k` is even, `n` a multiple of [`PANEL`] and `w` holds `k · n` values.
pub fn pack(w: &[f32], k: usize, n: usize) -> Vec<u16> {
    assert!(
        k.is_multiple_of(2) && n.is_multiple_of(PANEL) && w.len() == k * n,
        "packable shape"
    );
    let mut out = vec![0u16; k * n];
    for r in 0..k {
        for c in 0..n {
            out[packed_index(r, c, k)] = bf16(w[r * n + c]);
        }
    }
    out
}
