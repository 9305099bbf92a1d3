//! "Lost your password?": a single-use link by email that expires after an hour.
//! The request page answers the same whether or not the address has an account.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;
use time::{Duration, PrimitiveDateTime};

use crate::accounts::users::{self, User};
use crate::accounts::visitor::Visitor;
use crate::accounts::{password, password_policy, remember, throttle};
use crate::db::schema::password_resets;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::mail::{Email, Mailer};
use crate::web::client::ClientAddr;
use crate::web::forms::{FieldErrors, Refusal, private_page, see_other, too_long};
use crate::web::layout::Layout;
use crate::web::tokens::{looks_like_token, new_token, token_hash};
use crate::web::{SiteInfo, dates};

const LINK_LIFETIME: Duration = Duration::hours(1);
#[derive(Deserialize, Default)]
pub struct RequestForm {
    #[serde(default)]
    login: String,
}

#[derive(Deserialize, Default)]
pub struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/forgot.html")]
struct RequestPage {
    layout: Layout,
    csrf_token: String,
    login: String,
    sent: bool,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "accounts/reset.html")]
struct ResetPage {
    layout: Layout,
    csrf_token: String,
    token: String,
    /// False: the link is unknown, used or expired.
    valid: bool,
    errors: FieldErrors,
}

pub async fn show_request(db: web::Data<Db>, visitor: Visitor) -> Result<HttpResponse, AppError> {
    let page = RequestPage {
        layout: Layout::for_visitor(&db, &visitor, "Lost your password?").await?,
        csrf_token: visitor.session.csrf_token(),
        login: String::new(),
        sent: false,
        errors: FieldErrors::default(),
    };
    private_page(StatusCode::OK, &page)
}

pub async fn submit_request(
    db: web::Data<Db>,
    mailer: web::Data<Mailer>,
    site: web::Data<SiteInfo>,
    visitor: Visitor,
    client: ClientAddr,
    form: web::Form<RequestForm>,
) -> Result<HttpResponse, AppError> {
    let login = form.into_inner().login;
    let mut errors = FieldErrors::default();
    if login.trim().is_empty() {
        errors.add("login", "Enter your username or email address.");
    } else if too_long(&login, 254) {
        errors.add(
            "login",
            "That is longer than any username or email address here.",
        );
    }
    if errors.is_empty() {
        let lookup = login.clone();
        let subjects = [
            format!("reset:{}", login.trim().to_lowercase()),
            format!("reset-address:{}", client.0),
        ]
        .map(|subject| throttle::Budget::new(subject, throttle::MAX_FAILURES, throttle::WINDOW));
        let found = db
            .write(move |conn| {
                // The same budget as logins, so nobody floods an inbox with links.
                let now = dates::now();
                if let Err(until) = throttle::begin_attempt(conn, &subjects, now)? {
                    return Err(AppError::TooManyRequests(format!(
                        "Several reset links were asked for already; please check your inbox \
                         (and spam folder), or ask again {}.",
                        throttle::wait_phrase(now, until)
                    )));
                }
                // A disabled account gets no link; the page says the same as for any other.
                let Some(user) = users::find_by_login(conn, &lookup)?.filter(|u| !u.is_disabled())
                else {
                    return Ok(None);
                };
                let token = create(conn, user.id, dates::now())?;
                Ok(Some((user, token)))
            })
            .await?;
        if let Some((user, token)) = found {
            // Sent in the background: the answer takes the same time either way.
            let email = reset_email(&user, &site.public_url, &token);
            mailer.send_in_background(email, "password reset");
        }
    }
    let refused = Refusal::unless_any(errors).err();
    let sent = refused.is_none();
    let refusal = refused.unwrap_or_default();
    let page = RequestPage {
        layout: Layout::for_visitor(&db, &visitor, "Lost your password?").await?,
        csrf_token: visitor.session.csrf_token(),
        sent,
        login,
        errors: refusal.fields,
    };
    private_page(refusal.status, &page)
}

/// A reset link for `user`, as "Lost your password?" sends it (the administrator's "Send
/// password reset link"): the token is stored, the mail is for the caller to send.
pub fn link_email(
    conn: &mut DbConn,
    user: &User,
    public_url: &str,
    now: PrimitiveDateTime,
) -> QueryResult<Email> {
    let token = create(conn, user.id, now)?;
    Ok(reset_email(user, public_url, &token))
}

/// Unused reset links of the account stop working (the account was disabled).
pub fn cancel_links(conn: &mut DbConn, user_id: i32) -> QueryResult<()> {
    diesel::delete(
        password_resets::table
            .filter(password_resets::user_id.eq(user_id))
            .filter(password_resets::used_at.is_null()),
    )
    .execute(conn)
    .map(drop)
}

fn reset_email(user: &User, public_url: &str, token: &str) -> Email {
    Email {
        to: user.email.clone(),
        subject: "Choose a new password".to_owned(),
        text: format!(
            "Hello {name},\n\nSomeone (hopefully you) asked to reset the password of the \
             account \"{username}\".\n\nTo choose a new password, open this link within the \
             next hour:\n\n{public_url}/reset-password?token={token}\n\nIf you did not ask \
             for this, ignore this email: your password stays as it is.\n",
            name = user.display_name,
            username = user.username,
        ),
    }
}

fn create(conn: &mut DbConn, user_id: i32, now: PrimitiveDateTime) -> QueryResult<String> {
    let token = new_token();
    diesel::delete(password_resets::table.filter(password_resets::expires_at.lt(now)))
        .execute(conn)?;
    diesel::insert_into(password_resets::table)
        .values((
            password_resets::user_id.eq(user_id),
            password_resets::token_hash.eq(token_hash(&token)),
            password_resets::expires_at.eq(now + LINK_LIFETIME),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The user a live (unused, unexpired) token belongs to.
fn live_token_user(
    conn: &mut DbConn,
    token: &str,
    now: PrimitiveDateTime,
) -> QueryResult<Option<i32>> {
    if !looks_like_token(token) {
        return Ok(None);
    }
    password_resets::table
        .filter(password_resets::token_hash.eq(token_hash(token)))
        .filter(password_resets::used_at.is_null())
        .filter(password_resets::expires_at.gt(now))
        .select(password_resets::user_id)
        .first(conn)
        .optional()
}

pub async fn show_reset(
    db: web::Data<Db>,
    visitor: Visitor,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    let token = query.into_inner().token.unwrap_or_default();
    let lookup = token.clone();
    let valid = db
        .run(move |conn| Ok(live_token_user(conn, &lookup, dates::now())?.is_some()))
        .await?;
    render_reset(&db, &visitor, token, valid, Refusal::default()).await
}

async fn render_reset(
    db: &Db,
    visitor: &Visitor,
    token: String,
    valid: bool,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    let status = if valid {
        refusal.status
    } else {
        StatusCode::GONE
    };
    let page = ResetPage {
        layout: Layout::for_visitor(db, visitor, "Choose a new password").await?,
        csrf_token: visitor.session.csrf_token(),
        token: if valid { token } else { String::new() },
        valid,
        errors: refusal.fields,
    };
    private_page(status, &page)
}

pub async fn submit_reset(
    db: web::Data<Db>,
    visitor: Visitor,
    form: web::Form<ResetForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let lookup = form.token.clone();
    let user = db
        .run(move |conn| {
            let Some(id) = live_token_user(conn, &lookup, dates::now())? else {
                return Ok(None);
            };
            Ok(users::find(conn, id)?.filter(|u| !u.is_disabled()))
        })
        .await?;
    let Some(user) = user else {
        return render_reset(&db, &visitor, form.token, false, Refusal::default()).await;
    };
    let mut errors = FieldErrors::default();
    if let Err(problem) = password_policy::check(&form.password, &user.username, &user.email) {
        errors.add("password", problem.message());
    } else if form.password != form.password_again {
        errors.add("password_again", "The two passwords do not match.");
    }
    if !errors.is_empty() {
        return render_reset(&db, &visitor, form.token, true, Refusal::fields(errors)).await;
    }
    let plain = form.password;
    let hash = password::hash_off_thread(plain).await?;
    let (token, id) = (form.token, user.id);
    let used = db
        .write(move |conn| {
            conn.write_transaction(|conn| {
                let now = dates::now();
                // Claims the token; a second submission of the same link finds it used.
                let claimed = diesel::update(
                    password_resets::table
                        .filter(password_resets::token_hash.eq(token_hash(&token)))
                        .filter(password_resets::used_at.is_null()),
                )
                .set(password_resets::used_at.eq(now))
                .execute(conn)?;
                if claimed == 0 {
                    return Ok(false);
                }
                users::set_password_hash(conn, id, &hash)?;
                diesel::delete(
                    password_resets::table
                        .filter(password_resets::user_id.eq(id))
                        .filter(password_resets::used_at.is_null()),
                )
                .execute(conn)?;
                remember::forget_all(conn, id)?;
                crate::accounts::grants::revoke_others(conn, id, None)?;
                // The owner proved it is theirs: failed logins no longer pause it.
                throttle::clear_account(conn, id)?;
                Ok(true)
            })
        })
        .await?;
    if !used {
        return render_reset(&db, &visitor, String::new(), false, Refusal::default()).await;
    }
    visitor
        .session
        .flash("Your password has been changed. Log in with your new password.");
    Ok(see_other("/login"))
}
