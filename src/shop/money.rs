//! Money as integer cents: never a float, from the database to the page.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Mul, Sub};

/// An amount in US cents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cents(pub i64);

impl Cents {
    pub const ZERO: Cents = Cents(0);

    /// `percent` of this amount, rounded to the nearest cent (halves up).
    pub fn percent(self, percent: i64) -> Cents {
        Cents((self.0 * percent + 50).div_euclid(100))
    }

    /// "24.00", as schema.org's `price` wants it.
    pub fn plain(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// "$12.50", "-$5.00".
impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}${}.{:02}", abs / 100, abs % 100)
    }
}

impl Add for Cents {
    type Output = Cents;
    fn add(self, other: Cents) -> Cents {
        Cents(self.0 + other.0)
    }
}

impl Sub for Cents {
    type Output = Cents;
    fn sub(self, other: Cents) -> Cents {
        Cents(self.0 - other.0)
    }
}

impl Mul<i32> for Cents {
    type Output = Cents;
    fn mul(self, quantity: i32) -> Cents {
        Cents(self.0 * i64::from(quantity))
    }
}

impl Sum for Cents {
    fn sum<I: Iterator<Item = Cents>>(iter: I) -> Cents {
        Cents(iter.map(|c| c.0).sum())
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("“{0}” is not an amount of money: write it like 12.50")]
pub struct NotMoney(String);

/// Parses "12.50", "$12.5", "12" or "1,200.00" into cents. No negatives, at most two
/// decimals, at most $1,000,000,000.
pub fn parse(text: &str) -> Result<Cents, NotMoney> {
    let invalid = || NotMoney(text.chars().take(40).collect());
    let cleaned: String = text
        .trim()
        .trim_start_matches('$')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 10 || !digits(whole) {
        return Err(invalid());
    }
    if fraction.len() > 2 || !digits(fraction) || (cleaned.ends_with('.')) {
        return Err(invalid());
    }
    let whole: i64 = whole.parse().map_err(|_| invalid())?;
    let fraction: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().map_err(|_| invalid())? * 10,
        _ => fraction.parse().map_err(|_| invalid())?,
    };
    if whole > 1_000_000_000 {
        return Err(invalid());
    }
    Ok(Cents(whole * 100 + fraction))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_shown_in_dollars_and_cents() {
        assert_eq!(Cents(1250).to_string(), "$12.50");
        assert_eq!(Cents(5).to_string(), "$0.05");
        assert_eq!(Cents(0).to_string(), "$0.00");
        assert_eq!(Cents(-500).to_string(), "-$5.00");
        assert_eq!(Cents(123_456_789).to_string(), "$1234567.89");
        assert_eq!(Cents(2400).plain(), "24.00");
    }

    #[test]
    fn amounts_are_parsed_without_floats() {
        assert_eq!(parse("12.50"), Ok(Cents(1250)));
        assert_eq!(parse("$12.5"), Ok(Cents(1250)));
        assert_eq!(parse(" 12 "), Ok(Cents(1200)));
        assert_eq!(parse("1,200.00"), Ok(Cents(120_000)));
        assert_eq!(parse("0.07"), Ok(Cents(7)));
        // 0.1 + 0.2 is exactly 0.30 here.
        assert_eq!(parse("0.1").unwrap() + parse("0.2").unwrap(), Cents(30));
        for bad in [
            "",
            "abc",
            "-1",
            "1.234",
            "1.",
            ".5",
            "1e3",
            "12,50.1x",
            "99999999999",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn percentages_round_to_the_nearest_cent() {
        assert_eq!(Cents(1999).percent(10), Cents(200));
        assert_eq!(Cents(1000).percent(15), Cents(150));
        assert_eq!(Cents(5).percent(10), Cents(1));
        assert_eq!(Cents(4).percent(10), Cents(0));
        assert_eq!(Cents(1234).percent(100), Cents(1234));
    }

    #[test]
    fn line_totals_and_sums_stay_exact() {
        assert_eq!(Cents(650) * 3, Cents(1950));
        let total: Cents = [Cents(1), Cents(2), Cents(3)].into_iter().sum();
        assert_eq!(total, Cents(6));
        assert_eq!(Cents(500) - Cents(700), Cents(-200));
    }
}
