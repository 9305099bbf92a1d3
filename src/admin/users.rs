//! People → Users: the accounts (search, filter by role, pages of them), and one account's
//! page: change its role, disable or enable it, send it a password reset link.
//! Administrators only; every change is a POST, and a refused one shows the page again.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::Deserialize;

use crate::accounts::grants;
use crate::accounts::reset;
use crate::accounts::users::{self, Role, User};
use crate::accounts::visitor::RequireAdmin;
use crate::admin::menu::AdminMenu;
use crate::db::schema::users as users_table;
use crate::db::{Db, DbConn, lower};
use crate::error::AppError;
use crate::mail::Mailer;
use crate::web::dates::{self, DateStyle};
use crate::web::forms::{FieldErrors, Refusal, private_page, see_other};
use crate::web::layout::{HeaderInfo, Layout};
use crate::web::{SiteInfo, url_encode};

pub const PER_PAGE: i64 = 20;
/// Longer searches are cut: no name or address here is longer.
const SEARCH_MAX: usize = 100;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/users", web::get().to(list))
        .route("/admin/users/{id}", web::get().to(show))
        .route("/admin/users/{id}/role", web::post().to(change_role))
        .route("/admin/users/{id}/disable", web::post().to(disable))
        .route("/admin/users/{id}/enable", web::post().to(enable))
        .route("/admin/users/{id}/reset", web::post().to(send_reset));
}

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    role: Option<String>,
    page: Option<String>,
}

pub struct UserRow {
    pub href: String,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub role: &'static str,
    pub registered: String,
    pub disabled: bool,
}

pub struct RoleFilter {
    pub href: String,
    pub label: &'static str,
    pub count: i64,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct ListPage {
    layout: Layout,
    menu: AdminMenu,
    search: String,
    role: String,
    filters: Vec<RoleFilter>,
    rows: Vec<UserRow>,
    total: i64,
    page: i64,
    pages: i64,
    older: Option<String>,
    newer: Option<String>,
}

/// `/admin/users?q=…&role=…&page=N` for the parts that are set.
fn list_href(search: &str, role: Option<Role>, page: i64) -> String {
    let mut parts = Vec::new();
    if !search.is_empty() {
        parts.push(format!("q={}", url_encode(search)));
    }
    if let Some(role) = role {
        parts.push(format!("role={}", role.as_str()));
    }
    if page > 1 {
        parts.push(format!("page={page}"));
    }
    match parts.is_empty() {
        true => "/admin/users".to_owned(),
        false => format!("/admin/users?{}", parts.join("&")),
    }
}

fn strict_role(text: &str) -> Option<Role> {
    Role::ALL.into_iter().find(|r| r.as_str() == text.trim())
}

/// `%text%` for LIKE, with the wildcards a person typed taken literally.
fn like_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// One page of the accounts matching `search` and `role`, newest first, with the number
/// matching: two queries.
fn matching(
    conn: &mut DbConn,
    search: &str,
    role: Option<Role>,
    page: i64,
) -> QueryResult<(Vec<User>, i64)> {
    let filtered = || {
        let mut query = users_table::table.into_boxed();
        if let Some(role) = role {
            query = query.filter(users_table::role.eq(role.as_str()));
        }
        if !search.is_empty() {
            let pattern = like_pattern(&search.to_lowercase());
            query = query.filter(
                lower(users_table::username)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(users_table::display_name)
                        .like(pattern.clone())
                        .escape('\\'))
                    .or(users_table::email_normalized.like(pattern).escape('\\')),
            );
        }
        query
    };
    let total: i64 = filtered().select(count_star()).first(conn)?;
    let rows = filtered()
        .order((users_table::created_at.desc(), users_table::id.desc()))
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
        .select(User::as_select())
        .load(conn)?;
    Ok((rows, total))
}

fn counts_by_role(conn: &mut DbConn) -> QueryResult<Vec<(String, i64)>> {
    users_table::table
        .group_by(users_table::role)
        .select((users_table::role, count_star()))
        .load(conn)
}

pub async fn list(
    db: web::Data<Db>,
    admin: RequireAdmin,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    // No control characters: PostgreSQL refuses NUL in text, and no name holds one.
    let search: String = query
        .q
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(SEARCH_MAX)
        .collect::<String>()
        .trim()
        .to_owned();
    let role = query.role.as_deref().and_then(strict_role);
    let page = query
        .page
        .and_then(|p| p.trim().parse::<i64>().ok())
        .unwrap_or(1)
        .clamp(1, 1_000_000);
    let header = HeaderInfo::of(&admin.visitor);
    let lookup = search.clone();
    let (layout, (users, total), counts) = db
        .run(move |conn| {
            let layout = Layout::load(conn, header, Some("Users"))?;
            let found = matching(conn, &lookup, role, page)?;
            Ok((layout, found, counts_by_role(conn)?))
        })
        .await?;
    let style = DateStyle::of(&layout.settings);
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let mut filters = vec![RoleFilter {
        href: list_href(&search, None, 1),
        label: "All",
        count: counts.iter().map(|(_, n)| n).sum(),
        current: role.is_none(),
    }];
    filters.extend(Role::ALL.into_iter().map(|r| {
        RoleFilter {
            href: list_href(&search, Some(r), 1),
            label: r.label(),
            count: counts
                .iter()
                .filter(|(stored, _)| Role::parse(stored) == r)
                .map(|(_, n)| n)
                .sum(),
            current: role == Some(r),
        }
    }));
    let rows = users
        .into_iter()
        .map(|u| UserRow {
            href: format!("/admin/users/{}", u.id),
            role: u.role().label(),
            registered: style.date(u.created_at),
            disabled: u.is_disabled(),
            username: u.username,
            display_name: u.display_name,
            email: u.email,
        })
        .collect();
    let page_view = ListPage {
        layout,
        menu: AdminMenu::new(admin.user.role(), "/admin/users"),
        role: role.map(|r| r.as_str().to_owned()).unwrap_or_default(),
        filters,
        rows,
        total,
        page,
        pages,
        older: (page > 1).then(|| list_href(&search, role, page - 1)),
        newer: (page < pages).then(|| list_href(&search, role, page + 1)),
        search,
    };
    private_page(StatusCode::OK, &page_view)
}

#[derive(Template)]
#[template(path = "admin/user.html")]
struct DetailPage {
    layout: Layout,
    menu: AdminMenu,
    csrf_token: String,
    id: i32,
    username: String,
    display_name: String,
    email: String,
    registered: String,
    disabled_since: Option<String>,
    is_self: bool,
    /// The role shown selected: the account's, or the one a refused form asked for.
    role: String,
    roles: Vec<(&'static str, &'static str)>,
    message: Option<String>,
    errors: FieldErrors,
}

/// `{id}` of the path, or a 404.
fn user_id(path: &str) -> Result<i32, AppError> {
    path.trim().parse().map_err(|_| AppError::NotFound)
}

async fn render(
    db: &Db,
    admin: &RequireAdmin,
    id: i32,
    typed_role: Option<String>,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    let header = HeaderInfo::of(&admin.visitor);
    let (layout, user) = db
        .run(move |conn| {
            let layout = Layout::load(conn, header, Some("Edit user"))?;
            let user = users::find(conn, id)?.ok_or(AppError::NotFound)?;
            Ok((layout, user))
        })
        .await?;
    let style = DateStyle::of(&layout.settings);
    let page = DetailPage {
        menu: AdminMenu::new(admin.user.role(), "/admin/users"),
        csrf_token: admin.visitor.session.csrf_token(),
        id: user.id,
        registered: style.date(user.created_at),
        disabled_since: user.disabled_at.map(|at| style.date_time(at)),
        is_self: user.id == admin.user.id,
        role: typed_role.unwrap_or_else(|| user.role().as_str().to_owned()),
        roles: Role::ALL
            .into_iter()
            .map(|r| (r.as_str(), r.label()))
            .collect(),
        username: user.username,
        display_name: user.display_name,
        email: user.email,
        layout,
        message: refusal.message,
        errors: refusal.fields,
    };
    private_page(refusal.status, &page)
}

pub async fn show(
    db: web::Data<Db>,
    admin: RequireAdmin,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = user_id(&path)?;
    render(&db, &admin, id, None, Refusal::default()).await
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

/// The site must keep an administrator: nobody demotes or disables themselves.
const KEEP_AN_ADMIN: &str = "You cannot change your own role: the site must keep an \
                             administrator. Another administrator can change it.";
const KEEP_YOURSELF: &str = "You cannot disable your own account: the site must keep an \
                             administrator. Another administrator can disable it.";

pub async fn change_role(
    db: web::Data<Db>,
    admin: RequireAdmin,
    path: web::Path<String>,
    form: web::Form<RoleForm>,
) -> Result<HttpResponse, AppError> {
    let id = user_id(&path)?;
    let typed = form.into_inner().role;
    let Some(role) = strict_role(&typed) else {
        let refusal = Refusal::field("role", "Choose one of the roles listed.");
        return render(&db, &admin, id, Some(typed), refusal).await;
    };
    if id == admin.user.id && role != Role::Admin {
        let refusal = Refusal::field("role", KEEP_AN_ADMIN);
        return render(&db, &admin, id, Some(typed), refusal).await;
    }
    let name = change_user(&db, id, move |conn, _| {
        diesel::update(users_table::table.find(id))
            .set(users_table::role.eq(role.as_str()))
            .execute(conn)
            .map(drop)
    })
    .await?;
    changed(&admin, id, &format!("{name} is now: {}.", role.label()))
}

/// Runs `change` on the account `id` in one transaction; returns its username (404 when
/// there is no such account).
async fn change_user(
    db: &Db,
    id: i32,
    change: impl FnOnce(&mut DbConn, &User) -> QueryResult<()> + Send + 'static,
) -> Result<String, AppError> {
    db.write_content(move |conn| {
        conn.write_transaction(|conn| {
            let user = users::find(conn, id)?.ok_or(AppError::NotFound)?;
            change(conn, &user)?;
            Ok::<_, AppError>(user.username)
        })
    })
    .await
}

/// Back to the account's page, saying what changed.
fn changed(admin: &RequireAdmin, id: i32, message: &str) -> Result<HttpResponse, AppError> {
    admin.visitor.session.flash(message);
    Ok(see_other(&format!("/admin/users/{id}")))
}

pub async fn disable(
    db: web::Data<Db>,
    admin: RequireAdmin,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = user_id(&path)?;
    if id == admin.user.id {
        let refusal = Refusal::bad_input(KEEP_YOURSELF);
        return render(&db, &admin, id, None, refusal).await;
    }
    let name = change_user(&db, id, move |conn, user| {
        if !user.is_disabled() {
            diesel::update(users_table::table.find(id))
                .set(users_table::disabled_at.eq(Some(dates::now())))
                .execute(conn)?;
        }
        // Its sessions end: the next request of any of them is logged out.
        grants::revoke_all(conn, id)?;
        reset::cancel_links(conn, id)
    })
    .await?;
    let message = format!("{name}'s account is disabled: it is logged out and cannot log in.");
    changed(&admin, id, &message)
}

pub async fn enable(
    db: web::Data<Db>,
    admin: RequireAdmin,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = user_id(&path)?;
    let name = change_user(&db, id, move |conn, _| {
        diesel::update(users_table::table.find(id))
            .set(users_table::disabled_at.eq(None::<time::PrimitiveDateTime>))
            .execute(conn)
            .map(drop)
    })
    .await?;
    changed(&admin, id, &format!("{name}'s account is enabled again."))
}

pub async fn send_reset(
    db: web::Data<Db>,
    mailer: web::Data<Mailer>,
    site: web::Data<SiteInfo>,
    admin: RequireAdmin,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = user_id(&path)?;
    let public_url = site.public_url.clone();
    let sent = db
        .write_content(move |conn| {
            let user = users::find(conn, id)?.ok_or(AppError::NotFound)?;
            if user.is_disabled() {
                return Ok(None);
            }
            let email = reset::link_email(conn, &user, &public_url, dates::now())?;
            Ok(Some(email))
        })
        .await?;
    let Some(email) = sent else {
        let refusal = Refusal::new(
            StatusCode::CONFLICT,
            "This account is disabled: enable it first, then send the link.",
        );
        return render(&db, &admin, id, None, refusal).await;
    };
    let message = format!(
        "A password reset link was sent to {}. It works for one hour.",
        email.to
    );
    mailer.send_in_background(email, "password reset");
    changed(&admin, id, &message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_wildcards_are_searched_for_literally() {
        assert_eq!(like_pattern("a_b%c"), "%a\\_b\\%c%");
        assert_eq!(like_pattern(""), "%%");
    }

    #[test]
    fn list_links_keep_the_search_and_the_filter() {
        assert_eq!(list_href("", None, 1), "/admin/users");
        assert_eq!(
            list_href("ana b&c", Some(Role::Editor), 3),
            "/admin/users?q=ana+b%26c&role=editor&page=3"
        );
        assert_eq!(strict_role("admin"), Some(Role::Admin));
        assert_eq!(strict_role("root"), None);
    }
}
