//! anli (案例): a search engine for a library of community-governance cases.
//!
//! Data flows one way:
//! `corpus/*.md` → [`case::Case`] → tokens ([`analysis`]) → tantivy document ([`schema`],
//! [`index`]) → query → ranked hits ([`search`]) → JSON / HTML / packet.

#![warn(missing_docs)]

pub mod analysis;
pub mod case;
pub mod embed;
pub mod error;
pub mod eval;
pub mod index;
pub mod packet;
pub mod render;
pub mod resources;
pub mod schema;
pub mod search;
pub mod server;
pub mod topics;

pub use error::{Error, Result};
pub use index::Library;
pub use search::{Engine, SearchRequest, SearchResults};
