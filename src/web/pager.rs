//! A pager that shows a window of page numbers around the current one, with the first and
//! the last page and gaps between: a thousand pages of results are not a thousand links.

/// Page numbers shown on each side of the current page.
const WINDOW: i64 = 2;

/// One slot of the pager: a page link, the current page, or a gap ("…").
pub struct PagerSlot {
    pub label: String,
    /// `None` for the current page and for gaps.
    pub href: Option<String>,
    pub current: bool,
}

pub struct WindowPager {
    pub current: i64,
    pub pages: i64,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub slots: Vec<PagerSlot>,
}

impl WindowPager {
    /// `base` is the listing's address; page 1 links to it bare, others add `page=N`.
    pub fn new(base: &str, current: i64, total: i64, per_page: i64) -> WindowPager {
        let per_page = per_page.max(1);
        let pages = ((total + per_page - 1) / per_page).max(1);
        let href = |page: i64| page_href(base, page);
        let mut slots = Vec::new();
        let mut last_shown = 0;
        for page in shown_pages(current, pages) {
            if page > last_shown + 1 {
                slots.push(PagerSlot {
                    label: "…".to_owned(),
                    href: None,
                    current: false,
                });
            }
            slots.push(PagerSlot {
                label: page.to_string(),
                href: (page != current).then(|| href(page)),
                current: page == current,
            });
            last_shown = page;
        }
        WindowPager {
            current,
            pages,
            previous: (current > 1 && current <= pages).then(|| href(current - 1)),
            next: (current < pages).then(|| href(current + 1)),
            slots,
        }
    }
}

/// The address of page `page` of the listing at `base`: page 1 is `base` itself.
pub fn page_href(base: &str, page: i64) -> String {
    if page == 1 {
        return base.to_owned();
    }
    let joiner = if base.contains('?') { '&' } else { '?' };
    format!("{base}{joiner}page={page}")
}

/// The first page, the last, and the window around `current`, in order.
fn shown_pages(current: i64, pages: i64) -> impl Iterator<Item = i64> {
    let window = (current - WINDOW).max(1)..=(current + WINDOW).min(pages);
    (1..=pages).filter(move |page| *page == 1 || *page == pages || window.contains(page))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pager: &WindowPager) -> Vec<&str> {
        pager.slots.iter().map(|s| s.label.as_str()).collect()
    }

    #[test]
    fn a_long_listing_shows_a_window_with_the_ends_and_gaps() {
        let pager = WindowPager::new("/search?q=a", 50, 1_000, 10);
        assert_eq!(pager.pages, 100);
        assert_eq!(
            labels(&pager),
            ["1", "…", "48", "49", "50", "51", "52", "…", "100"]
        );
        assert_eq!(pager.previous.as_deref(), Some("/search?q=a&page=49"));
        assert_eq!(pager.next.as_deref(), Some("/search?q=a&page=51"));
        assert!(pager.slots.iter().any(|s| s.current && s.href.is_none()));
    }

    #[test]
    fn near_the_start_there_is_no_gap_before_and_page_one_is_bare() {
        let pager = WindowPager::new("/search?q=a", 2, 100, 10);
        assert_eq!(labels(&pager), ["1", "2", "3", "4", "…", "10"]);
        assert_eq!(pager.previous.as_deref(), Some("/search?q=a"));
        assert_eq!(pager.slots[0].href.as_deref(), Some("/search?q=a"));
    }

    #[test]
    fn a_short_listing_shows_every_page_and_an_empty_one_has_one_page() {
        assert_eq!(labels(&WindowPager::new("/", 1, 30, 10)), ["1", "2", "3"]);
        let empty = WindowPager::new("/", 1, 0, 10);
        assert_eq!(empty.pages, 1);
        assert!(empty.previous.is_none() && empty.next.is_none());
    }
}
