//! `/account`: the reader's own details. Three small forms, each re-rendering the page with
//! its message when it is refused.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::accounts::password::{self, Verified};
use crate::accounts::users::{self, User};
use crate::accounts::visitor::SignedIn;
use crate::accounts::{grants, password_policy, remember, throttle, validate};
use crate::db::Db;
use crate::error::AppError;
use crate::shop::orders::{self, OrderView};
use crate::web::client::ClientAddr;
use crate::web::dates;
use crate::web::forms::{FieldErrors, Refusal, private_page, see_other, too_long};
use crate::web::layout::{HeaderInfo, Layout};

#[derive(Deserialize, Default)]
pub struct ProfileForm {
    #[serde(default)]
    display_name: String,
}

#[derive(Deserialize, Default)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    current_password: String,
}

#[derive(Deserialize, Default)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_again: String,
}

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct AccountPage {
    layout: Layout,
    csrf_token: String,
    username: String,
    role: &'static str,
    member_since: String,
    display_name: String,
    email: String,
    errors: FieldErrors,
    orders: Vec<OrderView>,
}

/// What the forms show: the stored values, or what was just typed into a refused form.
#[derive(Default)]
struct Typed {
    display_name: Option<String>,
    email: Option<String>,
}

pub async fn show(db: web::Data<Db>, me: SignedIn) -> Result<HttpResponse, AppError> {
    render(&db, &me, Typed::default(), Refusal::default()).await
}

async fn render(
    db: &Db,
    me: &SignedIn,
    typed: Typed,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    let header = HeaderInfo::of(&me.visitor);
    let user_id = me.user.id;
    let (layout, orders) = db
        .run(move |conn| {
            let layout = Layout::load(conn, header, Some("Your account"))?.unindexed();
            Ok((layout, orders::of_user(conn, user_id)?))
        })
        .await?;
    let user = &me.user;
    let style = crate::web::dates::DateStyle::of(&layout.settings);
    private_page(
        refusal.status,
        &AccountPage {
            layout,
            csrf_token: me.visitor.session.csrf_token(),
            username: user.username.clone(),
            role: user.role().label(),
            member_since: style.date(user.created_at),
            display_name: typed
                .display_name
                .unwrap_or_else(|| user.display_name.clone()),
            email: typed.email.unwrap_or_else(|| user.email.clone()),
            errors: refusal.fields,
            orders: orders.iter().map(|o| OrderView::new(o, &style)).collect(),
        },
    )
}

pub async fn update_profile(
    db: web::Data<Db>,
    me: SignedIn,
    form: web::Form<ProfileForm>,
) -> Result<HttpResponse, AppError> {
    let name = form.into_inner().display_name;
    if let Err(message) = validate::display_name(&name) {
        let typed = Typed {
            display_name: Some(name),
            ..Typed::default()
        };
        return render(&db, &me, typed, Refusal::field("display_name", message)).await;
    }
    let id = me.user.id;
    db.write_content(move |conn| Ok(users::set_display_name(conn, id, &name)?))
        .await?;
    me.visitor.session.flash("Your name has been updated.");
    Ok(see_other("/account"))
}

/// Runs the password check on a blocking thread.
async fn password_is_right(user: &User, password: String) -> Result<bool, AppError> {
    let stored = user.password_hash.clone();
    let (verified, _) = password::verify_off_thread(password, stored).await?;
    Ok(!matches!(verified, Verified::No))
}

/// The "current password" check, throttled as logins are (the same budget for this account
/// and address, so a stolen session cannot guess the password): over the limit, a 429;
/// a right password forgives as a login does.
async fn current_password_is_right(
    db: &Db,
    me: &SignedIn,
    client: &ClientAddr,
    password: String,
) -> Result<bool, AppError> {
    if too_long(&password, 1024) {
        return Ok(false);
    }
    let budgets = throttle::subjects(Some(me.user.id), "", &client.0);
    let subject = budgets[0].subject.clone();
    let attempt = db
        .write(move |conn| {
            let now = dates::now();
            Ok(throttle::begin_attempt(conn, &budgets, now)?
                .map_err(|until| throttle::wait_phrase(now, until)))
        })
        .await?;
    let attempt_rows = match attempt {
        Ok(rows) => rows,
        Err(wait) => {
            return Err(AppError::TooManyRequests(format!(
                "There have been too many wrong passwords. For your safety, checking your \
                 current password is paused; please try again {wait}."
            )));
        }
    };
    if !password_is_right(&me.user, password).await? {
        // The attempt rows stay: they are the failure.
        return Ok(false);
    }
    db.write(move |conn| {
        throttle::forget(conn, &attempt_rows)?;
        throttle::clear(conn, &subject)?;
        Ok(())
    })
    .await?;
    Ok(true)
}

pub async fn update_email(
    db: web::Data<Db>,
    me: SignedIn,
    client: ClientAddr,
    form: web::Form<EmailForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    if let Err(message) = validate::email(&form.email) {
        errors.add("email", message);
    }
    if !current_password_is_right(&db, &me, &client, form.current_password.clone()).await? {
        errors.add(
            "email_password",
            "That is not your current password; your email address was not changed.",
        );
    }
    let (id, email) = (me.user.id, form.email.clone());
    if errors.is_empty() {
        let changed = db
            .write(move |conn| {
                if users::email_taken(conn, &email, Some(id))? {
                    return Ok(false);
                }
                match users::set_email(conn, id, &email) {
                    Ok(()) => Ok(true),
                    Err(e) if users::is_unique_violation(&e) => Ok(false),
                    Err(e) => Err(e.into()),
                }
            })
            .await?;
        if changed {
            me.visitor
                .session
                .flash("Your email address has been updated.");
            return Ok(see_other("/account"));
        }
        errors.add("email", "Another account already uses that email address.");
    }
    let typed = Typed {
        email: Some(form.email),
        ..Typed::default()
    };
    render(&db, &me, typed, Refusal::fields(errors)).await
}

pub async fn update_password(
    db: web::Data<Db>,
    me: SignedIn,
    client: ClientAddr,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    if !current_password_is_right(&db, &me, &client, form.current_password.clone()).await? {
        errors.add("current_password", "That is not your current password.");
    }
    if let Err(problem) =
        password_policy::check(&form.new_password, &me.user.username, &me.user.email)
    {
        errors.add("new_password", problem.message());
    } else if form.new_password != form.new_password_again {
        errors.add("new_password_again", "The two new passwords do not match.");
    }
    if !errors.is_empty() {
        return render(&db, &me, Typed::default(), Refusal::fields(errors)).await;
    }
    let plain = form.new_password;
    let hash = password::hash_off_thread(plain).await?;
    let (id, stored) = (me.user.id, hash.clone());
    let keep = me.visitor.session.grant();
    db.write(move |conn| {
        users::set_password_hash(conn, id, &stored)?;
        remember::forget_all(conn, id)?;
        grants::revoke_others(conn, id, keep.as_deref())?;
        Ok(())
    })
    .await?;
    me.visitor.session.refresh_password(&hash);
    me.visitor.session.flash(
        "Your password has been changed. Other browsers where you were logged in are logged out.",
    );
    Ok(see_other("/account"))
}
