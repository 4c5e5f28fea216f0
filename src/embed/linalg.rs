//! The few dense operations the encoder needs on any CPU: matrix products (through the `gemm`
//! crate's kernels, chosen at run time for the CPU: AVX-512, AVX2+FMA or scalar; the portable
//! path, see [`super::kernel`] for the fast one), layer norm, ReLU.

use gemm_common::Parallelism;

/// `c = a · b`, or `c += a · b` with `accumulate`: `a` is `m × k` with rows `lda` apart (they may
/// overlap: a convolution's windows), `b` is `k × n` and contiguous, `c` is `m × n` with rows
/// `ldc` apart. One thread.
///
/// # Panics
/// If a slice is too short for the shape it is given with.
#[allow(clippy::too_many_arguments)]
pub fn matmul(
    m: usize,
    k: usize,
    n: usize,
    a: &[f32],
    lda: usize,
    b: &[f32],
    c: &mut [f32],
    ldc: usize,
    accumulate: bool,
) {
    if m == 0 || n == 0 {
        return;
    }
    assert!(ldc >= n, "rows of c overlap");
    assert!(a.len() >= (m - 1) * lda + k, "a too short");
    assert!(b.len() >= k * n, "b too short");
    assert!(c.len() >= (m - 1) * ldc + n, "c too short");
    let gemm = gemm_f32::gemm::f32::get_gemm_fn();
    // SAFETY: the assertions above keep every access inside the three slices; `c` does not
    // alias `a` or `b` (it is a unique borrow).
    unsafe {
        gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            1,
            ldc as isize,
            accumulate,
            a.as_ptr(),
            1,
            lda as isize,
            b.as_ptr(),
            1,
            n as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            Parallelism::None,
        );
    }
}

/// `max(v, 0)` everywhere.
#[inline(always)]
pub fn relu(x: &mut [f32]) {
    for v in x {
        *v = v.max(0.0);
    }
}

/// Sum of `x`, in 16 interleaved partial sums so that the compiler can vectorize it.
#[inline(always)]
fn sum(x: &[f32]) -> f32 {
    let mut acc = [0f32; 16];
    let mut chunks = x.chunks_exact(16);
    for c in &mut chunks {
        for (a, v) in acc.iter_mut().zip(c) {
            *a += v;
        }
    }
    acc.iter().sum::<f32>() + chunks.remainder().iter().sum::<f32>()
}

/// The mean of a row and the factor `1/√(variance + eps)` that layer norm scales it by.
#[inline(always)]
pub fn norm_stats(row: &[f32], eps: f32) -> (f32, f32) {
    let n = row.len() as f32;
    let mean = sum(row) / n;
    let mut squares = [0f32; 16];
    let mut chunks = row.chunks_exact(16);
    for c in &mut chunks {
        for (a, v) in squares.iter_mut().zip(c) {
            *a += (v - mean) * (v - mean);
        }
    }
    let tail = chunks.remainder().iter().map(|v| (v - mean) * (v - mean));
    let var = squares.iter().sum::<f32>() + tail.sum::<f32>();
    (mean, 1.0 / (var / n + eps).sqrt())
}

/// Layer norm of one row, in place: zero mean, unit variance, then `· gain + bias`.
#[inline(always)]
pub fn layer_norm(row: &mut [f32], gain: &[f32], bias: &[f32], eps: f32) {
    let (mean, scale) = norm_stats(row, eps);
    for ((v, g), b) in row.iter_mut().zip(gain).zip(bias) {
        *v = (*v - mean) * scale * g + b;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matmul_matches_the_definition_with_strides_and_accumulation() {
        let (m, k, n) = (3, 5, 4);
        let a: Vec<f32> = (0..m * 7).map(|i| i as f32 * 0.5 - 3.0).collect();
        let b: Vec<f32> = (0..k * n).map(|i| (i % 7) as f32 - 2.0).collect();
        let mut c = vec![1.0f32; m * 6];
        matmul(m, k, n, &a, 7, &b, &mut c, 6, true);
        for i in 0..m {
            for j in 0..n {
                let want: f32 = 1.0 + (0..k).map(|p| a[i * 7 + p] * b[p * n + j]).sum::<f32>();
                assert!((c[i * 6 + j] - want).abs() < 1e-4, "{i},{j}");
            }
            assert_eq!(c[i * 6 + 4], 1.0, "outside the row untouched");
        }
    }

    #[test]
    fn layer_norm_centres_and_scales() {
        let mut row = [1.0f32, 2.0, 3.0, 4.0];
        layer_norm(&mut row, &[1.0; 4], &[0.5; 4], 0.0);
        let mean: f32 = row.iter().sum::<f32>() / 4.0;
        assert!((mean - 0.5).abs() < 1e-6);
        let var: f32 = row.iter().map(|v| (v - 0.5) * (v - 0.5)).sum::<f32>() / 4.0;
        assert!((var - 1.0).abs() < 1e-5);
    }

    #[test]
    fn layer_norm_of_a_long_row_with_a_tail() {
        let mut row: Vec<f32> = (0..1283).map(|i| ((i * 37) % 101) as f32 - 40.0).collect();
        let mean = row.iter().map(|&v| f64::from(v)).sum::<f64>() / 1283.0;
        let var = row
            .iter()
            .map(|&v| (f64::from(v) - mean).powi(2))
            .sum::<f64>()
            / 1283.0;
        let want: Vec<f64> = row
            .iter()
            .map(|&v| (f64::from(v) - mean) / (var + 1e-6).sqrt() * 2.0 - 1.0)
            .collect();
        layer_norm(&mut row, &[2.0; 1283], &[-1.0; 1283], 1e-6);
        for (got, want) in row.iter().zip(&want) {
            assert!((f64::from(*got) - want).abs() < 1e-4, "{got} {want}");
        }
    }
}
