//! What a cart costs: subtotal, coupon discount, shipping (a flat rate with a free-shipping
//! threshold, both settings) and total. The cart page and checkout use the same sums.

use diesel::QueryResult;
use time::PrimitiveDateTime;

use crate::db::DbConn;
use crate::settings::Settings;
use crate::shop::cart::{self, CartLine, CartOwner, summarize};
use crate::shop::coupons::{self, Coupon};
use crate::shop::money::Cents;

/// A cart with its current prices, its coupon (if still good) and its totals.
pub struct PricedCart {
    pub lines: Vec<CartLine>,
    /// The coupon stored with the cart, whether or not it still applies.
    pub coupon: Option<Coupon>,
    /// Why the stored coupon no longer applies.
    pub coupon_problem: Option<String>,
    pub totals: Totals,
}

impl PricedCart {
    pub fn load(
        conn: &mut DbConn,
        owner: Option<&CartOwner>,
        settings: &Settings,
        now: PrimitiveDateTime,
    ) -> QueryResult<PricedCart> {
        let Some(owner) = owner else {
            return Ok(PricedCart::price(Vec::new(), None, settings, now));
        };
        let lines = cart::lines(conn, owner, now)?;
        let coupon = match cart::coupon_code(conn, owner, now)? {
            Some(code) => coupons::find(conn, &code)?,
            None => None,
        };
        Ok(PricedCart::price(lines, coupon, settings, now))
    }

    pub fn price(
        lines: Vec<CartLine>,
        coupon: Option<Coupon>,
        settings: &Settings,
        now: PrimitiveDateTime,
    ) -> PricedCart {
        let coupon_problem = coupon.as_ref().and_then(|c| c.problem(now));
        let usable = coupon.as_ref().filter(|_| coupon_problem.is_none());
        let totals = totals(&lines, usable, settings);
        PricedCart {
            lines,
            coupon,
            coupon_problem,
            totals,
        }
    }

    /// The coupon that applies, if any.
    pub fn usable_coupon(&self) -> Option<&Coupon> {
        self.coupon
            .as_ref()
            .filter(|_| self.coupon_problem.is_none())
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub item_count: i64,
    pub subtotal: Cents,
    pub discount: Cents,
    pub shipping: Cents,
    pub total: Cents,
}

pub fn totals(lines: &[CartLine], coupon: Option<&Coupon>, settings: &Settings) -> Totals {
    let (item_count, subtotal) = summarize(lines);
    let discount = coupon.map_or(Cents::ZERO, |c| c.discount(subtotal));
    let shipping = shipping(item_count, subtotal, settings);
    Totals {
        item_count,
        subtotal,
        discount,
        shipping,
        total: subtotal - discount + shipping,
    }
}

fn shipping(item_count: i64, subtotal: Cents, settings: &Settings) -> Cents {
    let threshold = settings.free_shipping_threshold_cents;
    if item_count == 0 || (threshold > 0 && subtotal.0 >= threshold) {
        Cents::ZERO
    } else {
        Cents(settings.shipping_flat_rate_cents)
    }
}

/// "Add $12.00 more for free shipping", while it applies.
pub fn free_shipping_hint(totals: &Totals, settings: &Settings) -> Option<String> {
    let threshold = settings.free_shipping_threshold_cents;
    (totals.item_count > 0 && threshold > 0 && totals.subtotal.0 < threshold).then(|| {
        format!(
            "Add {} more for free shipping.",
            Cents(threshold) - totals.subtotal
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(flat: i64, threshold: i64) -> Settings {
        Settings {
            shipping_flat_rate_cents: flat,
            free_shipping_threshold_cents: threshold,
            ..Settings::default()
        }
    }

    #[test]
    fn shipping_is_flat_until_the_threshold_and_nothing_for_an_empty_cart() {
        let s = settings(495, 5000);
        assert_eq!(shipping(0, Cents(0), &s), Cents(0));
        assert_eq!(shipping(1, Cents(4999), &s), Cents(495));
        assert_eq!(shipping(1, Cents(5000), &s), Cents(0));
        assert_eq!(shipping(1, Cents(90000), &settings(495, 0)), Cents(495));
    }
}
