//! The encoder network (USE multilingual v3: a deep averaging network over piece embeddings and
//! three residual convolutional n-gram branches), read in place from the prebuilt model.
//!
//! For a text of `n` pieces:
//! 1. each piece's 6-bit embedding row is dequantized (`q · scale + lo` of its block);
//! 2. projected to three 256-wide branches and layer-normed over all 768 values;
//! 3. each branch (orders 2, 3, 5) applies two residual convolutions over a window of
//!    neighbouring pieces (zeros beyond the text), ReLU after each;
//! 4. embedding and branch outputs (1,280 values) are layer-normed per piece and summed;
//! 5. the sum is projected to 512, scaled by `1/√n`, and a three-layer residual network with
//!    tanh at the end gives the vector, normalized to length 1 (the projection and the
//!    network's first layer are one matrix here, see `format::id::HEAD`).
//!
//! The matrix products run on [`super::kernel`] (AVX-512 BF16) where the CPU has it, else on `gemm`
//! in `f32` ([`Kernels`]). Long texts run in blocks of at most [`BLOCK`] pieces, so the working
//! set stays in cache and memory does not grow with the text; each block carries the context
//! its convolutions need over to the next, so no piece is computed twice.

use std::sync::OnceLock;

use super::format::{self, id, CHUNKS, CNN, DIM, DNN, ORDERS};
use super::kernel::{self, Packed};
use super::linalg::{layer_norm, matmul, norm_stats, relu};

/// Pieces per block of a long text (at most; the blocks of a text are of even size, so at least
/// half this when there are several, more than the 4 rows a block carries over).
pub const BLOCK: usize = 64;
const _: () = assert!(BLOCK >= 4 * REACH);
/// How far the two stacked convolutions reach on either side of a piece.
const REACH: usize = 4;
/// Width of the per-piece features: the embedding and the three branches.
const FEATS: usize = DIM + 3 * CNN;

/// Which code computes the matrix products.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernels {
    /// AVX-512 BF16 ([`super::kernel`]): activations rounded to bfloat16 in the per-piece layers.
    Bf16,
    /// The `gemm` crate in `f32` (any CPU), on the same bfloat16 weights widened to `f32`.
    Portable,
}

impl Kernels {
    /// Whether this CPU runs them.
    pub fn available(self) -> bool {
        match self {
            Kernels::Bf16 => kernel::available(),
            Kernels::Portable => true,
        }
    }

    /// The fastest this CPU runs.
    pub fn best() -> Kernels {
        if Kernels::Bf16.available() {
            Kernels::Bf16
        } else {
            Kernels::Portable
        }
    }
}

/// A packed bfloat16 weight matrix, and its `f32` row-major form for the portable path (made on
/// first use: no memory is spent on it where the fast path runs).
struct Mat {
    packed: Packed<'static>,
    full: OnceLock<Vec<f32>>,
}

impl Mat {
    fn new(bytes: &'static [u8], k: usize, n: usize) -> Option<Mat> {
        Some(Mat {
            packed: Packed::new(bytemuck::try_cast_slice(bytes).ok()?, k, n)?,
            full: OnceLock::new(),
        })
    }

    fn full(&self) -> &[f32] {
        self.full.get_or_init(|| kernel::unpack(self.packed))
    }

    /// `c_i = bias + a_i · W` for `rows` rows, `a_i` starting `lda` values apart in `a` (or in
    /// `a16`, the same values as bfloat16, for the fast path) and `c_i` `ldc` apart.
    #[allow(clippy::too_many_arguments)]
    fn product(
        &self,
        kernels: Kernels,
        rows: usize,
        a: &[f32],
        a16: &[u16],
        lda: usize,
        bias: &[f32],
        c: &mut [f32],
        ldc: usize,
    ) {
        let (k, n) = (self.packed.k(), self.packed.n());
        match kernels {
            Kernels::Bf16 => kernel::matmul(a16, lda, rows, self.packed, bias, c, ldc),
            Kernels::Portable => {
                for row in c.chunks_mut(ldc).take(rows) {
                    row[..n].copy_from_slice(&bias[..n]);
                }
                matmul(rows, k, n, a, lda, self.full(), c, ldc, true);
            }
        }
    }

    /// `y += x · W`.
    fn matvec(&self, kernels: Kernels, x: &[f32], y: &mut [f32]) {
        let (k, n) = (self.packed.k(), self.packed.n());
        match kernels {
            Kernels::Bf16 => kernel::matvec(x, self.packed, y),
            Kernels::Portable => matmul(1, k, n, x, k, self.full(), y, n, true),
        }
    }
}

/// One n-gram branch's weights.
struct Branch {
    left: usize,
    w1: Mat,
    b1: &'static [f32],
    w2: Mat,
    b2: &'static [f32],
}

/// Every weight, borrowed from the executable image.
pub(super) struct Weights {
    table: &'static [u8],
    scale: &'static [f32],
    lo: &'static [f32],
    proj_w: Mat,
    proj_b: &'static [f32],
    ln_g_all: &'static [f32],
    ln_b_all: &'static [f32],
    branches: [Branch; 3],
    ln_g: &'static [f32],
    ln_b: &'static [f32],
    head: Mat,
    head_b: &'static [f32],
    d1: Mat,
    d2_p3: Mat,
    d3: Mat,
    eps: f32,
}

/// The arrays of a prebuilt model file, by id; `None` if the file is malformed.
pub(super) fn arrays(bytes: &'static [u8]) -> Option<Vec<&'static [u8]>> {
    if bytes.get(..8)? != format::MAGIC {
        return None;
    }
    let count = u64::from_le_bytes(bytes.get(8..16)?.try_into().ok()?);
    if count != format::ARRAYS.len() as u64 {
        return None;
    }
    let mut out = Vec::with_capacity(format::ARRAYS.len());
    for (i, (_, kind, len)) in format::ARRAYS.iter().enumerate() {
        let at = 16 + 16 * i;
        let offset = u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?) as usize;
        let size = u64::from_le_bytes(bytes.get(at + 8..at + 16)?.try_into().ok()?) as usize;
        if !offset.is_multiple_of(format::ALIGN)
            || !size.is_multiple_of(format::element_size(*kind))
        {
            return None;
        }
        if len.is_some_and(|l| l * format::element_size(*kind) != size) {
            return None;
        }
        out.push(bytes.get(offset..offset.checked_add(size)?)?);
    }
    Some(out)
}

impl Weights {
    pub(super) fn new(a: &[&'static [u8]]) -> Option<Weights> {
        let f = |i: usize| -> Option<&'static [f32]> { bytemuck::try_cast_slice(a[i]).ok() };
        let branch = |b: usize| -> Option<Branch> {
            let at = id::BRANCHES + 4 * b;
            let (order, left) = ORDERS[b];
            Some(Branch {
                left,
                w1: Mat::new(a[at], order * CNN, CNN)?,
                b1: f(at + 1)?,
                w2: Mat::new(a[at + 2], order * CNN, CNN)?,
                b2: f(at + 3)?,
            })
        };
        Some(Weights {
            table: a[id::TABLE],
            scale: f(id::SCALE)?,
            lo: f(id::LO)?,
            proj_w: Mat::new(a[id::PROJ_W], DIM, 3 * CNN)?,
            proj_b: f(id::PROJ_B)?,
            ln_g_all: f(id::LN_G_ALL)?,
            ln_b_all: f(id::LN_B_ALL)?,
            branches: [branch(0)?, branch(1)?, branch(2)?],
            ln_g: f(id::LN_G)?,
            ln_b: f(id::LN_B)?,
            head: Mat::new(a[id::HEAD], FEATS, 2 * DNN)?,
            head_b: f(id::HEAD_B)?,
            d1: Mat::new(a[id::D1], DNN, DNN)?,
            d2_p3: Mat::new(a[id::D2_P3], DNN, 2 * DIM)?,
            d3: Mat::new(a[id::D3], DIM, DIM)?,
            eps: *f(id::EPS)?.first()?,
        })
    }

    /// The vector of a piece sequence (ids below the table's size; others count as `<unk>`).
    ///
    /// # Panics
    /// If `kernels` is not available on this CPU.
    pub(super) fn encode(&self, ids: &[u32], s: &mut Scratch, kernels: Kernels) -> Vec<f32> {
        match kernels {
            #[cfg(target_arch = "x86_64")]
            Kernels::Bf16 => {
                assert!(kernel::available(), "AVX-512 BF16 needed");
                // SAFETY: the CPU has AVX-512F and AVX-512 BF16 (asserted).
                unsafe { self.encode_avx512(ids, s) }
            }
            _ => self.encode_in(ids, s, kernels, BLOCK),
        }
    }

    /// [`Weights::encode`] compiled for AVX-512, so that the element-wise steps (layer norms,
    /// ReLU and residuals, sums) use it too; the products are [`super::kernel`]'s either way.
    ///
    /// # Safety
    /// The CPU has AVX-512F and AVX-512 BF16.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512bf16")]
    unsafe fn encode_avx512(&self, ids: &[u32], s: &mut Scratch) -> Vec<f32> {
        self.encode_in(ids, s, Kernels::Bf16, BLOCK)
    }

    /// [`Weights::encode`] in blocks of at most `block` pieces (at least 8).
    #[inline(always)]
    fn encode_in(&self, ids: &[u32], s: &mut Scratch, kernels: Kernels, block: usize) -> Vec<f32> {
        debug_assert!(block >= 2 * REACH, "blocks of at least 8 pieces");
        let n = ids.len();
        s.sum.clear();
        s.sum.resize(FEATS, 0.0);
        let blocks = n.div_ceil(block);
        let mut start = 0;
        for b in 0..blocks {
            let end = start + (n - start).div_ceil(blocks - b);
            self.block(ids, start, end, s, kernels);
            start = end;
        }
        // The layer norms' bias, once per piece (the blocks add only the scaled part).
        for (acc, b) in s.sum.iter_mut().zip(self.ln_b) {
            *acc += n as f32 * b;
        }
        self.finish(&s.sum, n, kernels)
    }

    /// One block of new pieces `start..end`: their projection, the first convolution for
    /// `start - 2..end - 2` and the second for `start - 4..end - 4` (each convolution reaches 2
    /// pieces ahead), the features of those, layer-normed and added to `s.sum` (without the
    /// layer norm's bias). The last block goes on to the end of the text. The 4 rows of context
    /// each convolution needs from before the block are carried over from the previous one in
    /// `s.carry_x` and `s.carry_h`, so nothing is computed twice.
    #[inline(always)]
    fn block(&self, ids: &[u32], start: usize, end: usize, s: &mut Scratch, kernels: Kernels) {
        const C: usize = REACH; // rows carried over
        const LAG: usize = REACH / 2; // how far a convolution reaches ahead
        let n = ids.len();
        let fast = kernels == Kernels::Bf16;
        let new = end - start;
        let last = end == n;
        if start == 0 {
            s.carry_x.clear();
            s.carry_x.resize(3 * C * CNN, 0.0);
            s.carry_h.clear();
            s.carry_h.resize(3 * C * CNN, 0.0);
        }
        // Zero rows past the end of the text for the last block's windows.
        let pad = if last { LAG } else { 0 };

        // Projection of the new pieces, layer-normed over the 768 values of the three branches.
        s.emb.resize(new * DIM, 0.0);
        for (row, &piece) in s.emb.chunks_exact_mut(DIM).zip(&ids[start..end]) {
            self.embedding(piece, row);
        }
        if fast {
            s.emb16.resize(new * DIM, 0);
            kernel::to_bf16(&s.emb, &mut s.emb16);
        }
        s.x.resize(new * 3 * CNN, 0.0);
        let (x, emb, emb16) = (&mut s.x, &s.emb, &s.emb16);
        self.proj_w
            .product(kernels, new, emb, emb16, DIM, self.proj_b, x, 3 * CNN);
        for row in s.x.chunks_exact_mut(3 * CNN) {
            layer_norm(row, self.ln_g_all, self.ln_b_all, self.eps);
        }

        // Each branch's projection, one row per piece from `start - 4` (the carried rows; zeros
        // before the text) to `end` (and zeros past the text): a convolution's window of
        // `order` pieces is then `order` consecutive rows, which the products read in place.
        let xrows = C + new + pad;
        s.xp.clear();
        s.xp.resize(3 * xrows * CNN, 0.0);
        for b in 0..3 {
            let xp = &mut s.xp[b * xrows * CNN..];
            xp[..C * CNN].copy_from_slice(&s.carry_x[b * C * CNN..(b + 1) * C * CNN]);
            for (t, row) in s.x.chunks_exact(3 * CNN).enumerate() {
                xp[(C + t) * CNN..(C + t + 1) * CNN].copy_from_slice(&row[b * CNN..][..CNN]);
            }
            if !last {
                // Carry pieces end - 4..end over to the next block.
                let carry = &xp[new * CNN..(new + C) * CNN];
                s.carry_x[b * C * CNN..(b + 1) * C * CNN].copy_from_slice(carry);
            }
        }
        if fast {
            s.xp16.resize(s.xp.len(), 0);
            kernel::to_bf16(&s.xp, &mut s.xp16);
        }

        // Pieces whose first convolution is new (h0..h1) and whose features are (f0..f1).
        let h0 = start.saturating_sub(LAG);
        let h1 = if last { n } else { end - LAG };
        let f0 = start.saturating_sub(2 * LAG);
        let f1 = if last { n } else { end - 2 * LAG };
        let (hr, rows) = (h1 - h0, f1 - f0);
        s.feats.resize(rows * FEATS, 0.0);
        for (row, &piece) in s.feats.chunks_exact_mut(FEATS).zip(&ids[f0..f1]) {
            self.embedding(piece, &mut row[..DIM]);
        }
        // The first convolution's output, a row per piece from `start - 6` (4 carried rows) to
        // `h1` (and zeros past the text): row `r` is piece `start + r - 6`.
        let hrows = h1 + pad + C + LAG - start;
        let h_row = |piece: usize| piece + C + LAG - start;
        let x_row = |piece: usize| piece + C - start;
        for (b, br) in self.branches.iter().enumerate() {
            let xb = b * xrows * CNN..(b + 1) * xrows * CNN;
            let (xp, xp16) = (&s.xp[xb.clone()], s.xp16.get(xb).unwrap_or_default());
            s.hp.clear();
            s.hp.resize(hrows * CNN, 0.0);
            let carried = b * C * CNN..(b + 1) * C * CNN;
            s.hp[..C * CNN].copy_from_slice(&s.carry_h[carried.clone()]);
            let h = &mut s.hp[h_row(h0) * CNN..h_row(h1) * CNN];
            let window = (x_row(h0) - br.left) * CNN;
            let (a, a16) = (&xp[window..], xp16.get(window..).unwrap_or_default());
            br.w1.product(kernels, hr, a, a16, CNN, br.b1, h, CNN);
            // ReLU, then the residual: the branch's projection of the same piece.
            for (v, x) in h.iter_mut().zip(&xp[x_row(h0) * CNN..]) {
                *v = v.max(0.0) + x;
            }
            if fast {
                s.hp16.resize(s.hp.len(), 0);
                kernel::to_bf16(&s.hp, &mut s.hp16);
            }
            // The second convolution, into the branch's features.
            let out = &mut s.feats[DIM + b * CNN..];
            let window = (h_row(f0) - br.left) * CNN;
            let (a, a16) = (&s.hp[window..], s.hp16.get(window..).unwrap_or_default());
            br.w2.product(kernels, rows, a, a16, CNN, br.b2, out, FEATS);
            for (t, row) in out.chunks_mut(FEATS).take(rows).enumerate() {
                let h = &s.hp[h_row(f0 + t) * CNN..][..CNN];
                for (v, h) in row[..CNN].iter_mut().zip(h) {
                    *v = v.max(0.0) + h;
                }
            }
            if !last {
                // Carry pieces end - 6..end - 2 over to the next block.
                let carry = h_row(end - LAG) - C;
                s.carry_h[carried].copy_from_slice(&s.hp[carry * CNN..(carry + C) * CNN]);
            }
        }
        for row in s.feats.chunks_exact(FEATS) {
            let (mean, scale) = norm_stats(row, self.eps);
            for ((acc, v), g) in s.sum.iter_mut().zip(row).zip(self.ln_g) {
                *acc += (v - mean) * scale * g;
            }
        }
    }

    /// Dequantize piece `id`'s embedding into `row`.
    #[inline(always)]
    fn embedding(&self, id: u32, row: &mut [f32]) {
        let id = id as usize;
        let id = if (id + 1) * DIM <= self.table.len() {
            id
        } else {
            0
        };
        let (scale, lo) = (self.scale[id % CHUNKS], self.lo[id % CHUNKS]);
        for (v, &q) in row.iter_mut().zip(&self.table[id * DIM..(id + 1) * DIM]) {
            *v = f32::from(q) * scale + lo;
        }
    }

    /// From the summed features of `n` pieces to the unit-length sentence vector. The
    /// reference's mean `m = (sum · cnn_W + n · cnn_b) / √n` only feeds `d0` and `p1`, so the
    /// two layers are one here (`HEAD`).
    fn finish(&self, sum: &[f32], n: usize, kernels: Kernels) -> Vec<f32> {
        let len = n.max(1) as f32;
        let mut y = self.head_b.iter().map(|b| b * len).collect::<Vec<f32>>();
        self.head.matvec(kernels, sum, &mut y);
        let inv = 1.0 / len.sqrt();
        y.iter_mut().for_each(|v| *v *= inv);
        // y0 = relu(m · d0); y1 = relu(m · p1 + y0 · d1).
        let (y0, y1) = y.split_at_mut(DNN);
        relu(y0);
        self.d1.matvec(kernels, y0, y1);
        relu(y1);
        // y2 = relu(y1 · d2); z = y1 · p3 + y2 · d3.
        let mut t = vec![0f32; 2 * DIM];
        self.d2_p3.matvec(kernels, y1, &mut t);
        let (y2, z) = t.split_at_mut(DIM);
        relu(y2);
        self.d3.matvec(kernels, y2, z);
        z.iter_mut().for_each(|v| *v = v.tanh());
        let norm = z.iter().map(|v| v * v).sum::<f32>().max(self.eps).sqrt();
        z.iter().map(|v| v / norm).collect()
    }
}

/// Buffers reused from one text to the next (one per thread).
#[derive(Default)]
pub(super) struct Scratch {
    sum: Vec<f32>,
    emb: Vec<f32>,
    emb16: Vec<u16>,
    x: Vec<f32>,
    xp: Vec<f32>,
    xp16: Vec<u16>,
    hp: Vec<f32>,
    hp16: Vec<u16>,
    feats: Vec<f32>,
    carry_x: Vec<f32>,
    carry_h: Vec<f32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where a text is cut into blocks changes nothing: each block's convolutions see the same
    /// context as in one pass.
    #[test]
    fn blocks_carry_their_context_over() {
        let weights = &crate::embed::Encoder::get().expect("model").weights;
        let ids: Vec<u32> = (0..300u32).map(|i| i * 7919 % 120_000 + 5).collect();
        for kernels in [Kernels::Bf16, Kernels::Portable] {
            if !kernels.available() {
                continue;
            }
            let whole = weights.encode_in(&ids, &mut Scratch::default(), kernels, ids.len());
            let mut s = Scratch::default();
            for block in [8, 9, 16, 64, 150, 299] {
                let v = weights.encode_in(&ids, &mut s, kernels, block);
                let diff = v.iter().zip(&whole).map(|(a, b)| (a - b).abs());
                let diff = diff.fold(0f32, f32::max);
                assert!(
                    diff < 1e-6,
                    "{kernels:?}, blocks of {block}: differs by {diff}"
                );
            }
        }
    }

    /// Texts shorter than a convolution's window work, the empty one too.
    #[test]
    fn short_texts_give_unit_vectors() {
        let weights = &crate::embed::Encoder::get().expect("model").weights;
        for kernels in [Kernels::Bf16, Kernels::Portable] {
            if !kernels.available() {
                continue;
            }
            for n in 0..6u32 {
                let ids: Vec<u32> = (0..n).map(|i| 1000 + i).collect();
                let v = weights.encode(&ids, &mut Scratch::default(), kernels);
                let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                assert!(
                    (norm - 1.0).abs() < 1e-4,
                    "{kernels:?}, {n} pieces: length {norm}"
                );
            }
        }
    }
}
