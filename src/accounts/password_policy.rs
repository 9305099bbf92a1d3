//! Password rules following NIST SP 800-63B (section 5.1.1.2):
//!
//! - at least [`MIN_CHARS`] characters, counted as Unicode scalar values, not bytes;
//! - at most [`MAX_CHARS`] characters, so long passphrases are welcome;
//! - no composition rules (no "one digit, one symbol" demands);
//! - not on a list of common or breached passwords shipped with the binary
//!   (`common-passwords.txt`, compared case-insensitively, ignoring leading and
//!   trailing whitespace);
//! - not the same as the username, the email address or the email's local part
//!   (case-insensitively).
//!
//! Leading and trailing whitespace is kept as part of the password; it is only
//! ignored when comparing against the list and the account's names.

use std::collections::HashSet;
use std::fmt;
use std::sync::LazyLock;

/// Fewest characters a password may have.
pub const MIN_CHARS: usize = 8;
/// Most characters a password may have.
pub const MAX_CHARS: usize = 256;

/// Why a password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    Common,
    LikeAccountName,
}

impl PasswordProblem {
    /// A sentence shown next to the password field.
    pub fn message(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "Use at least 8 characters.",
            PasswordProblem::TooLong => "Use at most 256 characters.",
            PasswordProblem::Common => {
                "That password is on a list of common passwords; choose something less guessable, such as a few unrelated words."
            }
            PasswordProblem::LikeAccountName => {
                "Choose a password that is not your username or email address."
            }
        }
    }
}

impl fmt::Display for PasswordProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// The common-password list, lowercase, one entry per line.
static COMMON_PASSWORDS_TEXT: &str = include_str!("common-passwords.txt");

static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    COMMON_PASSWORDS_TEXT
        .lines()
        .map(|line| line.trim_end_matches('\r'))
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
});

/// Checks a new password against the policy.
///
/// `username` and `email` are the account's; empty ones are ignored.
pub fn check(password: &str, username: &str, email: &str) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    if is_like_account_name(password, username, email) {
        return Err(PasswordProblem::LikeAccountName);
    }
    if is_common(password) {
        return Err(PasswordProblem::Common);
    }
    Ok(())
}

/// Whether the password, trimmed and lowercased, is on the common-password list.
pub fn is_common(password: &str) -> bool {
    let normalized = password.trim().to_lowercase();
    COMMON_PASSWORDS.contains(normalized.as_str())
}

/// Whether the password equals, case-insensitively and ignoring surrounding
/// whitespace, the username, the email address or the email's local part.
fn is_like_account_name(password: &str, username: &str, email: &str) -> bool {
    let password = password.trim().to_lowercase();
    let email = email.trim();
    let local_part = email.rsplit_once('@').map(|(local, _)| local);
    [Some(username.trim()), Some(email), local_part]
        .into_iter()
        .flatten()
        .filter(|name| !name.is_empty())
        .any(|name| name.to_lowercase() == password)
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: &str = "alice";
    const EMAIL: &str = "alice.smith@example.org";

    fn check_plain(password: &str) -> Result<(), PasswordProblem> {
        check(password, USER, EMAIL)
    }

    #[test]
    fn seven_characters_are_too_short() {
        assert_eq!(check_plain("tqz7mwk"), Err(PasswordProblem::TooShort));
    }

    #[test]
    fn an_empty_password_is_too_short() {
        assert_eq!(check_plain(""), Err(PasswordProblem::TooShort));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // 7 two-byte characters: 14 bytes, but still too short.
        assert_eq!(check_plain("ééééééé"), Err(PasswordProblem::TooShort));
        assert_eq!(check_plain("éééééééé"), Ok(()));
    }

    #[test]
    fn eight_characters_not_on_the_list_are_accepted() {
        assert!(!is_common("tqz7mwkp"));
        assert_eq!(check_plain("tqz7mwkp"), Ok(()));
    }

    #[test]
    fn no_composition_rules_apply() {
        // All lowercase letters, no digits or symbols.
        assert_eq!(check_plain("plumvexgrotbask"), Ok(()));
    }

    #[test]
    fn two_hundred_fifty_six_characters_are_accepted() {
        let password = "k".repeat(255) + "z";
        assert_eq!(password.chars().count(), MAX_CHARS);
        assert_eq!(check_plain(&password), Ok(()));
    }

    #[test]
    fn two_hundred_fifty_seven_characters_are_too_long() {
        let password = "k".repeat(256) + "z";
        assert_eq!(check_plain(&password), Err(PasswordProblem::TooLong));
    }

    #[test]
    fn too_long_counts_characters_not_bytes() {
        // 256 two-byte characters are 512 bytes but within the limit.
        let password = "é".repeat(MAX_CHARS);
        assert_eq!(check_plain(&password), Ok(()));
        let password = "é".repeat(MAX_CHARS + 1);
        assert_eq!(check_plain(&password), Err(PasswordProblem::TooLong));
    }

    #[test]
    fn a_sixty_four_character_passphrase_is_accepted() {
        let password = "marmalade tugboat quietly juggles seventeen orange umbrellas now";
        assert_eq!(password.chars().count(), 64);
        assert_eq!(check_plain(password), Ok(()));
    }

    #[test]
    fn password1_is_rejected_as_common() {
        assert!(is_common("password1"));
        assert_eq!(check_plain("password1"), Err(PasswordProblem::Common));
    }

    #[test]
    fn the_common_list_ignores_case() {
        assert!(is_common("PassWord1"));
        assert_eq!(check_plain("PassWord1"), Err(PasswordProblem::Common));
    }

    #[test]
    fn the_common_list_ignores_surrounding_whitespace() {
        assert!(is_common(" password1 "));
        assert_eq!(check_plain(" password1 "), Err(PasswordProblem::Common));
    }

    #[test]
    fn obvious_common_passwords_are_on_the_list() {
        for password in [
            "password",
            "password1",
            "12345678",
            "123456789",
            "1234567890",
            "qwertyuiop",
            "iloveyou",
            "sunshine",
            "football",
            "baseball",
            "princess",
            "trustno1",
            "00000000",
            "aaaaaaaa",
        ] {
            assert!(is_common(password), "{password} should be common");
        }
    }

    #[test]
    fn the_famous_xkcd_passphrase_is_on_the_list() {
        assert!(is_common("correct horse battery staple"));
        assert!(is_common("correcthorsebatterystaple"));
        assert_eq!(
            check_plain("Correct Horse Battery Staple"),
            Err(PasswordProblem::Common)
        );
    }

    #[test]
    fn an_unrelated_passphrase_is_not_common() {
        assert!(!is_common("velvet kettle orbits lazily"));
        assert_eq!(check_plain("velvet kettle orbits lazily"), Ok(()));
    }

    #[test]
    fn whitespace_is_part_of_the_password_for_length() {
        // Seven letters plus a trailing space make eight characters.
        assert_eq!(check_plain("tqz7mwk "), Ok(()));
    }

    #[test]
    fn the_list_has_no_comments_or_empty_entries() {
        assert!(COMMON_PASSWORDS.len() >= 10_000);
        assert!(!COMMON_PASSWORDS.contains(""));
        assert!(COMMON_PASSWORDS.iter().all(|entry| !entry.starts_with('#')));
        assert!(
            COMMON_PASSWORDS
                .iter()
                .all(|entry| *entry == entry.to_lowercase().as_str())
        );
    }

    #[test]
    fn the_username_is_rejected() {
        assert_eq!(
            check("longusername", "longusername", EMAIL),
            Err(PasswordProblem::LikeAccountName)
        );
        assert_eq!(
            check("LongUserName", "longusername", EMAIL),
            Err(PasswordProblem::LikeAccountName)
        );
    }

    #[test]
    fn the_email_address_is_rejected() {
        assert_eq!(
            check_plain("alice.smith@example.org"),
            Err(PasswordProblem::LikeAccountName)
        );
        assert_eq!(
            check_plain("Alice.Smith@Example.org"),
            Err(PasswordProblem::LikeAccountName)
        );
    }

    #[test]
    fn the_email_local_part_is_rejected() {
        assert_eq!(
            check_plain("alice.smith"),
            Err(PasswordProblem::LikeAccountName)
        );
        assert_eq!(
            check_plain(" ALICE.SMITH "),
            Err(PasswordProblem::LikeAccountName)
        );
    }

    #[test]
    fn empty_account_names_are_ignored() {
        assert_eq!(check("tqz7mwkp", "", ""), Ok(()));
        assert_eq!(check("tqz7mwkp", "", "@example.org"), Ok(()));
    }

    #[test]
    fn a_password_containing_the_username_is_accepted() {
        assert_eq!(check_plain("alice loves quiet gardens"), Ok(()));
    }

    #[test]
    fn messages_are_shown_through_display() {
        assert_eq!(
            PasswordProblem::TooShort.to_string(),
            "Use at least 8 characters."
        );
        assert_eq!(
            PasswordProblem::TooLong.to_string(),
            "Use at most 256 characters."
        );
        assert_eq!(
            PasswordProblem::Common.to_string(),
            PasswordProblem::Common.message()
        );
        assert_eq!(
            PasswordProblem::LikeAccountName.to_string(),
            "Choose a password that is not your username or email address."
        );
    }

    #[test]
    fn the_messages_match_the_limits() {
        assert!(
            PasswordProblem::TooShort
                .message()
                .contains(&MIN_CHARS.to_string())
        );
        assert!(
            PasswordProblem::TooLong
                .message()
                .contains(&MAX_CHARS.to_string())
        );
    }
}
