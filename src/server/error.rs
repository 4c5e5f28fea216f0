//! How errors leave the service (the pattern of axum's `error-handling` example): [`ApiError`],
//! a status and a JSON body `{code, message}`, and [`PageError`], the same rendered as the error
//! page. Library errors, query errors and rejected requests all convert into them, so handlers
//! return `Result<_, ApiError>` or `Result<_, PageError>` and use `?`.

use axum::extract::rejection::{FormRejection, JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use minijinja::context;
use serde::Serialize;

use super::templates;
use super::MAX_BODY_BYTES;
use crate::error::{Error, QueryError};

/// An API error: a status and a JSON body `{code, message}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    status: StatusCode,
    /// Machine-readable code (`empty_query`, `unknown_topic`, `not_found`, ...).
    pub code: &'static str,
    /// What went wrong, in Chinese, for people.
    pub message: String,
    /// A free packet name to use instead (with `packet_exists`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    /// Seconds to wait before trying again (`Retry-After`).
    #[serde(skip)]
    retry_after: Option<u64>,
}

impl ApiError {
    /// A 400 with `code`.
    pub fn bad(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// An error with any status.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            suggestion: None,
            retry_after: None,
        }
    }

    /// The same error, telling the client to wait `seconds` (`Retry-After`).
    pub fn with_retry_after(mut self, seconds: u64) -> ApiError {
        self.retry_after = Some(seconds);
        self
    }

    /// Seconds the client is told to wait, if any.
    pub fn retry_after(&self) -> Option<u64> {
        self.retry_after
    }

    /// A 404.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// A 500 that tells the client nothing more (the cause is logged).
    pub fn internal() -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "服务内部出错，请稍后再试",
        )
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let wait = self.retry_after;
        let mut resp = (self.status, Json(self)).into_response();
        if let Some(s) = wait {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        resp
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        match e {
            Error::InvalidQuery(q) => ApiError::from(q),
            Error::CaseNotFound(id) => ApiError::not_found(format!("没有编号为“{id}”的案例")),
            e @ Error::PacketNotFound(_) => ApiError::not_found(e.to_string()),
            e @ Error::BadPacketName(_) => ApiError::bad("bad_packet_name", e.to_string()),
            e @ Error::PacketEdit(_) => ApiError::bad("bad_edit", e.to_string()),
            e @ Error::UnknownFormat(_) => ApiError::bad("bad_format", e.to_string()),
            Error::PacketExists { name, suggestion } => {
                let message = Error::PacketExists {
                    name,
                    suggestion: suggestion.clone(),
                }
                .to_string();
                let mut e = ApiError::new(StatusCode::CONFLICT, "packet_exists", message);
                e.suggestion = Some(suggestion);
                e
            }
            Error::PacketFile {
                path,
                line,
                message,
            } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_packet_file",
                format!(
                    "案例包文件 {}:{line} 有误，需要管理员修改：{message}",
                    path.file_name().map_or_else(
                        || path.display().to_string(),
                        |n| n.to_string_lossy().into_owned()
                    )
                ),
            ),
            e @ Error::PacketConflict(_) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string())
            }
            e @ Error::TooManyPackets { .. } => {
                ApiError::new(StatusCode::CONFLICT, "too_many_packets", e.to_string())
            }
            e @ Error::PacketTooLarge { .. } => ApiError::bad("packet_too_large", e.to_string()),
            other => {
                tracing::error!("{other}");
                ApiError::internal()
            }
        }
    }
}

impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> ApiError {
        let code = match e {
            QueryError::Empty => "empty_query",
            QueryError::NoTerms | QueryError::NoSimilarTerms => "invalid_query",
            QueryError::UnknownTopic { .. } => "unknown_topic",
            QueryError::YearRange { .. } => "bad_year",
            QueryError::Kind { .. } => "bad_kind",
            QueryError::Limit { .. } => "bad_limit",
            QueryError::TooLong { .. } => "query_too_long",
            QueryError::Mode { .. } => "bad_mode",
        };
        ApiError::bad(code, e.to_string())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(e: QueryRejection) -> ApiError {
        ApiError::bad(
            "bad_query_string",
            format!("网址参数无法解析：{}", e.body_text()),
        )
    }
}

impl From<JsonRejection> for ApiError {
    fn from(e: JsonRejection) -> ApiError {
        let status = e.status();
        let (code, message) = match status {
            StatusCode::PAYLOAD_TOO_LARGE => (
                "payload_too_large",
                format!("请求内容太大（上限 {} KB）", MAX_BODY_BYTES / 1024),
            ),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => (
                "unsupported_media_type",
                "请求内容应为 JSON（Content-Type: application/json）".into(),
            ),
            _ => (
                "bad_json",
                format!("请求内容不是有效的 JSON：{}", e.body_text()),
            ),
        };
        // A body that is not JSON at all is a client error either way.
        let status = if status == StatusCode::UNPROCESSABLE_ENTITY {
            StatusCode::BAD_REQUEST
        } else {
            status
        };
        ApiError::new(status, code, message)
    }
}

impl From<PathRejection> for ApiError {
    fn from(e: PathRejection) -> ApiError {
        ApiError::bad("bad_path", format!("网址路径无法解析：{}", e.body_text()))
    }
}

/// The answer to a request that was not over within [`Limits::request`]: 408, as JSON under
/// `/api/` and as the error page elsewhere.
///
/// [`Limits::request`]: super::Limits::request
pub async fn timed_out(uri: axum::http::Uri, _: tower::BoxError) -> Response {
    let e = ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        "request_timeout",
        "请求发送或处理得太慢，已超时；请重试",
    );
    if uri.path().starts_with("/api/") {
        e.into_response()
    } else {
        PageError::from(e).into_response()
    }
}

/// A form that could not be read: too large, or not a form.
impl From<FormRejection> for ApiError {
    fn from(e: FormRejection) -> ApiError {
        match e.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!(
                    "提交的内容太多（上限 {} KB），请分几次保存",
                    MAX_BODY_BYTES / 1024
                ),
            ),
            _ => ApiError::bad("bad_form", "表单内容无法解析，请回到上一页重新提交"),
        }
    }
}

/// A panic in a handler becomes a JSON 500 instead of a dropped connection.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    ApiError::internal().into_response()
}

/// An error on a web page: the error page with the status and message of the [`ApiError`] it
/// comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What the page says.
    pub message: String,
}

impl PageError {
    /// An error page with `status` and `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> PageError {
        PageError {
            status,
            message: message.into(),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.status.as_u16();
        let message = self.message;
        templates::render(self.status, "error.html", context! { status, message })
    }
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> PageError {
        PageError::new(e.status, e.message)
    }
}

/// What a page says for the errors its handlers meet: the API's status and message.
macro_rules! page_error_from {
    ($($t:ty),*) => {$(
        impl From<$t> for PageError {
            fn from(e: $t) -> PageError {
                ApiError::from(e).into()
            }
        }
    )*};
}

page_error_from!(
    Error,
    QueryError,
    QueryRejection,
    FormRejection,
    PathRejection
);
