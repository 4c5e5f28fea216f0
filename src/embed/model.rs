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
//!    tanh at the end gives the vector, normalized to length 1.
//!
//! Long texts run in blocks of [`BLOCK`] pieces (each block recomputes the 4 pieces of context
//! on either side its convolutions reach), so the working set stays in cache and memory does not
//! grow with the text.

use super::format::{self, id, CHUNKS, CNN, DIM, DNN, ORDERS};
use super::linalg::{add_bias, layer_norm, matmul, relu};

/// Pieces per block of a long text.
pub const BLOCK: usize = 64;
/// How far the two stacked convolutions reach on either side of a piece.
const REACH: usize = 4;
/// Width of the per-piece features: the embedding and the three branches.
const FEATS: usize = DIM + 3 * CNN;

/// One n-gram branch's weights.
struct Branch {
    order: usize,
    left: usize,
    w1: &'static [f32],
    b1: &'static [f32],
    w2: &'static [f32],
    b2: &'static [f32],
}

/// Every weight, borrowed from the executable image.
pub(super) struct Weights {
    table: &'static [u8],
    scale: &'static [f32],
    lo: &'static [f32],
    proj_w: &'static [f32],
    proj_b: &'static [f32],
    ln_g_all: &'static [f32],
    ln_b_all: &'static [f32],
    branches: [Branch; 3],
    ln_g: &'static [f32],
    ln_b: &'static [f32],
    cnn_w: &'static [f32],
    cnn_b: &'static [f32],
    d0: &'static [f32],
    d1: &'static [f32],
    p1: &'static [f32],
    d2: &'static [f32],
    p3: &'static [f32],
    d3: &'static [f32],
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
                order,
                left,
                w1: f(at)?,
                b1: f(at + 1)?,
                w2: f(at + 2)?,
                b2: f(at + 3)?,
            })
        };
        Some(Weights {
            table: a[id::TABLE],
            scale: f(id::SCALE)?,
            lo: f(id::LO)?,
            proj_w: f(id::PROJ_W)?,
            proj_b: f(id::PROJ_B)?,
            ln_g_all: f(id::LN_G_ALL)?,
            ln_b_all: f(id::LN_B_ALL)?,
            branches: [branch(0)?, branch(1)?, branch(2)?],
            ln_g: f(id::LN_G)?,
            ln_b: f(id::LN_B)?,
            cnn_w: f(id::CNN_W)?,
            cnn_b: f(id::CNN_B)?,
            d0: f(id::D0)?,
            d1: f(id::D1)?,
            p1: f(id::P1)?,
            d2: f(id::D2)?,
            p3: f(id::P3)?,
            d3: f(id::D3)?,
            eps: *f(id::EPS)?.first()?,
        })
    }

    /// The vector of a piece sequence (ids below the table's size; others count as `<unk>`).
    pub(super) fn encode(&self, ids: &[u32], scratch: &mut Scratch) -> Vec<f32> {
        let n = ids.len();
        let mut sum = vec![0f32; FEATS];
        let mut start = 0;
        while start < n {
            let end = (start + BLOCK).min(n);
            self.block(ids, start, end, scratch, &mut sum);
            start = end;
        }
        self.finish(&sum, n)
    }

    /// Features of pieces `start..end`, layer-normed and added to `sum`.
    fn block(&self, ids: &[u32], start: usize, end: usize, s: &mut Scratch, sum: &mut [f32]) {
        let n = ids.len();
        // Projected embeddings for the pieces the two convolutions reach, and the first
        // convolution's output for the pieces the second one reaches.
        let x0 = start.saturating_sub(REACH);
        let x1 = (end + REACH).min(n);
        let h0 = start.saturating_sub(REACH / 2);
        let h1 = (end + REACH / 2).min(n);
        let (xr, hr, rows) = (x1 - x0, h1 - h0, end - start);

        s.emb.resize(xr * DIM, 0.0);
        for (row, &piece) in s.emb.chunks_exact_mut(DIM).zip(&ids[x0..x1]) {
            self.embedding(piece, row);
        }
        s.x.resize(xr * 3 * CNN, 0.0);
        matmul(
            xr,
            DIM,
            3 * CNN,
            &s.emb,
            DIM,
            self.proj_w,
            &mut s.x,
            3 * CNN,
            false,
        );
        add_bias(&mut s.x, self.proj_b);
        for row in s.x.chunks_exact_mut(3 * CNN) {
            layer_norm(row, self.ln_g_all, self.ln_b_all, self.eps);
        }

        s.feats.resize(rows * FEATS, 0.0);
        for (t, row) in s.feats.chunks_exact_mut(FEATS).enumerate() {
            let e = (start + t - x0) * DIM;
            row[..DIM].copy_from_slice(&s.emb[e..e + DIM]);
        }
        for (b, br) in self.branches.iter().enumerate() {
            let k = br.order * CNN;
            // First convolution over the projected branch, for pieces h0..h1.
            let x_of = |p: usize| (p - x0) * 3 * CNN + b * CNN;
            im2col(&mut s.cols, &s.x, x_of, h0, h1, n, br.order, br.left);
            s.h.resize(hr * CNN, 0.0);
            matmul(hr, k, CNN, &s.cols, k, br.w1, &mut s.h, CNN, false);
            add_bias(&mut s.h, br.b1);
            relu(&mut s.h);
            for (t, row) in s.h.chunks_exact_mut(CNN).enumerate() {
                let at = x_of(h0 + t);
                for (v, x) in row.iter_mut().zip(&s.x[at..at + CNN]) {
                    *v += x;
                }
            }
            // Second convolution over the first's output, for pieces start..end, written into
            // the branch's columns of the features.
            let h_of = |p: usize| (p - h0) * CNN;
            im2col(&mut s.cols, &s.h, h_of, start, end, n, br.order, br.left);
            let out = &mut s.feats[DIM + b * CNN..];
            matmul(rows, k, CNN, &s.cols, k, br.w2, out, FEATS, false);
            for (t, row) in out.chunks_mut(FEATS).take(rows).enumerate() {
                let row = &mut row[..CNN];
                let at = h_of(start + t);
                for ((v, bias), h) in row.iter_mut().zip(br.b2).zip(&s.h[at..at + CNN]) {
                    *v = (*v + bias).max(0.0) + h;
                }
            }
        }
        for row in s.feats.chunks_exact_mut(FEATS) {
            layer_norm(row, self.ln_g, self.ln_b, self.eps);
            for (acc, v) in sum.iter_mut().zip(row.iter()) {
                *acc += v;
            }
        }
    }

    /// Dequantize piece `id`'s embedding into `row`.
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

    /// From the summed features of `n` pieces to the unit-length sentence vector.
    fn finish(&self, sum: &[f32], n: usize) -> Vec<f32> {
        let len = n.max(1) as f32;
        let mut mean = self.cnn_b.iter().map(|b| b * len).collect::<Vec<f32>>();
        matmul(1, FEATS, DIM, sum, FEATS, self.cnn_w, &mut mean, DIM, true);
        let inv = 1.0 / len.sqrt();
        mean.iter_mut().for_each(|v| *v *= inv);

        let mut y0 = vec![0f32; DNN];
        matmul(1, DIM, DNN, &mean, DIM, self.d0, &mut y0, DNN, false);
        relu(&mut y0);
        let mut y1 = vec![0f32; DNN];
        matmul(1, DIM, DNN, &mean, DIM, self.p1, &mut y1, DNN, false);
        matmul(1, DNN, DNN, &y0, DNN, self.d1, &mut y1, DNN, true);
        relu(&mut y1);
        let mut y2 = vec![0f32; DIM];
        matmul(1, DNN, DIM, &y1, DNN, self.d2, &mut y2, DIM, false);
        relu(&mut y2);
        let mut z = vec![0f32; DIM];
        matmul(1, DNN, DIM, &y1, DNN, self.p3, &mut z, DIM, false);
        matmul(1, DIM, DIM, &y2, DIM, self.d3, &mut z, DIM, true);
        z.iter_mut().for_each(|v| *v = v.tanh());
        let norm = z.iter().map(|v| v * v).sum::<f32>().max(self.eps).sqrt();
        z.iter_mut().for_each(|v| *v /= norm);
        z
    }
}

/// Gather the convolution windows of pieces `from..to` into `cols`: row `t` holds the
/// `order` rows of `src` for pieces `t - left ..`, zeros where a piece is outside `0..n`.
/// `at(p)` is where piece `p`'s 256 values start in `src`.
#[allow(clippy::too_many_arguments)]
fn im2col(
    cols: &mut Vec<f32>,
    src: &[f32],
    at: impl Fn(usize) -> usize,
    from: usize,
    to: usize,
    n: usize,
    order: usize,
    left: usize,
) {
    let width = order * CNN;
    cols.resize((to - from) * width, 0.0);
    for (t, row) in cols.chunks_exact_mut(width).enumerate() {
        let piece = from + t;
        for (j, slot) in row.chunks_exact_mut(CNN).enumerate() {
            match (piece + j).checked_sub(left).filter(|&p| p < n) {
                Some(p) => slot.copy_from_slice(&src[at(p)..at(p) + CNN]),
                None => slot.fill(0.0),
            }
        }
    }
}

/// Buffers reused from one text to the next (one per thread).
#[derive(Default)]
pub(super) struct Scratch {
    emb: Vec<f32>,
    x: Vec<f32>,
    cols: Vec<f32>,
    h: Vec<f32>,
    feats: Vec<f32>,
}
