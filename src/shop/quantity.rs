//! Quantities typed by shoppers: whole numbers from 1 (or 0, to remove) to `MAX_QUANTITY`.

/// The most of one product a cart line may hold.
pub const MAX_QUANTITY: i32 = 99;

/// Whether 0 is allowed (setting a line to 0 removes it; adding 0 means nothing).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Zero {
    Refused,
    Removes,
}

/// Parses a quantity field, with a message a shopper understands when it is not one.
pub fn parse(text: &str, zero: Zero) -> Result<i32, String> {
    let text = text.trim();
    let shown: String = text.chars().take(20).collect();
    if text.is_empty() {
        return Err("Enter a quantity.".to_owned());
    }
    if text.starts_with('-') {
        return Err("A quantity cannot be negative.".to_owned());
    }
    if text.contains(['.', ',']) && text.chars().all(|c| c.is_ascii_digit() || ".,".contains(c)) {
        return Err(format!(
            "“{shown}” is not a whole number: quantities are counted in whole items."
        ));
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "“{shown}” is not a quantity: enter a whole number from 1 to {MAX_QUANTITY}."
        ));
    }
    match text.parse::<i32>() {
        Ok(0) if zero == Zero::Refused => {
            Err("Choose at least 1 to add it to your cart.".to_owned())
        }
        Ok(n) if n <= MAX_QUANTITY => Ok(n),
        _ => Err(format!(
            "You can have at most {MAX_QUANTITY} of one item in your cart."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_in_range_are_quantities() {
        assert_eq!(parse("1", Zero::Refused), Ok(1));
        assert_eq!(parse(" 99 ", Zero::Refused), Ok(99));
        assert_eq!(parse("007", Zero::Refused), Ok(7));
        assert_eq!(parse("0", Zero::Removes), Ok(0));
    }

    #[test]
    fn everything_else_gets_a_message_that_says_why() {
        let message = |text| parse(text, Zero::Refused).unwrap_err();
        assert!(message("").contains("Enter a quantity"));
        assert!(message("abc").contains("is not a quantity"));
        assert!(message("-2").contains("negative"));
        assert!(message("0").contains("at least 1"));
        assert!(message("1.5").contains("whole number"));
        assert!(message("100").contains("at most 99"));
        assert!(message("99999999999999999999").contains("at most 99"));
        assert!(message("1e3").contains("is not a quantity"));
        assert!(message("<b>").contains("“<b>”"), "the template escapes it");
    }
}
