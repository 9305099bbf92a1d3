//! `/cart` and the forms that change a cart: add, set a quantity, remove, update every
//! line at once, apply or remove a coupon. Each change answers 303 back to where the shopper
//! was; a refused one sends the page back with the message and what was typed.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use diesel::Connection;
use serde::Deserialize;
use time::PrimitiveDateTime;

use crate::accounts::visitor::Visitor;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::shop::cart::{self, CartOwner, LineState};
use crate::shop::catalogue::{self, Which};
use crate::shop::coupons;
use crate::shop::pricing::free_shipping_hint;
use crate::shop::products;
use crate::shop::quantity::{self, Zero};
use crate::shop::views::{AddFormError, LineView, TotalsView};
use crate::shop::{Refused, back_to, explain, layout_and_cart};
use crate::web::dates;
use crate::web::forms::{private_page, see_other, too_long};
use crate::web::layout::Layout;

const UNKNOWN_PRODUCT: &str =
    "That product is not in our shop (any more). Please choose another from the shop.";
const NOT_IN_CART: &str = "That item is not in your cart (any more).";

#[derive(Deserialize, Default)]
pub struct AddForm {
    #[serde(default)]
    product_id: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    return_to: String,
}

#[derive(Deserialize, Default)]
pub struct QuantityForm {
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    return_to: String,
}

#[derive(Deserialize, Default)]
pub struct ReturnForm {
    #[serde(default)]
    return_to: String,
}

#[derive(Deserialize, Default)]
pub struct CouponForm {
    #[serde(default)]
    code: String,
}

pub struct CouponView {
    pub code: String,
    pub label: String,
    pub problem: Option<String>,
}

#[derive(Template)]
#[template(path = "shop/cart.html")]
struct CartPage {
    layout: Layout,
    csrf_token: String,
    lines: Vec<LineView>,
    totals: TotalsView,
    coupon: Option<CouponView>,
    coupon_typed: String,
    coupon_error: Option<String>,
    form_error: Option<String>,
    shipping_hint: Option<String>,
    can_check_out: bool,
}

/// What a refused form sends back into the cart page.
#[derive(Default)]
struct Typed {
    quantities: HashMap<i32, String>,
    line_errors: HashMap<i32, String>,
    form_error: Option<String>,
    coupon: String,
    coupon_error: Option<String>,
}

pub async fn show(db: web::Data<Db>, visitor: Visitor) -> Result<HttpResponse, AppError> {
    render(&db, &visitor, Typed::default(), StatusCode::OK).await
}

async fn render(
    db: &Db,
    visitor: &Visitor,
    mut typed: Typed,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (layout, priced) = layout_and_cart(db, visitor, "Your cart").await?;
    let csrf_token = visitor.session.csrf_token();
    let lines = priced
        .lines
        .iter()
        .map(|line| {
            let id = line.product_id;
            LineView::new(
                line,
                typed.quantities.remove(&id),
                typed.line_errors.remove(&id),
            )
        })
        .collect();
    let page = CartPage {
        shipping_hint: free_shipping_hint(&priced.totals, &layout.settings),
        can_check_out: priced.totals.item_count > 0,
        totals: TotalsView::new(&priced.totals),
        coupon: priced.coupon.as_ref().map(|c| CouponView {
            code: c.code.clone(),
            label: c.label(),
            problem: priced.coupon_problem.clone(),
        }),
        layout,
        csrf_token,
        lines,
        coupon_typed: typed.coupon,
        coupon_error: typed.coupon_error,
        form_error: typed.form_error,
    };
    private_page(status, &page)
}

fn parse_product_id(text: &str) -> Result<i32, AppError> {
    text.trim()
        .parse::<i32>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| AppError::BadRequest(UNKNOWN_PRODUCT.to_owned()))
}

pub async fn add(
    req: HttpRequest,
    db: web::Data<Db>,
    visitor: Visitor,
    form: web::Form<AddForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let product_id = parse_product_id(&form.product_id)?;
    let back = back_to(&req, &form.return_to);
    let quantity = match quantity::parse(&form.quantity, Zero::Refused) {
        Ok(quantity) => quantity,
        Err(message) => {
            let error = AddFormError {
                product_id,
                quantity: form.quantity,
                message,
            };
            return refuse_add(&db, &visitor, &back, error, StatusCode::BAD_REQUEST).await;
        }
    };
    let owner = visitor.cart_owner_or_new();
    let added = db
        .run(move |conn| {
            Ok(add_to_cart(
                conn,
                &owner,
                product_id,
                quantity,
                dates::now(),
            ))
        })
        .await?;
    match added {
        Ok(name) => {
            let notice = format!("{name} added to your cart.");
            if back == "/cart" {
                visitor.session.flash(&notice);
            } else {
                visitor
                    .session
                    .flash_with_link(&notice, "/cart", "View cart");
            }
            Ok(see_other(&back))
        }
        Err(refused) => {
            let (message, status) = explain(refused)?;
            let error = AddFormError {
                product_id,
                quantity: form.quantity,
                message,
            };
            refuse_add(&db, &visitor, &back, error, status).await
        }
    }
}

/// Sends back the page the add came from (the catalogue or the product page) with the
/// message next to the product's quantity field.
async fn refuse_add(
    db: &Db,
    visitor: &Visitor,
    back: &str,
    error: AddFormError,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let rendered = if back == "/shop" {
        catalogue::render_list(db, visitor, Some(error), status).await
    } else {
        let which = Which::Id(error.product_id);
        catalogue::render_product(db, visitor, which, Some(error), status).await
    };
    match rendered {
        Err(AppError::NotFound) => Err(AppError::BadRequest(UNKNOWN_PRODUCT.to_owned())),
        other => other,
    }
}

fn add_to_cart(
    conn: &mut DbConn,
    owner: &CartOwner,
    product_id: i32,
    quantity: i32,
    now: PrimitiveDateTime,
) -> Result<String, Refused> {
    conn.transaction(|conn| {
        let cart_id = cart::lock_or_create(conn, owner, now)?;
        let product = products::find_published(conn, product_id)?
            .ok_or_else(|| Refused::Failed(AppError::BadRequest(UNKNOWN_PRODUCT.to_owned())))?;
        let in_cart = cart::quantity_in_cart(conn, cart_id, product_id)?;
        let already = in_cart.unwrap_or(0);
        let wanted = already + quantity;
        if let Some(message) = cart::refusal(&product.name, product.stock, wanted, already) {
            return Err(Refused::Conflict(message));
        }
        cart::put_line(conn, cart_id, product_id, wanted, in_cart.is_none(), now)?;
        Ok(product.name)
    })
}

pub async fn set_quantity(
    req: HttpRequest,
    db: web::Data<Db>,
    visitor: Visitor,
    product_id: web::Path<String>,
    form: web::Form<QuantityForm>,
) -> Result<HttpResponse, AppError> {
    let product_id = parse_product_id(&product_id)?;
    let form = form.into_inner();
    let back = back_to(&req, &form.return_to);
    let refused = match quantity::parse(&form.quantity, Zero::Removes) {
        Err(message) => Refused::Input(message),
        Ok(quantity) => {
            let owner = visitor.cart_owner();
            let changed = db
                .run(move |conn| {
                    Ok(set_line(
                        conn,
                        owner.as_ref(),
                        product_id,
                        quantity,
                        dates::now(),
                    ))
                })
                .await?;
            match changed {
                Ok(notice) => {
                    visitor.session.flash(&notice);
                    return Ok(see_other(&back));
                }
                Err(refused) => refused,
            }
        }
    };
    let (message, status) = explain(refused)?;
    let mut typed = Typed {
        quantities: HashMap::from([(product_id, form.quantity)]),
        ..Typed::default()
    };
    if message == NOT_IN_CART {
        typed.form_error = Some(message);
    } else {
        typed.line_errors.insert(product_id, message);
    }
    render(&db, &visitor, typed, status).await
}

/// Sets one line (0 removes it); returns the notice to show.
fn set_line(
    conn: &mut DbConn,
    owner: Option<&CartOwner>,
    product_id: i32,
    quantity: i32,
    now: PrimitiveDateTime,
) -> Result<String, Refused> {
    let not_in_cart = || Refused::Input(NOT_IN_CART.to_owned());
    let owner = owner.ok_or_else(not_in_cart)?;
    conn.transaction(|conn| {
        let cart_id = cart::lock(conn, owner, now)?.ok_or_else(not_in_cart)?;
        cart::quantity_in_cart(conn, cart_id, product_id)?.ok_or_else(not_in_cart)?;
        if quantity == 0 {
            cart::delete_line(conn, cart_id, product_id)?;
            return Ok(format!(
                "{} removed from your cart.",
                product_name(conn, product_id)?
            ));
        }
        let product = products::find_published(conn, product_id)?.ok_or_else(|| {
            Refused::Conflict(
                "That product is no longer available; you can only remove it.".to_owned(),
            )
        })?;
        if let Some(message) = cart::refusal(&product.name, product.stock, quantity, 0) {
            return Err(Refused::Conflict(message));
        }
        cart::put_line(conn, cart_id, product_id, quantity, false, now)?;
        Ok(format!("{} updated to {quantity}.", product.name))
    })
}

fn product_name(conn: &mut DbConn, product_id: i32) -> diesel::QueryResult<String> {
    use crate::db::schema::products as table;
    use diesel::prelude::*;
    table::table
        .find(product_id)
        .select(table::name)
        .first(conn)
}

pub async fn remove(
    req: HttpRequest,
    db: web::Data<Db>,
    visitor: Visitor,
    product_id: web::Path<String>,
    form: web::Form<ReturnForm>,
) -> Result<HttpResponse, AppError> {
    let product_id = parse_product_id(&product_id)?;
    let back = back_to(&req, &form.return_to);
    let owner = visitor.cart_owner();
    let removed = db
        .run(move |conn| {
            let Some(owner) = owner else {
                return Ok(None);
            };
            let now = dates::now();
            let removed = conn.transaction(|conn| match cart::lock(conn, &owner, now)? {
                Some(cart_id) if cart::delete_line(conn, cart_id, product_id)? => {
                    product_name(conn, product_id).map(Some)
                }
                _ => Ok(None),
            })?;
            Ok(removed)
        })
        .await?;
    let notice = match removed {
        Some(name) => format!("{name} removed from your cart."),
        None => NOT_IN_CART.to_owned(),
    };
    visitor.session.flash(&notice);
    Ok(see_other(&back))
}

/// "Update cart": every line's quantity at once (fields `qty-<product id>`), all or nothing.
pub async fn update_all(
    db: web::Data<Db>,
    visitor: Visitor,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let typed: HashMap<i32, String> = form
        .into_inner()
        .into_iter()
        .filter_map(|(key, value)| {
            let id = key.strip_prefix("qty-")?.parse::<i32>().ok()?;
            Some((id, value))
        })
        .collect();
    let mut line_errors = HashMap::new();
    let mut wanted = HashMap::new();
    for (id, text) in &typed {
        match quantity::parse(text, Zero::Removes) {
            Ok(q) => {
                wanted.insert(*id, q);
            }
            Err(message) => {
                line_errors.insert(*id, message);
            }
        }
    }
    let owner = visitor.cart_owner();
    if line_errors.is_empty() {
        if let Some(owner) = owner {
            line_errors = db
                .run(move |conn| Ok(apply_quantities(conn, &owner, &wanted, dates::now())?))
                .await?;
        }
        if line_errors.is_empty() {
            visitor.session.flash("Your cart has been updated.");
            return Ok(see_other("/cart"));
        }
    }
    let page = Typed {
        quantities: typed,
        line_errors,
        form_error: Some("Some quantities need your attention; nothing was changed.".to_owned()),
        ..Typed::default()
    };
    render(&db, &visitor, page, StatusCode::BAD_REQUEST).await
}

/// Writes every wanted quantity, or none when any is refused (the refusals come back).
fn apply_quantities(
    conn: &mut DbConn,
    owner: &CartOwner,
    wanted: &HashMap<i32, i32>,
    now: PrimitiveDateTime,
) -> diesel::QueryResult<HashMap<i32, String>> {
    let mut refusals = HashMap::new();
    let outcome = conn.transaction(|conn| {
        let Some(cart_id) = cart::lock(conn, owner, now)? else {
            return Ok(());
        };
        for line in cart::lines(conn, owner, now)? {
            let Some(&quantity) = wanted.get(&line.product_id) else {
                continue;
            };
            if quantity == 0 {
                cart::delete_line(conn, cart_id, line.product_id)?;
                continue;
            }
            let refusal = if line.state() == LineState::Unavailable && !line.published {
                Some("No longer available; set it to 0 or remove it.".to_owned())
            } else {
                cart::refusal(&line.name, line.stock, quantity, 0)
            };
            match refusal {
                Some(message) => {
                    refusals.insert(line.product_id, message);
                }
                None => cart::put_line(conn, cart_id, line.product_id, quantity, false, now)?,
            }
        }
        if refusals.is_empty() {
            Ok(())
        } else {
            Err(diesel::result::Error::RollbackTransaction)
        }
    });
    match outcome {
        Ok(()) | Err(diesel::result::Error::RollbackTransaction) => Ok(refusals),
        Err(e) => Err(e),
    }
}

pub async fn apply_coupon(
    db: web::Data<Db>,
    visitor: Visitor,
    form: web::Form<CouponForm>,
) -> Result<HttpResponse, AppError> {
    let code = form.into_inner().code;
    let refused = if code.trim().is_empty() {
        Refused::Input("Enter a coupon code.".to_owned())
    } else if too_long(&code, 40) {
        Refused::Input("That is longer than any coupon code.".to_owned())
    } else {
        let (owner, typed) = (visitor.cart_owner(), code.clone());
        let applied = db
            .run(move |conn| Ok(store_coupon(conn, owner.as_ref(), &typed, dates::now())))
            .await?;
        match applied {
            Ok(notice) => {
                visitor.session.flash(&notice);
                return Ok(see_other("/cart"));
            }
            Err(refused) => refused,
        }
    };
    let (message, status) = explain(refused)?;
    let typed = Typed {
        coupon: code,
        coupon_error: Some(message),
        ..Typed::default()
    };
    render(&db, &visitor, typed, status).await
}

fn store_coupon(
    conn: &mut DbConn,
    owner: Option<&CartOwner>,
    code: &str,
    now: PrimitiveDateTime,
) -> Result<String, Refused> {
    let empty =
        || Refused::Input("Add something to your cart before you apply a coupon.".to_owned());
    let owner = owner.ok_or_else(empty)?;
    conn.transaction(|conn| {
        let cart_id = cart::lock(conn, owner, now)?.ok_or_else(empty)?;
        let coupon = coupons::find(conn, code)?.ok_or_else(|| {
            Refused::Input(format!(
                "There is no coupon “{}”. Check the spelling and try again.",
                coupons::normalise(code)
            ))
        })?;
        if let Some(problem) = coupon.problem(now) {
            return Err(Refused::Input(problem));
        }
        cart::set_coupon_code(conn, cart_id, Some(&coupon.code))?;
        Ok(format!(
            "Coupon {} applied: {}.",
            coupon.code,
            coupon.label()
        ))
    })
}

pub async fn remove_coupon(db: web::Data<Db>, visitor: Visitor) -> Result<HttpResponse, AppError> {
    if let Some(owner) = visitor.cart_owner() {
        db.run(move |conn| {
            let now = dates::now();
            conn.transaction(|conn| {
                if let Some(cart_id) = cart::lock(conn, &owner, now)? {
                    cart::set_coupon_code(conn, cart_id, None)?;
                }
                Ok::<_, diesel::result::Error>(())
            })?;
            Ok(())
        })
        .await?;
    }
    visitor.session.flash("The coupon has been removed.");
    Ok(see_other("/cart"))
}
