//! What the engine refuses before it searches: a result count out of range, a topic not in the
//! vocabulary, an empty year range. The CLI and the service rely on these checks; neither
//! repeats them.

use super::{Engine, Filters, MAX_LIMIT};
use crate::error::QueryError;

impl Engine {
    /// `limit` is between 1 and [`MAX_LIMIT`].
    pub fn check_limit(&self, limit: usize) -> Result<(), QueryError> {
        if limit == 0 || limit > MAX_LIMIT {
            return Err(QueryError::Limit { max: MAX_LIMIT });
        }
        Ok(())
    }

    /// The topic is in the vocabulary and the year range is not empty.
    pub fn check_filters(&self, filters: &Filters) -> Result<(), QueryError> {
        if let Some(t) = &filters.topic {
            if !self.topics().contains(t) {
                return Err(QueryError::UnknownTopic {
                    topic: t.clone(),
                    available: self.topics().names().collect::<Vec<_>>().join("、"),
                });
            }
        }
        if let (Some(from), Some(to)) = (filters.year_from, filters.year_to) {
            if from > to {
                return Err(QueryError::YearRange { from, to });
            }
        }
        Ok(())
    }

    /// `limit` for similar cases: between 1 and the number of cases (at least [`MAX_LIMIT`]), so
    /// every case can be ranked.
    pub fn check_similar_limit(&self, limit: usize) -> Result<(), QueryError> {
        let max = (self.num_cases() as usize).max(MAX_LIMIT);
        if limit == 0 || limit > max {
            return Err(QueryError::Limit { max });
        }
        Ok(())
    }

    /// Both checks, limit first.
    pub(super) fn check(&self, limit: usize, filters: &Filters) -> Result<(), QueryError> {
        self.check_limit(limit)?;
        self.check_filters(filters)
    }
}
