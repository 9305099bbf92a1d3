//! What a cart costs: subtotal, coupon discount, shipping (a flat rate with a free-shipping
//! threshold, both settings) and total. The cart page and checkout use the same sums.

use diesel::QueryResult;
use time::PrimitiveDateTime;

use crate::db::DbConn;
use crate::settings::Settings;
use crate::shop::cart::{self, CartLine, CartOwner, summarize};
use crate::shop::coupons::{self, Coupon};
use crate::shop::money::{Cents, Currency};

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
    /// One query for the lines whatever their number, and one more only when the cart
    /// holds a coupon.
    pub fn load(
        conn: &mut DbConn,
        owner: Option<&CartOwner>,
        shipping: Shipping,
        now: PrimitiveDateTime,
    ) -> QueryResult<PricedCart> {
        let Some(owner) = owner else {
            return Ok(PricedCart::price(Vec::new(), None, shipping, now));
        };
        let (lines, code) = cart::lines_and_coupon(conn, owner, now)?;
        let coupon = match code {
            Some(code) => coupons::find(conn, &code)?,
            None => None,
        };
        Ok(PricedCart::price(lines, coupon, shipping, now))
    }

    pub fn price(
        lines: Vec<CartLine>,
        coupon: Option<Coupon>,
        shipping: Shipping,
        now: PrimitiveDateTime,
    ) -> PricedCart {
        let coupon_problem = coupon.as_ref().and_then(|c| c.problem(now));
        let usable = coupon.as_ref().filter(|_| coupon_problem.is_none());
        let totals = totals(&lines, usable, shipping);
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

    /// A fingerprint of what the shopper is charged: every line (product, quantity, unit
    /// price), the coupon that applies, shipping and total. The checkout form carries it,
    /// and the order is placed only if the cart still has the same one.
    pub fn fingerprint(&self) -> String {
        let mut lines: Vec<(i32, i32, i64)> = self
            .lines
            .iter()
            .map(|line| (line.product_id, line.quantity, line.price().0))
            .collect();
        lines.sort_unstable();
        let mut text = String::new();
        for (product_id, quantity, unit_price) in lines {
            text.push_str(&format!("line {product_id} {quantity} {unit_price}\n"));
        }
        let totals = &self.totals;
        text.push_str(&format!(
            "coupon {}\ndiscount {}\nshipping {}\ntotal {}\n",
            self.usable_coupon().map_or("", |c| c.code.as_str()),
            totals.discount.0,
            totals.shipping.0,
            totals.total.0
        ));
        crate::web::tokens::token_hash(&text)[..32].to_owned()
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

pub fn totals(lines: &[CartLine], coupon: Option<&Coupon>, shipping: Shipping) -> Totals {
    let (item_count, subtotal) = summarize(lines);
    let discount = coupon.map_or(Cents::ZERO, |c| c.discount(subtotal));
    let shipping = shipping.cost(item_count, subtotal);
    Totals {
        item_count,
        subtotal,
        discount,
        shipping,
        total: subtotal - discount + shipping,
    }
}

/// The shop's shipping rule, from the settings: a flat rate, and nothing from a subtotal
/// on (never free when that threshold is 0).
#[derive(Clone, Copy, Debug)]
pub struct Shipping {
    flat_rate: Cents,
    free_from: Cents,
}

impl Shipping {
    pub fn of(settings: &Settings) -> Shipping {
        Shipping {
            flat_rate: Cents(settings.shipping_flat_rate_cents),
            free_from: Cents(settings.free_shipping_threshold_cents),
        }
    }

    fn cost(self, item_count: i64, subtotal: Cents) -> Cents {
        if item_count == 0 || (self.free_from.0 > 0 && subtotal >= self.free_from) {
            Cents::ZERO
        } else {
            self.flat_rate
        }
    }

    /// "Add $12.00 more for free shipping", while it applies.
    pub fn hint(self, totals: &Totals, money: Currency) -> Option<String> {
        (totals.item_count > 0 && self.free_from.0 > 0 && totals.subtotal < self.free_from).then(
            || {
                format!(
                    "Add {} more for free shipping.",
                    money.show(self.free_from - totals.subtotal)
                )
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipping(flat: i64, threshold: i64) -> Shipping {
        Shipping::of(&Settings {
            shipping_flat_rate_cents: flat,
            free_shipping_threshold_cents: threshold,
            ..Settings::default()
        })
    }

    fn line(product_id: i32, quantity: i32, price_cents: i64) -> CartLine {
        CartLine {
            product_id,
            slug: format!("p{product_id}"),
            name: format!("Product {product_id}"),
            sku: String::new(),
            image: String::new(),
            image_alt: String::new(),
            price_cents,
            sale_price_cents: None,
            stock: None,
            published: true,
            quantity,
        }
    }

    fn coupon(code: &str) -> Coupon {
        Coupon {
            id: 1,
            code: code.to_owned(),
            kind: "fixed".to_owned(),
            amount: 500,
            expires_at: None,
            usage_limit: None,
            used_count: 0,
        }
    }

    #[test]
    fn the_fingerprint_changes_with_any_line_price_coupon_or_shipping_but_not_line_order() {
        let now = crate::web::dates::parse("2026-01-01 10:00:00").unwrap();
        let s = shipping(495, 5000);
        let print = |lines: Vec<CartLine>, coupon: Option<Coupon>, s: Shipping| {
            PricedCart::price(lines, coupon, s, now).fingerprint()
        };
        let base = print(vec![line(1, 1, 2800), line(2, 2, 650)], None, s);
        assert_eq!(base.len(), 32);
        assert_eq!(
            base,
            print(vec![line(2, 2, 650), line(1, 1, 2800)], None, s)
        );
        let others = [
            print(vec![line(1, 1, 2800)], None, s),
            print(vec![line(1, 2, 2800), line(2, 2, 650)], None, s),
            print(vec![line(1, 1, 3000), line(2, 2, 650)], None, s),
            print(
                vec![line(1, 1, 2800), line(2, 2, 650)],
                Some(coupon("GLOW5")),
                s,
            ),
            print(
                vec![line(1, 1, 2800), line(2, 2, 650)],
                None,
                shipping(595, 5000),
            ),
        ];
        for other in others {
            assert_ne!(base, other);
        }
    }

    #[test]
    fn shipping_is_flat_until_the_threshold_and_nothing_for_an_empty_cart() {
        let s = shipping(495, 5000);
        assert_eq!(s.cost(0, Cents(0)), Cents(0));
        assert_eq!(s.cost(1, Cents(4999)), Cents(495));
        assert_eq!(s.cost(1, Cents(5000)), Cents(0));
        assert_eq!(shipping(495, 0).cost(1, Cents(90000)), Cents(495));
    }
}
