//! Coupon codes: a fixed amount or a percentage off the subtotal, with an optional expiry
//! and usage limit. Applied on the cart page, checked again at checkout.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::db::DbConn;
use crate::db::schema::coupons;
use crate::shop::money::{Cents, Currency};

pub const FIXED: &str = "fixed";
pub const PERCENT: &str = "percent";

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = coupons)]
pub struct Coupon {
    pub id: i32,
    pub code: String,
    pub kind: String,
    pub amount: i64,
    pub expires_at: Option<PrimitiveDateTime>,
    pub usage_limit: Option<i32>,
    pub used_count: i32,
}

impl Coupon {
    /// Why it cannot be used now, if so.
    pub fn problem(&self, now: PrimitiveDateTime) -> Option<String> {
        let code = &self.code;
        if self.expires_at.is_some_and(|at| at <= now) {
            return Some(format!("The coupon {code} has expired."));
        }
        if self
            .usage_limit
            .is_some_and(|limit| self.used_count >= limit)
        {
            return Some(format!("The coupon {code} has been used up."));
        }
        None
    }

    /// The discount on `subtotal`, never more than the subtotal itself.
    pub fn discount(&self, subtotal: Cents) -> Cents {
        let off = if self.kind == PERCENT {
            subtotal.percent(self.amount.clamp(0, 100))
        } else {
            Cents(self.amount.max(0))
        };
        off.min(subtotal)
    }

    /// "10% off", "$5.00 off".
    pub fn label(&self, money: Currency) -> String {
        if self.kind == PERCENT {
            format!("{}% off", self.amount)
        } else {
            format!("{} off", money.show(Cents(self.amount)))
        }
    }
}

/// Codes are matched without regard to case or surrounding spaces.
pub fn normalise(code: &str) -> String {
    code.trim().to_uppercase()
}

pub fn find(conn: &mut DbConn, code: &str) -> QueryResult<Option<Coupon>> {
    coupons::table
        .filter(coupons::code.eq(normalise(code)))
        .select(Coupon::as_select())
        .first(conn)
        .optional()
}

/// Counts one use if the limit allows it, in one conditional statement (two orders cannot
/// both take the last use). Returns whether it did.
pub fn redeem(conn: &mut DbConn, id: i32) -> QueryResult<bool> {
    let counted = diesel::update(
        coupons::table.find(id).filter(
            coupons::usage_limit
                .is_null()
                .or(coupons::used_count.lt(coupons::usage_limit.assume_not_null())),
        ),
    )
    .set(coupons::used_count.eq(coupons::used_count + 1))
    .execute(conn)?;
    Ok(counted == 1)
}

/// Undoes one use (the order that used it was cancelled).
pub fn give_back(conn: &mut DbConn, code: &str) -> QueryResult<()> {
    diesel::update(
        coupons::table
            .filter(coupons::code.eq(code))
            .filter(coupons::used_count.gt(0)),
    )
    .set(coupons::used_count.eq(coupons::used_count - 1))
    .execute(conn)
    .map(drop)
}

pub struct NewCoupon<'a> {
    pub code: &'a str,
    pub kind: &'a str,
    pub amount: i64,
    pub expires_at: Option<PrimitiveDateTime>,
    pub usage_limit: Option<i32>,
}

pub fn insert(conn: &mut DbConn, new: &NewCoupon) -> QueryResult<i32> {
    diesel::insert_into(coupons::table)
        .values((
            coupons::code.eq(normalise(new.code)),
            coupons::kind.eq(new.kind),
            coupons::amount.eq(new.amount),
            coupons::expires_at.eq(new.expires_at),
            coupons::usage_limit.eq(new.usage_limit),
            coupons::used_count.eq(0),
        ))
        .returning(coupons::id)
        .get_result(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coupon(kind: &str, amount: i64) -> Coupon {
        Coupon {
            id: 1,
            code: "GLOW".into(),
            kind: kind.into(),
            amount,
            expires_at: None,
            usage_limit: Some(2),
            used_count: 0,
        }
    }

    #[test]
    fn discounts_never_exceed_the_subtotal() {
        assert_eq!(coupon(PERCENT, 10).discount(Cents(4250)), Cents(425));
        assert_eq!(coupon(FIXED, 500).discount(Cents(4250)), Cents(500));
        assert_eq!(coupon(FIXED, 500).discount(Cents(300)), Cents(300));
        assert_eq!(coupon(PERCENT, 10).label(Currency::Usd), "10% off");
        assert_eq!(coupon(FIXED, 500).label(Currency::Usd), "$5.00 off");
        assert_eq!(coupon(FIXED, 500).label(Currency::Eur), "€5.00 off");
    }

    #[test]
    fn expired_and_used_up_coupons_say_so() {
        let now = crate::web::dates::parse("2026-11-30 10:00:00").unwrap();
        let mut c = coupon(FIXED, 500);
        assert_eq!(c.problem(now), None);
        c.used_count = 2;
        assert!(c.problem(now).unwrap().contains("used up"));
        c.used_count = 0;
        c.expires_at = Some(now);
        assert!(c.problem(now).unwrap().contains("expired"));
        assert_eq!(normalise(" glow10 "), "GLOW10");
    }
}
