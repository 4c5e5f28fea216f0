//! The kernels against their definitions, and the packed layout.

use super::*;

/// Reproducible values in about -1..1.
fn values(n: usize, seed: u64) -> Vec<f32> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 40) as f32 / (1u64 << 23) as f32 - 1.0
        })
        .collect()
}

fn skip() -> bool {
    if !available() {
        eprintln!("no AVX-512 BF16 on this CPU: kernel not tested");
    }
    !available()
}

#[test]
fn matmul_matches_the_definition_for_any_rows_strides_and_shapes() {
    if skip() {
        return;
    }
    for (lda, k, n) in [
        (256, 2, 32),
        (256, 1280, 64),
        (256, 510, 32),
        (512, 512, 96),
    ] {
        let w = values(k * n, k as u64);
        let b16 = pack(&w, k, n);
        let b = Packed::new(&b16, k, n).expect("shape");
        let bias = values(n, 7);
        for rows in [1, 2, 5, 11, 12, 13, 24, 25, 37] {
            let a: Vec<u16> = values((rows - 1) * lda + k, rows as u64)
                .iter()
                .map(|&v| bf16(v))
                .collect();
            let ldc = n + 3;
            let mut c = vec![9.0f32; (rows - 1) * ldc + n + 1];
            matmul(&a, lda, rows, b, &bias, &mut c, ldc);
            for i in 0..rows {
                for j in 0..n {
                    let mut want = f64::from(bias[j]);
                    let mut size = want.abs();
                    for p in 0..k {
                        let t = f64::from(f32_of_bf16(a[i * lda + p]))
                            * f64::from(f32_of_bf16(bf16(w[p * n + j])));
                        want += t;
                        size += t.abs();
                    }
                    let got = f64::from(c[i * ldc + j]);
                    assert!(
                        (got - want).abs() <= 1e-5 * size.max(1.0),
                        "lda {lda} k {k} n {n} rows {rows} ({i}, {j}): {got} vs {want}"
                    );
                }
                if i + 1 < rows {
                    assert_eq!(c[i * ldc + n..(i + 1) * ldc], [9.0; 3], "gap untouched");
                }
            }
            assert_eq!(c[(rows - 1) * ldc + n], 9.0, "past the end untouched");
        }
    }
}

#[test]
fn matvec_adds_the_product_to_y() {
    if skip() {
        return;
    }
    for (k, n) in [(2, 32), (6, 64), (320, 320), (1280, 640)] {
        let w = values(k * n, 3 + k as u64);
        let b16 = pack(&w, k, n);
        let x = values(k, 5);
        let mut y = values(n, 11);
        let before = y.clone();
        matvec(&x, Packed::new(&b16, k, n).expect("shape"), &mut y);
        for j in 0..n {
            let mut want = f64::from(before[j]);
            let mut size = want.abs();
            for p in 0..k {
                let t = f64::from(x[p]) * f64::from(f32_of_bf16(bf16(w[p * n + j])));
                want += t;
                size += t.abs();
            }
            let got = f64::from(y[j]);
            assert!(
                (got - want).abs() <= 1e-5 * size.max(1.0),
                "k {k} n {n} col {j}: {got} vs {want}"
            );
        }
    }
}

#[test]
fn to_bf16_rounds_like_the_packer() {
    if skip() {
        return;
    }
    let mut src = values(1000, 13);
    src.extend([
        1.0,
        -2.5,
        0.0,
        1.0 + 1.0 / 256.0,
        1.0 + 3.0 / 256.0,
        65504.0,
        3.0e38,
    ]);
    let mut dst = vec![0u16; src.len()];
    to_bf16(&src, &mut dst);
    for (s, d) in src.iter().zip(&dst) {
        assert_eq!(*d, bf16(*s), "{s}");
    }
}

#[test]
fn packed_shapes_are_checked() {
    let data = [0u16; 64];
    assert!(Packed::new(&data, 2, 32).is_some());
    assert!(Packed::new(&data, 1, 64).is_none(), "odd k");
    assert!(Packed::new(&data, 4, 16).is_none(), "n not whole panels");
    assert!(Packed::new(&data, 4, 32).is_none(), "wrong length");
}

#[test]
fn bf16_rounds_to_nearest_even() {
    assert_eq!(bf16(1.0), 0x3f80);
    assert_eq!(bf16(-2.0), 0xc000);
    // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties go to the even one (1).
    assert_eq!(bf16(1.0 + 1.0 / 256.0), 0x3f80);
    // 1 + 3·2^-8 is halfway between 1 + 2^-7 and 1 + 2^-6: even is 1 + 2^-6.
    assert_eq!(bf16(1.0 + 3.0 / 256.0), 0x3f82);
    assert_eq!(bf16(1.0 + 1.5 / 256.0), 0x3f81, "above halfway rounds up");
    assert!(f32_of_bf16(bf16(f32::NAN)).is_nan());
    assert_eq!(f32_of_bf16(bf16(0.15625)), 0.15625, "exact values stay");
}

#[test]
fn packing_follows_the_documented_layout_and_unpacks() {
    let (k, n) = (6, 64);
    let w: Vec<f32> = (0..k * n).map(|i| (i % 251) as f32 - 125.0).collect();
    let packed = pack(&w, k, n);
    // Written out from the module documentation: panels, row pairs, 32 columns × 2 rows.
    let mut want = Vec::new();
    for panel in 0..n / PANEL {
        for pair in 0..k / 2 {
            for c in panel * PANEL..(panel + 1) * PANEL {
                want.push(bf16(w[2 * pair * n + c]));
                want.push(bf16(w[(2 * pair + 1) * n + c]));
            }
        }
    }
    assert_eq!(packed, want);
    let p = Packed::new(&packed, k, n).expect("shape");
    assert_eq!(unpack(p), w, "small integers are exact in bfloat16");
}
