//! The prebuilt encoder file: one definition shared by `build/usem3.rs`, which writes it from
//! `models/usem3/`, and [`super::model`], which reads it in place from the executable.
//!
//! Dependency-free on purpose: the build script includes this file with `#[path]`.
//!
//! Layout (little-endian): the 8-byte [`MAGIC`], the number of arrays as `u64`, then for each
//! array of [`ARRAYS`] its byte offset and byte length as two `u64`; then the arrays in that
//! order, each starting at a multiple of [`ALIGN`] bytes. All arrays are `f32` except those
//! [`ARRAYS`] marks as bytes (`u8`) or words (`u32`). Matrices are row-major `[rows, columns]`
//! and multiply from the right (`x · W`), as the reference's numpy code does.

/// Start of the file.
pub const MAGIC: &[u8; 8] = b"ANLIUSE1";
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
    /// Projection of an embedding onto the three branches, `[512, 768]`.
    pub const PROJ_W: usize = 5;
    /// Its bias.
    pub const PROJ_B: usize = 6;
    /// Layer-norm gain over the 768 projected values.
    pub const LN_G_ALL: usize = 7;
    /// Layer-norm bias over the 768 projected values.
    pub const LN_B_ALL: usize = 8;
    /// First of the four arrays (`w1`, `b1`, `w2`, `b2`) of each branch, in [`super::ORDERS`]
    /// order: `w1` is `[order · 256, 256]`.
    pub const BRANCHES: usize = 9;
    /// Layer-norm gain over the 1,280 token features.
    pub const LN_G: usize = 21;
    /// Layer-norm bias over the 1,280 token features.
    pub const LN_B: usize = 22;
    /// Output projection of the averaged features, `[1280, 512]`.
    pub const CNN_W: usize = 23;
    /// Its bias.
    pub const CNN_B: usize = 24;
    /// Final network, `[512, 320]`.
    pub const D0: usize = 25;
    /// `[320, 320]`.
    pub const D1: usize = 26;
    /// `[512, 320]`.
    pub const P1: usize = 27;
    /// `[320, 512]`.
    pub const D2: usize = 28;
    /// `[320, 512]`.
    pub const P3: usize = 29;
    /// `[512, 512]`.
    pub const D3: usize = 30;
    /// Layer-norm and final-norm epsilon (one value).
    pub const EPS: usize = 31;
    /// The 6-bit embedding table, one byte a value, `[TABLE_ROWS, 512]` in piece order.
    pub const TABLE: usize = 32;
}

/// Every array: its name in the reference's `weights.npz` (or `sp.model` for the tokenizer's),
/// its kind and its length in elements (`None`: whatever the model file holds).
pub const ARRAYS: [(&str, Kind, Option<usize>); 33] = [
    ("scores", Kind::F32, Some(PIECES)),
    ("charsmap_units", Kind::U32, None),
    ("charsmap_strings", Kind::U8, None),
    ("scale", Kind::F32, Some(CHUNKS)),
    ("lo", Kind::F32, Some(CHUNKS)),
    ("proj", Kind::F32, Some(DIM * 3 * CNN)),
    ("proj_b", Kind::F32, Some(3 * CNN)),
    ("ln_g_all", Kind::F32, Some(3 * CNN)),
    ("ln_b_all", Kind::F32, Some(3 * CNN)),
    ("w1_2", Kind::F32, Some(2 * CNN * CNN)),
    ("b1_2", Kind::F32, Some(CNN)),
    ("w2_2", Kind::F32, Some(2 * CNN * CNN)),
    ("b2_2", Kind::F32, Some(CNN)),
    ("w1_3", Kind::F32, Some(3 * CNN * CNN)),
    ("b1_3", Kind::F32, Some(CNN)),
    ("w2_3", Kind::F32, Some(3 * CNN * CNN)),
    ("b2_3", Kind::F32, Some(CNN)),
    ("w1_5", Kind::F32, Some(5 * CNN * CNN)),
    ("b1_5", Kind::F32, Some(CNN)),
    ("w2_5", Kind::F32, Some(5 * CNN * CNN)),
    ("b2_5", Kind::F32, Some(CNN)),
    ("ln_g", Kind::F32, Some(DIM + 3 * CNN)),
    ("ln_b", Kind::F32, Some(DIM + 3 * CNN)),
    ("cnn_W", Kind::F32, Some((DIM + 3 * CNN) * DIM)),
    ("cnn_b", Kind::F32, Some(DIM)),
    ("d0", Kind::F32, Some(DIM * DNN)),
    ("d1", Kind::F32, Some(DNN * DNN)),
    ("p1", Kind::F32, Some(DIM * DNN)),
    ("d2", Kind::F32, Some(DNN * DIM)),
    ("p3", Kind::F32, Some(DNN * DIM)),
    ("d3", Kind::F32, Some(DIM * DIM)),
    ("eps", Kind::F32, Some(1)),
    ("table", Kind::U8, Some(TABLE_ROWS * DIM)),
];

/// Size in bytes of one element of `kind`.
pub const fn element_size(kind: Kind) -> usize {
    match kind {
        Kind::F32 | Kind::U32 => 4,
        Kind::U8 => 1,
    }
}

/// Size of the header: magic, count, and an offset and a length per array.
pub const HEADER: usize = 16 + 16 * ARRAYS.len();
