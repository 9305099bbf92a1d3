//! What the shop templates receive: plain, pre-formatted values.

use crate::media::picture::Picture;
use crate::shop::cart::{CartLine, LineState};
use crate::shop::money::{Cents, Currency};
use crate::shop::pricing::Totals;
use crate::shop::products::Product;
use crate::shop::quantity::MAX_QUANTITY;

pub struct ProductView {
    pub id: i32,
    pub url: String,
    pub name: String,
    pub short_description: String,
    pub sku: String,
    pub price: String,
    /// "24.00", for structured data.
    pub price_plain: String,
    pub regular_price: Option<String>,
    /// A path under /static (demo products), used when there is no `picture`.
    pub image: String,
    pub image_alt: String,
    /// The image from the media library, with its resized variants.
    pub picture: Option<Picture>,
    pub stock_label: String,
    pub stock_class: &'static str,
    pub availability_url: &'static str,
    pub buyable: bool,
    /// The quantity field's `max`.
    pub max_quantity: i32,
    /// The quantity field's value: 1, or what was typed into a refused form.
    pub quantity: String,
    /// Why that add was refused.
    pub error: Option<String>,
}

impl ProductView {
    /// `picture`: the product's media-library image, if it has one (see
    /// `media::pictures_of`).
    pub fn new(product: &Product, money: Currency, picture: Option<Picture>) -> ProductView {
        let state = product.stock_state();
        let max_quantity = product
            .stock
            .map_or(MAX_QUANTITY, |s| s.clamp(0, MAX_QUANTITY));
        ProductView {
            id: product.id,
            url: format!("/shop/{}", product.slug),
            name: product.name.clone(),
            short_description: product.short_description.clone(),
            sku: product.sku.clone(),
            price: money.show(product.price()),
            price_plain: product.price().plain(),
            regular_price: product.regular_price().map(|p| money.show(p)),
            image: product.image.clone(),
            image_alt: product.image_alt.clone(),
            picture: picture.map(|mut p| {
                if !product.image_alt.is_empty() {
                    p.alt = product.image_alt.clone();
                }
                p
            }),
            stock_label: state.label(),
            stock_class: state.class(),
            availability_url: state.schema_url(),
            buyable: max_quantity > 0,
            max_quantity,
            quantity: "1".to_owned(),
            error: None,
        }
    }

    /// Shows a refused add on its product's form.
    pub fn with_error(mut self, error: Option<&AddFormError>) -> ProductView {
        if let Some(error) = error.filter(|e| e.product_id == self.id) {
            self.quantity = error.quantity.clone();
            self.error = Some(error.message.clone());
        }
        self
    }
}

/// What the shopper typed into an add-to-cart form that was refused, and why.
pub struct AddFormError {
    pub product_id: i32,
    pub quantity: String,
    pub message: String,
}

pub struct LineView {
    pub product_id: i32,
    pub url: String,
    pub name: String,
    pub image: String,
    pub unit_price: String,
    pub quantity: String,
    pub line_total: String,
    pub max_quantity: i32,
    /// Why the line is not counted in full.
    pub note: Option<String>,
    pub unavailable: bool,
    /// A refused change to this line.
    pub error: Option<String>,
}

impl LineView {
    pub fn new(
        line: &CartLine,
        typed: Option<String>,
        error: Option<String>,
        money: Currency,
    ) -> LineView {
        let note = match line.state() {
            LineState::Ok => None,
            LineState::Reduced(left) => Some(format!(
                "Only {left} left in stock: {left} of your {} will be ordered. Update the \
                 quantity to confirm.",
                line.quantity
            )),
            LineState::Unavailable if !line.published => Some(
                "No longer available: it is not counted in your total. Remove it to tidy \
                 your cart."
                    .to_owned(),
            ),
            LineState::Unavailable => Some(
                "Sold out: it is not counted in your total. Remove it, or keep it and check \
                 back later."
                    .to_owned(),
            ),
        };
        LineView {
            product_id: line.product_id,
            url: format!("/shop/{}", line.slug),
            name: line.name.clone(),
            image: line.image.clone(),
            unit_price: money.show(line.price()),
            quantity: typed.unwrap_or_else(|| match line.state() {
                LineState::Reduced(left) => left.to_string(),
                _ => line.quantity.to_string(),
            }),
            line_total: money.show(line.total()),
            max_quantity: MAX_QUANTITY,
            unavailable: line.state() == LineState::Unavailable,
            note,
            error,
        }
    }
}

pub struct TotalsView {
    pub subtotal: String,
    pub discount: Option<String>,
    pub shipping: String,
    pub total: String,
}

impl TotalsView {
    pub fn new(totals: &Totals, money: Currency) -> TotalsView {
        TotalsView {
            subtotal: money.show(totals.subtotal),
            discount: (totals.discount > Cents::ZERO)
                .then(|| money.show(Cents::ZERO - totals.discount)),
            shipping: if totals.shipping == Cents::ZERO {
                "Free".to_owned()
            } else {
                money.show(totals.shipping)
            },
            total: money.show(totals.total),
        }
    }
}
