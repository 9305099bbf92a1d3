//! Registration, when the site's "Anyone can register" setting is on.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::accounts::users::{self, NewUser};
use crate::accounts::visitor::Visitor;
use crate::accounts::{password, password_policy, throttle, validate};
use crate::db::Db;
use crate::error::AppError;
use crate::settings::Settings;
use crate::web::client::ClientAddr;
use crate::web::forms::{FieldErrors, Refusal, private_page, see_other, too_long};
use crate::web::layout::Layout;
use crate::web::{dates, local_path};

#[derive(Deserialize, Default)]
pub struct RegisterForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
    #[serde(default)]
    redirect_to: String,
}

#[derive(Template)]
#[template(path = "accounts/register.html")]
struct RegisterPage {
    layout: Layout,
    csrf_token: String,
    form: RegisterForm,
    /// A refusal of the whole form (too many registrations from this address).
    error: Option<String>,
    errors: FieldErrors,
}

pub async fn show(db: web::Data<Db>, visitor: Visitor) -> Result<HttpResponse, AppError> {
    render(&db, &visitor, RegisterForm::default(), Refusal::default()).await
}

/// The form, or, with registration off, a page that says so (403 for a POST).
async fn render(
    db: &Db,
    visitor: &Visitor,
    mut form: RegisterForm,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    let status = refusal.status;
    let csrf_token = visitor.session.csrf_token();
    let layout = Layout::for_visitor(db, visitor, "Register").await?;
    let status = if layout.settings.users_can_register {
        status
    } else if status == StatusCode::OK {
        StatusCode::OK
    } else {
        StatusCode::FORBIDDEN
    };
    form.password.clear();
    form.password_again.clear();
    private_page(
        status,
        &RegisterPage {
            layout,
            csrf_token,
            form,
            error: refusal.message,
            errors: refusal.fields,
        },
    )
}

pub async fn submit(
    db: web::Data<Db>,
    visitor: Visitor,
    client: ClientAddr,
    form: web::Form<RegisterForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = check_fields(&form);
    let (username, email) = (form.username.clone(), form.email.clone());
    let settings_and_taken = db
        .run(move |conn| {
            let settings = Settings::load(conn)?;
            let username_taken = users::username_taken(conn, &username)?;
            let email_taken = users::email_taken(conn, &email, None)?;
            Ok((settings, username_taken, email_taken))
        })
        .await?;
    let (settings, username_taken, email_taken) = settings_and_taken;
    if !settings.users_can_register {
        let refusal = Refusal::default().with_status(StatusCode::FORBIDDEN);
        return render(&db, &visitor, form, refusal).await;
    }
    if username_taken {
        errors.add("username", "That username is taken; please choose another.");
    }
    if email_taken {
        errors.add(
            "email",
            "That email address already has an account. Log in, or reset your password.",
        );
    }
    if !errors.is_empty() {
        return render(&db, &visitor, form, Refusal::fields(errors)).await;
    }

    // Counted only for a form that would create an account; a refusal does not lengthen it.
    let budget = [throttle::registrations(&client.0)];
    let attempt = db
        .write(move |conn| {
            let now = dates::now();
            Ok(throttle::begin_attempt(conn, &budget, now)?
                .map_err(|until| throttle::wait_phrase(now, until)))
        })
        .await?;
    let attempt_rows = match attempt {
        Ok(rows) => rows,
        Err(wait) => {
            let error = format!(
                "Too many accounts were registered from your network in the last hour; \
                 please try again {wait}."
            );
            let refusal = Refusal::new(StatusCode::TOO_MANY_REQUESTS, error);
            return render(&db, &visitor, form, refusal).await;
        }
    };

    let plain = form.password.clone();
    let hash = password::hash_off_thread(plain).await?;
    let role = settings.default_role;
    let (username, email) = (form.username.clone(), form.email.clone());
    let created = db
        .write(move |conn| {
            let new = NewUser {
                username: &username,
                email: &email,
                display_name: &username,
                password_hash: &hash,
                role,
            };
            match users::insert(conn, &new, dates::now()) {
                Ok(id) => Ok(users::find(conn, id)?),
                Err(e) if users::is_unique_violation(&e) => {
                    // No account was made: the attempt does not count.
                    throttle::forget(conn, &attempt_rows)?;
                    Ok(None)
                }
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    let Some(user) = created else {
        // Taken between the check and the insert.
        let mut errors = FieldErrors::default();
        errors.add("username", "That username or email address was just taken.");
        let refusal = Refusal::fields(errors).with_status(StatusCode::CONFLICT);
        return render(&db, &visitor, form, refusal).await;
    };
    crate::shop::adopt_guest_cart(&db, &visitor.session, user.id).await?;
    crate::accounts::grants::sign_in(&db, &visitor.session, &user).await?;
    visitor.session.flash(&format!(
        "Welcome, {}! Your account is ready.",
        user.display_name
    ));
    let target = local_path(&form.redirect_to).unwrap_or_else(|| "/account".to_owned());
    Ok(see_other(&target))
}

fn check_fields(form: &RegisterForm) -> FieldErrors {
    let mut errors = FieldErrors::default();
    if let Err(message) = validate::username(&form.username) {
        errors.add("username", message);
    }
    if let Err(message) = validate::email(&form.email) {
        errors.add("email", message);
    }
    if let Err(problem) = password_policy::check(&form.password, &form.username, &form.email) {
        errors.add("password", problem.message());
    } else if form.password != form.password_again {
        errors.add("password_again", "The two passwords do not match.");
    }
    if too_long(&form.redirect_to, 2000) {
        errors.add("username", "The form was malformed; please try again.");
    }
    errors
}
