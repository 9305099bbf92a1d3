//! The forms that change one cart line: add (`/cart/items`), set a quantity
//! (`/cart/items/{id}`, 0 removes) and remove. Each answers 303 back to where the shopper
//! was; a refused one sends the page back with the message and what was typed.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use time::PrimitiveDateTime;

use crate::accounts::visitor::Visitor;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::shop::back_to;
use crate::shop::cart::{self, CartOwner};
use crate::shop::cart_page::{Typed, render};
use crate::shop::catalogue::{self, Which};
use crate::shop::products::{self, ProductId};
use crate::shop::quantity::{self, Zero};
use crate::shop::views::AddFormError;
use crate::web::dates;
use crate::web::forms::{Refusal, Refused, see_other};
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

fn parse_product_id(text: &str) -> Result<ProductId, AppError> {
    text.trim()
        .parse::<i32>()
        .ok()
        .filter(|id| *id > 0)
        .map(ProductId)
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
                product_id: product_id.0,
                quantity: form.quantity,
                message,
            };
            return refuse_add(&req, &visitor, &back, error, StatusCode::BAD_REQUEST).await;
        }
    };
    let owner = CartOwner::of_or_new(&visitor);
    let added = db
        .write(move |conn| {
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
            let refusal = refused.into_refusal()?;
            let error = AddFormError {
                product_id: product_id.0,
                quantity: form.quantity,
                message: refusal.summary(),
            };
            refuse_add(&req, &visitor, &back, error, refusal.status).await
        }
    }
}

/// Sends back the page the add came from (the catalogue or the product page) with the
/// message next to the product's quantity field.
async fn refuse_add(
    req: &HttpRequest,
    visitor: &Visitor,
    back: &str,
    error: AddFormError,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let which = match catalogue::catalogue_page(back) {
        Some(page) => Which::Catalogue(page),
        None => Which::Id(error.product_id),
    };
    match catalogue::refuse_add(req, visitor, which, error, status).await {
        Err(AppError::NotFound) => Err(AppError::BadRequest(UNKNOWN_PRODUCT.to_owned())),
        other => other,
    }
}

fn add_to_cart(
    conn: &mut DbConn,
    owner: &CartOwner,
    product_id: ProductId,
    quantity: i32,
    now: PrimitiveDateTime,
) -> Result<String, Refused> {
    conn.write_transaction(|conn| {
        let cart_id = cart::lock_or_create(conn, owner, now)?;
        let product = products::find_published(conn, product_id)?
            .ok_or_else(|| Refused::Failed(AppError::BadRequest(UNKNOWN_PRODUCT.to_owned())))?;
        let in_cart = cart::quantity_in_cart(conn, cart_id, product_id)?;
        let already = in_cart.unwrap_or(0);
        let wanted = already + quantity;
        if let Some(message) = cart::refusal(&product.name, product.stock, wanted, already) {
            return Err(Refused::Form(Refusal::conflict(message)));
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
        Err(message) => Refused::Form(Refusal::field("quantity", message)),
        Ok(quantity) => {
            let owner = CartOwner::of(&visitor);
            let changed = db
                .write(move |conn| {
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
    // A message about the line goes next to its quantity; one about the cart, above it.
    let refusal = refused.into_refusal()?;
    let typed = Typed {
        quantities: HashMap::from([(product_id.0, form.quantity)]),
        line_errors: refusal
            .fields
            .get("quantity")
            .map(|m| HashMap::from([(product_id.0, m.to_owned())]))
            .unwrap_or_default(),
        form_error: refusal.message,
        ..Typed::default()
    };
    render(&req, &visitor, typed, refusal.status).await
}

/// Sets one line (0 removes it); returns the notice to show.
fn set_line(
    conn: &mut DbConn,
    owner: Option<&CartOwner>,
    product_id: ProductId,
    quantity: i32,
    now: PrimitiveDateTime,
) -> Result<String, Refused> {
    let not_in_cart = || Refused::Form(Refusal::bad_input(NOT_IN_CART.to_owned()));
    let owner = owner.ok_or_else(not_in_cart)?;
    conn.write_transaction(|conn| {
        let cart_id = cart::lock(conn, owner, now)?.ok_or_else(not_in_cart)?;
        cart::quantity_in_cart(conn, cart_id, product_id)?.ok_or_else(not_in_cart)?;
        if quantity == 0 {
            cart::delete_line(conn, cart_id, product_id)?;
            return Ok(format!(
                "{} removed from your cart.",
                product_name(conn, product_id)?
            ));
        }
        let line_conflict =
            |message: String| Refusal::field("quantity", message).with_status(StatusCode::CONFLICT);
        let product = products::find_published(conn, product_id)?.ok_or_else(|| {
            line_conflict("That product is no longer available; you can only remove it.".to_owned())
        })?;
        if let Some(message) = cart::refusal(&product.name, product.stock, quantity, 0) {
            return Err(line_conflict(message).into());
        }
        cart::put_line(conn, cart_id, product_id, quantity, false, now)?;
        Ok(format!("{} updated to {quantity}.", product.name))
    })
}

fn product_name(conn: &mut DbConn, product_id: ProductId) -> diesel::QueryResult<String> {
    use crate::db::schema::products as table;
    use diesel::prelude::*;
    table::table
        .find(product_id.0)
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
    let owner = CartOwner::of(&visitor);
    let removed = db
        .write(move |conn| {
            let Some(owner) = owner else {
                return Ok(None);
            };
            let now = dates::now();
            let removed = conn.write_transaction(|conn| match cart::lock(conn, &owner, now)? {
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
