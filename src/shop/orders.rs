//! Orders: the model, the queries the account and back-office pages use, status changes
//! (cancelling returns the stock), the confirmation email and `/orders/{id}`, which only its
//! owner may see: the user who placed it, or the guest session that did.

use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::accounts::visitor::Visitor;
use crate::db::schema::{order_items, orders};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::mail::Email;
use crate::shop::money::{Cents, Currency};
use crate::shop::{coupons, products};
use crate::web::dates::DateStyle;
use crate::web::forms::private_page;
use crate::web::layout::{HeaderInfo, Layout};
use crate::web::session::Secrets;
use crate::web::tokens::token_hash;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Processing,
    Completed,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Processing, Status::Completed, Status::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Processing => "processing",
            Status::Completed => "completed",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Processing => "Processing",
            Status::Completed => "Completed",
            Status::Cancelled => "Cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = orders)]
pub struct Order {
    pub id: i32,
    pub public_id: String,
    pub user_id: Option<i32>,
    pub owner_token_hash: Option<String>,
    pub status: String,
    pub name: String,
    pub email: String,
    pub shipping_address: String,
    pub coupon_code: Option<String>,
    pub subtotal_cents: i64,
    pub shipping_cents: i64,
    pub discount_cents: i64,
    pub total_cents: i64,
    pub created_at: PrimitiveDateTime,
    /// The ISO code of the currency its amounts are in.
    pub currency: String,
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = order_items)]
pub struct OrderItem {
    pub product_id: Option<i32>,
    pub name: String,
    pub sku: String,
    pub unit_price_cents: i64,
    pub quantity: i32,
}

impl Order {
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Processing)
    }

    /// The currency it was placed in.
    pub fn currency(&self) -> Currency {
        Currency::from_code(&self.currency)
    }

    /// Whether it was placed by this user, or by a guest in the session whose cart token
    /// hashes to `session_token_hash`.
    pub fn is_owned_by(&self, user_id: Option<i32>, session_token_hash: Option<&str>) -> bool {
        let by_user = user_id.is_some() && self.user_id == user_id;
        let by_session =
            session_token_hash.is_some() && self.owner_token_hash.as_deref() == session_token_hash;
        by_user || by_session
    }
}

pub struct NewOrder<'a> {
    pub public_id: &'a str,
    pub user_id: Option<i32>,
    pub owner_token_hash: Option<&'a str>,
    pub idempotency_key: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub shipping_address: &'a str,
    pub coupon_code: Option<&'a str>,
    pub subtotal: Cents,
    pub shipping: Cents,
    pub discount: Cents,
    pub total: Cents,
    pub currency: Currency,
}

pub fn insert(conn: &mut DbConn, new: &NewOrder, now: PrimitiveDateTime) -> QueryResult<i32> {
    diesel::insert_into(orders::table)
        .values((
            orders::public_id.eq(new.public_id),
            orders::user_id.eq(new.user_id),
            orders::owner_token_hash.eq(new.owner_token_hash),
            orders::idempotency_key.eq(new.idempotency_key),
            orders::status.eq(Status::Processing.as_str()),
            orders::name.eq(new.name),
            orders::email.eq(new.email),
            orders::shipping_address.eq(new.shipping_address),
            orders::coupon_code.eq(new.coupon_code),
            orders::subtotal_cents.eq(new.subtotal.0),
            orders::shipping_cents.eq(new.shipping.0),
            orders::discount_cents.eq(new.discount.0),
            orders::total_cents.eq(new.total.0),
            orders::created_at.eq(now),
            orders::currency.eq(new.currency.code()),
        ))
        .returning(orders::id)
        .get_result(conn)
}

/// One line, one statement: the combined connection has no multi-row inserts.
pub fn insert_item(conn: &mut DbConn, order_id: i32, item: &OrderItem) -> QueryResult<()> {
    diesel::insert_into(order_items::table)
        .values((
            order_items::order_id.eq(order_id),
            order_items::product_id.eq(item.product_id),
            order_items::name.eq(&item.name),
            order_items::sku.eq(&item.sku),
            order_items::unit_price_cents.eq(item.unit_price_cents),
            order_items::quantity.eq(item.quantity),
        ))
        .execute(conn)
        .map(drop)
}

pub fn find_by_public_id(conn: &mut DbConn, public_id: &str) -> QueryResult<Option<Order>> {
    orders::table
        .filter(orders::public_id.eq(public_id))
        .select(Order::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_idempotency_key(conn: &mut DbConn, key: &str) -> QueryResult<Option<Order>> {
    orders::table
        .filter(orders::idempotency_key.eq(key))
        .select(Order::as_select())
        .first(conn)
        .optional()
}

pub fn items_of(conn: &mut DbConn, order_id: i32) -> QueryResult<Vec<OrderItem>> {
    order_items::table
        .filter(order_items::order_id.eq(order_id))
        .order(order_items::id)
        .select(OrderItem::as_select())
        .load(conn)
}

/// A user's orders, newest first.
pub fn of_user(conn: &mut DbConn, user_id: i32) -> QueryResult<Vec<Order>> {
    orders::table
        .filter(orders::user_id.eq(user_id))
        .order((orders::created_at.desc(), orders::id.desc()))
        .select(Order::as_select())
        .load(conn)
}

/// Moves an order to `to`. Cancelling puts its units back in stock and its coupon use back,
/// once: a cancelled order stays cancelled. Returns whether the status changed.
pub fn change_status(conn: &mut DbConn, id: i32, to: Status) -> QueryResult<bool> {
    conn.write_transaction(|conn| {
        // Conditional, so two editors cancelling at once return the stock only once.
        let changed = diesel::update(
            orders::table
                .find(id)
                .filter(orders::status.ne(Status::Cancelled.as_str()))
                .filter(orders::status.ne(to.as_str())),
        )
        .set(orders::status.eq(to.as_str()))
        .execute(conn)?;
        if changed == 0 {
            return Ok(false);
        }
        if to == Status::Cancelled {
            // Product order, like checkout, so the two never deadlock.
            let mut items = items_of(conn, id)?;
            items.sort_by_key(|item| item.product_id);
            for item in items {
                if let Some(product_id) = item.product_id {
                    products::return_stock(conn, product_id, item.quantity)?;
                }
            }
            let coupon: Option<String> = orders::table
                .find(id)
                .select(orders::coupon_code)
                .first(conn)?;
            if let Some(code) = coupon {
                coupons::give_back(conn, &code)?;
            }
        }
        Ok(true)
    })
}

pub struct OrderView {
    pub public_id: String,
    pub url: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub date: String,
    pub name: String,
    pub email: String,
    pub address_lines: Vec<String>,
    pub coupon_code: Option<String>,
    pub subtotal: String,
    pub shipping: String,
    pub discount: Option<String>,
    pub total: String,
}

pub struct OrderItemView {
    pub name: String,
    pub sku: String,
    pub unit_price: String,
    pub quantity: i32,
    pub line_total: String,
}

impl OrderView {
    /// Dates in the site's style; amounts in the order's own currency.
    pub fn new(order: &Order, style: &DateStyle) -> OrderView {
        let money = order.currency();
        OrderView {
            public_id: order.public_id.clone(),
            url: format!("/orders/{}", order.public_id),
            status: order.status().label(),
            status_class: order.status().as_str(),
            date: style.date(order.created_at),
            name: order.name.clone(),
            email: order.email.clone(),
            address_lines: order.shipping_address.lines().map(str::to_owned).collect(),
            coupon_code: order.coupon_code.clone(),
            subtotal: money.show(Cents(order.subtotal_cents)),
            shipping: match order.shipping_cents {
                0 => "Free".to_owned(),
                cents => money.show(Cents(cents)),
            },
            discount: (order.discount_cents > 0).then(|| money.show(Cents(-order.discount_cents))),
            total: money.show(Cents(order.total_cents)),
        }
    }

    /// "A1B2C3D4": enough of the public id for people to refer to the order by.
    pub fn reference(&self) -> String {
        self.public_id
            .chars()
            .take(8)
            .collect::<String>()
            .to_uppercase()
    }
}

impl OrderItemView {
    pub fn new(item: &OrderItem, money: Currency) -> OrderItemView {
        OrderItemView {
            name: item.name.clone(),
            sku: item.sku.clone(),
            unit_price: money.show(Cents(item.unit_price_cents)),
            quantity: item.quantity,
            line_total: money.show(Cents(item.unit_price_cents) * item.quantity),
        }
    }
}

#[derive(Template)]
#[template(path = "shop/order.html")]
struct OrderPage {
    layout: Layout,
    order: OrderView,
    items: Vec<OrderItemView>,
}

#[derive(serde::Deserialize)]
pub struct OrderLinkQuery {
    key: Option<String>,
}

/// The order's address with its link key, for the emails: it opens the order on any device.
pub fn email_link(public_url: &str, order: &Order, secrets: &Secrets) -> String {
    format!(
        "{public_url}/orders/{}?key={}",
        order.public_id,
        secrets.order_link_key(&order.public_id)
    )
}

/// `/orders/{id}`: a 404 for anyone but the owner (or someone with the link from its
/// emails), exactly as for an order that does not exist, so ids cannot be probed.
pub async fn show(
    db: web::Data<Db>,
    secrets: web::Data<Secrets>,
    visitor: Visitor,
    public_id: web::Path<String>,
    query: web::Query<OrderLinkQuery>,
) -> Result<HttpResponse, AppError> {
    let public_id = public_id.into_inner();
    let has_link_key = query
        .key
        .as_deref()
        .is_some_and(|key| secrets.is_order_link_key(&public_id, key));
    let header = HeaderInfo::of(&visitor);
    let user_id = visitor.user.as_ref().map(|u| u.id);
    let session_token_hash = visitor.session.cart_token().map(|t| token_hash(&t));
    let page = db
        .run(move |conn| {
            let order = find_by_public_id(conn, &public_id)?
                .filter(|o| has_link_key || o.is_owned_by(user_id, session_token_hash.as_deref()))
                .ok_or(AppError::NotFound)?;
            let items = items_of(conn, order.id)?;
            let layout = Layout::load(conn, header, None)?.unindexed();
            let view = OrderView::new(&order, &DateStyle::of(&layout.settings));
            let layout = layout.titled(&format!("Order {}", view.reference()));
            Ok(OrderPage {
                layout,
                order: view,
                items: items
                    .iter()
                    .map(|item| OrderItemView::new(item, order.currency()))
                    .collect(),
            })
        })
        .await?;
    private_page(actix_web::http::StatusCode::OK, &page)
}

/// "  2 x Serum ($14.00 each): $28.00", a line per item, for the mails.
fn item_lines(order: &Order, items: &[OrderItem]) -> String {
    items
        .iter()
        .map(|item| {
            let item = OrderItemView::new(item, order.currency());
            format!(
                "  {} x {} ({} each): {}\n",
                item.quantity, item.name, item.unit_price, item.line_total
            )
        })
        .collect()
}

/// The confirmation sent to the address given at checkout.
pub fn confirmation_email(
    order: &Order,
    items: &[OrderItem],
    site_title: &str,
    link: &str,
    style: &DateStyle,
) -> Email {
    let view = OrderView::new(order, style);
    let mut text = format!(
        "Hello {},\n\nThank you for your order {} at {site_title}. We are getting it ready.\n\n",
        order.name,
        view.reference()
    );
    text.push_str(&item_lines(order, items));
    text.push_str(&format!("\nSubtotal: {}\n", view.subtotal));
    if let Some(discount) = &view.discount {
        text.push_str(&format!("Discount: {discount}\n"));
    }
    text.push_str(&format!(
        "Shipping: {}\nTotal: {}\n\nPayment: pay on delivery. You pay the courier when your \
         parcel arrives; nothing has been charged.\n\nShipping to:\n{}\n{}\n\nYour order: \
         {link}\n(Keep this email private: its link shows the order on any device.)\n",
        view.shipping, view.total, order.name, order.shipping_address
    ));
    Email {
        to: order.email.clone(),
        subject: format!("Your {site_title} order {}", view.reference()),
        text,
    }
}

/// The mail a customer gets when an editor changes the status of their order; the same
/// shape as the confirmation.
pub fn status_email(
    order: &Order,
    items: &[OrderItem],
    site_title: &str,
    link: &str,
    style: &DateStyle,
) -> Email {
    let view = OrderView::new(order, style);
    let news = match order.status() {
        Status::Processing => "is being prepared again",
        Status::Completed => "is complete: it has been sent to you",
        Status::Cancelled => "has been cancelled; nothing is charged",
    };
    let mut text = format!(
        "Hello {},\n\nYour order {} of {} at {site_title} {news}.\n\nStatus: {}\n\n",
        order.name,
        view.reference(),
        view.date,
        view.status
    );
    text.push_str(&item_lines(order, items));
    text.push_str(&format!(
        "\nTotal: {}\n\nShipping to:\n{}\n{}\n\nYour order: {link}\n(Keep this email private: its \
         link shows the order on any device.)\n",
        view.total, order.name, order.shipping_address
    ));
    Email {
        to: order.email.clone(),
        subject: format!(
            "Your {site_title} order {} is {}",
            view.reference(),
            view.status.to_lowercase()
        ),
        text,
    }
}
