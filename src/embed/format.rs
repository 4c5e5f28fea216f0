//! The prebuilt encoder file: one definition shared by `build/usem3.rs`, which writes it from
//! `models/usem3/`, and [`super::model`], which reads it in place from the executable.
//!
//! The build script includes this file with `#[path]`, so it uses nothing of the library (and
//! `kernel/layout.rs`, included the same way, for the packed layout).
//!
//! Layout (little-endian): the 8-byte [`MAGIC`], the number of arrays as `u64`, then for each
//! array of [`ARRAYS`] its byte offset and byte length as two `u64`; then the arrays in that
//! order, each starting at a multiple of [`ALIGN`] bytes. Arrays are `f32` unless [`ARRAYS`]
//! marks them as bytes (`u8`), words (`u32`) or packed bfloat16 matrices ([`Kind::Bf16`]).
//! Vectors multiply matrices from the left (`x · W`), as the reference's numpy code does.
//!
//! Every weight matrix is stored as bfloat16 (the upper half of an `f32`, rounded to nearest
//! even), packed in the order the AVX-512 BF16 kernel reads it (`kernel::layout::pack`: panels of
//! 32 columns, each row pair's two values side by side). The rounding keeps the cosine to the
//! reference above 0.9999 (`tests/encoder.rs`).

/// Start of the file.
pub const MAGIC: &[u8; 8] = b"ANLIUSE2";
/// Every array starts at a multiple of this many bytes (a cache line).
pub const ALIGN: usize = 64;

/// Width of a sentence vector and of a piece's embedding.
pub const DIM: usize = 512;
/// Width of each n-gram branch.
pub const CNN: usize = 256;
/// Width of the hidden layers of the final network.
pub const DNN: usize = 320;
/// Pieces in the SentencePiece vocabulary.
pub const PIECES: usize = 128_000;
/// The embedding table is quantized in this many blocks: piece `id` uses block `id % CHUNKS`.
pub const CHUNKS: usize = 17;
/// Rows of the embedding table (a multiple of [`CHUNKS`]; the last ten are never used).
pub const TABLE_ROWS: usize = CHUNKS * 7_530;
/// The n-gram branches: (order, tokens to the left of the current one).
pub const ORDERS: [(usize, usize); 3] = [(2, 0), (3, 1), (5, 2)];

/// What one array holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `f32` values.
    F32,
    /// Raw bytes.
    U8,
    /// `u32` values.
    U32,
    /// A matrix of bfloat16 values (`u16`), packed by `kernel::layout::pack`.
    Bf16,
}

/// Array ids, in file order (index into [`ARRAYS`]).
pub mod id {
    /// Log-probability of each piece (`f32`, [`super::PIECES`]).
    pub const SCORES: usize = 0;
    /// The normalizer's double-array trie (darts-clone units, `u32`).
    pub const CHARSMAP_UNITS: usize = 1;
    /// The normalizer's replacement strings, NUL-terminated, indexed by the trie's values.
    pub const CHARSMAP_STRINGS: usize = 2;
    /// Dequantization scale per table block.
    pub const SCALE: usize = 3;
    /// Dequantization offset per table block.
    pub const LO: usize = 4;
    /// Projection of an embedding onto the three branches side by side, `[512, 768]`.
    pub const PROJ_W: usize = 5;
    /// Its bias.
    pub const PROJ_B: usize = 6;
    /// Layer-norm gain over the 768 projected values.
    pub const LN_G_ALL: usize = 7;
    /// Layer-norm bias over the 768 projected values.
    pub const LN_B_ALL: usize = 8;
    /// First of the four arrays (`w1`, `b1`, `w2`, `b2`) of each branch, in [`super::ORDERS`]
    /// order: `w1` and `w2` are `[order · 256, 256]`.
    pub const BRANCHES: usize = 9;
    /// Layer-norm gain over the 1,280 token features.
    pub const LN_G: usize = 21;
    /// Layer-norm bias over the 1,280 token features.
    pub const LN_B: usize = 22;
    /// The reference's output projection `cnn_W` `[1280, 512]` folded into the first layer of
    /// the final network, `d0` and `p1` side by side: `cnn_W · [d0 | p1]`, `[1280, 640]` (the
    /// two are linear back to back; computed in `f64` at build time).
    pub const HEAD: usize = 23;
    /// Its bias, `cnn_b · [d0 | p1]`.
    pub const HEAD_B: usize = 24;
    /// `d1`, `[320, 320]`.
    pub const D1: usize = 25;
    /// `d2` and `p3` side by side, `[320, 1024]`.
    pub const D2_P3: usize = 26;
    /// `d3`, `[512, 512]`.
    pub const D3: usize = 27;
    /// Layer-norm and final-norm epsilon (one value).
    pub const EPS: usize = 28;
    /// The 6-bit embedding table, one byte a value, `[TABLE_ROWS, 512]` in piece order.
    pub const TABLE: usize = 29;
}

/// Every array: its name in the reference's `weights.npz` (or `sp.model` for the tokenizer's,
/// or what it is made of), its kind and its length in elements (`None`: whatever the model file
/// holds).
pub const ARRAYS: [(&str, Kind, Option<usize>); 30] = [
    ("scores", Kind::F32, Some(PIECES)),
    ("charsmap_units", Kind::U32, None),
    ("charsmap_strings", Kind::U8, None),
    ("scale", Kind::F32, Some(CHUNKS)),
    ("lo", Kind::F32, Some(CHUNKS)),
    ("proj", Kind::Bf16, Some(DIM * 3 * CNN)),
    ("proj_b", Kind::F32, Some(3 * CNN)),
    ("ln_g_all", Kind::F32, Some(3 * CNN)),
    ("ln_b_all", Kind::F32, Some(3 * CNN)),
    ("w1_2", Kind::Bf16, Some(2 * CNN * CNN)),
    ("b1_2", Kind::F32, Some(CNN)),
    ("w2_2", Kind::Bf16, Some(2 * CNN * CNN)),
    ("b2_2", Kind::F32, Some(CNN)),
    ("w1_3", Kind::Bf16, Some(3 * CNN * CNN)),
    ("b1_3", Kind::F32, Some(CNN)),
    ("w2_3", Kind::Bf16, Some(3 * CNN * CNN)),
    ("b2_3", Kind::F32, Some(CNN)),
    ("w1_5", Kind::Bf16, Some(5 * CNN * CNN)),
    ("b1_5", Kind::F32, Some(CNN)),
    ("w2_5", Kind::Bf16, Some(5 * CNN * CNN)),
    ("b2_5", Kind::F32, Some(CNN)),
    ("ln_g", Kind::F32, Some(DIM + 3 * CNN)),
    ("ln_b", Kind::F32, Some(DIM + 3 * CNN)),
    ("cnn_W·[d0|p1]", Kind::Bf16, Some((DIM + 3 * CNN) * 2 * DNN)),
    ("cnn_b·[d0|p1]", Kind::F32, Some(2 * DNN)),
    ("d1", Kind::Bf16, Some(DNN * DNN)),
    ("[d2|p3]", Kind::Bf16, Some(DNN * 2 * DIM)),
    ("d3", Kind::Bf16, Some(DIM * DIM)),
    ("eps", Kind::F32, Some(1)),
    ("table", Kind::U8, Some(TABLE_ROWS * DIM)),
];

/// Size in bytes of one element of `kind`.
pub const fn element_size(kind: Kind) -> usize {
    match kind {
        Kind::F32 | Kind::U32 => 4,
        Kind::U8 => 1,
        Kind::Bf16 => 2,
    }
}

/// Size of the header: magic, count, and an offset and a length per array.
pub const HEADER: usize = 16 + 16 * ARRAYS.len();
