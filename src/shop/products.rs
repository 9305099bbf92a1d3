//! Products: the model, its stock states and the queries the shop pages use.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::products;
use crate::shop::money::Cents;

/// A product's id, where a bare number could be a cart's, a quantity or a stock count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProductId(pub i32);

/// At or below this many units a product page says "Only N left".
pub const LOW_STOCK: i32 = 5;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = products)]
pub struct Product {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub short_description: String,
    pub description: String,
    pub price_cents: i64,
    pub sale_price_cents: Option<i64>,
    pub sku: String,
    /// `None`: unlimited.
    pub stock: Option<i32>,
    pub image: String,
    pub image_alt: String,
    pub published: bool,
    /// An image from the media library; `image` (a static path) is used without one.
    pub image_media_id: Option<i32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StockState {
    InStock,
    OnlyLeft(i32),
    OutOfStock,
}

impl StockState {
    pub fn of(stock: Option<i32>) -> StockState {
        match stock {
            None => StockState::InStock,
            Some(n) if n <= 0 => StockState::OutOfStock,
            Some(n) if n <= LOW_STOCK => StockState::OnlyLeft(n),
            Some(_) => StockState::InStock,
        }
    }

    pub fn label(self) -> String {
        match self {
            StockState::InStock => "In stock".to_owned(),
            StockState::OnlyLeft(n) => format!("Only {n} left"),
            StockState::OutOfStock => "Out of stock".to_owned(),
        }
    }

    /// The schema.org availability URL.
    pub fn schema_url(self) -> &'static str {
        match self {
            StockState::InStock | StockState::OnlyLeft(_) => "https://schema.org/InStock",
            StockState::OutOfStock => "https://schema.org/OutOfStock",
        }
    }

    /// A CSS modifier.
    pub fn class(self) -> &'static str {
        match self {
            StockState::InStock => "in",
            StockState::OnlyLeft(_) => "low",
            StockState::OutOfStock => "out",
        }
    }
}

impl Product {
    /// What a shopper pays now.
    pub fn price(&self) -> Cents {
        current_price(self.price_cents, self.sale_price_cents)
    }

    /// The crossed-out regular price, while on sale.
    pub fn regular_price(&self) -> Option<Cents> {
        self.sale_price_cents.map(|_| Cents(self.price_cents))
    }

    pub fn stock_state(&self) -> StockState {
        StockState::of(self.stock)
    }
}

pub fn current_price(price_cents: i64, sale_price_cents: Option<i64>) -> Cents {
    Cents(sale_price_cents.unwrap_or(price_cents))
}

/// One page of the published products, by name, and how many there are in all. Both
/// queries walk the `(published, name)` index: no page costs more as the shop grows but for
/// the entries it skips.
pub fn list_published(
    conn: &mut DbConn,
    page: i64,
    per_page: i64,
) -> QueryResult<(Vec<Product>, i64)> {
    let published = products::table.filter(products::published.eq(true));
    let total = published.count().get_result(conn)?;
    let products = published
        .order((products::name, products::id))
        .select(Product::as_select())
        .limit(per_page)
        .offset((page - 1) * per_page)
        .load(conn)?;
    Ok((products, total))
}

/// (slug, last saved) of the published products, for the sitemap.
pub fn sitemap_entries(
    conn: &mut DbConn,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<(String, time::PrimitiveDateTime)>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let rows: Vec<(
        String,
        Option<time::PrimitiveDateTime>,
        time::PrimitiveDateTime,
    )> = products::table
        .filter(products::published.eq(true))
        .order((products::name, products::id))
        .offset(offset)
        .limit(limit)
        .select((products::slug, products::updated_at, products::created_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(slug, updated, created)| (slug, updated.unwrap_or(created)))
        .collect())
}

pub fn published_count(conn: &mut DbConn) -> QueryResult<i64> {
    products::table
        .filter(products::published.eq(true))
        .count()
        .get_result(conn)
}

/// When a published product last changed: the shop page's lastmod.
pub fn newest_update(conn: &mut DbConn) -> QueryResult<Option<time::PrimitiveDateTime>> {
    let (updated, created) = products::table
        .filter(products::published.eq(true))
        .select((
            diesel::dsl::max(products::updated_at),
            diesel::dsl::max(products::created_at),
        ))
        .first::<(
            Option<time::PrimitiveDateTime>,
            Option<time::PrimitiveDateTime>,
        )>(conn)?;
    Ok(updated.max(created))
}

pub fn find_published_by_slug(conn: &mut DbConn, slug: &str) -> QueryResult<Product> {
    products::table
        .filter(products::slug.eq(slug))
        .filter(products::published.eq(true))
        .select(Product::as_select())
        .first(conn)
}

pub fn find_published(conn: &mut DbConn, id: ProductId) -> QueryResult<Option<Product>> {
    products::table
        .find(id.0)
        .filter(products::published.eq(true))
        .select(Product::as_select())
        .first(conn)
        .optional()
}

/// Takes `quantity` units if that many are left, in one conditional statement, so two
/// concurrent checkouts can never both take the last unit. Returns whether it did.
pub fn take_stock(conn: &mut DbConn, id: i32, quantity: i32) -> QueryResult<bool> {
    let taken = diesel::update(
        products::table
            .find(id)
            .filter(products::stock.is_null().or(products::stock.ge(quantity))),
    )
    .set(products::stock.eq(products::stock - quantity))
    .execute(conn)?;
    Ok(taken == 1)
}

/// Puts units back (a cancelled order). Unlimited stock stays unlimited.
pub fn return_stock(conn: &mut DbConn, id: i32, quantity: i32) -> QueryResult<()> {
    diesel::update(products::table.find(id))
        .set(products::stock.eq(products::stock + quantity))
        .execute(conn)
        .map(drop)
}

/// The stock left now, for messages (`None`: unlimited or gone).
pub fn stock_of(conn: &mut DbConn, id: i32) -> QueryResult<Option<i32>> {
    products::table
        .find(id)
        .select(products::stock)
        .first(conn)
        .optional()
        .map(Option::flatten)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_states_follow_the_count() {
        assert_eq!(StockState::of(None), StockState::InStock);
        assert_eq!(StockState::of(Some(40)), StockState::InStock);
        assert_eq!(StockState::of(Some(2)).label(), "Only 2 left");
        assert_eq!(StockState::of(Some(0)).label(), "Out of stock");
        assert_eq!(StockState::of(Some(-1)), StockState::OutOfStock);
    }

    #[test]
    fn the_sale_price_is_the_price_while_set() {
        assert_eq!(current_price(1800, Some(1400)), Cents(1400));
        assert_eq!(current_price(1800, None), Cents(1800));
    }
}
