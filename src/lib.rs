//! anli (案例): a search engine for a library of community-governance cases.
//!
//! Data flows one way:
//! `corpus/*.md` → [`case::Case`] → tokens ([`analysis`]) → tantivy document ([`schema`],
//! [`index`]) → query → ranked hits ([`search`]) → JSON / HTML / packet.
//!
//! Public items are documented where there is something to say (units, formats, rules, what
//! goes wrong); a field named `title` or `year` says what it is. `ARCHITECTURE.md` draws how the
//! modules depend on each other.

pub mod analysis;
pub mod case;
pub mod embed;
pub mod error;
pub mod eval;
pub mod import;
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
