//! The first administrator: `glowpress create-admin` on the command line, or, while no
//! admin exists, a one-time link printed in the server log at start.

use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use crate::accounts::users::{self, NewUser, Role};
use crate::accounts::visitor::Visitor;
use crate::accounts::{password, password_policy, validate};
use crate::db::schema::settings;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::web::dates;
use crate::web::forms::{FieldErrors, Refusal, private_page, see_other};
use crate::web::layout::Layout;
use crate::web::tokens::{looks_like_token, new_token, token_hash};

/// Kept out of `settings::DEFINITIONS`: not a setting anyone edits.
const TOKEN_SETTING: &str = "setup_token_hash";

/// With no admin yet, makes a new setup token (replacing an older one) and returns it.
pub fn issue_token_if_needed(conn: &mut DbConn) -> anyhow::Result<Option<String>> {
    if users::admin_exists(conn)? {
        diesel::delete(settings::table.find(TOKEN_SETTING)).execute(conn)?;
        return Ok(None);
    }
    let token = new_token();
    conn.write_transaction(|conn| {
        diesel::delete(settings::table.find(TOKEN_SETTING)).execute(conn)?;
        diesel::insert_into(settings::table)
            .values((
                settings::key.eq(TOKEN_SETTING),
                settings::value.eq(token_hash(&token)),
            ))
            .execute(conn)
    })?;
    Ok(Some(token))
}

fn token_is_live(conn: &mut DbConn, token: &str) -> QueryResult<bool> {
    if !looks_like_token(token) || users::admin_exists(conn)? {
        return Ok(false);
    }
    let stored: Option<String> = settings::table
        .find(TOKEN_SETTING)
        .select(settings::value)
        .first(conn)
        .optional()?;
    Ok(stored.is_some_and(|hash| hash == token_hash(token)))
}

pub struct AdminFields {
    pub username: String,
    pub email: String,
    pub password: String,
    pub password_again: String,
}

pub fn check_fields(fields: &AdminFields) -> FieldErrors {
    let mut errors = FieldErrors::default();
    if let Err(message) = validate::username(&fields.username) {
        errors.add("username", message);
    }
    if let Err(message) = validate::email(&fields.email) {
        errors.add("email", message);
    }
    if let Err(problem) = password_policy::check(&fields.password, &fields.username, &fields.email)
    {
        errors.add("password", problem.message());
    } else if fields.password != fields.password_again {
        errors.add("password_again", "The two passwords do not match.");
    }
    errors
}

/// Inserts an administrator (blocking: hashes the password). Used by the CLI and the setup
/// page after their own checks.
pub fn insert_admin(conn: &mut DbConn, fields: &AdminFields) -> anyhow::Result<i32> {
    if users::username_taken(conn, &fields.username)? {
        anyhow::bail!("the username {} is taken", fields.username.trim());
    }
    if users::email_taken(conn, &fields.email, None)? {
        anyhow::bail!("an account already uses {}", fields.email.trim());
    }
    let hash = password::hash(&fields.password)?;
    let id = users::insert(
        conn,
        &NewUser {
            username: &fields.username,
            email: &fields.email,
            display_name: &fields.username,
            password_hash: &hash,
            role: Role::Admin,
        },
        dates::now(),
    )?;
    diesel::delete(settings::table.find(TOKEN_SETTING)).execute(conn)?;
    Ok(id)
}

#[derive(Deserialize, Default)]
pub struct SetupForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    email: String,
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
#[template(path = "accounts/setup.html")]
struct SetupPage {
    layout: Layout,
    csrf_token: String,
    token: String,
    username: String,
    email: String,
    errors: FieldErrors,
}

async fn render(
    db: &Db,
    visitor: &Visitor,
    form: SetupForm,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    let layout = Layout::for_visitor(db, visitor, "Create the administrator").await?;
    let page = SetupPage {
        layout,
        csrf_token: visitor.session.csrf_token(),
        token: form.token,
        username: form.username,
        email: form.email,
        errors: refusal.fields,
    };
    private_page(refusal.status, &page)
}

async fn require_live_token(db: &Db, token: &str) -> Result<(), AppError> {
    let token = token.to_owned();
    let live = db.run(move |conn| Ok(token_is_live(conn, &token)?)).await?;
    if live {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "This setup link is not valid: it was already used, or an administrator exists. \
             Ask the person who runs the server, or use `glowpress create-admin`."
                .to_owned(),
        ))
    }
}

pub async fn show(
    db: web::Data<Db>,
    visitor: Visitor,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    let token = query.into_inner().token.unwrap_or_default();
    require_live_token(&db, &token).await?;
    let form = SetupForm {
        token,
        ..SetupForm::default()
    };
    render(&db, &visitor, form, Refusal::default()).await
}

pub async fn submit(
    db: web::Data<Db>,
    visitor: Visitor,
    form: web::Form<SetupForm>,
) -> Result<HttpResponse, AppError> {
    let mut form = form.into_inner();
    require_live_token(&db, &form.token).await?;
    let fields = AdminFields {
        username: form.username.clone(),
        email: form.email.clone(),
        password: std::mem::take(&mut form.password),
        password_again: std::mem::take(&mut form.password_again),
    };
    let mut errors = check_fields(&fields);
    let (username, email) = (fields.username.clone(), fields.email.clone());
    let (username_taken, email_taken) = db
        .run(move |conn| {
            Ok((
                users::username_taken(conn, &username)?,
                users::email_taken(conn, &email, None)?,
            ))
        })
        .await?;
    if username_taken {
        errors.add("username", "That username is taken; please choose another.");
    }
    if email_taken {
        errors.add("email", "An account already uses that email address.");
    }
    if !errors.is_empty() {
        return render(&db, &visitor, form, Refusal::fields(errors)).await;
    }
    let user = db
        .write(move |conn| {
            let id = insert_admin(conn, &fields)?;
            Ok(users::find(conn, id)?)
        })
        .await?
        .ok_or(AppError::NotFound)?;
    crate::accounts::grants::sign_in(&db, &visitor.session, &user).await?;
    visitor
        .session
        .flash("Your administrator account is ready, and you are logged in.");
    Ok(see_other("/admin/settings"))
}
