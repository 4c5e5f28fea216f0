//! Extractors that reject with our errors instead of axum's plain-text ones (as in axum's
//! `error-handling` example): [`AppJson`], [`AppQuery`] and [`AppPath`] for the API,
//! [`PageQuery`], [`PagePath`] and [`AppForm`] for the pages; [`Caller`], what the access rule
//! looks at; and [`WriteAllowed`], the write rule as an extractor.

use std::convert::Infallible;
use std::marker::PhantomData;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::response::IntoResponse;
use axum::{Form, Json};
use serde::de::DeserializeOwned;

use super::access::Caller;
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

/// Path parameters; bad ones (not UTF-8, say) are an [`ApiError`] (`bad_path`).
pub struct AppPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for AppPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(value) = Path::<T>::from_request_parts(parts, state).await?;
        Ok(AppPath(value))
    }
}

/// Path parameters of a page; bad ones show the error page.
pub struct PagePath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PagePath<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
        let Path(value) = Path::<T>::from_request_parts(parts, state).await?;
        Ok(PagePath(value))
    }
}

/// The caller of a request: method, headers and, when served by [`serve`](super::serve), the
/// client's address.
fn caller(parts: &Parts) -> Caller {
    Caller {
        method: parts.method.clone(),
        headers: parts.headers.clone(),
        client: parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip()),
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(caller(parts))
    }
}

/// A submitted page form; one that cannot be read (too large, not a form) shows the error page.
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
        state.access().check(&caller(parts))?;
        Ok(WriteAllowed(PhantomData))
    }
}

/// `POST /login` may read its form: the form is this service's page, a token is configured and
/// the client has token attempts left ([`WriteAccess::login_allowed`]).
///
/// [`WriteAccess::login_allowed`]: super::access::WriteAccess::login_allowed
pub struct LoginAllowed<E = ApiError>(PhantomData<fn() -> E>);

impl<E> FromRequestParts<AppState> for LoginAllowed<E>
where
    E: From<ApiError> + IntoResponse,
{
    type Rejection = E;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, E> {
        state.access().login_allowed(&caller(parts))?;
        Ok(LoginAllowed(PhantomData))
    }
}
