//! What every page shares: the header (site title, navigation, account links, mini-cart)
//! and the footer. Loaded by the handler together with the page's own data.

use actix_web::HttpResponse;
use diesel::prelude::*;

use crate::accounts::users::Role;
use crate::db::DbConn;
use crate::db::schema::categories;
use crate::error::AppError;
use crate::settings::Settings;
use crate::web::static_files::STYLESHEET_URL;

pub struct NavLink {
    pub href: String,
    pub label: String,
}

/// The header's cart summary. Empty until the shop exists.
#[derive(Default)]
pub struct MiniCart {
    pub item_count: i64,
    pub subtotal: String,
}

/// What the header needs to know about who is looking. `Send`, unlike the session, so it
/// can travel into `Db::run` with the rest of the page.
#[derive(Default)]
pub struct HeaderInfo {
    /// Display name and role of the logged-in user.
    pub user: Option<(String, Role)>,
    /// A one-time notice from the previous request.
    pub notice: Option<String>,
    /// For the logout form; only logged-in visitors have one.
    pub csrf_token: Option<String>,
}

pub struct Layout {
    /// The `<title>`: page title, then site title.
    pub title: String,
    pub description: String,
    pub settings: Settings,
    pub nav: Vec<NavLink>,
    pub cart: MiniCart,
    pub stylesheet: &'static str,
    /// "Logged in as …"
    pub user_name: Option<String>,
    pub is_admin: bool,
    /// Editors and administrators: the header links the moderation queue.
    pub is_moderator: bool,
    pub notice: Option<String>,
    pub csrf_token: String,
}

impl Layout {
    /// Loads settings and navigation; `page_title` of `None` is the home page.
    pub fn load(
        conn: &mut DbConn,
        header: HeaderInfo,
        page_title: Option<&str>,
    ) -> Result<Layout, AppError> {
        let settings = Settings::load(conn)?;
        let categories: Vec<(String, String)> = categories::table
            .select((categories::slug, categories::name))
            .order(categories::name)
            .load(conn)?;
        let mut nav = vec![NavLink {
            href: "/".to_owned(),
            label: "Home".to_owned(),
        }];
        nav.extend(categories.into_iter().map(|(slug, name)| NavLink {
            href: format!("/category/{slug}"),
            label: name,
        }));
        Ok(Layout::from_settings(settings, header, page_title, nav))
    }

    fn from_settings(
        settings: Settings,
        header: HeaderInfo,
        page_title: Option<&str>,
        nav: Vec<NavLink>,
    ) -> Layout {
        let title = match page_title {
            Some(page) => format!("{page} – {}", settings.site_title),
            None => format!("{} – {}", settings.site_title, settings.tagline),
        };
        Layout {
            title,
            description: settings.tagline.clone(),
            settings,
            nav,
            cart: MiniCart {
                item_count: 0,
                subtotal: "$0.00".to_owned(),
            },
            stylesheet: STYLESHEET_URL.as_str(),
            is_admin: header
                .user
                .as_ref()
                .is_some_and(|(_, role)| *role == Role::Admin),
            is_moderator: header
                .user
                .as_ref()
                .is_some_and(|(_, role)| role.at_least(Role::Editor)),
            user_name: header.user.map(|(name, _)| name),
            notice: header.notice,
            csrf_token: header.csrf_token.unwrap_or_default(),
        }
    }

    /// For error pages rendered where the database may be what failed.
    pub fn fallback(page_title: &str) -> Layout {
        let home = NavLink {
            href: "/".to_owned(),
            label: "Home".to_owned(),
        };
        Layout::from_settings(
            Settings::default(),
            HeaderInfo::default(),
            Some(page_title),
            vec![home],
        )
    }

    pub fn with_description(mut self, description: &str) -> Layout {
        if !description.is_empty() {
            self.description = description.to_owned();
        }
        self
    }
}

/// The default service: no route matched.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// A 404 for missing static files, where a whole page would be wasted.
pub fn not_found_plain() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("Not found")
}
