//! Page parts that are the same for every reader (an article with its comment threads, the
//! site's settings and navigation), rendered once per content version (`db::content`) and
//! kept in memory, bounded. A lookup is a lock and a hash: a hit needs no database.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;
use prometheus_client::metrics::counter::Counter;
use time::PrimitiveDateTime;

use crate::error::AppError;
use crate::web::layout::Layout;
use crate::web::seo::Meta;

/// A page whose content is the same for every reader: what goes in its `<head>` and the
/// HTML of its main part. The frame around it is the reader's own.
pub struct KeptPage {
    pub title: String,
    pub description: String,
    pub meta: Meta,
    pub html: String,
}

#[derive(Template)]
#[template(path = "kept_page.html")]
struct KeptPageView<'a> {
    layout: Layout,
    html: &'a str,
}

impl KeptPage {
    /// Takes the head from `made`, the layout the content was made with.
    pub fn new(made: Layout, html: String) -> KeptPage {
        KeptPage {
            title: made.title,
            description: made.description,
            meta: made.meta,
            html,
        }
    }

    /// The page in the reader's frame (`layout`, assembled for them).
    pub fn respond(&self, layout: Layout) -> Result<HttpResponse, AppError> {
        let layout = layout.with_page_meta(&self.title, &self.description, &self.meta);
        crate::web::page(&KeptPageView {
            layout,
            html: &self.html,
        })
    }

    /// A page whose forms were rendered with [`token_slot`] for their CSRF token: each slot
    /// becomes the reader's own `token`. Private, since the token is theirs.
    pub fn respond_with_token(
        &self,
        layout: Layout,
        token: &str,
        status: StatusCode,
    ) -> Result<HttpResponse, AppError> {
        let layout = layout.with_page_meta(&self.title, &self.description, &self.meta);
        let html = self.html.replace(token_slot(), token);
        crate::web::forms::private_page(
            status,
            &KeptPageView {
                layout,
                html: &html,
            },
        )
    }
}

/// What a kept page's forms carry in place of the reader's CSRF token. Random for each
/// process, so no text on the page (a product name, say) can contain it by chance or design.
pub fn token_slot() -> &'static str {
    static SLOT: OnceLock<String> = OnceLock::new();
    SLOT.get_or_init(|| format!("csrf-slot-{}", &crate::web::tokens::new_token()[..32]))
}

struct Entry<V, Ver> {
    version: Ver,
    /// Some parts change with the clock alone (a post's comments close after so many days).
    fresh_until: Option<PrimitiveDateTime>,
    last_used: u64,
    value: Arc<V>,
}

struct Entries<K, V, Ver> {
    map: HashMap<K, Entry<V, Ver>>,
    /// Counts lookups: the least recently used entry goes first when the map is full.
    clock: u64,
}

/// At most `capacity` values, each valid for the version it was made for (the content
/// version; the header cache pairs it with the people version).
pub struct PageCache<K, V, Ver = i64> {
    capacity: usize,
    entries: Mutex<Entries<K, V, Ver>>,
    hits: Counter,
    misses: Counter,
}

impl<K: Eq + Hash + Clone, V, Ver: Copy + Ord> PageCache<K, V, Ver> {
    pub fn new(capacity: usize) -> PageCache<K, V, Ver> {
        PageCache {
            capacity: capacity.max(1),
            entries: Mutex::new(Entries {
                map: HashMap::new(),
                clock: 0,
            }),
            hits: Counter::default(),
            misses: Counter::default(),
        }
    }

    /// Lookups that found a fresh value and lookups that did not, for `/metrics`.
    pub fn lookup_counters(&self) -> (Counter, Counter) {
        (self.hits.clone(), self.misses.clone())
    }

    /// The value made for `version` and still fresh at `now`.
    pub fn get(&self, key: &K, version: Ver, now: PrimitiveDateTime) -> Option<Arc<V>> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.clock += 1;
        let clock = entries.clock;
        let fresh = entries.map.get_mut(key).filter(|entry| {
            entry.version == version && entry.fresh_until.is_none_or(|until| now < until)
        });
        let Some(entry) = fresh else {
            self.misses.inc();
            return None;
        };
        entry.last_used = clock;
        self.hits.inc();
        Some(entry.value.clone())
    }

    /// The value kept for `key` and `version`, or else the one `make` gives for `key`, kept
    /// from now on (until the time `make` gives with it, if any).
    pub async fn get_or_make<F, Fut>(
        &self,
        key: K,
        version: Ver,
        make: F,
    ) -> Result<Arc<V>, AppError>
    where
        F: FnOnce(&K) -> Fut,
        Fut: Future<Output = Result<(V, Option<PrimitiveDateTime>), AppError>>,
    {
        if let Some(kept) = self.get(&key, version, crate::web::dates::now()) {
            return Ok(kept);
        }
        let (value, fresh_until) = make(&key).await?;
        let value = Arc::new(value);
        self.put(key, version, fresh_until, value.clone());
        Ok(value)
    }

    pub fn put(&self, key: K, version: Ver, fresh_until: Option<PrimitiveDateTime>, value: Arc<V>) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.map.len() >= self.capacity && !entries.map.contains_key(&key) {
            // Values of older versions are of no use to anyone; else the least recently used.
            entries.map.retain(|_, entry| entry.version >= version);
            if entries.map.len() >= self.capacity {
                let oldest = entries
                    .map
                    .iter()
                    .min_by_key(|(_, entry)| entry.last_used)
                    .map(|(key, _)| key.clone());
                if let Some(oldest) = oldest {
                    entries.map.remove(&oldest);
                }
            }
        }
        entries.clock += 1;
        let last_used = entries.clock;
        entries.map.insert(
            key,
            Entry {
                version,
                fresh_until,
                last_used,
                value,
            },
        );
    }

    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .map
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: PrimitiveDateTime = datetime!(2026-12-04 12:00);

    #[test]
    fn a_value_serves_only_its_version() {
        let cache = PageCache::new(4);
        cache.put("a", 1, None, Arc::new("one"));
        assert_eq!(cache.get(&"a", 1, NOW).as_deref(), Some(&"one"));
        assert_eq!(cache.get(&"a", 2, NOW), None, "a newer version misses");
        assert_eq!(cache.get(&"b", 1, NOW), None);
        let (hits, misses) = cache.lookup_counters();
        assert_eq!((hits.get(), misses.get()), (1, 2));
    }

    #[test]
    fn a_value_goes_stale_at_its_time() {
        let cache = PageCache::new(4);
        let until = datetime!(2026-12-04 13:00);
        cache.put("a", 1, Some(until), Arc::new("one"));
        assert!(cache.get(&"a", 1, NOW).is_some());
        assert!(cache.get(&"a", 1, until).is_none());
    }

    #[test]
    fn a_full_cache_drops_old_versions_then_the_least_recently_used() {
        let cache = PageCache::new(2);
        cache.put("old", 1, None, Arc::new(0));
        cache.put("a", 2, None, Arc::new(1));
        cache.put("b", 2, None, Arc::new(2));
        assert_eq!(cache.len(), 2);
        assert!(cache.get(&"a", 2, NOW).is_some(), "the old version went");
        cache.put("c", 2, None, Arc::new(3));
        assert!(cache.get(&"a", 2, NOW).is_some(), "used last, kept");
        assert!(
            cache.get(&"b", 2, NOW).is_none(),
            "least recently used, gone"
        );
        assert!(cache.get(&"c", 2, NOW).is_some());
    }

    #[test]
    fn the_token_slot_is_one_random_word_per_process() {
        let slot = token_slot();
        assert_eq!(slot, token_slot());
        assert_eq!(slot.len(), "csrf-slot-".len() + 32);
        assert!(slot.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    }
}
