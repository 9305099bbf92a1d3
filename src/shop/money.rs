//! Money as integer cents: never a float, from the database to the page.

use std::iter::Sum;
use std::ops::{Add, Mul, Sub};

/// An amount in cents (hundredths) of the shop's currency.
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

/// The shop's currency (Settings → Shop). Amounts are integer cents of it; this only says
/// how they are written, so every price on every page and mail goes through [`Currency::show`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Currency {
    #[default]
    Usd,
    Eur,
    Gbp,
    Cad,
    Aud,
}

impl Currency {
    pub const ALL: [Currency; 5] = [
        Currency::Usd,
        Currency::Eur,
        Currency::Gbp,
        Currency::Cad,
        Currency::Aud,
    ];

    /// From the ISO code stored in the settings (or on an order); unknown codes are USD.
    pub fn from_code(code: &str) -> Currency {
        Currency::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code.trim()))
            .unwrap_or_default()
    }

    pub fn of(settings: &crate::settings::Settings) -> Currency {
        Currency::from_code(&settings.currency)
    }

    /// "USD", for schema.org's `priceCurrency` and the settings.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
            Currency::Gbp => "GBP",
            Currency::Cad => "CAD",
            Currency::Aud => "AUD",
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Usd => "$",
            Currency::Eur => "€",
            Currency::Gbp => "£",
            Currency::Cad => "CA$",
            Currency::Aud => "A$",
        }
    }

    /// "€12.50", "-€5.00".
    pub fn show(self, amount: Cents) -> String {
        let sign = if amount.0 < 0 { "-" } else { "" };
        let abs = amount.0.unsigned_abs();
        format!("{sign}{}{}.{:02}", self.symbol(), abs / 100, abs % 100)
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

/// Parses "12.50", "$12.5", "€12", "12,50" (a decimal comma) or "1,200.00" into cents. A
/// comma followed by one or two digits at the end, with no point, is a decimal comma;
/// otherwise commas group thousands. No negatives, at most two decimals, at most
/// 1,000,000,000.
pub fn parse(text: &str) -> Result<Cents, NotMoney> {
    let invalid = || NotMoney(text.chars().take(40).collect());
    let mut cleaned = text.trim();
    for symbol in ["CA$", "A$", "$", "€", "£"] {
        cleaned = cleaned.trim_start_matches(symbol);
    }
    let cleaned = cleaned.trim();
    let decimal_comma = !cleaned.contains('.')
        && cleaned
            .rsplit_once(',')
            .is_some_and(|(_, tail)| (1..=2).contains(&tail.len()));
    let cleaned: String = if decimal_comma {
        cleaned.replace(',', ".")
    } else {
        cleaned.chars().filter(|c| *c != ',').collect()
    };
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
    fn amounts_are_shown_with_the_currencys_symbol() {
        let usd = Currency::Usd;
        assert_eq!(usd.show(Cents(1250)), "$12.50");
        assert_eq!(usd.show(Cents(5)), "$0.05");
        assert_eq!(usd.show(Cents(0)), "$0.00");
        assert_eq!(usd.show(Cents(-500)), "-$5.00");
        assert_eq!(usd.show(Cents(123_456_789)), "$1234567.89");
        assert_eq!(Currency::Eur.show(Cents(1250)), "€12.50");
        assert_eq!(Currency::Gbp.show(Cents(-500)), "-£5.00");
        assert_eq!(Currency::Cad.show(Cents(100)), "CA$1.00");
        assert_eq!(Currency::Aud.show(Cents(100)), "A$1.00");
        assert_eq!(Currency::from_code("eur"), Currency::Eur);
        assert_eq!(Currency::from_code("XYZ"), Currency::Usd);
        assert_eq!(Cents(2400).plain(), "24.00");
    }

    #[test]
    fn amounts_are_parsed_without_floats() {
        assert_eq!(parse("12.50"), Ok(Cents(1250)));
        assert_eq!(parse("$12.5"), Ok(Cents(1250)));
        assert_eq!(parse(" 12 "), Ok(Cents(1200)));
        assert_eq!(parse("1,200.00"), Ok(Cents(120_000)));
        assert_eq!(parse("0.07"), Ok(Cents(7)));
        assert_eq!(parse("24,00"), Ok(Cents(2400)));
        assert_eq!(parse("24,5"), Ok(Cents(2450)));
        assert_eq!(parse("€ 24"), Ok(Cents(2400)));
        assert_eq!(parse("CA$3.10"), Ok(Cents(310)));
        assert_eq!(parse("1,200"), Ok(Cents(120_000)));
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
