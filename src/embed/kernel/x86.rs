//! The AVX-512 code behind [`super::matmul`], [`super::matvec`] and [`super::to_bf16`]. Every
//! function here is `unsafe`: its caller checks the CPU and the bounds.

use std::arch::x86_64::*;

/// One tile of `m` (1..=[`super::MR`]) rows: dispatches to the kernel built for `m`.
///
/// # Safety
/// As [`micro`], with `m` rows.
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn tile(
    m: usize,
    lda: usize,
    a: *const u16,
    b: *const u16,
    pairs: usize,
    bias: *const f32,
    c: *mut f32,
    ldc: usize,
) {
    macro_rules! by_rows {
        ($($mr:literal)*) => {
            match (m, lda) {
                $(
                    ($mr, 256) => micro::<$mr, 256>(a, b, pairs, bias, c, ldc),
                    ($mr, 512) => micro::<$mr, 512>(a, b, pairs, bias, c, ldc),
                )*
                _ => unreachable!("tile of {m} rows, stride {lda}"),
            }
        };
    }
    by_rows!(1 2 3 4 5 6 7 8 9 10 11 12)
}

/// `MR` rows × 32 columns: `c_i = bias + Σ_p a_i[p] · b[p]` over `2 · pairs` values `p`.
///
/// # Safety
/// The CPU has AVX-512F and AVX-512 BF16; `a` is readable for `MR` rows of `2 · pairs`
/// `u16`, `LDA` apart; `b` for `64 · pairs` `u16` (one packed panel); `bias` for 32 `f32`;
/// `c` writable for `MR` rows of 32 `f32`, `ldc` apart, and aliasing none of the others.
#[target_feature(enable = "avx512f,avx512bf16")]
unsafe fn micro<const MR: usize, const LDA: usize>(
    a: *const u16,
    b: *const u16,
    pairs: usize,
    bias: *const f32,
    c: *mut f32,
    ldc: usize,
) {
    let init = [_mm512_loadu_ps(bias), _mm512_loadu_ps(bias.add(16))];
    let mut acc = [init; MR];
    for kk in 0..pairs {
        let w = b.add(64 * kk);
        let w0: __m512bh = std::mem::transmute(_mm512_loadu_si512(w.cast()));
        let w1: __m512bh = std::mem::transmute(_mm512_loadu_si512(w.add(32).cast()));
        for (i, acc) in acc.iter_mut().enumerate() {
            // Values 2kk and 2kk + 1 of row i, as one 32-bit lane for every column.
            let pair = a.add(i * LDA + 2 * kk).cast::<i32>().read_unaligned();
            let x: __m512bh = std::mem::transmute(_mm512_set1_epi32(pair));
            acc[0] = _mm512_dpbf16_ps(acc[0], x, w0);
            acc[1] = _mm512_dpbf16_ps(acc[1], x, w1);
        }
    }
    for (i, acc) in acc.iter().enumerate() {
        _mm512_storeu_ps(c.add(i * ldc), acc[0]);
        _mm512_storeu_ps(c.add(i * ldc + 16), acc[1]);
    }
}

/// Two rows' multiply-adds into four accumulators: the even row's values are the low
/// halves of the packed lanes, the odd row's the high halves.
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn pair(acc: &mut [__m512; 4], x: *const f32, w: *const u16) {
    let high = _mm512_set1_epi32(0xffff_0000_u32 as i32);
    let (w0, w1) = (
        _mm512_loadu_si512(w.cast()),
        _mm512_loadu_si512(w.add(32).cast()),
    );
    let (even, odd) = (_mm512_set1_ps(*x), _mm512_set1_ps(*x.add(1)));
    let (w0_even, w0_odd) = (_mm512_slli_epi32::<16>(w0), _mm512_and_si512(w0, high));
    let (w1_even, w1_odd) = (_mm512_slli_epi32::<16>(w1), _mm512_and_si512(w1, high));
    acc[0] = _mm512_fmadd_ps(even, _mm512_castsi512_ps(w0_even), acc[0]);
    acc[1] = _mm512_fmadd_ps(odd, _mm512_castsi512_ps(w0_odd), acc[1]);
    acc[2] = _mm512_fmadd_ps(even, _mm512_castsi512_ps(w1_even), acc[2]);
    acc[3] = _mm512_fmadd_ps(odd, _mm512_castsi512_ps(w1_odd), acc[3]);
}

/// `y[..32] += x · panel` over `2 · pairs` rows.
///
/// # Safety
/// The CPU has AVX-512F; `x` is readable for `2 · pairs` `f32`, `b` for `64 · pairs` `u16`,
/// `y` read- and writable for 32 `f32`.
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn matvec_panel(x: *const f32, b: *const u16, pairs: usize, y: *mut f32) {
    // Two sets of accumulators (alternate pairs of rows): eight independent sums.
    let mut a = [_mm512_setzero_ps(); 4];
    let mut z = [_mm512_setzero_ps(); 4];
    let mut kk = 0;
    while kk + 2 <= pairs {
        pair(&mut a, x.add(2 * kk), b.add(64 * kk));
        pair(&mut z, x.add(2 * kk + 2), b.add(64 * kk + 64));
        kk += 2;
    }
    if kk < pairs {
        pair(&mut a, x.add(2 * kk), b.add(64 * kk));
    }
    let lo = _mm512_add_ps(_mm512_add_ps(a[0], a[1]), _mm512_add_ps(z[0], z[1]));
    let hi = _mm512_add_ps(_mm512_add_ps(a[2], a[3]), _mm512_add_ps(z[2], z[3]));
    _mm512_storeu_ps(y, _mm512_add_ps(_mm512_loadu_ps(y), lo));
    _mm512_storeu_ps(y.add(16), _mm512_add_ps(_mm512_loadu_ps(y.add(16)), hi));
}

/// 16 values to bfloat16.
///
/// # Safety
/// The CPU has AVX-512F and AVX-512 BF16; `src` readable and `dst` writable for 16 values.
#[target_feature(enable = "avx512f,avx512bf16")]
pub(super) unsafe fn to_bf16_16(src: *const f32, dst: *mut u16) {
    let h = _mm512_cvtneps_pbh(_mm512_loadu_ps(src));
    _mm256_storeu_si256(dst.cast(), std::mem::transmute::<__m256bh, __m256i>(h));
}
