//! Orders in the back office: every order, newest first, with its status (processing,
//! completed, cancelled). Cancelling returns the stock. Editors and administrators.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use crate::accounts::visitor::RequireEditor;
use crate::admin::menu::AdminMenu;
use crate::db::Db;
use crate::db::schema::order_items;
use crate::error::AppError;
use crate::shop::orders::{self, OrderView, Status};
use crate::web::forms::{private_page, see_other};
use crate::web::layout::{HeaderInfo, Layout};

/// The back office shows this many of the newest orders.
const SHOWN: i64 = 200;

pub struct OrderRow {
    pub id: i32,
    pub order: OrderView,
    pub items: String,
    pub status: &'static str,
    pub final_status: bool,
}

#[derive(Template)]
#[template(path = "admin/orders.html")]
struct OrdersPage {
    layout: Layout,
    menu: AdminMenu,
    csrf_token: String,
    rows: Vec<OrderRow>,
    statuses: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
}

pub async fn list(db: web::Data<Db>, editor: RequireEditor) -> Result<HttpResponse, AppError> {
    let header = HeaderInfo::of(&editor.visitor);
    let (layout, rows) = db
        .run(move |conn| {
            let layout = Layout::load(conn, header, Some("Orders"))?;
            let latest = orders::latest(conn, SHOWN)?;
            let style = crate::web::dates::DateStyle::of(&layout.settings);
            let ids: Vec<i32> = latest.iter().map(|o| o.id).collect();
            // One query for the lines of every order shown.
            let lines: Vec<(i32, String, i32)> = order_items::table
                .filter(order_items::order_id.eq_any(&ids))
                .order(order_items::id)
                .select((
                    order_items::order_id,
                    order_items::name,
                    order_items::quantity,
                ))
                .load(conn)?;
            let mut summaries: HashMap<i32, Vec<String>> = HashMap::new();
            for (order_id, name, quantity) in lines {
                summaries
                    .entry(order_id)
                    .or_default()
                    .push(format!("{quantity} × {name}"));
            }
            let rows = latest
                .iter()
                .map(|order| OrderRow {
                    id: order.id,
                    items: summaries.remove(&order.id).unwrap_or_default().join(", "),
                    status: order.status().as_str(),
                    final_status: order.status() == Status::Cancelled,
                    order: OrderView::new(order, &style),
                })
                .collect();
            Ok((layout, rows))
        })
        .await?;
    let page = OrdersPage {
        layout,
        menu: AdminMenu::new(editor.user.role(), "/admin/orders"),
        csrf_token: editor.visitor.session.csrf_token(),
        rows,
        statuses: Status::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
    };
    private_page(StatusCode::OK, &page)
}

pub async fn change_status(
    db: web::Data<Db>,
    editor: RequireEditor,
    id: web::Path<i32>,
    form: web::Form<StatusForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let status = Status::parse(&form.status).ok_or_else(|| {
        AppError::BadRequest(format!(
            "“{}” is not an order status.",
            form.status.chars().take(40).collect::<String>()
        ))
    })?;
    let changed = db
        .write(move |conn| Ok(orders::change_status(conn, id, status)?))
        .await?;
    let notice = match (changed, status) {
        (true, Status::Cancelled) => "Order cancelled; its items are back in stock.".to_owned(),
        (true, _) => format!("Order marked as {}.", status.label().to_lowercase()),
        (false, _) => "Nothing changed: a cancelled order stays cancelled.".to_owned(),
    };
    editor.visitor.session.flash(&notice);
    Ok(see_other("/admin/orders"))
}
