//! The back office's front page: what waits for the editor, with links to it.

use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::accounts::users::Role;
use crate::accounts::visitor::RequireAuthor;
use crate::admin::menu::AdminMenu;
use crate::db::schema::{comments, orders, posts, products};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::web::dates;
use crate::web::forms::private_page;
use crate::web::layout::{HeaderInfo, Layout};

/// One count on the dashboard and where to act on it.
pub struct Tile {
    pub label: &'static str,
    pub count: i64,
    pub href: &'static str,
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardPage {
    layout: Layout,
    menu: AdminMenu,
    tiles: Vec<Tile>,
    is_editor: bool,
}

pub async fn show(db: web::Data<Db>, author: RequireAuthor) -> Result<HttpResponse, AppError> {
    let header = HeaderInfo::of(&author.visitor);
    let role = author.user.role();
    let user_id = author.user.id;
    let (layout, tiles) = db
        .run(move |conn| {
            let layout = Layout::load(conn, header, Some("Dashboard"))?;
            let low_stock = layout.settings.low_stock_threshold;
            let tiles = tiles(conn, role, user_id, low_stock)?;
            Ok((layout, tiles))
        })
        .await?;
    let page = DashboardPage {
        layout,
        menu: AdminMenu::new(role, "/admin"),
        tiles,
        is_editor: role.at_least(Role::Editor),
    };
    private_page(actix_web::http::StatusCode::OK, &page)
}

/// The counts `role` may act on; an author's are their own posts.
fn tiles(
    conn: &mut DbConn,
    role: Role,
    user_id: i32,
    low_stock_threshold: i64,
) -> QueryResult<Vec<Tile>> {
    let now = dates::now();
    let own_posts = || {
        let query = posts::table.filter(posts::kind.eq("post")).into_boxed();
        if role.at_least(Role::Editor) {
            query
        } else {
            query.filter(posts::author_id.eq(user_id))
        }
    };
    let drafts: i64 = own_posts()
        .filter(posts::status.eq("draft"))
        .select(count_star())
        .first(conn)?;
    let scheduled: i64 = own_posts()
        .filter(posts::status.eq("published"))
        .filter(posts::published_at.gt(now))
        .select(count_star())
        .first(conn)?;
    let mut tiles = vec![
        Tile {
            label: "Drafts",
            count: drafts,
            href: "/admin/posts?status=draft",
        },
        Tile {
            label: "Scheduled posts",
            count: scheduled,
            href: "/admin/posts?status=scheduled",
        },
    ];
    if !role.at_least(Role::Editor) {
        return Ok(tiles);
    }
    let pending: i64 = comments::table
        .filter(comments::status.eq("pending"))
        .select(count_star())
        .first(conn)?;
    let to_process: i64 = orders::table
        .filter(orders::status.eq("processing"))
        .select(count_star())
        .first(conn)?;
    let low: i64 = if low_stock_threshold > 0 {
        let threshold = i32::try_from(low_stock_threshold).unwrap_or(i32::MAX);
        products::table
            .filter(products::published.eq(true))
            .filter(products::stock.le(threshold))
            .select(count_star())
            .first(conn)?
    } else {
        0
    };
    tiles.extend([
        Tile {
            label: "Comments awaiting moderation",
            count: pending,
            href: "/admin/comments",
        },
        Tile {
            label: "Orders to process",
            count: to_process,
            href: "/admin/orders?status=processing",
        },
        Tile {
            label: "Products low in stock",
            count: low,
            href: "/admin/products?stock=low",
        },
    ]);
    Ok(tiles)
}
