//! Field rules for account forms.

use email_address::EmailAddress;

use crate::web::forms::too_long;

pub const USERNAME_MAX: usize = 60;
pub const EMAIL_MAX: usize = 100;
pub const DISPLAY_NAME_MAX: usize = 100;

pub fn username(value: &str) -> Result<(), &'static str> {
    let value = value.trim();
    if value.chars().count() < 3 {
        return Err("Choose a username of at least 3 characters.");
    }
    if too_long(value, USERNAME_MAX) {
        return Err("Use at most 60 characters for the username.");
    }
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        // ASCII only: SQLite's lower() folds only ASCII, and the unique index and the
        // login lookup must agree on what "the same name" is.
        return Err(
            "Use only the letters a–z, numbers, dots, hyphens and underscores in the username.",
        );
    }
    Ok(())
}

pub fn email(value: &str) -> Result<(), &'static str> {
    let value = value.trim();
    if value.is_empty() {
        return Err("Enter your email address.");
    }
    if too_long(value, EMAIL_MAX) {
        return Err("Use an email address of at most 100 characters.");
    }
    let valid = EmailAddress::parse_with_options(
        value,
        email_address::Options::default()
            .without_display_text()
            .without_domain_literal(),
    )
    .is_ok_and(|e| e.domain().contains('.') || e.domain() == "localhost");
    if !valid {
        return Err("That does not look like an email address (name@example.com).");
    }
    Ok(())
}

pub fn display_name(value: &str) -> Result<(), &'static str> {
    let value = value.trim();
    if value.is_empty() {
        return Err("Enter the name to show on your comments.");
    }
    if too_long(value, DISPLAY_NAME_MAX) {
        return Err("Use at most 100 characters for your name.");
    }
    // Also U+FFFE/U+FFFF, which XML forbids: the name goes into the comment feeds.
    if value
        .chars()
        .any(|c| c.is_control() || !crate::web::text::is_xml_char(c))
    {
        return Err("Your name cannot contain control characters or U+FFFE/U+FFFF.");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_short_words() {
        assert!(username("devon_a").is_ok());
        assert!(username("Zoe.k").is_ok());
        assert!(username("Zoë.k").is_err());
        assert!(username("ab").is_err());
        assert!(username("has space").is_err());
        assert!(username("<script>").is_err());
        assert!(username(&"x".repeat(61)).is_err());
        assert!(username("dev\u{2}on").is_err());
        assert!(username("dev\u{FFFE}on").is_err());
    }

    #[test]
    fn display_names_have_no_characters_xml_forbids() {
        assert!(display_name("Zoë K.").is_ok());
        assert!(display_name("Zo\u{2}e").is_err());
        assert!(display_name("Zo\u{FFFE}e").is_err());
        assert!(display_name("Zo\u{FFFF}e").is_err());
        assert!(display_name("Zo\u{85}e").is_err());
    }

    #[test]
    fn emails_need_a_name_and_a_domain() {
        assert!(email("reader@example.com").is_ok());
        assert!(email("reader@example").is_err());
        assert!(email("not an email").is_err());
        assert!(email("a@b.c d").is_err());
        assert!(email("Reader <reader@example.com>").is_err());
        assert!(email(&format!("{}@example.com", "x".repeat(95))).is_err());
    }
}
