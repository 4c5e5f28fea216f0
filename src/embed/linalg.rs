//! The few dense operations the encoder needs: matrix products (through the `gemm` crate's
//! kernels, chosen at run time for the CPU: AVX-512, AVX2+FMA or scalar), layer norm, ReLU.

use gemm_common::Parallelism;

/// `c = a · b`, or `c += a · b` with `accumulate`: `a` is `m × k` with rows `lda` apart, `b` is
/// `k × n` and contiguous, `c` is `m × n` with rows `ldc` apart. One thread.
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
    assert!(lda >= k && ldc >= n, "row strides shorter than rows");
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

/// Add `bias` to every row of `x` (rows of `bias.len()` values).
pub fn add_bias(x: &mut [f32], bias: &[f32]) {
    for row in x.chunks_exact_mut(bias.len()) {
        for (v, b) in row.iter_mut().zip(bias) {
            *v += b;
        }
    }
}

/// `max(v, 0)` everywhere.
pub fn relu(x: &mut [f32]) {
    for v in x {
        *v = v.max(0.0);
    }
}

/// Layer norm of one row, in place: zero mean, unit variance, then `· gain + bias`.
pub fn layer_norm(row: &mut [f32], gain: &[f32], bias: &[f32], eps: f32) {
    let n = row.len() as f32;
    let mean = row.iter().sum::<f32>() / n;
    let mut var = 0.0f32;
    for v in row.iter_mut() {
        *v -= mean;
        var += *v * *v;
    }
    let scale = 1.0 / (var / n + eps).sqrt();
    for ((v, g), b) in row.iter_mut().zip(gain).zip(bias) {
        *v = *v * scale * g + b;
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
}
