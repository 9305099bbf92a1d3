//! What every page shares: the header (site title, navigation, account links, mini-cart)
//! and the footer. Loaded by the handler together with the page's own data.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse};
use diesel::prelude::*;

use crate::accounts::session::AppSession;
use crate::accounts::users::{Role, User};
use crate::accounts::visitor::Visitor;
use crate::db::schema::categories;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::settings::Settings;
use crate::shop::cart::CartOwner;
use crate::shop::money::{Cents, Currency};
use crate::shop::pricing::{self, PricedCart, Shipping};
use crate::web::app_data;
use crate::web::dates;
use crate::web::page_cache::PageCache;
use crate::web::seo::Meta;
use crate::web::static_files::{SCRIPT_URL, STYLESHEET_URL};
use prometheus_client::metrics::counter::Counter;

#[derive(Clone)]
pub struct NavLink {
    pub href: String,
    pub label: String,
}

/// The header's cart summary, rendered with the page (no extra request).
#[derive(Clone)]
pub struct MiniCart {
    pub item_count: i64,
    pub subtotal: String,
}

impl MiniCart {
    pub fn empty(money: Currency) -> MiniCart {
        MiniCart {
            item_count: 0,
            subtotal: money.show(Cents::ZERO),
        }
    }

    /// The goods in the cart after its coupon (shipping comes at the cart page), priced
    /// as the cart page prices them.
    pub fn load(
        conn: &mut DbConn,
        owner: Option<&CartOwner>,
        shipping: Shipping,
        money: Currency,
    ) -> Result<MiniCart, AppError> {
        let priced = PricedCart::load(conn, owner, shipping, dates::now())?;
        Ok(MiniCart::of_totals(&priced.totals, money))
    }

    /// The mini-cart of a cart already priced (the cart and checkout pages).
    pub fn of_totals(totals: &pricing::Totals, money: Currency) -> MiniCart {
        MiniCart {
            item_count: totals.item_count,
            subtotal: money.show(totals.subtotal - totals.discount),
        }
    }

    /// "item" or "items", after the count: the cart link reads "Shopping cart: 3 items,
    /// $32.00" to a screen reader, its visible text and a few hidden words.
    pub fn items_word(&self) -> &'static str {
        match self.item_count {
            1 => "item",
            _ => "items",
        }
    }
}

/// A link after the one-time notice ("View cart").
pub struct NoticeLink {
    pub href: String,
    pub label: String,
}

/// What the header needs to know about who is looking. `Send`, unlike the session, so it
/// can travel into `Db::run` with the rest of the page.
#[derive(Default)]
pub struct HeaderInfo {
    /// Display name and role of the logged-in user.
    pub user: Option<(String, Role)>,
    /// A one-time notice from the previous request.
    pub notice: Option<String>,
    pub notice_link: Option<NoticeLink>,
    /// For the logout form; only logged-in visitors have one.
    pub csrf_token: Option<String>,
    /// Whose cart the mini-cart shows; `None` for a reader who never added anything.
    pub cart: Option<CartOwner>,
}

impl HeaderInfo {
    /// What the page header shows to `visitor`; takes the one-time notice.
    pub fn of(visitor: &Visitor) -> HeaderInfo {
        HeaderInfo {
            user: visitor
                .user
                .as_ref()
                .map(|u| (u.display_name.clone(), u.role())),
            notice: visitor.session.take_flash(),
            notice_link: visitor
                .session
                .take_flash_link()
                .map(|(href, label)| NoticeLink { href, label }),
            csrf_token: visitor.user.as_ref().map(|_| visitor.session.csrf_token()),
            cart: CartOwner::of(visitor),
        }
    }
}

pub struct Layout {
    /// The `<title>`: page title, then site title.
    pub title: String,
    pub description: String,
    /// Canonical address, Open Graph, feeds, JSON-LD.
    pub meta: Meta,
    pub settings: Settings,
    /// How prices are written (Settings → Shop).
    pub money: Currency,
    pub nav: Vec<NavLink>,
    pub cart: MiniCart,
    pub stylesheet: &'static str,
    pub script: &'static str,
    /// "Logged in as …"
    pub user_name: Option<String>,
    pub is_admin: bool,
    /// Authors and above: the header links the back office.
    pub is_author: bool,
    pub notice: Option<String>,
    pub notice_link: Option<NoticeLink>,
    pub csrf_token: String,
    /// What the header's search box holds: the query, on the search page.
    pub search_query: String,
}

/// The header names at most this many top-level categories: an imported site can have
/// dozens, which would bury the navigation (and grow every page).
const NAV_CATEGORIES: i64 = 6;

/// What every page's frame shows that is the same for every reader: the settings and the
/// navigation. Kept per content version ([`ChromeCache`]).
pub struct Chrome {
    pub settings: Settings,
    pub nav: Vec<NavLink>,
}

impl Chrome {
    pub fn load(conn: &mut DbConn) -> Result<Chrome, AppError> {
        let settings = Settings::load(conn)?;
        let categories: Vec<(String, String)> = categories::table
            .filter(categories::parent_id.is_null())
            .select((categories::slug, categories::name))
            .order(categories::name)
            .limit(NAV_CATEGORIES)
            .load(conn)?;
        let mut nav = vec![NavLink {
            href: "/".to_owned(),
            label: "Home".to_owned(),
        }];
        nav.extend(categories.into_iter().map(|(slug, name)| NavLink {
            href: format!("/category/{slug}"),
            label: name,
        }));
        nav.push(NavLink {
            href: "/shop".to_owned(),
            label: "Shop".to_owned(),
        });
        Ok(Chrome { settings, nav })
    }
}

/// The one [`Chrome`] of the content version this node knows.
pub struct ChromeCache(PageCache<(), Chrome>);

impl Default for ChromeCache {
    fn default() -> ChromeCache {
        ChromeCache(PageCache::new(1))
    }
}

impl ChromeCache {
    /// Hits and misses, for `/metrics`.
    pub fn lookup_counters(&self) -> (Counter, Counter) {
        self.0.lookup_counters()
    }

    /// From memory when the content has not changed since it was read; a hit needs no
    /// database.
    pub async fn get(&self, db: &Db) -> Result<Arc<Chrome>, AppError> {
        // The version is read before the data, so data never passes for newer than it is.
        let version = db.content().current();
        self.0
            .get_or_make((), version, |_| async {
                Ok((db.run(Chrome::load).await?, None))
            })
            .await
    }
}

/// Logged-in readers the [`HeaderCache`] holds at once (a few hundred bytes each).
const KEPT_HEADERS: usize = 10_000;

/// What the header shows of a logged-in reader: who they are and their mini-cart.
struct SignedInHeader {
    user: User,
    cart: MiniCart,
}

/// The [`SignedInHeader`] of each login (keyed by its grant) this node served lately, kept
/// for the content version (prices, products) and the people version (accounts, logins,
/// carts: moved by database triggers on every change, so a log-out, a password change, a
/// disabled account or a cart changed anywhere makes the next lookup miss), and no longer
/// than the login lasts.
pub struct HeaderCache(PageCache<String, SignedInHeader, (i64, i64)>);

impl Default for HeaderCache {
    fn default() -> HeaderCache {
        HeaderCache(PageCache::new(KEPT_HEADERS))
    }
}

impl HeaderCache {
    /// Hits and misses, for `/metrics`.
    pub fn lookup_counters(&self) -> (Counter, Counter) {
        self.0.lookup_counters()
    }
}

impl Layout {
    /// Loads settings and navigation; `page_title` of `None` is the home page.
    pub fn load(
        conn: &mut DbConn,
        header: HeaderInfo,
        page_title: Option<&str>,
    ) -> Result<Layout, AppError> {
        let chrome = Chrome::load(conn)?;
        let money = Currency::of(&chrome.settings);
        let cart = MiniCart::load(
            conn,
            header.cart.as_ref(),
            Shipping::of(&chrome.settings),
            money,
        )?;
        Ok(Layout::from_settings(
            chrome.settings,
            header,
            page_title,
            chrome.nav,
            cart,
        ))
    }

    /// The frame from a kept [`Chrome`], for the visitor in `header`.
    pub fn assemble(
        chrome: &Chrome,
        header: HeaderInfo,
        page_title: Option<&str>,
        cart: MiniCart,
    ) -> Layout {
        Layout::from_settings(
            chrome.settings.clone(),
            header,
            page_title,
            chrome.nav.clone(),
            cart,
        )
    }

    /// Who is asking and their mini-cart. For a logged-in reader from the [`HeaderCache`]
    /// when neither their login, account or cart nor the content changed since it was kept;
    /// otherwise one trip to the database. One for a guest with a cart, none for anyone
    /// else.
    pub async fn visitor_and_cart(
        req: &HttpRequest,
        chrome: &Chrome,
    ) -> Result<(Visitor, MiniCart), AppError> {
        let db = app_data::<Db>(req)?;
        let headers = app_data::<HeaderCache>(req)?;
        // Read before the data, so data never passes for newer than it is.
        let versions = (db.content().current(), db.content().people());
        let session = AppSession::of(req);
        let grant = session.user_id().and(session.grant());
        if let Some(grant) = &grant
            && let Some(kept) = headers.0.get(grant, versions, dates::now())
            && session.matches_password_of(&kept.user)
        {
            let visitor = Visitor::signed_in(req, session, kept.user.clone());
            return Ok((visitor, kept.cart.clone()));
        }
        let (shipping, money) = (
            Shipping::of(&chrome.settings),
            Currency::of(&chrome.settings),
        );
        let (visitor, signed_in) = Visitor::with(req, move |conn, user| {
            let owner = user.map(|user| CartOwner::User(user.id));
            MiniCart::load(conn, owner.as_ref(), shipping, money)
        })
        .await?;
        let Some((cart, ends)) = signed_in else {
            let cart = Layout::cart_of(db, chrome, &visitor).await?;
            return Ok((visitor, cart));
        };
        if let (Some(grant), Some(user)) = (grant, &visitor.user) {
            let kept = SignedInHeader {
                user: user.clone(),
                cart: cart.clone(),
            };
            headers.0.put(grant, versions, Some(ends), Arc::new(kept));
        }
        Ok((visitor, cart))
    }

    /// The header's cart: a query only for a visitor who has a cart.
    pub async fn cart_of(
        db: &Db,
        chrome: &Chrome,
        visitor: &Visitor,
    ) -> Result<MiniCart, AppError> {
        let (shipping, money) = (
            Shipping::of(&chrome.settings),
            Currency::of(&chrome.settings),
        );
        match CartOwner::of(visitor) {
            None => Ok(MiniCart::empty(money)),
            Some(owner) => {
                db.run(move |conn| MiniCart::load(conn, Some(&owner), shipping, money))
                    .await
            }
        }
    }

    /// Title, description and metadata made for this page before (`posts::article`).
    pub fn with_page_meta(mut self, title: &str, description: &str, meta: &Meta) -> Layout {
        title.clone_into(&mut self.title);
        description.clone_into(&mut self.description);
        self.meta = meta.clone();
        self
    }

    fn from_settings(
        settings: Settings,
        header: HeaderInfo,
        page_title: Option<&str>,
        nav: Vec<NavLink>,
        cart: MiniCart,
    ) -> Layout {
        let title = match page_title {
            Some(page) => format!("{page} – {}", settings.site_title),
            None => format!("{} – {}", settings.site_title, settings.tagline),
        };
        Layout {
            title,
            description: settings.tagline.clone(),
            meta: Meta::new(page_title.unwrap_or(&settings.site_title)),
            money: Currency::of(&settings),
            settings,
            nav,
            cart,
            stylesheet: STYLESHEET_URL.as_str(),
            script: SCRIPT_URL.as_str(),
            is_admin: header
                .user
                .as_ref()
                .is_some_and(|(_, role)| *role == Role::Admin),
            is_author: header
                .user
                .as_ref()
                .is_some_and(|(_, role)| role.at_least(Role::Author)),
            user_name: header.user.map(|(name, _)| name),
            notice: header.notice,
            notice_link: header.notice_link,
            csrf_token: header.csrf_token.unwrap_or_default(),
            search_query: String::new(),
        }
    }

    /// For pages that need nothing else from the database (forms, account pages): none of
    /// them is for search engines.
    pub async fn for_visitor(
        db: &Db,
        visitor: &Visitor,
        page_title: &'static str,
    ) -> Result<Layout, AppError> {
        let header = HeaderInfo::of(visitor);
        db.run(move |conn| Ok(Layout::load(conn, header, Some(page_title))?.unindexed()))
            .await
    }

    /// A page that is one visitor's (cart, checkout, account, an order) or a form: search
    /// engines are asked to leave it out (`<meta name="robots" content="noindex">`).
    pub fn unindexed(mut self) -> Layout {
        self.meta.noindex = true;
        self
    }

    /// For error pages rendered where the database may be what failed.
    pub fn fallback(page_title: &str) -> Layout {
        let home = NavLink {
            href: "/".to_owned(),
            label: "Home".to_owned(),
        };
        Layout::from_settings(
            Settings::default(),
            HeaderInfo::default(),
            Some(page_title),
            vec![home],
            MiniCart::empty(Currency::default()),
        )
    }

    /// The `<title>` of a page whose title is known only after the layout was loaded.
    pub fn titled(mut self, page_title: &str) -> Layout {
        self.title = format!("{page_title} – {}", self.settings.site_title);
        self.meta.title = page_title.to_owned();
        self
    }

    pub fn with_search_query(mut self, query: &str) -> Layout {
        query.clone_into(&mut self.search_query);
        self
    }

    pub fn with_description(mut self, description: &str) -> Layout {
        self.set_description(description);
        self
    }

    /// The meta description; an empty one keeps the site's tagline.
    pub fn set_description(&mut self, description: &str) {
        if !description.is_empty() {
            self.description = description.to_owned();
        }
    }
}

/// The default service: no route matched.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// A 404 for missing static files, where a whole page would be wasted.
pub fn not_found_plain() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("Not found")
}
