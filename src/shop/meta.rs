//! What the `<head>` of the catalogue and a product page says: canonical address, Open
//! Graph, and JSON-LD (Product with its offer, breadcrumbs Home › Shop › Product).

use serde_json::json;

use crate::shop::views::ProductView;
use crate::web::layout::Layout;
use crate::web::pager::page_href;
use crate::web::seo::{self, Image};

/// Page `page` of the catalogue: each page is its own canonical address.
pub fn catalogue(layout: &mut Layout, site_url: &str, page: i64) {
    let shop = format!("{site_url}/shop");
    let home = format!("{site_url}/");
    layout
        .meta
        .add_json_ld(&seo::breadcrumbs(&[("Home", &home), ("Shop", &shop)]));
    layout.meta.canonical = Some(page_href(&shop, page));
}

pub fn product(layout: &mut Layout, site_url: &str, product: &ProductView) {
    let canonical = seo::absolute(site_url, &product.url);
    let image = match &product.picture {
        Some(picture) => Some(Image {
            url: seo::absolute(site_url, &picture.src),
            width: Some(picture.width),
            height: Some(picture.height),
            alt: picture.alt.clone(),
        }),
        None => (!product.image.is_empty()).then(|| Image {
            url: seo::absolute(site_url, &product.image),
            width: None,
            height: None,
            alt: product.image_alt.clone(),
        }),
    };
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "description": product.short_description,
        "sku": product.sku,
        "url": canonical,
        "offers": {
            "@type": "Offer",
            "price": product.price_plain,
            "priceCurrency": layout.money.code(),
            "availability": product.availability_url,
            "url": canonical,
        },
    });
    if let Some(image) = &image {
        ld["image"] = json!([image.url]);
    }
    let home = format!("{site_url}/");
    let shop = format!("{site_url}/shop");
    let meta = &mut layout.meta;
    meta.add_json_ld(&ld);
    meta.add_json_ld(&seo::breadcrumbs(&[
        ("Home", &home),
        ("Shop", &shop),
        (&product.name, &canonical),
    ]));
    meta.og_type = "product";
    meta.image = image;
    meta.canonical = Some(canonical);
}
