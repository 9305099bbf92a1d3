//! `/checkout`: name, email and shipping address, "Pay on delivery", and one transaction
//! that re-reads prices, takes the stock with conditional updates, copies names and prices
//! into the order and empties the cart. An idempotency key in the form makes a double
//! submit land on the same order.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use time::PrimitiveDateTime;

use crate::accounts::throttle;
use crate::accounts::validate;
use crate::accounts::visitor::Visitor;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::mail::Mailer;
use crate::settings::Settings;
use crate::shop::cart::{self, CartOwner, LineState};
use crate::shop::money::Currency;
use crate::shop::orders::{self, NewOrder, OrderItem};
use crate::shop::pricing::{PricedCart, Shipping};
use crate::shop::views::{LineView, TotalsView};
use crate::shop::{coupons, layout_and_cart, products, visitor_layout_and_cart};
use crate::web::client::ClientAddr;
use crate::web::dates::DateStyle;
use crate::web::forms::{FieldErrors, Refusal, Refused, private_page, see_other, too_long};
use crate::web::layout::Layout;
use crate::web::session::Secrets;
use crate::web::tokens::{looks_like_token, new_token};
use crate::web::{SiteInfo, app_data, dates};

const EMPTY_CART: &str = "Your cart is empty, so there is nothing to check out yet.";
const CART_CHANGED: &str = "Your cart changed since you opened this page (perhaps in another \
     tab, or a price changed), so nothing has been ordered yet: please check the new total \
     below and place the order again.";

#[derive(Deserialize, Default, Clone)]
pub struct CheckoutForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    idempotency_key: String,
    /// `PricedCart::fingerprint` of the cart the page showed.
    #[serde(default)]
    cart_fingerprint: String,
}

impl CheckoutForm {
    fn check(&self) -> Result<(), Refusal> {
        let mut errors = FieldErrors::default();
        let required: [(&'static str, &str, usize, &str); 5] = [
            ("name", &self.name, 100, "Enter your name."),
            ("address", &self.address, 200, "Enter the street address."),
            ("city", &self.city, 100, "Enter the town or city."),
            ("postcode", &self.postcode, 20, "Enter the postcode."),
            ("country", &self.country, 60, "Enter the country."),
        ];
        for (field, value, max, missing) in required {
            if value.trim().is_empty() {
                errors.add(field, missing);
            } else if too_long(value, max) || value.chars().any(char::is_control) {
                errors.add(
                    field,
                    format!("Keep it to one line of at most {max} characters."),
                );
            }
        }
        if let Err(message) = validate::email(&self.email) {
            errors.add("email", message);
        }
        Refusal::unless_any(errors)
    }

    /// The address as it is stored and printed: one line per part.
    fn shipping_address(&self) -> String {
        format!(
            "{}\n{} {}\n{}",
            self.address.trim(),
            self.postcode.trim(),
            self.city.trim(),
            self.country.trim()
        )
    }
}

#[derive(Template)]
#[template(path = "shop/checkout.html")]
struct CheckoutPage {
    layout: Layout,
    csrf_token: String,
    form: CheckoutForm,
    errors: FieldErrors,
    error: Option<String>,
    lines: Vec<LineView>,
    totals: TotalsView,
    coupon: Option<String>,
    is_guest: bool,
}

const TITLE: &str = "Checkout";

pub async fn show(req: HttpRequest) -> Result<HttpResponse, AppError> {
    let (visitor, layout, priced) = visitor_layout_and_cart(&req, TITLE).await?;
    let mut form = CheckoutForm {
        idempotency_key: new_token(),
        ..CheckoutForm::default()
    };
    if let Some(user) = &visitor.user {
        form.name = user.display_name.clone();
        form.email = user.email.clone();
    }
    page(&visitor, layout, &priced, form, Refusal::default())
}

/// The checkout page with a refused form's message and what was typed.
async fn render(
    req: &HttpRequest,
    visitor: &Visitor,
    form: CheckoutForm,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    let (layout, priced) = layout_and_cart(req, visitor, TITLE).await?;
    page(visitor, layout, &priced, form, refusal)
}

fn page(
    visitor: &Visitor,
    layout: Layout,
    priced: &PricedCart,
    mut form: CheckoutForm,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    let is_guest = visitor.user.is_none();
    let csrf_token = visitor.session.csrf_token();
    if is_guest && !layout.settings.guest_checkout {
        return Err(AppError::LoginRequired("/checkout".to_owned()));
    }
    // The cart as shown now: what the order will be checked against.
    form.cart_fingerprint = priced.fingerprint();
    let page = CheckoutPage {
        lines: priced
            .lines
            .iter()
            .map(|line| LineView::new(line, None, None, layout.money))
            .collect(),
        totals: TotalsView::new(&priced.totals, layout.money),
        coupon: priced
            .usable_coupon()
            .map(|c| format!("{} ({})", c.code, c.label(layout.money))),
        layout,
        csrf_token,
        form,
        errors: refusal.fields,
        error: refusal.message,
        is_guest,
    };
    private_page(refusal.status, &page)
}

/// What a checkout came to.
enum Placed {
    New(String),
    /// The same form was submitted before: its order.
    Already(String),
}

pub async fn submit(
    req: HttpRequest,
    mailer: web::Data<Mailer>,
    site: web::Data<SiteInfo>,
    secrets: web::Data<Secrets>,
    visitor: Visitor,
    client: ClientAddr,
    form: web::Form<CheckoutForm>,
) -> Result<HttpResponse, AppError> {
    let db = app_data::<Db>(&req)?;
    let mut form = form.into_inner();
    // What XML forbids has no place in an order (it goes into mail and the admin pages).
    for field in [
        &mut form.name,
        &mut form.email,
        &mut form.address,
        &mut form.city,
        &mut form.postcode,
        &mut form.country,
    ] {
        crate::web::text::strip_in_place(field);
    }
    if !looks_like_token(&form.idempotency_key) {
        form.idempotency_key = new_token();
    }
    if let Err(refusal) = form.check() {
        return render(&req, &visitor, form, refusal).await;
    }
    let Some(owner) = CartOwner::of(&visitor) else {
        return render(&req, &visitor, form, Refusal::bad_input(EMPTY_CART)).await;
    };
    let user_id = visitor.user.as_ref().map(|u| u.id);
    let submitted = form.clone();
    let placed = db
        .write_content(move |conn| {
            let now = dates::now();
            Ok(place_order(conn, &owner, user_id, &client, &submitted, now))
        })
        .await?;
    match placed {
        Ok(Placed::New(public_id)) => {
            send_confirmation(db, &mailer, &site, &secrets, public_id.clone()).await;
            visitor.session.flash(
                "Thank you! Your order has been placed. A confirmation is on its way to your inbox.",
            );
            Ok(see_other(&format!("/orders/{public_id}")))
        }
        Ok(Placed::Already(public_id)) => Ok(see_other(&format!("/orders/{public_id}"))),
        Err(refused) => render(&req, &visitor, form, refused.into_refusal()?).await,
    }
}

fn place_order(
    conn: &mut DbConn,
    owner: &CartOwner,
    user_id: Option<i32>,
    client: &ClientAddr,
    form: &CheckoutForm,
    now: PrimitiveDateTime,
) -> Result<Placed, Refused> {
    conn.write_transaction(|conn| {
        // The cart first: its write serialises checkouts of the same cart (a double submit
        // waits here, then finds the first one's order).
        let cart_id = cart::lock(conn, owner, now)?;
        if let Some(order) = orders::find_by_idempotency_key(conn, &form.idempotency_key)? {
            return match order.is_owned_by(user_id, guest_hash(owner)) {
                true => Ok(Placed::Already(order.public_id)),
                false => Err(Refused::Form(Refusal::bad_input(
                    "This form has expired. Please check your details and place the order again."
                        .to_owned(),
                ))),
            };
        }
        let cart_id =
            cart_id.ok_or_else(|| Refused::Form(Refusal::bad_input(EMPTY_CART.to_owned())))?;
        let settings = Settings::load(conn)?;
        if user_id.is_none() && !settings.guest_checkout {
            return Err(Refused::Form(Refusal::bad_input(
                "Please log in or register to check out; your cart will be waiting.".to_owned(),
            )));
        }
        if user_id.is_none()
            && let Err(until) = throttle::guest_order(conn, &client.0, now)?
        {
            let message = format!(
                "We have taken {} guest orders from this address in the last hour, the most \
                 we accept without an account. Please try again {}, or log in or register \
                 to check out now; your details are kept below.",
                throttle::GUEST_ORDERS,
                throttle::wait_phrase(now, until)
            );
            return Err(Refusal::new(StatusCode::TOO_MANY_REQUESTS, message).into());
        }
        let priced = PricedCart::load(conn, Some(owner), Shipping::of(&settings), now)?;
        if priced.lines.is_empty() {
            return Err(Refused::Form(Refusal::bad_input(EMPTY_CART.to_owned())));
        }
        check_lines(&priced)?;
        // The shopper confirms what they are charged: a cart that changed since the page
        // (another tab, a new price) is shown again with its new total.
        if priced.fingerprint() != form.cart_fingerprint {
            return Err(Refusal::conflict(CART_CHANGED).into());
        }
        let coupon_code = redeem_coupon(conn, &priced)?;
        let mut items = Vec::with_capacity(priced.lines.len());
        // Rows are locked in one order (by product) so that two checkouts never deadlock.
        let mut lines: Vec<_> = priced.lines.iter().collect();
        lines.sort_by_key(|line| line.product_id);
        for line in lines {
            if !products::take_stock(conn, line.product_id, line.quantity)? {
                let left = products::stock_of(conn, line.product_id)?.unwrap_or(0);
                return Err(Refused::Form(Refusal::conflict(sold_out(&line.name, left))));
            }
            items.push(OrderItem {
                product_id: Some(line.product_id),
                name: line.name.clone(),
                sku: line.sku.clone(),
                unit_price_cents: line.price().0,
                quantity: line.quantity,
            });
        }
        let public_id = new_token();
        let totals = &priced.totals;
        let order_id = orders::insert(
            conn,
            &NewOrder {
                public_id: &public_id,
                user_id,
                owner_token_hash: if user_id.is_some() {
                    None
                } else {
                    guest_hash(owner)
                },
                idempotency_key: &form.idempotency_key,
                name: form.name.trim(),
                email: form.email.trim(),
                shipping_address: &form.shipping_address(),
                coupon_code: coupon_code.as_deref(),
                subtotal: totals.subtotal,
                shipping: totals.shipping,
                discount: totals.discount,
                total: totals.total,
                currency: Currency::of(&settings),
            },
            now,
        )?;
        for item in &items {
            orders::insert_item(conn, order_id, item)?;
        }
        cart::empty(conn, cart_id)?;
        Ok(Placed::New(public_id))
    })
}

fn guest_hash(owner: &CartOwner) -> Option<&str> {
    match owner {
        CartOwner::Guest { token_hash } => Some(token_hash),
        CartOwner::User(_) => None,
    }
}

/// Every line must be orderable in full: the shopper confirms any change on the cart page.
fn check_lines(priced: &PricedCart) -> Result<(), Refused> {
    for line in &priced.lines {
        match line.state() {
            LineState::Ok => {}
            LineState::Unavailable if !line.published => {
                return Err(Refused::Form(Refusal::conflict(format!(
                    "{} is no longer available. Remove it from your cart to check out the rest.",
                    line.name
                ))));
            }
            LineState::Unavailable => {
                return Err(Refused::Form(Refusal::conflict(sold_out(&line.name, 0))));
            }
            LineState::Reduced(left) => {
                return Err(Refused::Form(Refusal::conflict(sold_out(&line.name, left))));
            }
        }
    }
    Ok(())
}

fn sold_out(name: &str, left: i32) -> String {
    if left <= 0 {
        format!(
            "Sorry, {name} just sold out. Remove it from your cart to check out the rest; \
             nothing has been ordered or charged."
        )
    } else {
        format!(
            "Sorry, only {left} of {name} left now. Lower the quantity in your cart to check \
             out; nothing has been ordered or charged."
        )
    }
}

/// The cart's coupon, checked again and counted; its code for the order.
fn redeem_coupon(conn: &mut DbConn, priced: &PricedCart) -> Result<Option<String>, Refused> {
    let Some(coupon) = &priced.coupon else {
        return Ok(None);
    };
    let remove_it = "Remove it from your cart to check out without it.";
    if let Some(problem) = &priced.coupon_problem {
        return Err(Refused::Form(Refusal::conflict(format!(
            "{problem} {remove_it}"
        ))));
    }
    if !coupons::redeem(conn, coupon.id)? {
        return Err(Refused::Form(Refusal::conflict(format!(
            "The coupon {} has just been used up. {remove_it}",
            coupon.code
        ))));
    }
    Ok(Some(coupon.code.clone()))
}

/// Sends the confirmation in the background: the shopper does not wait for SMTP.
async fn send_confirmation(
    db: &Db,
    mailer: &Mailer,
    site: &SiteInfo,
    secrets: &Secrets,
    public_id: String,
) {
    let loaded = db
        .run(move |conn| {
            let order = orders::find_by_public_id(conn, &public_id)?.ok_or(AppError::NotFound)?;
            let items = orders::items_of(conn, order.id)?;
            let settings = Settings::load(conn)?;
            Ok((order, items, settings))
        })
        .await;
    let (order, items, settings) = match loaded {
        Ok(found) => found,
        Err(e) => return tracing::error!(error = %e, "cannot load the order to confirm it"),
    };
    let email = orders::confirmation_email(
        &order,
        &items,
        &settings.site_title,
        &orders::email_link(&site.public_url, &order, secrets),
        &DateStyle::of(&settings),
    );
    mailer.send_in_background(email, "order confirmation");
}
