//! Settings → Reading: how many posts a page and a feed show.

use super::form::{Field, SettingsPage, page_handlers};

pub static PAGE: SettingsPage = SettingsPage {
    href: "/admin/settings/reading",
    heading: "Reading",
    title: "Reading settings",
    saved: "Reading settings saved.",
    fields: &[
        Field::new(
            "posts_per_page",
            "Blog pages show at most",
            "Posts per page, 1 to 100.",
        ),
        Field::new(
            "feed_length",
            "Syndication feeds show the most recent",
            "Items in the posts and comments feeds, 1 to 100.",
        ),
    ],
};

page_handlers!(PAGE);
