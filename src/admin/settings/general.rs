//! Settings → General: site title, tagline, registration, the role new accounts get, the
//! time zone and the date format.

use super::form::{Field, SettingsPage, page_handlers};
use crate::accounts::users::Role;
use crate::web::dates::{self, DateStyle};

pub static PAGE: SettingsPage = SettingsPage {
    href: "/admin/settings",
    heading: "General",
    title: "General settings",
    saved: "Settings saved.",
    fields: &[
        Field::new("site_title", "Site title", ""),
        Field::new(
            "tagline",
            "Tagline",
            "In a few words, explain what this site is about.",
        ),
        Field::new("users_can_register", "Membership", "Anyone can register"),
        Field::new("default_role", "New user default role", "").options(role_label),
        Field::new(
            "timezone",
            "Time zone",
            "Dates and times on the site are shown in this zone; times you type are read in it.",
        ),
        Field::new("date_format", "Date format", "").options(date_example),
    ],
};

page_handlers!(PAGE);

fn role_label(value: &str) -> String {
    Role::parse(value).label().to_owned()
}

/// "November 24, 2026 (F j, Y)": how the format writes a date.
fn date_example(format: &str) -> String {
    let example = dates::parse("2026-11-24 12:00:00").unwrap_or_else(|_| dates::now());
    format!("{} ({format})", DateStyle::new("UTC", format).date(example))
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_date_format_is_shown_with_an_example() {
        assert_eq!(super::date_example("Y-m-d"), "2026-11-24 (Y-m-d)");
        assert_eq!(super::date_example("F j, Y"), "November 24, 2026 (F j, Y)");
        assert_eq!(super::role_label("author"), "Author");
    }
}
