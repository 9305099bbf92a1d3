//! Logging in (by username or email) and out.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::accounts::password::{self, Verified};
use crate::accounts::users::{self, User};
use crate::accounts::visitor::Visitor;
use crate::accounts::{remember, throttle};
use crate::db::Db;
use crate::error::AppError;
use crate::posts::editor::EditorForm;
use crate::web::client::ClientAddr;
use crate::web::forms::{FieldErrors, Refusal, private_page, see_other, too_long};
use crate::web::layout::Layout;
use crate::web::{SiteInfo, dates, local_path};

const BAD_CREDENTIALS: &str =
    "The username, email address or password is not right. Check them and try again.";
/// Said only to someone who typed the account's right password.
const DISABLED: &str = "This account is disabled.";

/// Said on the login page that holds an editor's unsaved draft.
pub const SESSION_EXPIRED: &str =
    "Your session expired. Log in again to get your draft back; it has not been saved yet.";

/// The prefix of the hidden fields that carry an editor's draft through the login form.
const DRAFT_PREFIX: &str = "draft_";

#[derive(Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    remember: Option<String>,
    #[serde(default)]
    redirect_to: String,
    /// The editor a draft was sent to (see `session_expired`), with the draft's fields as
    /// `draft_title`, `draft_body` …
    #[serde(default)]
    draft_for: String,
    #[serde(flatten)]
    others: std::collections::HashMap<String, String>,
}

impl LoginForm {
    /// The draft this login carries, if it names an editor.
    fn draft(&self) -> Option<(String, EditorForm)> {
        if !crate::web::csrf::is_editor_save(&self.draft_for) {
            return None;
        }
        let pairs = self
            .others
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix(DRAFT_PREFIX)?, v.as_str())));
        Some((self.draft_for.clone(), EditorForm::from_draft(pairs)))
    }
}

#[derive(Deserialize)]
pub struct RedirectQuery {
    redirect_to: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    layout: Layout,
    csrf_token: String,
    login: String,
    remember: bool,
    redirect_to: String,
    error: Option<String>,
    errors: FieldErrors,
    /// The editor the draft belongs to; empty without a draft.
    draft_for: String,
    draft: Vec<(&'static str, String)>,
}

pub async fn show(
    db: web::Data<Db>,
    visitor: Visitor,
    query: web::Query<RedirectQuery>,
) -> Result<HttpResponse, AppError> {
    let redirect_to = query
        .redirect_to
        .as_deref()
        .and_then(local_path)
        .unwrap_or_default();
    if visitor.user.is_some() && !redirect_to.is_empty() {
        return Ok(see_other(&redirect_to));
    }
    let form = LoginForm {
        redirect_to,
        ..LoginForm::default()
    };
    render(&db, &visitor, form, Refusal::default()).await
}

async fn render(
    db: &Db,
    visitor: &Visitor,
    form: LoginForm,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    let csrf_token = visitor.session.csrf_token();
    let layout = Layout::for_visitor(db, visitor, "Log in").await?;
    let (draft_for, draft) = match form.draft() {
        Some((path, draft)) => (path, draft.draft_pairs()),
        None => (String::new(), Vec::new()),
    };
    let page = LoginPage {
        layout,
        csrf_token,
        login: form.login,
        remember: form.remember.is_some(),
        redirect_to: form.redirect_to,
        error: refusal.message,
        errors: refusal.fields,
        draft_for,
        draft,
    };
    private_page(refusal.status, &page)
}

/// An editor's save that came without a live session (`path` is the editor's address): the
/// login page (401) with the typed fields in hidden inputs, so logging in brings them back.
/// Nothing is saved, now or at the login.
pub async fn session_expired(
    db: &Db,
    visitor: &Visitor,
    path: &str,
    draft: &EditorForm,
) -> Result<HttpResponse, AppError> {
    let others = draft
        .draft_pairs()
        .into_iter()
        .map(|(name, value)| (format!("{DRAFT_PREFIX}{name}"), value))
        .collect();
    let form = LoginForm {
        login: visitor
            .user
            .as_ref()
            .map(|u| u.username.clone())
            .unwrap_or_default(),
        redirect_to: path.to_owned(),
        draft_for: path.to_owned(),
        others,
        ..LoginForm::default()
    };
    let refusal = Refusal::new(StatusCode::UNAUTHORIZED, SESSION_EXPIRED);
    render(db, visitor, form, refusal).await
}

pub async fn submit(
    db: web::Data<Db>,
    site: web::Data<SiteInfo>,
    visitor: Visitor,
    client: ClientAddr,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let mut form = form.into_inner();
    form.redirect_to = local_path(&form.redirect_to).unwrap_or_default();
    let mut errors = FieldErrors::default();
    if form.login.trim().is_empty() {
        errors.add("login", "Enter your username or email address.");
    } else if too_long(&form.login, 254) {
        errors.add(
            "login",
            "That is longer than any username or email address here.",
        );
    }
    if form.password.is_empty() {
        errors.add("password", "Enter your password.");
    } else if too_long(&form.password, 1024) {
        errors.add(
            "password",
            "That password is longer than any password here.",
        );
    }
    if !errors.is_empty() {
        return render(&db, &visitor, form, Refusal::fields(errors)).await;
    }

    let (login, address) = (form.login.clone(), client.0.clone());
    let (user, subjects, attempt) = db
        .write(move |conn| {
            let now = dates::now();
            let user = users::find_by_login(conn, &login)?;
            let subjects = throttle::subjects(user.as_ref().map(|u| u.id), &login, &address);
            let attempt = throttle::begin_attempt(conn, &subjects, now)?
                .map_err(|until| throttle::wait_phrase(now, until));
            Ok((user, subjects, attempt))
        })
        .await?;
    let attempt_rows = match attempt {
        Ok(rows) => rows,
        Err(wait) => {
            return Err(AppError::TooManyRequests(format!(
                "There have been too many failed attempts to log in. For your safety, logging \
                 in is paused; please try again {wait}, or reset your password."
            )));
        }
    };

    let password = std::mem::take(&mut form.password);
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let verified = password::verify_off_thread(password, stored).await?;

    let (user, rehash) = match (user, verified) {
        (Some(user), (Verified::Yes | Verified::YesButRehash, rehash)) => (user, rehash),
        _ => {
            // The attempt rows stay: they are the failure.
            let refusal = Refusal::new(StatusCode::UNAUTHORIZED, BAD_CREDENTIALS);
            return render(&db, &visitor, form, refusal).await;
        }
    };
    if user.is_disabled() {
        // Only the right password learns this; the attempt still counts as a failure.
        let refusal = Refusal::new(StatusCode::FORBIDDEN, DISABLED);
        return render(&db, &visitor, form, refusal).await;
    }
    let remember_me = form.remember.is_some();
    let signed_in = user.clone();
    let token = finish_login(
        &db,
        &visitor,
        user,
        rehash,
        remember_me,
        (&subjects[0].subject, attempt_rows),
    )
    .await?;
    // A draft comes back in the editor, unsaved: a forged login POST must not make anyone
    // save text.
    if let Some((path, draft)) = form.draft() {
        let visitor = Visitor {
            user: Some(signed_in),
            session: visitor.session.clone(),
            has_remember_cookie: visitor.has_remember_cookie,
        };
        visitor.session.take_flash();
        let mut response = crate::admin::posts::rescued_draft(&db, &visitor, &path, draft).await?;
        if let Some(token) = token {
            response
                .add_cookie(&remember::cookie(token, site.secure_cookies))
                .map_err(|e| AppError::Internal(anyhow::anyhow!("cannot set a cookie: {e}")))?;
        }
        return Ok(response);
    }
    let target = if form.redirect_to.is_empty() {
        "/"
    } else {
        &form.redirect_to
    };
    let mut response = HttpResponse::SeeOther();
    response.insert_header((header::LOCATION, target));
    if let Some(token) = token {
        response.cookie(remember::cookie(token, site.secure_cookies));
    }
    Ok(response.finish())
}

/// Stores a fresh hash if needed, forgives the account's failures and renews the session.
/// Returns the remember-me token, if one was asked for.
async fn finish_login(
    db: &Db,
    visitor: &Visitor,
    mut user: User,
    rehash: Option<String>,
    remember_me: bool,
    (account_subject, attempt_rows): (&str, Vec<i32>),
) -> Result<Option<String>, AppError> {
    let (id, subject) = (user.id, account_subject.to_owned());
    let new_hash = rehash.clone();
    let token = db
        .write(move |conn| {
            if let Some(hash) = &new_hash {
                users::set_password_hash(conn, id, hash)?;
            }
            throttle::forget(conn, &attempt_rows)?;
            throttle::clear(conn, &subject)?;
            Ok(if remember_me {
                Some(remember::create(conn, id, dates::now())?)
            } else {
                None
            })
        })
        .await?;
    if let Some(hash) = rehash {
        user.password_hash = Some(hash);
    }
    crate::shop::adopt_guest_cart(db, &visitor.session, user.id).await?;
    crate::accounts::grants::sign_in(db, &visitor.session, &user).await?;
    visitor
        .session
        .flash(&format!("Welcome back, {}.", user.display_name));
    Ok(token)
}

pub async fn logout(
    req: HttpRequest,
    db: web::Data<Db>,
    site: web::Data<SiteInfo>,
    visitor: Visitor,
) -> Result<HttpResponse, AppError> {
    if let Some(cookie) = req.cookie(remember::COOKIE) {
        let token = cookie.value().to_owned();
        db.write(move |conn| Ok(remember::forget(conn, &token)?))
            .await?;
    }
    crate::accounts::grants::sign_out(&db, &visitor.session).await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/"))
        .cookie(remember::removal_cookie(site.secure_cookies))
        .finish())
}
