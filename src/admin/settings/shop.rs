//! Settings → Shop: currency, shipping (typed as amounts, stored in cents), guest checkout
//! and when stock counts as low.

use super::form::{Field, SettingsPage, page_handlers};

pub static PAGE: SettingsPage = SettingsPage {
    href: "/admin/settings/shop",
    heading: "Shop",
    title: "Shop settings",
    saved: "Shop settings saved.",
    fields: &[
        Field::new("currency", "Currency", "The currency prices are in.").options(currency_label),
        Field::money(
            "shipping_flat_rate_cents",
            "Flat shipping rate",
            "Charged once per order, e.g. 4.95. 0 ships everything free.",
        ),
        Field::money(
            "free_shipping_threshold_cents",
            "Free shipping from",
            "Orders with a subtotal of at least this ship free. 0: never free.",
        ),
        Field::new(
            "guest_checkout",
            "Checkout",
            "Shoppers can check out without an account",
        ),
        Field::new(
            "low_stock_threshold",
            "Low stock at",
            "A product with this many or fewer in stock counts as low (0: never warn).",
        ),
    ],
};

page_handlers!(PAGE);

fn currency_label(code: &str) -> String {
    let name = match code {
        "USD" => "US dollar",
        "EUR" => "Euro",
        "GBP" => "Pound sterling",
        "CAD" => "Canadian dollar",
        "AUD" => "Australian dollar",
        other => other,
    };
    format!("{name} ({code})")
}
