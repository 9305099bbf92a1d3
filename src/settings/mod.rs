//! Site settings: a key/value table read into a typed struct, with defaults for every key so
//! a fresh database works without any rows.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::accounts::users::Role;
use crate::db::DbConn;
use crate::db::schema::settings;

/// The kind of value a setting holds; `set` validates against it.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Text {
        max_len: usize,
    },
    Bool,
    Int {
        min: i64,
        max: i64,
    },
    Choice(&'static [&'static str]),
    /// Free text, one entry a line; may be empty.
    Lines {
        max_len: usize,
    },
}

pub struct Definition {
    pub key: &'static str,
    pub kind: Kind,
    pub default: &'static str,
    pub help: &'static str,
}

pub const DEFINITIONS: &[Definition] = &[
    Definition {
        key: "site_title",
        kind: Kind::Text { max_len: 120 },
        default: "glowpress",
        help: "Site title, shown in the header and the browser tab",
    },
    Definition {
        key: "tagline",
        kind: Kind::Text { max_len: 200 },
        default: "Just another glowpress site",
        help: "A few words on what the site is about",
    },
    Definition {
        key: "posts_per_page",
        kind: Kind::Int { min: 1, max: 100 },
        default: "10",
        help: "Blog pages show at most this many posts",
    },
    Definition {
        key: "users_can_register",
        kind: Kind::Bool,
        default: "0",
        help: "Anyone can register",
    },
    Definition {
        key: "default_role",
        kind: Kind::Choice(&["subscriber", "author", "editor"]),
        default: "subscriber",
        help: "New user default role",
    },
    Definition {
        key: "shipping_flat_rate_cents",
        kind: Kind::Int {
            min: 0,
            max: 100_000,
        },
        default: "495",
        help: "Shop: flat shipping rate per order, in cents",
    },
    Definition {
        key: "free_shipping_threshold_cents",
        kind: Kind::Int {
            min: 0,
            max: 10_000_000,
        },
        default: "5000",
        help: "Shop: orders with a subtotal of at least this many cents ship free (0: never)",
    },
    Definition {
        key: "guest_checkout",
        kind: Kind::Bool,
        default: "1",
        help: "Shop: shoppers can check out without an account",
    },
    Definition {
        key: "comments_require_name_email",
        kind: Kind::Bool,
        default: "1",
        help: "Comment author must fill out name and email",
    },
    Definition {
        key: "comment_moderation",
        kind: Kind::Bool,
        default: "0",
        help: "Comment must be manually approved",
    },
    Definition {
        key: "comment_previously_approved",
        kind: Kind::Bool,
        default: "1",
        help: "Comment author must have a previously approved comment",
    },
    Definition {
        key: "comment_max_links",
        kind: Kind::Int { min: 0, max: 100 },
        default: "2",
        help: "Hold a comment if it contains this many links or more (0: never)",
    },
    Definition {
        key: "moderation_keys",
        kind: Kind::Lines { max_len: 20_000 },
        default: "",
        help: "Hold comments containing any of these words (one a line)",
    },
    Definition {
        key: "disallowed_keys",
        kind: Kind::Lines { max_len: 20_000 },
        default: "",
        help: "Mark as spam comments containing any of these words (one a line)",
    },
    Definition {
        key: "thread_comments_depth",
        kind: Kind::Int { min: 1, max: 10 },
        default: "5",
        help: "Threaded comments this many levels deep",
    },
    Definition {
        key: "comments_per_page",
        kind: Kind::Int { min: 1, max: 500 },
        default: "50",
        help: "Top-level comments per page",
    },
    Definition {
        key: "close_comments_days_old",
        kind: Kind::Int { min: 0, max: 3650 },
        default: "0",
        help: "Close comments on posts older than this many days (0: never)",
    },
];

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SettingError {
    #[error("unknown setting `{0}`")]
    Unknown(String),
    #[error("`{key}` must be {expected}")]
    Invalid { key: &'static str, expected: String },
}

/// Every setting, typed. Built from whatever rows exist plus the defaults.
#[derive(Clone, Debug)]
pub struct Settings {
    pub site_title: String,
    pub tagline: String,
    pub posts_per_page: i64,
    pub users_can_register: bool,
    pub default_role: Role,
    pub shipping_flat_rate_cents: i64,
    pub free_shipping_threshold_cents: i64,
    pub guest_checkout: bool,
    pub comments_require_name_email: bool,
    pub comment_moderation: bool,
    pub comment_previously_approved: bool,
    pub comment_max_links: i64,
    pub moderation_keys: String,
    pub disallowed_keys: String,
    pub thread_comments_depth: i64,
    pub comments_per_page: i64,
    pub close_comments_days_old: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::from_map(&HashMap::new())
    }
}

impl Settings {
    pub fn load(conn: &mut DbConn) -> QueryResult<Settings> {
        Ok(Settings::from_map(&stored_values(conn)?))
    }

    fn from_map(map: &HashMap<String, String>) -> Settings {
        let text = |key: &str| value_or_default(map, key).to_owned();
        let int = |key: &str| value_or_default(map, key).parse().unwrap_or(0);
        let flag = |key: &str| parse_bool(value_or_default(map, key)).unwrap_or(false);
        Settings {
            site_title: text("site_title"),
            tagline: text("tagline"),
            posts_per_page: int("posts_per_page"),
            users_can_register: flag("users_can_register"),
            default_role: Role::parse(value_or_default(map, "default_role")),
            shipping_flat_rate_cents: int("shipping_flat_rate_cents"),
            free_shipping_threshold_cents: int("free_shipping_threshold_cents"),
            guest_checkout: flag("guest_checkout"),
            comments_require_name_email: flag("comments_require_name_email"),
            comment_moderation: flag("comment_moderation"),
            comment_previously_approved: flag("comment_previously_approved"),
            comment_max_links: int("comment_max_links"),
            moderation_keys: text("moderation_keys"),
            disallowed_keys: text("disallowed_keys"),
            thread_comments_depth: int("thread_comments_depth"),
            comments_per_page: int("comments_per_page"),
            close_comments_days_old: int("close_comments_days_old"),
        }
    }
}

fn stored_values(conn: &mut DbConn) -> QueryResult<HashMap<String, String>> {
    let rows: Vec<(String, String)> = settings::table
        .select((settings::key, settings::value))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

fn value_or_default<'a>(map: &'a HashMap<String, String>, key: &str) -> &'a str {
    match map.get(key) {
        Some(value) if validate(key, value).is_ok() => value,
        _ => definition(key).map(|d| d.default).unwrap_or(""),
    }
}

fn definition(key: &str) -> Option<&'static Definition> {
    DEFINITIONS.iter().find(|d| d.key == key)
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Checks `value` against the setting's kind and returns the form it is stored in.
pub fn validate(key: &str, value: &str) -> Result<String, SettingError> {
    let def = definition(key).ok_or_else(|| SettingError::Unknown(key.to_owned()))?;
    let invalid = |expected: String| SettingError::Invalid {
        key: def.key,
        expected,
    };
    match def.kind {
        Kind::Text { max_len } => {
            let value = value.trim();
            if value.is_empty() || value.chars().count() > max_len {
                return Err(invalid(format!("between 1 and {max_len} characters")));
            }
            Ok(value.to_owned())
        }
        Kind::Bool => parse_bool(value)
            .map(|b| if b { "1" } else { "0" }.to_owned())
            .ok_or_else(|| invalid("on or off (1/0, true/false, yes/no)".to_owned())),
        Kind::Int { min, max } => match value.trim().parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n.to_string()),
            _ => Err(invalid(format!("a whole number from {min} to {max}"))),
        },
        Kind::Lines { max_len } => {
            if value.chars().count() > max_len {
                return Err(invalid(format!("at most {max_len} characters")));
            }
            Ok(value
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n"))
        }
        Kind::Choice(choices) => choices
            .iter()
            .find(|c| **c == value.trim())
            .map(|c| (*c).to_owned())
            .ok_or_else(|| invalid(format!("one of: {}", choices.join(", ")))),
    }
}

/// Validates and stores one setting (insert or update).
pub fn set(conn: &mut DbConn, key: &str, value: &str) -> anyhow::Result<()> {
    let stored = validate(key, value)?;
    conn.transaction(|conn| {
        let updated = diesel::update(settings::table.find(key))
            .set(settings::value.eq(&stored))
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(settings::table)
                .values((settings::key.eq(key), settings::value.eq(&stored)))
                .execute(conn)?;
        }
        Ok::<_, diesel::result::Error>(())
    })?;
    Ok(())
}

/// Every known setting with the value in effect (stored or default).
pub fn current_values(conn: &mut DbConn) -> QueryResult<Vec<(&'static Definition, String)>> {
    let map = stored_values(conn)?;
    Ok(DEFINITIONS
        .iter()
        .map(|d| (d, value_or_default(&map, d.key).to_owned()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_when_no_rows_exist() {
        let s = Settings::default();
        assert_eq!(s.posts_per_page, 10);
        assert!(!s.users_can_register);
    }

    #[test]
    fn invalid_stored_values_fall_back_to_the_default() {
        let map = HashMap::from([("posts_per_page".to_owned(), "lots".to_owned())]);
        assert_eq!(Settings::from_map(&map).posts_per_page, 10);
    }

    #[test]
    fn validate_normalises_booleans_and_checks_ranges() {
        assert_eq!(validate("users_can_register", "Yes").unwrap(), "1");
        assert!(validate("users_can_register", "maybe").is_err());
        assert_eq!(validate("posts_per_page", " 5 ").unwrap(), "5");
        assert!(validate("posts_per_page", "0").is_err());
        assert!(validate("posts_per_page", "2.5").is_err());
        assert_eq!(
            validate("nope", "1"),
            Err(SettingError::Unknown("nope".to_owned()))
        );
        assert!(validate("site_title", "   ").is_err());
        assert_eq!(validate("default_role", "author").unwrap(), "author");
        assert!(validate("default_role", "admin").is_err());
    }
}
