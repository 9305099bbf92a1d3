//! Every state-changing request must carry the session's CSRF token (the `csrf_token`
//! field of a form, or of the query string of a multipart upload, or an `X-CSRF-Token`
//! header) and, when the browser says where it comes from, come from this site. Checked here for every route, so no handler can forget it.

use actix_session::SessionExt;
use actix_web::HttpMessage;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use futures_util::StreamExt;
use subtle::ConstantTimeEq;

use crate::accounts::visitor::Visitor;
use crate::error::AppError;
use crate::web::SiteInfo;
use crate::web::client::TrustProxy;
use crate::web::session::Secrets;
use actix_web::web;

pub const FIELD: &str = "csrf_token";
const HEADER: &str = "x-csrf-token";
/// The largest form body accepted anywhere (a 5,000-character comment fits many times).
pub const MAX_FORM_BYTES: usize = 64 * 1024;
/// The post and page editors' saves, and the login that may carry one of their drafts: a
/// long article, percent-encoded, must fit.
pub const EDITOR_FORM_BYTES: usize = 2 * 1024 * 1024;

/// The largest form body accepted at `path`.
pub fn form_limit(path: &str) -> usize {
    if is_editor_save(path) || path == "/login" {
        EDITOR_FORM_BYTES
    } else {
        MAX_FORM_BYTES
    }
}

pub async fn protect(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    match check(&mut req).await {
        Ok(()) => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body),
        // Answered here but with the error attached, so the error pages draw it in the
        // site layout like any other.
        Err(error) => Ok(req.error_response(error).map_into_right_body()),
    }
}

async fn check(req: &mut ServiceRequest) -> Result<(), AppError> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    if !comes_from_this_site(req) {
        return Err(AppError::CsrfRejected);
    }
    let session = req.get_session();
    let session_token: Option<String> = session.get(crate::accounts::session::CSRF).ok().flatten();
    let logged_in = carries_login(
        session
            .get::<i32>(crate::accounts::session::USER_ID)
            .ok()
            .flatten()
            .is_some(),
        req.cookie(crate::accounts::remember::COOKIE).is_some(),
    );
    let submitted = match header_token(req) {
        Some(token) => Some(token),
        None if is_form(req) => {
            let body = read_body(req).await?;
            let token = form_token(&body);
            req.set_payload(payload_of(body));
            token
        }
        // An upload's body is too large to read twice: its form puts the token in the
        // address instead (`action="/admin/media?csrf_token=…"`; the access log redacts it).
        None if is_multipart(req) => form_token(req.query_string().as_bytes()),
        None => None,
    };
    if let Some(submitted) = submitted {
        let same = |expected: &str| bool::from(expected.as_bytes().ct_eq(submitted.as_bytes()));
        if session_token.as_deref().is_some_and(same) {
            return Ok(());
        }
        // The reply form of a visitor who is not logged in carries the sessionless token:
        // such a request has no login to abuse, and reading an article then sets no cookie.
        let sessionless = !logged_in && is_comment_post(req.path());
        let secrets = req.app_data::<web::Data<Secrets>>();
        if sessionless && secrets.is_some_and(|secrets| same(&sessionless_token(secrets))) {
            return Ok(());
        }
    }
    // An editor's save from a page whose session is gone: the handler answers with the
    // login page holding the draft, and saves nothing (see `UnverifiedEditorPost`).
    if is_editor_save(req.path()) {
        req.extensions_mut().insert(UnverifiedEditorPost);
        return Ok(());
    }
    Err(AppError::CsrfRejected)
}

/// Marks a POST to the post or page editor whose CSRF token did not match (its session
/// expired, or it was forged). The handler must not act on it: it only shows the login
/// page with the submitted text in it, so nothing an editor wrote is lost. A forged request
/// gains nothing: it changes nothing, and its answer is not readable cross-site.
#[derive(Clone, Copy, Debug)]
pub struct UnverifiedEditorPost;

/// `/admin/posts/new`, `/admin/posts/{id}`, and the same under `/admin/pages/`: the only
/// POSTs that pass unverified, marked.
pub fn is_editor_save(path: &str) -> bool {
    let Some(rest) = path
        .strip_prefix("/admin/posts/")
        .or_else(|| path.strip_prefix("/admin/pages/"))
    else {
        return false;
    };
    rest == "new"
        || (!rest.is_empty() && rest.len() <= 10 && rest.bytes().all(|b| b.is_ascii_digit()))
}

/// `/posts/{slug}/comments`: the one form shown with a sessionless token.
fn is_comment_post(path: &str) -> bool {
    path.strip_prefix("/posts/")
        .and_then(|rest| rest.strip_suffix("/comments"))
        .is_some_and(|slug| !slug.is_empty() && !slug.contains('/'))
}

/// A user in the session, or a remember-me cookie that may log one in: such a request must
/// carry the session's own token. A stale remember-me cookie counts too, since it makes the
/// request look logged in.
fn carries_login(user_in_session: bool, remember_cookie: bool) -> bool {
    user_in_session || remember_cookie
}

/// The token of the reply form shown to a visitor who is not logged in (see `check`).
fn sessionless_token(secrets: &Secrets) -> String {
    format!("s{}", secrets.sign("sessionless form"))
}

/// The token the reply form carries: the session's when the visitor has a login (or a
/// session already), else the sessionless one, so reading an article sets no cookie. The
/// one rule for which token `check` accepts on the comment route.
pub fn reply_form_token(visitor: &Visitor, secrets: &Secrets) -> String {
    let session = &visitor.session;
    if carries_login(session.user_id().is_some(), visitor.has_remember_cookie) {
        return session.csrf_token();
    }
    session
        .existing_csrf_token()
        .unwrap_or_else(|| sessionless_token(secrets))
}

/// Origin (or, failing that, Referer) must name this site when the browser sends one.
fn comes_from_this_site(req: &ServiceRequest) -> bool {
    let ours = our_origins(req);
    let is_ours = |origin: &str| ours.iter().any(|o| o == origin);
    let headers = req.headers();
    if let Some(origin) = headers.get(header::ORIGIN) {
        return origin.to_str().is_ok_and(is_ours);
    }
    if let Some(referer) = headers.get(header::REFERER) {
        return referer
            .to_str()
            .ok()
            .and_then(origin_of)
            .is_some_and(|o| is_ours(&o));
    }
    true
}

/// The origins this site answers as: its public URL; the Host the browser asked for (a
/// cross-site page cannot choose it); and, only behind a proxy we were told to trust, the
/// forwarded scheme and host. Without that trust, `X-Forwarded-Host` is anyone's to set.
fn our_origins(req: &ServiceRequest) -> Vec<String> {
    let mut ours = Vec::with_capacity(4);
    if let Some(site) = req.app_data::<web::Data<SiteInfo>>()
        && let Some(origin) = origin_of(&site.public_url)
    {
        ours.push(origin);
    }
    if let Some(host) = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
    {
        let host = host.to_ascii_lowercase();
        ours.push(format!("http://{host}"));
        ours.push(format!("https://{host}"));
    }
    if req.app_data::<web::Data<TrustProxy>>().is_some_and(|t| t.0) {
        let info = req.connection_info();
        ours.push(format!("{}://{}", info.scheme(), info.host()).to_ascii_lowercase());
    }
    ours
}

/// `scheme://host[:port]` of a URL, lower-cased; `None` for anything else.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!scheme.is_empty() && !host.is_empty())
        .then(|| format!("{scheme}://{host}").to_ascii_lowercase())
}

fn header_token(req: &ServiceRequest) -> Option<String> {
    req.headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn is_form(req: &ServiceRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"))
}

fn is_multipart(req: &ServiceRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"))
}

async fn read_body(req: &mut ServiceRequest) -> Result<Bytes, AppError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let limit = form_limit(req.path());
    if declared.is_some_and(|n| n > limit) {
        return Err(AppError::PayloadTooLarge);
    }
    let mut payload = req.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn form_token(body: &[u8]) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(key, _)| key == FIELD)
        .map(|(_, value)| value.into_owned())
}

/// Puts a body that was read back, for the handler's own extractor.
fn payload_of(body: Bytes) -> Payload {
    let (_, mut payload) = actix_http::h1::Payload::create(true);
    payload.unread_data(body);
    Payload::from(payload)
}

#[cfg(test)]
mod tests {
    use super::form_token;

    #[test]
    fn only_the_editors_saves_pass_unverified() {
        assert!(super::is_editor_save("/admin/posts/new"));
        assert!(super::is_editor_save("/admin/pages/12"));
        assert!(!super::is_editor_save("/admin/posts/12/trash"));
        assert!(!super::is_editor_save("/admin/posts/"));
        assert!(!super::is_editor_save("/admin/settings"));
        assert!(!super::is_editor_save("/admin/posts/1x"));
    }

    #[test]
    fn only_the_reply_form_takes_the_sessionless_token() {
        assert!(super::is_comment_post("/posts/exosome/comments"));
        assert!(!super::is_comment_post("/posts//comments"));
        assert!(!super::is_comment_post("/posts/a/b/comments"));
        assert!(!super::is_comment_post("/cart/items"));
        assert!(!super::is_comment_post("/login"));
    }

    #[test]
    fn an_origin_is_the_scheme_and_host_of_a_url() {
        use super::origin_of;
        assert_eq!(
            origin_of("https://Glow.example/posts/x?a=1").as_deref(),
            Some("https://glow.example")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8080#x").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(origin_of("/posts/x"), None);
        assert_eq!(origin_of("null"), None);
        assert_eq!(origin_of("https://"), None);
    }

    #[test]
    fn the_token_is_found_among_other_fields() {
        assert_eq!(
            form_token(b"a=1&csrf_token=abc%2B&b=2").as_deref(),
            Some("abc+")
        );
        assert_eq!(form_token(b"a=1"), None);
        assert_eq!(form_token(b"\xff\xfe=\xff"), None);
    }
}
