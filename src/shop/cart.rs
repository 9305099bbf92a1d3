//! Carts in the database: found through a guest's session token (only its hash is stored)
//! or through the user. A cart row is created on the first add, never on a page view.
//! Guest carts expire after `GUEST_CART_LIFETIME` without use; a shopper's cart never does.

use std::collections::HashMap;

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use crate::accounts::users::is_unique_violation;
use crate::accounts::visitor::Visitor;
use crate::db::schema::{cart_items, carts, products};
use crate::db::{Backend, DbConn};
use crate::shop::money::Cents;
use crate::shop::products::{ProductId, current_price};
use crate::shop::quantity::MAX_QUANTITY;
use crate::web::tokens::token_hash;

pub const GUEST_CART_LIFETIME: Duration = Duration::hours(48);

/// Whose cart: a guest's (by the hash of their session token) or a user's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CartOwner {
    Guest { token_hash: String },
    User(i32),
}

impl CartOwner {
    pub fn guest(session_token: &str) -> CartOwner {
        CartOwner::Guest {
            token_hash: token_hash(session_token),
        }
    }

    /// Whose cart `visitor` sees: their own when logged in, else their session's (none
    /// until they first add something).
    pub fn of(visitor: &Visitor) -> Option<CartOwner> {
        match &visitor.user {
            Some(user) => Some(CartOwner::User(user.id)),
            None => visitor.session.cart_token().map(|t| CartOwner::guest(&t)),
        }
    }

    /// Like `of`, giving a guest a cart token first: for adding to a cart.
    pub fn of_or_new(visitor: &Visitor) -> CartOwner {
        match &visitor.user {
            Some(user) => CartOwner::User(user.id),
            None => CartOwner::guest(&visitor.session.cart_token_or_new()),
        }
    }
}

/// A cart's id, only made in this module (by `lock` and `lock_or_create` for everyone
/// else): whatever changes a cart's lines does so in the transaction that locked it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CartId(i32);

/// One line with what the cart page and the mini-cart need of its product, read in the
/// same query: prices are always the current ones.
#[derive(Queryable, Clone, Debug)]
pub struct CartLine {
    pub product_id: i32,
    pub slug: String,
    pub name: String,
    pub sku: String,
    pub image: String,
    pub image_alt: String,
    pub price_cents: i64,
    pub sale_price_cents: Option<i64>,
    pub stock: Option<i32>,
    pub published: bool,
    pub quantity: i32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineState {
    Ok,
    /// Fewer left than the line asks for; this many are counted.
    Reduced(i32),
    /// Unpublished or sold out: flagged and left out of the total.
    Unavailable,
}

impl CartLine {
    pub fn price(&self) -> Cents {
        current_price(self.price_cents, self.sale_price_cents)
    }

    pub fn state(&self) -> LineState {
        match self.stock {
            _ if !self.published => LineState::Unavailable,
            Some(left) if left <= 0 => LineState::Unavailable,
            Some(left) if left < self.quantity => LineState::Reduced(left),
            _ => LineState::Ok,
        }
    }

    /// How many of this line count towards the total.
    pub fn payable_quantity(&self) -> i32 {
        match self.state() {
            LineState::Ok => self.quantity,
            LineState::Reduced(left) => left,
            LineState::Unavailable => 0,
        }
    }

    pub fn total(&self) -> Cents {
        self.price() * self.payable_quantity()
    }
}

/// Item count and subtotal of the lines that can be bought.
pub fn summarize(lines: &[CartLine]) -> (i64, Cents) {
    let count = lines.iter().map(|l| i64::from(l.payable_quantity())).sum();
    (count, lines.iter().map(CartLine::total).sum())
}

fn expiry_cutoff(now: PrimitiveDateTime) -> PrimitiveDateTime {
    now - GUEST_CART_LIFETIME
}

/// The owner's live cart (an expired guest cart is as good as gone, cleaned up or not).
fn owned_cart(owner: &CartOwner, now: PrimitiveDateTime) -> carts::BoxedQuery<'static, Backend> {
    match owner {
        CartOwner::User(id) => carts::table.filter(carts::user_id.eq(*id)).into_boxed(),
        CartOwner::Guest { token_hash } => carts::table
            .filter(carts::token_hash.eq(token_hash.clone()))
            .filter(carts::updated_at.gt(expiry_cutoff(now)))
            .into_boxed(),
    }
}

/// Every line of the owner's cart, oldest first, in one query.
pub fn lines(
    conn: &mut DbConn,
    owner: &CartOwner,
    now: PrimitiveDateTime,
) -> QueryResult<Vec<CartLine>> {
    Ok(lines_and_coupon(conn, owner, now)?.0)
}

/// The lines and the cart's coupon code, in the same one query (what the mini-cart needs).
pub fn lines_and_coupon(
    conn: &mut DbConn,
    owner: &CartOwner,
    now: PrimitiveDateTime,
) -> QueryResult<(Vec<CartLine>, Option<String>)> {
    // Not boxed, and on the connection inside `DbConn`: a query of fixed shape keeps its
    // prepared statement (this one runs for every page of a reader with a cart).
    let query = cart_items::table
        .inner_join(carts::table)
        .inner_join(products::table)
        .order((cart_items::added_at, cart_items::product_id))
        .select((
            (
                cart_items::product_id,
                products::slug,
                products::name,
                products::sku,
                products::image,
                products::image_alt,
                products::price_cents,
                products::sale_price_cents,
                products::stock,
                products::published,
                cart_items::quantity,
            ),
            carts::coupon_code,
        ));
    let rows: Vec<(CartLine, Option<String>)> = match owner {
        CartOwner::User(id) => {
            crate::on_backend!(conn, |c| query.filter(carts::user_id.eq(*id)).load(c))
        }
        CartOwner::Guest { token_hash } => {
            let fresh_since = expiry_cutoff(now);
            crate::on_backend!(conn, |c| query
                .filter(carts::token_hash.eq(token_hash))
                .filter(carts::updated_at.gt(fresh_since))
                .load(c))
        }
    }?;
    let coupon = rows.first().and_then(|(_, code)| code.clone());
    Ok((rows.into_iter().map(|(line, _)| line).collect(), coupon))
}

pub fn coupon_code(
    conn: &mut DbConn,
    owner: &CartOwner,
    now: PrimitiveDateTime,
) -> QueryResult<Option<String>> {
    owned_cart(owner, now)
        .select(carts::coupon_code)
        .first(conn)
        .optional()
        .map(Option::flatten)
}

pub fn set_coupon_code(conn: &mut DbConn, cart_id: CartId, code: Option<&str>) -> QueryResult<()> {
    diesel::update(carts::table.find(cart_id.0))
        .set(carts::coupon_code.eq(code))
        .execute(conn)
        .map(drop)
}

fn find_id(
    conn: &mut DbConn,
    owner: &CartOwner,
    now: PrimitiveDateTime,
) -> QueryResult<Option<CartId>> {
    Ok(owned_cart(owner, now)
        .select(carts::id)
        .first(conn)
        .optional()?
        .map(CartId))
}

/// The owner's cart id, for a transaction that is about to change it; `None` when there
/// is no (live) cart. It marks the cart as used in the same statement, and that statement
/// is a write: on SQLite it takes the write lock before anything is read, so concurrent
/// writers queue (busy timeout) instead of failing with "database is locked" when a read
/// transaction cannot be upgraded.
pub fn lock(
    conn: &mut DbConn,
    owner: &CartOwner,
    now: PrimitiveDateTime,
) -> QueryResult<Option<CartId>> {
    let locked: Option<i32> = match owner {
        CartOwner::User(id) => diesel::update(carts::table.filter(carts::user_id.eq(*id)))
            .set(carts::updated_at.eq(now))
            .returning(carts::id)
            .get_result(conn)
            .optional()?,
        CartOwner::Guest { token_hash } => diesel::update(
            carts::table
                .filter(carts::token_hash.eq(token_hash))
                .filter(carts::updated_at.gt(expiry_cutoff(now))),
        )
        .set(carts::updated_at.eq(now))
        .returning(carts::id)
        .get_result(conn)
        .optional()?,
    };
    Ok(locked.map(CartId))
}

/// Like `lock`, creating the cart if there is none (the first add).
pub fn lock_or_create(
    conn: &mut DbConn,
    owner: &CartOwner,
    now: PrimitiveDateTime,
) -> QueryResult<CartId> {
    if let Some(id) = lock(conn, owner, now)? {
        return Ok(id);
    }
    if let CartOwner::Guest { token_hash } = owner {
        // An expired cart under the same token that the cleanup has not reached yet.
        delete_carts(
            conn,
            carts::table
                .filter(carts::token_hash.eq(token_hash.clone()))
                .select(carts::id)
                .into_boxed(),
        )?;
    }
    let (token_hash, user_id) = match owner {
        CartOwner::Guest { token_hash } => (Some(token_hash.clone()), None),
        CartOwner::User(id) => (None, Some(*id)),
    };
    // A savepoint: on PostgreSQL a failed insert would otherwise abort the transaction.
    let inserted = conn.write_transaction(|conn| {
        diesel::insert_into(carts::table)
            .values((
                carts::token_hash.eq(token_hash),
                carts::user_id.eq(user_id),
                carts::updated_at.eq(now),
            ))
            .returning(carts::id)
            .get_result(conn)
    });
    match inserted {
        // The same shopper's other request created it a moment ago.
        Err(e) if is_unique_violation(&e) => find_id(conn, owner, now)?.ok_or(e),
        other => other.map(CartId),
    }
}

pub fn quantity_in_cart(
    conn: &mut DbConn,
    cart_id: CartId,
    product_id: ProductId,
) -> QueryResult<Option<i32>> {
    cart_items::table
        .find((cart_id.0, product_id.0))
        .select(cart_items::quantity)
        .first(conn)
        .optional()
}

/// Writes a line's quantity, inserting the line if it is new. `known_new`: the caller has
/// just seen that the line is not there (saves a statement).
pub fn put_line(
    conn: &mut DbConn,
    cart_id: CartId,
    product_id: ProductId,
    quantity: i32,
    known_new: bool,
    now: PrimitiveDateTime,
) -> QueryResult<()> {
    let updated = if known_new {
        0
    } else {
        diesel::update(cart_items::table.find((cart_id.0, product_id.0)))
            .set(cart_items::quantity.eq(quantity))
            .execute(conn)?
    };
    if updated == 0 {
        diesel::insert_into(cart_items::table)
            .values((
                cart_items::cart_id.eq(cart_id.0),
                cart_items::product_id.eq(product_id.0),
                cart_items::quantity.eq(quantity),
                cart_items::added_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Whether a line was there to delete.
pub fn delete_line(conn: &mut DbConn, cart_id: CartId, product_id: ProductId) -> QueryResult<bool> {
    Ok(diesel::delete(cart_items::table.find((cart_id.0, product_id.0))).execute(conn)? > 0)
}

pub fn empty(conn: &mut DbConn, cart_id: CartId) -> QueryResult<()> {
    diesel::delete(cart_items::table.filter(cart_items::cart_id.eq(cart_id.0))).execute(conn)?;
    set_coupon_code(conn, cart_id, None)
}

/// Why a line of `name` (with `stock` left) cannot hold `wanted`, `in_cart` of which are
/// already there, if so.
pub fn refusal(name: &str, stock: Option<i32>, wanted: i32, in_cart: i32) -> Option<String> {
    match stock {
        Some(left) if left <= 0 => Some(format!("Sorry, {name} is out of stock.")),
        Some(left) if wanted > left && in_cart > 0 => Some(format!(
            "Only {left} of {name} in stock, and you already have {in_cart} in your cart."
        )),
        Some(left) if wanted > left => Some(format!("Only {left} of {name} left in stock.")),
        _ if wanted > MAX_QUANTITY => Some(format!(
            "You can have at most {MAX_QUANTITY} of one item in your cart \
             (you already have {in_cart} of {name})."
        )),
        _ => None,
    }
}

/// A line's quantity when a guest cart joins a saved one: the two add up, capped at the
/// stock and the per-line maximum. A sold-out line keeps its quantity, to be flagged on the
/// cart page rather than silently dropped.
pub fn merged_quantity(saved: i32, guest: i32, stock: Option<i32>) -> i32 {
    let sum = saved.saturating_add(guest).min(MAX_QUANTITY);
    match stock {
        Some(left) if left > 0 => sum.min(left),
        _ => sum,
    }
}

/// Moves a guest's cart into the user's saved cart, in one transaction. Returns how many
/// lines the guest cart had.
pub fn merge_guest_cart(
    conn: &mut DbConn,
    guest_token_hash: &str,
    user_id: i32,
    now: PrimitiveDateTime,
) -> QueryResult<usize> {
    conn.write_transaction(|conn| {
        let guest = CartOwner::Guest {
            token_hash: guest_token_hash.to_owned(),
        };
        let Some(guest_cart) = lock(conn, &guest, now)? else {
            return Ok(0);
        };
        let Some(saved_cart) = find_id(conn, &CartOwner::User(user_id), now)? else {
            // No saved cart yet: the guest cart becomes it.
            diesel::update(carts::table.find(guest_cart.0))
                .set((
                    carts::user_id.eq(Some(user_id)),
                    carts::token_hash.eq(None::<String>),
                ))
                .execute(conn)?;
            return line_count(conn, guest_cart);
        };
        let guest_lines: Vec<(i32, i32, Option<i32>)> = cart_items::table
            .inner_join(products::table)
            .filter(cart_items::cart_id.eq(guest_cart.0))
            .select((
                cart_items::product_id,
                cart_items::quantity,
                products::stock,
            ))
            .load(conn)?;
        let saved: HashMap<i32, i32> = cart_items::table
            .filter(cart_items::cart_id.eq(saved_cart.0))
            .select((cart_items::product_id, cart_items::quantity))
            .load::<(i32, i32)>(conn)?
            .into_iter()
            .collect();
        for (product_id, quantity, stock) in &guest_lines {
            let already = saved.get(product_id).copied();
            let merged = merged_quantity(already.unwrap_or(0), *quantity, *stock);
            put_line(
                conn,
                saved_cart,
                ProductId(*product_id),
                merged,
                already.is_none(),
                now,
            )?;
        }
        if coupon_code(conn, &CartOwner::User(user_id), now)?.is_none() {
            let guest_coupon = coupon_code(conn, &guest, now)?;
            set_coupon_code(conn, saved_cart, guest_coupon.as_deref())?;
        }
        delete_carts(
            conn,
            carts::table
                .find(guest_cart.0)
                .select(carts::id)
                .into_boxed(),
        )?;
        Ok(guest_lines.len())
    })
}

fn line_count(conn: &mut DbConn, cart_id: CartId) -> QueryResult<usize> {
    let count: i64 = cart_items::table
        .filter(cart_items::cart_id.eq(cart_id.0))
        .count()
        .get_result(conn)?;
    Ok(usize::try_from(count).unwrap_or(0))
}

/// Deletes carts and their lines (without relying on cascades being switched on).
fn delete_carts(
    conn: &mut DbConn,
    ids: carts::BoxedQuery<'static, Backend, diesel::sql_types::Integer>,
) -> QueryResult<usize> {
    let ids: Vec<i32> = ids.load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    diesel::delete(cart_items::table.filter(cart_items::cart_id.eq_any(&ids))).execute(conn)?;
    diesel::delete(carts::table.filter(carts::id.eq_any(&ids))).execute(conn)
}

/// The background cleanup: guest carts unused for `GUEST_CART_LIFETIME`. Returns how many
/// went. Both statements are writes, so on SQLite the transaction never has to upgrade a
/// read lock.
pub fn delete_expired_guest_carts(conn: &mut DbConn, now: PrimitiveDateTime) -> QueryResult<usize> {
    let expired = carts::table
        .filter(carts::user_id.is_null())
        .filter(carts::updated_at.le(expiry_cutoff(now)));
    conn.write_transaction(|conn| {
        diesel::delete(
            cart_items::table.filter(cart_items::cart_id.eq_any(expired.select(carts::id))),
        )
        .execute(conn)?;
        diesel::delete(expired).execute(conn)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_quantities_add_up_capped_at_stock_and_the_maximum() {
        assert_eq!(merged_quantity(2, 3, None), 5);
        assert_eq!(merged_quantity(2, 3, Some(4)), 4);
        assert_eq!(merged_quantity(0, 3, Some(10)), 3);
        assert_eq!(merged_quantity(60, 60, None), MAX_QUANTITY);
        assert_eq!(merged_quantity(60, 60, Some(200)), MAX_QUANTITY);
        assert_eq!(merged_quantity(1, 1, Some(0)), 2, "flagged, not dropped");
    }

    fn line(quantity: i32, stock: Option<i32>, published: bool) -> CartLine {
        CartLine {
            product_id: 1,
            slug: "s".into(),
            name: "Serum".into(),
            sku: "S".into(),
            image: String::new(),
            image_alt: String::new(),
            price_cents: 1000,
            sale_price_cents: Some(800),
            stock,
            published,
            quantity,
        }
    }

    #[test]
    fn unavailable_lines_are_left_out_and_short_lines_count_what_is_left() {
        let lines = [
            line(2, None, true),
            line(3, Some(1), true),
            line(1, Some(0), true),
            line(4, Some(9), false),
        ];
        assert_eq!(lines[1].state(), LineState::Reduced(1));
        assert_eq!(lines[2].state(), LineState::Unavailable);
        assert_eq!(lines[3].state(), LineState::Unavailable);
        assert_eq!(summarize(&lines), (3, Cents(2400)));
    }
}
