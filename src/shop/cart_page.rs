//! `/cart`: the lines with current prices, totals and shipping; "Update cart" for every
//! line at once; applying or removing a coupon. A refused form sends the page back with
//! the message and what was typed.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use time::PrimitiveDateTime;

use crate::accounts::visitor::Visitor;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::settings::Settings;
use crate::shop::cart::{self, CartOwner, LineState};
use crate::shop::coupons;
use crate::shop::money::Currency;
use crate::shop::pricing::PricedCart;
use crate::shop::pricing::Shipping;
use crate::shop::products::ProductId;
use crate::shop::quantity::{self, Zero};
use crate::shop::views::{LineView, TotalsView};
use crate::shop::{layout_and_cart, visitor_layout_and_cart};
use crate::web::dates;
use crate::web::forms::{Refusal, Refused, private_page, see_other, too_long};
use crate::web::layout::Layout;
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
pub(super) struct Typed {
    pub quantities: HashMap<i32, String>,
    pub line_errors: HashMap<i32, String>,
    pub form_error: Option<String>,
    pub coupon: String,
    pub coupon_error: Option<String>,
}

const TITLE: &str = "Your cart";

pub async fn show(req: HttpRequest) -> Result<HttpResponse, AppError> {
    let (visitor, layout, priced) = visitor_layout_and_cart(&req, TITLE).await?;
    page(&visitor, layout, &priced, Typed::default(), StatusCode::OK)
}

/// The cart page with a refused form's message and what was typed.
pub(super) async fn render(
    req: &HttpRequest,
    visitor: &Visitor,
    typed: Typed,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (layout, priced) = layout_and_cart(req, visitor, TITLE).await?;
    page(visitor, layout, &priced, typed, status)
}

fn page(
    visitor: &Visitor,
    layout: Layout,
    priced: &PricedCart,
    mut typed: Typed,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
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
                layout.money,
            )
        })
        .collect();
    let page = CartPage {
        shipping_hint: Shipping::of(&layout.settings).hint(&priced.totals, layout.money),
        can_check_out: priced.totals.item_count > 0,
        totals: TotalsView::new(&priced.totals, layout.money),
        coupon: priced.coupon.as_ref().map(|c| CouponView {
            code: c.code.clone(),
            label: c.label(layout.money),
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

/// "Update cart": every line's quantity at once (fields `qty-<product id>`), all or nothing.
pub async fn update_all(
    req: HttpRequest,
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
    let owner = CartOwner::of(&visitor);
    if line_errors.is_empty() {
        if let Some(owner) = owner {
            line_errors = db
                .write(move |conn| Ok(apply_quantities(conn, &owner, &wanted, dates::now())?))
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
    render(&req, &visitor, page, StatusCode::BAD_REQUEST).await
}

/// Writes every wanted quantity, or none when any is refused (the refusals come back).
fn apply_quantities(
    conn: &mut DbConn,
    owner: &CartOwner,
    wanted: &HashMap<i32, i32>,
    now: PrimitiveDateTime,
) -> diesel::QueryResult<HashMap<i32, String>> {
    let mut refusals = HashMap::new();
    let outcome = conn.write_transaction(|conn| {
        let Some(cart_id) = cart::lock(conn, owner, now)? else {
            return Ok(());
        };
        for line in cart::lines(conn, owner, now)? {
            let Some(&quantity) = wanted.get(&line.product_id) else {
                continue;
            };
            if quantity == 0 {
                cart::delete_line(conn, cart_id, ProductId(line.product_id))?;
                continue;
            }
            if line.state() == LineState::Unavailable {
                // Flagged on the page; kept as it is unless set to 0.
                continue;
            }
            let refusal = cart::refusal(&line.name, line.stock, quantity, 0);
            match refusal {
                Some(message) => {
                    refusals.insert(line.product_id, message);
                }
                None => {
                    let product = ProductId(line.product_id);
                    cart::put_line(conn, cart_id, product, quantity, false, now)?
                }
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
    req: HttpRequest,
    db: web::Data<Db>,
    visitor: Visitor,
    form: web::Form<CouponForm>,
) -> Result<HttpResponse, AppError> {
    let code = form.into_inner().code;
    let refused = if code.trim().is_empty() {
        Refused::Form(Refusal::bad_input("Enter a coupon code.".to_owned()))
    } else if too_long(&code, 40) {
        Refused::Form(Refusal::bad_input(
            "That is longer than any coupon code.".to_owned(),
        ))
    } else {
        let (owner, typed) = (CartOwner::of(&visitor), code.clone());
        let applied = db
            .write(move |conn| Ok(store_coupon(conn, owner.as_ref(), &typed, dates::now())))
            .await?;
        match applied {
            Ok(notice) => {
                visitor.session.flash(&notice);
                return Ok(see_other("/cart"));
            }
            Err(refused) => refused,
        }
    };
    let refusal = refused.into_refusal()?;
    let typed = Typed {
        coupon: code,
        coupon_error: Some(refusal.summary()),
        ..Typed::default()
    };
    render(&req, &visitor, typed, refusal.status).await
}

fn store_coupon(
    conn: &mut DbConn,
    owner: Option<&CartOwner>,
    code: &str,
    now: PrimitiveDateTime,
) -> Result<String, Refused> {
    let empty = || {
        Refused::Form(Refusal::bad_input(
            "Add something to your cart before you apply a coupon.".to_owned(),
        ))
    };
    let owner = owner.ok_or_else(empty)?;
    conn.write_transaction(|conn| {
        let cart_id = cart::lock(conn, owner, now)?.ok_or_else(empty)?;
        let coupon = coupons::find(conn, code)?.ok_or_else(|| {
            Refused::Form(Refusal::bad_input(format!(
                "There is no coupon “{}”. Check the spelling and try again.",
                coupons::normalise(code)
            )))
        })?;
        if let Some(problem) = coupon.problem(now) {
            return Err(Refused::Form(Refusal::bad_input(problem)));
        }
        cart::set_coupon_code(conn, cart_id, Some(&coupon.code))?;
        let money = Currency::of(&Settings::load(conn)?);
        Ok(format!(
            "Coupon {} applied: {}.",
            coupon.code,
            coupon.label(money)
        ))
    })
}

pub async fn remove_coupon(db: web::Data<Db>, visitor: Visitor) -> Result<HttpResponse, AppError> {
    if let Some(owner) = CartOwner::of(&visitor) {
        db.write(move |conn| {
            let now = dates::now();
            conn.write_transaction(|conn| {
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
