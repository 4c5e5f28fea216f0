//! Query vectors, remembered: paging through results or repeating a search does not encode the
//! query again.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use crate::embed::Encoder;
use crate::error::{Error, Result};

/// How many distinct queries are remembered (a vector is 2 KB).
pub const REMEMBERED: usize = 512;

/// The most recently encoded queries and their vectors.
#[derive(Debug)]
pub struct QueryVectors {
    inner: Mutex<Remembered>,
    capacity: usize,
}

impl Default for QueryVectors {
    fn default() -> QueryVectors {
        QueryVectors::with_capacity(REMEMBERED)
    }
}

#[derive(Debug, Default)]
struct Remembered {
    vectors: HashMap<String, Arc<Vec<f32>>>,
    order: VecDeque<String>,
}

impl QueryVectors {
    /// Remembering at most `capacity` queries.
    pub fn with_capacity(capacity: usize) -> QueryVectors {
        QueryVectors {
            inner: Mutex::default(),
            capacity: capacity.max(1),
        }
    }

    /// The vector of `text`, encoded now unless it was recently.
    pub fn get(&self, text: &str) -> Result<Arc<Vec<f32>>> {
        if let Some(v) = self
            .inner
            .lock()
            .map_err(|_| Error::Poisoned)?
            .vectors
            .get(text)
        {
            return Ok(Arc::clone(v));
        }
        let v = Arc::new(Encoder::get()?.encode(text));
        let mut inner = self.inner.lock().map_err(|_| Error::Poisoned)?;
        if !inner.vectors.contains_key(text) {
            if inner.order.len() >= self.capacity {
                if let Some(old) = inner.order.pop_front() {
                    inner.vectors.remove(&old);
                }
            }
            inner.order.push_back(text.to_string());
            inner.vectors.insert(text.to_string(), Arc::clone(&v));
        }
        Ok(v)
    }

    /// The vector of `text` if it was encoded recently.
    pub fn cached(&self, text: &str) -> Option<Arc<Vec<f32>>> {
        self.inner.lock().ok()?.vectors.get(text).cloned()
    }

    /// How many queries are remembered.
    pub fn len(&self) -> usize {
        self.inner.lock().map_or(0, |i| i.vectors.len())
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_query_is_not_encoded_again_and_old_ones_are_forgotten() {
        let q = QueryVectors::with_capacity(4);
        let a = q.get("停车难").unwrap();
        let b = q.get("停车难").unwrap();
        assert!(Arc::ptr_eq(&a, &b), "the same vector, not a new encoding");
        for i in 0..6 {
            q.get(&format!("第{i}个问题")).unwrap();
        }
        assert_eq!(q.len(), 4);
        assert!(!Arc::ptr_eq(&a, &q.get("停车难").unwrap()), "forgotten");
    }
}
