//! Threads from a flat, oldest-first list of comments: each comment is placed under its
//! parent, depth-first, and pages are counted in top-level comments. Built in Rust from one
//! query; rendered from a flat list of (comment, depth) without recursion.

use std::collections::HashMap;

/// Where one comment goes in the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// Index into the list that was threaded.
    pub index: usize,
    pub depth: usize,
    /// Children lists to close before this comment (`</ol></li>` each).
    pub closes_before: usize,
    /// Whether a children list opens after it.
    pub has_children: bool,
}

/// The threads of one page, and the lists still open after the last comment.
#[derive(Debug, Default)]
pub struct ThreadPage {
    pub placed: Vec<Placed>,
    pub closes_after: usize,
    pub pages: usize,
}

/// `items` are (id, parent id) oldest first. A comment whose parent is not in the list
/// (held, spam, trashed) is shown at the top level, as WordPress does.
pub fn depth_first(items: &[(i32, Option<i32>)]) -> Vec<(usize, usize)> {
    let position: HashMap<i32, usize> = items
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (*id, i))
        .collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    let mut roots = Vec::new();
    for (i, (_, parent)) in items.iter().enumerate() {
        match parent.and_then(|p| position.get(&p)) {
            Some(&p) if p != i => children[p].push(i),
            _ => roots.push(i),
        }
    }
    let mut order = Vec::with_capacity(items.len());
    let mut stack: Vec<(usize, usize)> = roots.into_iter().rev().map(|r| (r, 0)).collect();
    while let Some((index, depth)) = stack.pop() {
        order.push((index, depth));
        stack.extend(children[index].iter().rev().map(|&c| (c, depth + 1)));
    }
    order
}

/// The comments of page `page` (1-based), `per_page` top-level threads a page.
pub fn page(items: &[(i32, Option<i32>)], per_page: usize, page: usize) -> ThreadPage {
    let order = depth_first(items);
    let per_page = per_page.max(1);
    let threads: Vec<&[(usize, usize)]> = split_threads(&order);
    let pages = threads.len().div_ceil(per_page).max(1);
    let chosen: Vec<(usize, usize)> = threads
        .iter()
        .skip((page.max(1) - 1) * per_page)
        .take(per_page)
        .flat_map(|t| t.iter().copied())
        .collect();
    let mut placed = Vec::with_capacity(chosen.len());
    let mut open = 0usize;
    for (i, &(index, depth)) in chosen.iter().enumerate() {
        let has_children = chosen.get(i + 1).is_some_and(|&(_, next)| next > depth);
        placed.push(Placed {
            index,
            depth,
            closes_before: open.saturating_sub(depth),
            has_children,
        });
        open = if has_children { depth + 1 } else { depth };
    }
    ThreadPage {
        placed,
        closes_after: open,
        pages,
    }
}

/// Which page holds comment `id`.
pub fn page_of(items: &[(i32, Option<i32>)], per_page: usize, id: i32) -> Option<usize> {
    let order = depth_first(items);
    let threads = split_threads(&order);
    let thread = threads
        .iter()
        .position(|t| t.iter().any(|&(index, _)| items[index].0 == id))?;
    Some(thread / per_page.max(1) + 1)
}

/// Cuts the depth-first order at each top-level comment.
fn split_threads(order: &[(usize, usize)]) -> Vec<&[(usize, usize)]> {
    let mut threads = Vec::new();
    let mut start = 0;
    for i in 1..=order.len() {
        if i == order.len() || order[i].1 == 0 {
            if i > start {
                threads.push(&order[start..i]);
            }
            start = i;
        }
    }
    threads
}

/// The parent a reply attaches to: a reply to a comment at the depth limit becomes its
/// sibling, so no thread grows past `max_depth` levels (depth 0 is the first level).
pub fn attach_depth(parent_depth: Option<i32>, max_depth: i32) -> (bool, i32) {
    match parent_depth {
        None => (false, 0),
        Some(d) if d + 1 >= max_depth => (true, d),
        Some(d) => (false, d + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<(i32, Option<i32>)> {
        // 1 ─ 2 ─ 4
        //   └ 5
        // 3 ─ 6
        // 7 (parent 99 is not shown)
        vec![
            (1, None),
            (2, Some(1)),
            (3, None),
            (4, Some(2)),
            (5, Some(1)),
            (6, Some(3)),
            (7, Some(99)),
        ]
    }

    #[test]
    fn replies_follow_their_parents_depth_first_oldest_first() {
        let items = sample();
        let ids: Vec<(i32, usize)> = depth_first(&items)
            .into_iter()
            .map(|(i, d)| (items[i].0, d))
            .collect();
        assert_eq!(
            ids,
            [(1, 0), (2, 1), (4, 2), (5, 1), (3, 0), (6, 1), (7, 0)]
        );
    }

    #[test]
    fn nesting_opens_and_closes_lists_in_balance() {
        let page = page(&sample(), 50, 1);
        let opens = page.placed.iter().filter(|p| p.has_children).count();
        let closes: usize =
            page.placed.iter().map(|p| p.closes_before).sum::<usize>() + page.closes_after;
        assert_eq!(opens, closes);
        let ids: Vec<i32> = page.placed.iter().map(|p| sample()[p.index].0).collect();
        assert_eq!(ids, [1, 2, 4, 5, 3, 6, 7]);
        // 5 comes after 4 (depth 2): one list closes before it.
        assert_eq!(page.placed[3].closes_before, 1);
        // 3 comes after 5 (depth 1 inside 1): one list closes before it.
        assert_eq!(page.placed[4].closes_before, 1);
    }

    #[test]
    fn pages_count_top_level_threads_with_their_replies() {
        let items = sample();
        let second = page(&items, 2, 2);
        let ids: Vec<i32> = second.placed.iter().map(|p| items[p.index].0).collect();
        assert_eq!(ids, [7]);
        assert_eq!(second.pages, 2);
        assert_eq!(page_of(&items, 2, 4), Some(1));
        assert_eq!(page_of(&items, 2, 7), Some(2));
        assert_eq!(page_of(&items, 2, 42), None);
    }

    #[test]
    fn a_reply_at_the_depth_limit_attaches_at_the_limit() {
        assert_eq!(attach_depth(None, 5), (false, 0));
        assert_eq!(attach_depth(Some(2), 5), (false, 3));
        assert_eq!(attach_depth(Some(4), 5), (true, 4));
    }

    #[test]
    fn a_cycle_in_bad_data_does_not_loop_forever() {
        let items = vec![(1, Some(2)), (2, Some(1))];
        assert!(depth_first(&items).len() <= 2);
    }
}
