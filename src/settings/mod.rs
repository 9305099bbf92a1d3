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
    /// An IANA time zone name the bundled database knows ("Europe/Paris", "UTC").
    TimeZone,
}

pub struct Definition {
    pub key: &'static str,
    pub kind: Kind,
    pub default: &'static str,
    /// What people call it, in messages ("Posts per page").
    pub label: &'static str,
    pub help: &'static str,
}

/// The one table of settings: each row `field: Type = Kind, "default", "Label", "help";` becomes a
/// typed field of [`Settings`], an entry of [`DEFINITIONS`] (key = the field's name) and the
/// lookup that fills the field, so adding a setting is adding a row.
macro_rules! settings {
    ($($field:ident: $ty:ty = $kind:expr, $default:literal, $label:literal, $help:literal;)*) => {
        pub const DEFINITIONS: &[Definition] = &[$(
            Definition {
                key: stringify!($field),
                kind: {
                    use Kind::*;
                    $kind
                },
                default: $default,
                label: $label,
                help: $help,
            },
        )*];

        /// Every setting, typed. Built from whatever rows exist plus the defaults.
        #[derive(Clone, Debug)]
        pub struct Settings {
            $(
                #[doc = $help]
                pub $field: $ty,
            )*
        }

        impl Settings {
            fn from_map(map: &HashMap<String, String>) -> Settings {
                Settings {
                    $($field: <$ty as SettingValue>::read(value_or_default(map, stringify!($field))),)*
                }
            }
        }

        /// Each key with a check that its field's type can hold every value of its kind.
        #[cfg(test)]
        const FIELD_FITS: &[(&str, fn(Kind) -> bool)] =
            &[$((stringify!($field), <$ty as SettingValue>::fits),)*];
    };
}

/// A Rust type a setting's field can have, read from the stored (already validated) text.
trait SettingValue: Sized {
    fn read(value: &str) -> Self;
    /// Whether every value `kind` lets through reads back as itself.
    #[cfg(test)]
    fn fits(kind: Kind) -> bool;
}

impl SettingValue for String {
    fn read(value: &str) -> Self {
        value.to_owned()
    }
    #[cfg(test)]
    fn fits(kind: Kind) -> bool {
        matches!(
            kind,
            Kind::Text { .. } | Kind::Lines { .. } | Kind::Choice(_) | Kind::TimeZone
        )
    }
}

impl SettingValue for i64 {
    fn read(value: &str) -> Self {
        value.parse().unwrap_or(0)
    }
    #[cfg(test)]
    fn fits(kind: Kind) -> bool {
        matches!(kind, Kind::Int { .. })
    }
}

impl SettingValue for bool {
    fn read(value: &str) -> Self {
        parse_bool(value).unwrap_or(false)
    }
    #[cfg(test)]
    fn fits(kind: Kind) -> bool {
        matches!(kind, Kind::Bool)
    }
}

impl SettingValue for Role {
    fn read(value: &str) -> Self {
        Role::parse(value)
    }
    #[cfg(test)]
    fn fits(kind: Kind) -> bool {
        match kind {
            Kind::Choice(choices) => choices.iter().all(|c| Role::parse(c).as_str() == *c),
            _ => false,
        }
    }
}

settings! {
    site_title: String = Text { max_len: 120 }, "glowpress", "Site title",
        "Site title, shown in the header and the browser tab";
    tagline: String = Text { max_len: 200 }, "Just another glowpress site", "Tagline",
        "A few words on what the site is about";
    posts_per_page: i64 = Int { min: 1, max: 100 }, "10", "Posts per page",
        "Blog pages show at most this many posts";
    users_can_register: bool = Bool, "0", "Registration",
        "Anyone can register";
    default_role: Role = Choice(&["subscriber", "author", "editor"]), "subscriber", "New user default role",
        "New user default role";
    timezone: String = TimeZone, "UTC", "Time zone",
        "Time zone dates and times are shown in";
    date_format: String = Choice(&["F j, Y", "Y-m-d", "m/d/Y", "d/m/Y"]), "F j, Y", "Date format",
        "How dates are written";
    feed_length: i64 = Int { min: 1, max: 100 }, "10", "Feed length",
        "Syndication feeds show the most recent this many items";
    shipping_flat_rate_cents: i64 = Int { min: 0, max: 100_000 }, "495", "Flat shipping rate",
        "Shop: flat shipping rate per order, in cents";
    free_shipping_threshold_cents: i64 = Int { min: 0, max: 10_000_000 }, "5000", "Free shipping threshold",
        "Shop: orders with a subtotal of at least this many cents ship free (0: never)";
    guest_checkout: bool = Bool, "1", "Guest checkout",
        "Shop: shoppers can check out without an account";
    currency: String = Choice(&["USD", "EUR", "GBP", "CAD", "AUD"]), "USD", "Currency",
        "Shop: the currency prices are in";
    low_stock_threshold: i64 = Int { min: 0, max: 100_000 }, "5", "Low-stock threshold",
        "Shop: stock at or below this many is low (0: never warn)";
    comments_require_name_email: bool = Bool, "1", "Name and email required",
        "Comment author must fill out name and email";
    comment_moderation: bool = Bool, "0", "Manual approval",
        "Comment must be manually approved";
    comment_previously_approved: bool = Bool, "1", "Previously approved author",
        "Comment author must have a previously approved comment";
    comment_max_links: i64 = Int { min: 0, max: 100 }, "2", "Links that hold a comment",
        "Hold a comment if it contains this many links or more (0: never)";
    moderation_keys: String = Lines { max_len: 20_000 }, "", "Comment moderation words",
        "Hold comments containing any of these words (one a line)";
    disallowed_keys: String = Lines { max_len: 20_000 }, "", "Disallowed comment words",
        "Mark as spam comments containing any of these words (one a line)";
    thread_comments_depth: i64 = Int { min: 1, max: 10 }, "5", "Thread depth",
        "Threaded comments this many levels deep";
    comments_per_page: i64 = Int { min: 1, max: 500 }, "50", "Comments per page",
        "Top-level comments per page";
    close_comments_days_old: i64 = Int { min: 0, max: 3650 }, "0", "Days before comments close",
        "Close comments on posts older than this many days (0: never)";
}

/// Why a value was refused. Its text is for people ("Posts per page must be a whole number
/// from 1 to 100."); `key` is there for the command line.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SettingError {
    #[error("unknown setting `{0}`")]
    Unknown(String),
    #[error("{label} must be {expected}.")]
    Invalid {
        key: &'static str,
        label: &'static str,
        expected: String,
    },
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
    // What XML forbids (NUL, most control characters) never reaches the pages or feeds;
    // PostgreSQL would refuse NUL anyway.
    let value = &*crate::web::text::strip_xml_disallowed(value);
    let invalid = |expected: String| SettingError::Invalid {
        key: def.key,
        label: def.label,
        expected,
    };
    match def.kind {
        Kind::Text { max_len } => {
            let value = value.trim();
            if value.is_empty() || value.chars().count() > max_len {
                return Err(invalid(format!("between 1 and {max_len} characters long")));
            }
            Ok(value.to_owned())
        }
        Kind::Bool => parse_bool(value)
            .map(|b| if b { "1" } else { "0" }.to_owned())
            .ok_or_else(|| invalid("on or off".to_owned())),
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
        Kind::TimeZone => canonical_zone(value.trim())
            .ok_or_else(|| invalid("a time zone from the list, such as Europe/Paris".to_owned())),
    }
}

/// The time zones a site may choose: "UTC" and the IANA names of places
/// ("Europe/Paris"), sorted, from the bundled database.
pub fn time_zones() -> &'static [String] {
    static ZONES: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        const AREAS: [&str; 10] = [
            "Africa/",
            "America/",
            "Antarctica/",
            "Arctic/",
            "Asia/",
            "Atlantic/",
            "Australia/",
            "Europe/",
            "Indian/",
            "Pacific/",
        ];
        let mut zones: Vec<String> = jiff::tz::db()
            .available()
            .map(|name| name.as_str().to_owned())
            .filter(|name| AREAS.iter().any(|area| name.starts_with(area)))
            .collect();
        zones.push("UTC".to_owned());
        zones.sort();
        zones.dedup();
        zones
    });
    &ZONES
}

/// `name` as the list of zones spells it, if it is a zone the site can use.
fn canonical_zone(name: &str) -> Option<String> {
    if name.is_empty() || !crate::web::dates::DateStyle::zone_exists(name) {
        return None;
    }
    Some(
        time_zones()
            .iter()
            .find(|zone| zone.eq_ignore_ascii_case(name))
            .cloned()
            .unwrap_or_else(|| name.to_owned()),
    )
}

/// Validates and stores one setting (insert or update).
pub fn set(conn: &mut DbConn, key: &str, value: &str) -> anyhow::Result<()> {
    let stored = validate(key, value)?;
    conn.write_transaction(|conn| {
        let updated = diesel::update(settings::table.find(key))
            .set(settings::value.eq(&stored))
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(settings::table)
                .values((settings::key.eq(key), settings::value.eq(&stored)))
                .execute(conn)?;
        }
        crate::db::content::bump(conn)?;
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
    use crate::web::dates::DateStyle;

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
        assert_eq!(validate("site_title", "Nul\u{0}Title").unwrap(), "NulTitle");
    }

    #[test]
    fn refusals_name_the_setting_as_people_do() {
        let error = validate("posts_per_page", "abc").unwrap_err();
        assert_eq!(
            error.to_string(),
            "Posts per page must be a whole number from 1 to 100."
        );
        for def in DEFINITIONS {
            let wrong = match def.kind {
                Kind::Text { .. } => "   ".to_owned(),
                Kind::Bool => "maybe".to_owned(),
                Kind::Int { .. } => "lots".to_owned(),
                Kind::Lines { max_len } => "x".repeat(max_len + 1),
                Kind::Choice(_) => "none of them".to_owned(),
                Kind::TimeZone => "Mars/Olympus".to_owned(),
            };
            let text = validate(def.key, &wrong).unwrap_err().to_string();
            assert!(text.starts_with(def.label), "{text}");
            assert!(!text.contains(def.key) && !text.contains('`'), "{text}");
        }
    }

    #[test]
    fn time_zones_must_be_known() {
        assert_eq!(
            validate("timezone", " Europe/Paris ").unwrap(),
            "Europe/Paris"
        );
        assert_eq!(
            validate("timezone", "europe/paris").unwrap(),
            "Europe/Paris"
        );
        assert_eq!(validate("timezone", "UTC").unwrap(), "UTC");
        assert!(validate("timezone", "Mars/Olympus").is_err());
        assert!(validate("timezone", "").is_err());
        let zones = time_zones();
        assert!(zones.iter().any(|z| z == "America/New_York"));
        assert!(
            zones.iter().all(|z| DateStyle::zone_exists(z)),
            "every listed zone loads"
        );
        assert!(zones.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn every_key_is_unique_and_every_default_validates() {
        for (i, def) in DEFINITIONS.iter().enumerate() {
            assert!(
                DEFINITIONS[..i].iter().all(|d| d.key != def.key),
                "`{}` is defined twice",
                def.key
            );
            assert_eq!(
                validate(def.key, def.default).as_deref(),
                Ok(def.default),
                "the default of `{}` is not in its stored form",
                def.key
            );
        }
    }

    #[test]
    fn every_field_type_fits_its_kind() {
        assert_eq!(FIELD_FITS.len(), DEFINITIONS.len());
        for ((key, fits), def) in FIELD_FITS.iter().zip(DEFINITIONS) {
            assert_eq!(*key, def.key);
            assert!(
                fits(def.kind),
                "the field `{key}` cannot hold every {:?}",
                def.kind
            );
        }
    }

    #[test]
    fn stored_values_reach_their_typed_fields() {
        let map = HashMap::from([
            ("site_title".to_owned(), "My shop".to_owned()),
            ("users_can_register".to_owned(), "1".to_owned()),
            ("default_role".to_owned(), "editor".to_owned()),
            ("comments_per_page".to_owned(), "7".to_owned()),
        ]);
        let s = Settings::from_map(&map);
        assert_eq!(s.site_title, "My shop");
        assert!(s.users_can_register);
        assert_eq!(s.default_role, Role::Editor);
        assert_eq!(s.comments_per_page, 7);
        assert_eq!(s.tagline, "Just another glowpress site");
    }
}
