//! The page templates (minijinja, compiled into the binary), loaded once per process, and
//! rendering one into a response.

use std::sync::OnceLock;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::Environment;

/// The template environment.
pub fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, src) in [
            ("base.html", include_str!("templates/base.html")),
            ("search.html", include_str!("templates/search.html")),
            ("case.html", include_str!("templates/case.html")),
            ("error.html", include_str!("templates/error.html")),
            ("add_form.html", include_str!("templates/add_form.html")),
            ("packets.html", include_str!("templates/packets.html")),
            ("packet.html", include_str!("templates/packet.html")),
            ("packet_new.html", include_str!("templates/packet_new.html")),
            ("new_form.html", include_str!("templates/new_form.html")),
            ("login.html", include_str!("templates/login.html")),
            ("case_form.html", include_str!("templates/case_form.html")),
            ("status.html", include_str!("templates/status.html")),
        ] {
            if let Err(e) = env.add_template(name, src) {
                // A broken built-in template is a bug caught by the tests; keep serving the rest.
                tracing::error!("template {name}: {e}");
            }
        }
        env
    })
}

/// Template `name` rendered with `ctx`, as an HTML response with `status`.
pub fn render(status: StatusCode, name: &str, ctx: minijinja::Value) -> Response {
    match env().get_template(name).and_then(|t| t.render(ctx)) {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!("rendering {name}: {e}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<h1>页面出错了</h1>".to_string()),
            )
                .into_response()
        }
    }
}
