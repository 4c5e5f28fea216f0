//! The tantivy tokenizer over [`Analyzer`].
//!
//! Modelled on tantivy's `SimpleTokenizer`: the tokenizer owns its buffers (the normalized text,
//! the spans, one `Token`), and the stream reuses them, so tokenizing a document allocates
//! nothing per token; only jieba's own result vector is allocated once per text.

use std::sync::Arc;

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::Index;

use super::{Analyzer, Mode, Normalized, Span};

/// Name under which the index-mode tokenizer is registered; the schema's text fields name it.
pub const INDEX_TOKENIZER: &str = "anli";
/// Name under which the query-mode tokenizer is registered.
pub const QUERY_TOKENIZER: &str = "anli_query";

impl Analyzer {
    /// Register anli's tokenizers on `index` under [`INDEX_TOKENIZER`] and [`QUERY_TOKENIZER`],
    /// sharing this analyzer.
    pub fn register_tokenizers(self: &Arc<Self>, index: &Index) {
        let tokenizers = index.tokenizers();
        tokenizers.register(
            INDEX_TOKENIZER,
            TextAnalyzer::from(self.tokenizer(Mode::Index)),
        );
        tokenizers.register(
            QUERY_TOKENIZER,
            TextAnalyzer::from(self.tokenizer(Mode::Query)),
        );
    }
}

/// A tantivy [`Tokenizer`] that segments Chinese with the shared jieba [`Analyzer`].
///
/// Cloning shares the analyzer (an `Arc` copy) and starts with empty buffers.
pub struct AnliTokenizer {
    analyzer: Arc<Analyzer>,
    mode: Mode,
    norm: Normalized,
    spans: Vec<Span>,
    token: Token,
}

impl AnliTokenizer {
    /// A tokenizer in `mode` over `analyzer`.
    pub fn new(analyzer: Arc<Analyzer>, mode: Mode) -> AnliTokenizer {
        AnliTokenizer {
            analyzer,
            mode,
            norm: Normalized::default(),
            spans: Vec::new(),
            token: Token::default(),
        }
    }

    /// The mode this tokenizer segments in.
    pub fn mode(&self) -> Mode {
        self.mode
    }
}

impl Clone for AnliTokenizer {
    fn clone(&self) -> Self {
        AnliTokenizer::new(Arc::clone(&self.analyzer), self.mode)
    }
}

impl Tokenizer for AnliTokenizer {
    type TokenStream<'a> = AnliTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> AnliTokenStream<'a> {
        self.analyzer
            .analyze_into(text, self.mode, &mut self.norm, &mut self.spans);
        self.token.reset();
        AnliTokenStream {
            original: text,
            normalized: self.norm.text(text),
            spans: &self.spans,
            mode: self.mode,
            next: 0,
            token: &mut self.token,
        }
    }
}

/// The token stream of [`AnliTokenizer`].
pub struct AnliTokenStream<'a> {
    original: &'a str,
    normalized: &'a str,
    spans: &'a [Span],
    mode: Mode,
    next: usize,
    token: &'a mut Token,
}

impl TokenStream for AnliTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(span) = self.spans.get(self.next) else {
            return false;
        };
        self.next += 1;
        self.token.text.clear();
        let text = if self.mode == Mode::Precise {
            &self.original[span.start as usize..span.end as usize]
        } else {
            &self.normalized[span.norm_start as usize..span.norm_end as usize]
        };
        self.token.text.push_str(text);
        self.token.offset_from = span.start as usize;
        self.token.offset_to = span.end as usize;
        self.token.position = span.position as usize;
        self.token.position_length = 1;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}
