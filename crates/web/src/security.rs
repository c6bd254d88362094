//! Response headers every page gets, and the stylesheet.
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Strict defaults ([OWASP ASVS V14.4](https://owasp.org/www-project-application-security-verification-standard/)):
/// no framing, no sniffing, no inline script, no caching of personal pages; the
/// page's script may call back only to Sigil itself (in-place privacy choices).
pub(crate) async fn headers(request: Request, next: Next) -> Response {
    let is_static = request.uri().path().starts_with("/static/");
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    // A handler that set a stricter policy (stored images: `sandbox`) keeps it.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(POLICY),
        );
    }
    if !is_static && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// The policy of every page that sets none stricter.
const POLICY: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                      connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Lets images from `origins` (those of the application logos the page shows, see
/// [`crate::console::shell`]) into a page that has the default policy; a page with a
/// stricter one keeps it.
pub(crate) fn allow_images_from(
    response: &mut Response,
    origins: &std::collections::BTreeSet<String>,
) {
    let h = response.headers_mut();
    if origins.is_empty()
        || h.get(header::CONTENT_SECURITY_POLICY)
            .is_some_and(|v| v.as_bytes() != POLICY.as_bytes())
    {
        return;
    }
    let sources: Vec<&str> = origins.iter().map(String::as_str).collect();
    let policy = POLICY.replace(
        "img-src 'self' data:;",
        &format!("img-src 'self' data: {};", sources.join(" ")),
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        h.insert(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The one script: copy buttons (`data-copy`). Every page works without it.
pub(crate) async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        concat!(
            include_str!("../static/sigil.js"),
            include_str!("../static/parts/values.js"),
            include_str!("../static/parts/flow.js"),
            include_str!("../static/parts/catalog.js")
        ),
    )
}

pub(crate) async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        concat!(
            include_str!("../static/sigil.css"),
            include_str!("../static/parts/values.css"),
            include_str!("../static/parts/flow.css")
        ),
    )
}
