//! Products in the back office: the list (search, "low stock" filter) and the editor
//! (name, slug, SKU, descriptions, price and sale price typed as money, stock, published,
//! an image from the media library). Editors and administrators. Orders never change with a
//! product: their lines copied name, SKU and price when they were placed.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use crate::accounts::visitor::RequireEditor;
use crate::admin::menu::AdminMenu;
use crate::db::schema::products;
use crate::db::{Db, DbConn, lower};
use crate::error::AppError;
use crate::media;
use crate::posts::slug::slugify;
use crate::shop::money::{self, Cents, Currency};
use crate::shop::products::Product;
use crate::web::dates;
use crate::web::forms::{FieldErrors, Refusal, Refused, private_page, see_other, too_long};
use crate::web::layout::{HeaderInfo, Layout};

const SHOWN: i64 = 500;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    stock: String,
}

pub struct ProductRow {
    pub id: i32,
    pub name: String,
    pub sku: String,
    pub price: String,
    pub sale_price: Option<String>,
    pub stock: String,
    pub low: bool,
    pub published: bool,
    pub url: String,
}

#[derive(Template)]
#[template(path = "admin/products.html")]
struct ListPage {
    layout: Layout,
    menu: AdminMenu,
    rows: Vec<ProductRow>,
    q: String,
    low_only: bool,
    threshold: i64,
}

pub async fn list(
    db: web::Data<Db>,
    editor: RequireEditor,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let q = query.q.trim().chars().take(100).collect::<String>();
    let low_only = query.stock == "low";
    let header = HeaderInfo::of(&editor.visitor);
    let search = q.clone();
    let (layout, found) = db
        .run(move |conn| {
            let layout = Layout::load(conn, header, Some("Products"))?;
            let threshold = layout.settings.low_stock_threshold;
            let found = find(conn, &search, low_only.then_some(threshold))?;
            Ok((layout, found))
        })
        .await?;
    let threshold = layout.settings.low_stock_threshold;
    let money = layout.money;
    let rows = found
        .into_iter()
        .map(|p| ProductRow {
            id: p.id,
            price: money.show(Cents(p.price_cents)),
            sale_price: p.sale_price_cents.map(|c| money.show(Cents(c))),
            stock: p.stock.map_or("Unlimited".to_owned(), |s| s.to_string()),
            low: is_low(p.stock, threshold),
            published: p.published,
            url: format!("/shop/{}", p.slug),
            name: p.name,
            sku: p.sku,
        })
        .collect();
    let page = ListPage {
        layout,
        menu: AdminMenu::new(editor.user.role(), "/admin/products"),
        rows,
        q,
        low_only,
        threshold,
    };
    private_page(StatusCode::OK, &page)
}

/// At or under the threshold (0: never low); unlimited stock is never low.
pub fn is_low(stock: Option<i32>, threshold: i64) -> bool {
    threshold > 0 && stock.is_some_and(|s| i64::from(s) <= threshold)
}

/// Products matching `q` (name or SKU), by name; with `low_stock`, only published ones at
/// or under that threshold, as the dashboard counts them. One query.
fn find(conn: &mut DbConn, q: &str, low_stock: Option<i64>) -> QueryResult<Vec<Product>> {
    let mut query = products::table
        .select(Product::as_select())
        .order((products::name, products::id))
        .limit(SHOWN)
        .into_boxed();
    if !q.is_empty() {
        let pattern = format!("%{}%", q.to_lowercase());
        query = query.filter(
            lower(products::name)
                .like(pattern.clone())
                .or(lower(products::sku).like(pattern)),
        );
    }
    if let Some(threshold) = low_stock {
        let threshold = i32::try_from(threshold).unwrap_or(i32::MAX);
        query = query
            .filter(products::published.eq(true))
            .filter(products::stock.le(threshold));
        if threshold <= 0 {
            query = query.filter(products::id.eq(-1));
        }
    }
    query.load(conn)
}

/// The editor's fields, as typed.
#[derive(Deserialize, Default, Clone)]
pub struct ProductForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    sku: String,
    #[serde(default)]
    short_description: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    price: String,
    #[serde(default)]
    sale_price: String,
    #[serde(default)]
    stock: String,
    published: Option<String>,
    #[serde(default)]
    image_media_id: String,
    #[serde(default)]
    image_alt: String,
}

impl ProductForm {
    fn of(product: &Product) -> ProductForm {
        ProductForm {
            name: product.name.clone(),
            slug: product.slug.clone(),
            sku: product.sku.clone(),
            short_description: product.short_description.clone(),
            description: product.description.clone(),
            price: Cents(product.price_cents).plain(),
            sale_price: product
                .sale_price_cents
                .map(|c| Cents(c).plain())
                .unwrap_or_default(),
            stock: product.stock.map(|s| s.to_string()).unwrap_or_default(),
            published: product.published.then(|| "1".to_owned()),
            image_media_id: product
                .image_media_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            image_alt: product.image_alt.clone(),
        }
    }
}

/// What a valid form saves.
struct Valid {
    name: String,
    slug: String,
    sku: String,
    short_description: String,
    description: String,
    price: i64,
    sale_price: Option<i64>,
    stock: Option<i32>,
    published: bool,
    image_media_id: Option<i32>,
    image_alt: String,
}

fn clean(text: &str) -> String {
    let mut text = text.trim().to_owned();
    crate::web::text::strip_in_place(&mut text);
    text
}

/// Checks every field; each problem is said next to its field.
fn check(form: &ProductForm, money: Currency) -> Result<Valid, Refusal> {
    let mut errors = FieldErrors::default();
    let name = clean(&form.name);
    if name.is_empty() {
        errors.add("name", "Give the product a name.");
    } else if too_long(&name, 200) {
        errors.add("name", "Keep the name under 200 characters.");
    }
    let typed_slug = clean(&form.slug);
    let slug = if typed_slug.is_empty() {
        slugify(&name)
    } else {
        typed_slug.clone()
    };
    if !typed_slug.is_empty() && slugify(&typed_slug) != typed_slug {
        errors.add(
            "slug",
            format!(
                "Use lower-case letters, digits and hyphens only, e.g. “{}”.",
                slugify(&typed_slug)
            ),
        );
    } else if slug.is_empty() && !name.is_empty() {
        errors.add(
            "slug",
            "Type a slug: the name has no letters or digits to make one from.",
        );
    } else if too_long(&slug, 120) {
        errors.add("slug", "Keep the slug under 120 characters.");
    }
    let sku = clean(&form.sku);
    if sku.is_empty() {
        errors.add(
            "sku",
            "Give the product a SKU (your stock-keeping code), e.g. GP-SERUM-30.",
        );
    } else if too_long(&sku, 64) || sku.chars().any(char::is_whitespace) {
        errors.add("sku", "A SKU is at most 64 characters, without spaces.");
    }
    let short_description = clean(&form.short_description);
    if too_long(&short_description, 500) {
        errors.add(
            "short_description",
            "Keep the short description under 500 characters.",
        );
    }
    let description = form.description.replace("\r\n", "\n");
    if too_long(&description, 50_000) {
        errors.add(
            "description",
            "Keep the description under 50,000 characters.",
        );
    }
    let example = money.show(Cents(2400));
    let price = match money::parse(&form.price) {
        Ok(Cents(0)) => {
            errors.add("price", "A price must be more than zero.");
            0
        }
        Ok(cents) => cents.0,
        Err(_) => {
            errors.add("price", format!("Enter a price like 24.00 ({example})."));
            0
        }
    };
    let sale_price = match form.sale_price.trim() {
        "" => None,
        typed => match money::parse(typed) {
            Ok(cents) if price > 0 && cents.0 >= price => {
                errors.add("sale_price", "The sale price must be lower than the price.");
                None
            }
            Ok(cents) => Some(cents.0),
            Err(_) => {
                errors.add(
                    "sale_price",
                    "Enter a sale price like 19.50, or leave it empty for no sale.",
                );
                None
            }
        },
    };
    let stock = match form.stock.trim() {
        "" => None,
        typed => match typed.parse::<i64>() {
            Ok(n) if n < 0 => {
                errors.add("stock", "Stock cannot be negative: enter 0 for sold out, or leave it empty for unlimited.");
                None
            }
            Ok(n) if n > 1_000_000 => {
                errors.add("stock", "Enter at most 1,000,000.");
                None
            }
            Ok(n) => i32::try_from(n).ok(),
            Err(_) => {
                errors.add(
                    "stock",
                    "Enter a whole number of units, or leave it empty for unlimited.",
                );
                None
            }
        },
    };
    let image_media_id = match form.image_media_id.trim() {
        "" => None,
        typed => match typed.parse::<i32>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add("image_media_id", "Choose an image from the list.");
                None
            }
        },
    };
    let image_alt = clean(&form.image_alt);
    if too_long(&image_alt, 300) {
        errors.add("image_alt", "Keep the alt text under 300 characters.");
    }
    Refusal::unless_any(errors)?;
    Ok(Valid {
        name,
        slug,
        sku,
        short_description,
        description,
        price,
        sale_price,
        stock,
        published: form.published.is_some(),
        image_media_id,
        image_alt,
    })
}

/// Inserts (`id` None) or updates, refusing a slug or SKU another product has, or an image
/// that is not in the library. The product's `image` path becomes the library image's
/// smallest file (the cart's thumbnail); demo paths stay while no library image is chosen.
fn save(conn: &mut DbConn, id: Option<i32>, valid: &Valid) -> Result<i32, Refused> {
    conn.write_transaction(|conn| {
        let mut errors = FieldErrors::default();
        let taken = |conn: &mut DbConn, column_is_slug: bool| -> QueryResult<bool> {
            let mut query = products::table.select(products::id).into_boxed();
            query = if column_is_slug {
                query.filter(products::slug.eq(&valid.slug))
            } else {
                query.filter(products::sku.eq(&valid.sku))
            };
            if let Some(id) = id {
                query = query.filter(products::id.ne(id));
            }
            Ok(query.first::<i32>(conn).optional()?.is_some())
        };
        if taken(conn, true)? {
            errors.add(
                "slug",
                format!(
                    "Another product already has the slug “{}”: choose another.",
                    valid.slug
                ),
            );
        }
        if taken(conn, false)? {
            errors.add(
                "sku",
                format!("Another product already has the SKU “{}”.", valid.sku),
            );
        }
        let thumbnail = match valid.image_media_id {
            Some(media_id) => match media::find(conn, media_id)? {
                Some(found) => Some(found.thumbnail_url()),
                None => {
                    errors.add(
                        "image_media_id",
                        "That image is no longer in the library: choose another.",
                    );
                    None
                }
            },
            None => None,
        };
        Refusal::unless_any(errors)?;
        let current_image: Option<String> = match id {
            Some(id) => Some(
                products::table
                    .find(id)
                    .select(products::image)
                    .first(conn)
                    .optional()?
                    .ok_or(AppError::NotFound)?,
            ),
            None => None,
        };
        let image = match (thumbnail, current_image) {
            (Some(thumbnail), _) => thumbnail,
            (None, Some(current)) if current.starts_with(media::picture::URL_PREFIX) => {
                String::new()
            }
            (None, current) => current.unwrap_or_default(),
        };
        let values = (
            products::name.eq(&valid.name),
            products::slug.eq(&valid.slug),
            products::sku.eq(&valid.sku),
            products::short_description.eq(&valid.short_description),
            products::description.eq(&valid.description),
            products::price_cents.eq(valid.price),
            products::sale_price_cents.eq(valid.sale_price),
            products::stock.eq(valid.stock),
            products::published.eq(valid.published),
            products::image_media_id.eq(valid.image_media_id),
            products::image.eq(&image),
            products::image_alt.eq(&valid.image_alt),
            products::updated_at.eq(dates::now()),
        );
        let saved = match id {
            Some(id) => {
                diesel::update(products::table.find(id))
                    .set(values)
                    .execute(conn)?;
                id
            }
            None => diesel::insert_into(products::table)
                .values((values, products::created_at.eq(dates::now())))
                .returning(products::id)
                .get_result(conn)?,
        };
        Ok(saved)
    })
}

#[derive(Template)]
#[template(path = "admin/product_edit.html")]
struct EditPage {
    layout: Layout,
    menu: AdminMenu,
    csrf_token: String,
    /// `None` for a new product.
    id: Option<i32>,
    /// The shop page, for a published product.
    shop_url: Option<String>,
    form: ProductForm,
    images: Vec<(String, String)>,
    preview: Option<String>,
    currency_symbol: &'static str,
    errors: FieldErrors,
    message: Option<String>,
}

async fn render_edit(
    db: &Db,
    editor: &RequireEditor,
    id: Option<i32>,
    typed: Option<ProductForm>,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    let header = HeaderInfo::of(&editor.visitor);
    let (layout, product, images) = db
        .run(move |conn| {
            let product = match id {
                Some(id) => Some(
                    products::table
                        .find(id)
                        .select(Product::as_select())
                        .first(conn)
                        .optional()?
                        .ok_or(AppError::NotFound)?,
                ),
                None => None,
            };
            let images = media::choices(conn)?;
            let layout = Layout::load(conn, header, Some("Products"))?;
            Ok((layout, product, images))
        })
        .await?;
    let form = match (typed, &product) {
        (Some(typed), _) => typed,
        (None, Some(product)) => ProductForm::of(product),
        (None, None) => ProductForm {
            published: Some("1".to_owned()),
            ..ProductForm::default()
        },
    };
    let title = match &product {
        Some(p) => format!("Edit “{}”", p.name),
        None => "Add a product".to_owned(),
    };
    let preview = form
        .image_media_id
        .trim()
        .parse::<i32>()
        .ok()
        .map(|id| format!("/admin/media/{id}"));
    let page = EditPage {
        menu: AdminMenu::new(editor.user.role(), "/admin/products"),
        csrf_token: editor.visitor.session.csrf_token(),
        id,
        shop_url: product
            .as_ref()
            .filter(|p| p.published)
            .map(|p| format!("/shop/{}", p.slug)),
        images: images
            .into_iter()
            .map(|(id, label)| (id.to_string(), label))
            .collect(),
        preview,
        currency_symbol: layout.money.symbol(),
        form,
        errors: refusal.fields,
        message: refusal.message,
        layout: layout.titled(&title),
    };
    private_page(refusal.status, &page)
}

pub async fn new(db: web::Data<Db>, editor: RequireEditor) -> Result<HttpResponse, AppError> {
    render_edit(&db, &editor, None, None, Refusal::default()).await
}

pub async fn edit(
    db: web::Data<Db>,
    editor: RequireEditor,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    render_edit(
        &db,
        &editor,
        Some(id.into_inner()),
        None,
        Refusal::default(),
    )
    .await
}

pub async fn create(
    db: web::Data<Db>,
    editor: RequireEditor,
    form: web::Form<ProductForm>,
) -> Result<HttpResponse, AppError> {
    submit(db, editor, None, form.into_inner()).await
}

pub async fn update(
    db: web::Data<Db>,
    editor: RequireEditor,
    id: web::Path<i32>,
    form: web::Form<ProductForm>,
) -> Result<HttpResponse, AppError> {
    submit(db, editor, Some(id.into_inner()), form.into_inner()).await
}

async fn submit(
    db: web::Data<Db>,
    editor: RequireEditor,
    id: Option<i32>,
    form: ProductForm,
) -> Result<HttpResponse, AppError> {
    let money = db
        .run(|conn| Ok(Currency::of(&crate::settings::Settings::load(conn)?)))
        .await?;
    let valid = match check(&form, money) {
        Ok(valid) => valid,
        Err(refusal) => return render_edit(&db, &editor, id, Some(form), refusal).await,
    };
    let saved = db
        .write_content(move |conn| Ok(save(conn, id, &valid)))
        .await?;
    match saved {
        Ok(saved) => {
            editor.visitor.session.flash(match id {
                Some(_) => "Product saved.",
                None => "Product added.",
            });
            Ok(see_other(&format!("/admin/products/{saved}")))
        }
        Err(refused) => {
            let refusal = refused.into_refusal()?;
            render_edit(&db, &editor, id, Some(form), refusal).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(price: &str, stock: &str) -> ProductForm {
        ProductForm {
            name: "Night Cream".into(),
            sku: "GP-NIGHT".into(),
            price: price.into(),
            stock: stock.into(),
            ..ProductForm::default()
        }
    }

    #[test]
    fn prices_and_stock_are_checked_next_to_their_fields() {
        let valid = check(&form("24,50", ""), Currency::Usd).expect("valid");
        assert_eq!(
            (valid.price, valid.stock, valid.slug.as_str()),
            (2450, None, "night-cream")
        );
        let refused = check(&form("abc", "-1"), Currency::Eur)
            .err()
            .expect("refused");
        assert_eq!(
            refused.fields.get("price"),
            Some("Enter a price like 24.00 (€24.00).")
        );
        assert!(
            refused
                .fields
                .get("stock")
                .is_some_and(|m| m.contains("cannot be negative"))
        );
        let mut on_sale = form("20", "3");
        on_sale.sale_price = "25".into();
        assert!(
            check(&on_sale, Currency::Usd)
                .err()
                .unwrap()
                .fields
                .get("sale_price")
                .is_some()
        );
        assert!(
            is_low(Some(5), 5) && !is_low(Some(6), 5) && !is_low(None, 5) && !is_low(Some(0), 0)
        );
    }
}
