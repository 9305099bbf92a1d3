//! Orders in the back office: the list (status filter, search by reference, name or email,
//! pages of 25) and one order's page (lines, totals, address, status change). A status
//! change mails the customer; cancelling returns the stock. Editors and administrators.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::Deserialize;

use crate::accounts::visitor::RequireEditor;
use crate::admin::menu::AdminMenu;
use crate::db::schema::{order_items, orders as orders_table};
use crate::db::{Backend, Db, DbConn, lower};
use crate::error::AppError;
use crate::mail::Mailer;
use crate::settings::Settings;
use crate::shop::orders::{self, Order, OrderItemView, OrderView, Status};
use crate::web::SiteInfo;
use crate::web::dates::DateStyle;
use crate::web::forms::{private_page, see_other};
use crate::web::layout::{HeaderInfo, Layout};
use crate::web::session::Secrets;

/// Orders per page of the list.
const PER_PAGE: i64 = 25;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    q: String,
    page: Option<i64>,
}

pub struct OrderRow {
    pub id: i32,
    pub order: OrderView,
    pub items: String,
}

pub struct Filter {
    pub label: &'static str,
    pub href: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "admin/orders.html")]
struct OrdersPage {
    layout: Layout,
    menu: AdminMenu,
    rows: Vec<OrderRow>,
    filters: Vec<Filter>,
    status: String,
    q: String,
    total: i64,
    page: i64,
    pages: i64,
    previous: Option<String>,
    next: Option<String>,
}

/// The list's address with these parameters.
fn list_url(status: &str, q: &str, page: i64) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if !status.is_empty() {
        query.append_pair("status", status);
    }
    if !q.is_empty() {
        query.append_pair("q", q);
    }
    if page > 1 {
        query.append_pair("page", &page.to_string());
    }
    let query = query.finish();
    if query.is_empty() {
        "/admin/orders".to_owned()
    } else {
        format!("/admin/orders?{query}")
    }
}

type BoxedOrders<'a> = orders_table::BoxedQuery<'a, Backend>;

/// The orders matching the filter and search: by status, and by reference (the start of
/// the public id), name or email.
fn matching<'a>(status: Option<Status>, q: &str) -> BoxedOrders<'a> {
    let mut query = orders_table::table.into_boxed();
    if let Some(status) = status {
        query = query.filter(orders_table::status.eq(status.as_str()));
    }
    if !q.is_empty() {
        let lowered = q.to_lowercase();
        let reference = format!("{}%", lowered.trim_start_matches('#'));
        let anywhere = format!("%{lowered}%");
        query = query.filter(
            orders_table::public_id
                .like(reference)
                .or(lower(orders_table::name).like(anywhere.clone()))
                .or(lower(orders_table::email).like(anywhere)),
        );
    }
    query
}

pub async fn list(
    db: web::Data<Db>,
    editor: RequireEditor,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let status = Status::parse(&query.status);
    let status_key = status.map(Status::as_str).unwrap_or_default().to_owned();
    let q: String = query.q.trim().chars().take(100).collect();
    let page = query.page.unwrap_or(1).clamp(1, 100_000);
    let header = HeaderInfo::of(&editor.visitor);
    let search = q.clone();
    let (layout, total, found, summaries) = db
        .run(move |conn| {
            let layout = Layout::load(conn, header, Some("Orders"))?;
            let total: i64 = matching(status, &search).select(count_star()).first(conn)?;
            let found: Vec<Order> = matching(status, &search)
                .order((orders_table::created_at.desc(), orders_table::id.desc()))
                .limit(PER_PAGE)
                .offset((page - 1) * PER_PAGE)
                .select(Order::as_select())
                .load(conn)?;
            let summaries = line_summaries(conn, &found)?;
            Ok((layout, total, found, summaries))
        })
        .await?;
    let style = DateStyle::of(&layout.settings);
    let mut summaries = summaries;
    let rows = found
        .iter()
        .map(|order| OrderRow {
            id: order.id,
            items: summaries.remove(&order.id).unwrap_or_default().join(", "),
            order: OrderView::new(order, &style),
        })
        .collect();
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let mut filters = vec![Filter {
        label: "All",
        href: list_url("", &q, 1),
        current: status.is_none(),
    }];
    filters.extend(Status::ALL.iter().map(|s| Filter {
        label: s.label(),
        href: list_url(s.as_str(), &q, 1),
        current: status == Some(*s),
    }));
    let page_view = OrdersPage {
        layout,
        menu: AdminMenu::new(editor.user.role(), "/admin/orders"),
        rows,
        filters,
        previous: (page > 1).then(|| list_url(&status_key, &q, page - 1)),
        next: (page < pages).then(|| list_url(&status_key, &q, page + 1)),
        status: status_key,
        q,
        total,
        page,
        pages,
    };
    private_page(StatusCode::OK, &page_view)
}

/// "2 × Serum, 1 × Cream" for each order, in one query.
fn line_summaries(conn: &mut DbConn, shown: &[Order]) -> QueryResult<HashMap<i32, Vec<String>>> {
    let ids: Vec<i32> = shown.iter().map(|o| o.id).collect();
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
    Ok(summaries)
}

#[derive(Template)]
#[template(path = "admin/order.html")]
struct OrderPage {
    layout: Layout,
    menu: AdminMenu,
    csrf_token: String,
    id: i32,
    order: OrderView,
    items: Vec<OrderItemView>,
    status: &'static str,
    cancelled: bool,
    statuses: Vec<(&'static str, &'static str)>,
}

pub async fn show(
    db: web::Data<Db>,
    editor: RequireEditor,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let header = HeaderInfo::of(&editor.visitor);
    let (layout, order, items) = db
        .run(move |conn| {
            let order: Order = orders_table::table
                .find(id)
                .select(Order::as_select())
                .first(conn)
                .optional()?
                .ok_or(AppError::NotFound)?;
            let items = orders::items_of(conn, id)?;
            Ok((Layout::load(conn, header, None)?, order, items))
        })
        .await?;
    let view = OrderView::new(&order, &DateStyle::of(&layout.settings));
    let title = format!("Order {}", view.reference());
    let page = OrderPage {
        layout: layout.titled(&title),
        menu: AdminMenu::new(editor.user.role(), "/admin/orders"),
        csrf_token: editor.visitor.session.csrf_token(),
        id,
        items: items
            .iter()
            .map(|item| OrderItemView::new(item, order.currency()))
            .collect(),
        order: view,
        status: order.status().as_str(),
        cancelled: order.status() == Status::Cancelled,
        statuses: Status::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
    };
    private_page(StatusCode::OK, &page)
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
}

pub async fn change_status(
    db: web::Data<Db>,
    mailer: web::Data<Mailer>,
    site: web::Data<SiteInfo>,
    secrets: web::Data<Secrets>,
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
        .write_content(move |conn| {
            let exists = orders_table::table
                .find(id)
                .select(orders_table::id)
                .first::<i32>(conn)
                .optional()?
                .is_some();
            if !exists {
                return Err(AppError::NotFound);
            }
            Ok(orders::change_status(conn, id, status)?)
        })
        .await?;
    let notice = match (changed, status) {
        (true, Status::Cancelled) => {
            "Order cancelled; its items are back in stock. The customer has been emailed."
                .to_owned()
        }
        (true, _) => format!(
            "Order marked as {}. The customer has been emailed.",
            status.label().to_lowercase()
        ),
        (false, _) => "Nothing changed: a cancelled order stays cancelled, and the status was \
                       already that."
            .to_owned(),
    };
    if changed {
        tell_customer(&db, &mailer, &site, &secrets, id).await;
    }
    editor.visitor.session.flash(&notice);
    Ok(see_other(&format!("/admin/orders/{id}")))
}

/// Mails the customer the order's new status, in the background.
async fn tell_customer(db: &Db, mailer: &Mailer, site: &SiteInfo, secrets: &Secrets, id: i32) {
    let loaded = db
        .run(move |conn| {
            let order: Order = orders_table::table
                .find(id)
                .select(Order::as_select())
                .first(conn)?;
            let items = orders::items_of(conn, id)?;
            Ok((order, items, Settings::load(conn)?))
        })
        .await;
    match loaded {
        Ok((order, items, settings)) => {
            let email = orders::status_email(
                &order,
                &items,
                &settings.site_title,
                &orders::email_link(&site.public_url, &order, secrets),
                &DateStyle::of(&settings),
            );
            mailer.send_in_background(email, "order status");
        }
        Err(e) => tracing::error!(error = %e, "cannot load the order to mail its status"),
    }
}

#[cfg(test)]
mod tests {
    use super::list_url;

    #[test]
    fn list_addresses_keep_the_filter_and_search() {
        assert_eq!(list_url("", "", 1), "/admin/orders");
        assert_eq!(
            list_url("processing", "ann b", 2),
            "/admin/orders?status=processing&q=ann+b&page=2"
        );
    }
}
