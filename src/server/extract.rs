//! Extractors that reject with our errors instead of axum's plain-text ones (as in axum's
//! `error-handling` example): [`AppJson`] and [`AppQuery`] for the API, [`PageQuery`] and
//! [`AppForm`] for the pages, and [`WriteAllowed`], the write rule as an extractor.

use std::marker::PhantomData;

use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::response::IntoResponse;
use axum::{Form, Json};
use serde::de::DeserializeOwned;

use super::error::{ApiError, PageError};
use super::AppState;

/// A JSON body; a bad one is an [`ApiError`] (`bad_json`, `payload_too_large`, …).
pub struct AppJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for AppJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let Json(value) = Json::<T>::from_request(req, state).await?;
        Ok(AppJson(value))
    }
}

/// Query parameters; bad ones are an [`ApiError`] (`bad_query_string`).
pub struct AppQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for AppQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(value) = Query::<T>::from_request_parts(parts, state).await?;
        Ok(AppQuery(value))
    }
}

/// Query parameters of a page; bad ones show the error page.
pub struct PageQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for PageQuery<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
        let Query(value) = Query::<T>::from_request_parts(parts, state).await?;
        Ok(PageQuery(value))
    }
}

/// A submitted page form; one that cannot be read (too large, too slow, not a form) shows the
/// error page.
pub struct AppForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for AppForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, PageError> {
        let Form(value) = Form::<T>::from_request(req, state).await?;
        Ok(AppForm(value))
    }
}

/// The request may change things: the service's write rule ([`WriteAccess`]) allows it. Put it
/// before the body, so a refused request is answered without reading one. Rejects with an
/// [`ApiError`] (401/403 JSON), or with `WriteAllowed<PageError>` the error page.
///
/// [`WriteAccess`]: super::access::WriteAccess
pub struct WriteAllowed<E = ApiError>(PhantomData<fn() -> E>);

impl<E> FromRequestParts<AppState> for WriteAllowed<E>
where
    E: From<ApiError> + IntoResponse,
{
    type Rejection = E;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, E> {
        state.access().check(&parts.headers)?;
        Ok(WriteAllowed(PhantomData))
    }
}
