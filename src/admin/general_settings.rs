//! Settings → General: site title, tagline, posts per page, registration and the role new
//! accounts get. Administrators only.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::accounts::users::Role;
use crate::accounts::visitor::RequireAdmin;
use crate::admin::menu::AdminMenu;
use crate::db::Db;
use crate::error::AppError;
use crate::settings;
use crate::web::forms::{FieldErrors, Refusal, private_page, see_other};
use crate::web::layout::Layout;

const FIELDS: [&str; 5] = [
    "site_title",
    "tagline",
    "posts_per_page",
    "users_can_register",
    "default_role",
];

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    layout: Layout,
    menu: AdminMenu,
    csrf_token: String,
    site_title: String,
    tagline: String,
    posts_per_page: String,
    users_can_register: bool,
    default_role: String,
    roles: Vec<(&'static str, &'static str)>,
    errors: FieldErrors,
}

pub async fn show(db: web::Data<Db>, admin: RequireAdmin) -> Result<HttpResponse, AppError> {
    let layout = Layout::for_visitor(&db, &admin.visitor, "General settings").await?;
    let current = layout.settings.clone();
    let typed = HashMap::from([
        ("site_title", current.site_title.clone()),
        ("tagline", current.tagline.clone()),
        ("posts_per_page", current.posts_per_page.to_string()),
        (
            "users_can_register",
            if current.users_can_register { "1" } else { "" }.to_owned(),
        ),
        ("default_role", current.default_role.as_str().to_owned()),
    ]);
    render(&admin, layout, typed, Refusal::default())
}

fn render(
    admin: &RequireAdmin,
    layout: Layout,
    mut typed: HashMap<&'static str, String>,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    let mut take = |key: &str| typed.remove(key).unwrap_or_default();
    let page = SettingsPage {
        csrf_token: admin.visitor.session.csrf_token(),
        site_title: take("site_title"),
        tagline: take("tagline"),
        posts_per_page: take("posts_per_page"),
        users_can_register: !take("users_can_register").is_empty(),
        default_role: take("default_role"),
        roles: [Role::Subscriber, Role::Author, Role::Editor]
            .into_iter()
            .map(|r| (r.as_str(), r.label()))
            .collect(),
        layout,
        menu: AdminMenu::new(admin.user.role(), "/admin/settings"),
        errors: refusal.fields,
    };
    private_page(refusal.status, &page)
}

pub async fn submit(
    db: web::Data<Db>,
    admin: RequireAdmin,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut typed = HashMap::new();
    let mut errors = FieldErrors::default();
    let mut valid = Vec::new();
    for key in FIELDS {
        let value = form.get(key).cloned().unwrap_or_default();
        // An unticked checkbox sends nothing.
        let value = if key == "users_can_register" && value.is_empty() {
            "0".to_owned()
        } else {
            value
        };
        match settings::validate(key, &value) {
            Ok(stored) => valid.push((key, stored)),
            Err(e) => errors.add(key, e.to_string()),
        }
        typed.insert(key, if value == "0" { String::new() } else { value });
    }
    if !errors.is_empty() {
        let layout = Layout::for_visitor(&db, &admin.visitor, "General settings").await?;
        return render(&admin, layout, typed, Refusal::fields(errors));
    }
    db.write(move |conn| {
        for (key, value) in &valid {
            settings::set(conn, key, value)?;
        }
        Ok(())
    })
    .await?;
    admin.visitor.session.flash("Settings saved.");
    Ok(see_other("/admin/settings"))
}
