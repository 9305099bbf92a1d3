//! The back office's menu: what each role may open, the page being shown marked.

use crate::accounts::users::Role;

pub struct MenuItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

pub struct MenuSection {
    pub label: &'static str,
    pub items: Vec<MenuItem>,
}

pub struct AdminMenu {
    pub sections: Vec<MenuSection>,
}

/// (href, label) of one menu entry.
type Entry = (&'static str, &'static str);

/// (section, least role, entries): the whole back office in one table.
const ENTRIES: &[(&str, Role, &[Entry])] = &[
    ("", Role::Author, &[("/admin", "Dashboard")]),
    (
        "Content",
        Role::Author,
        &[("/admin/posts", "Posts"), ("/admin/media", "Media")],
    ),
    (
        "Content",
        Role::Editor,
        &[("/admin/pages", "Pages"), ("/admin/comments", "Comments")],
    ),
    (
        "Shop",
        Role::Editor,
        &[
            ("/admin/products", "Products"),
            ("/admin/coupons", "Coupons"),
            ("/admin/orders", "Orders"),
        ],
    ),
    ("People", Role::Admin, &[("/admin/users", "Users")]),
    (
        "Settings",
        Role::Admin,
        &[
            ("/admin/settings", "General"),
            ("/admin/settings/reading", "Reading"),
            ("/admin/settings/discussion", "Discussion"),
            ("/admin/settings/shop", "Shop"),
        ],
    ),
];

impl AdminMenu {
    /// The entries `role` may open; `current` is the href of the page shown (its entry is
    /// marked with aria-current).
    pub fn new(role: Role, current: &str) -> AdminMenu {
        let mut sections: Vec<MenuSection> = Vec::new();
        for (label, least, entries) in ENTRIES {
            if !role.at_least(*least) {
                continue;
            }
            let items = entries.iter().map(|(href, item)| MenuItem {
                href,
                label: item,
                current: *href == current,
            });
            match sections.last_mut() {
                Some(section) if section.label == *label => section.items.extend(items),
                _ => sections.push(MenuSection {
                    label,
                    items: items.collect(),
                }),
            }
        }
        AdminMenu { sections }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hrefs(menu: &AdminMenu) -> Vec<&str> {
        menu.sections
            .iter()
            .flat_map(|s| s.items.iter().map(|i| i.href))
            .collect()
    }

    #[test]
    fn each_role_sees_what_it_may_open() {
        let author = AdminMenu::new(Role::Author, "/admin/posts");
        assert_eq!(hrefs(&author), ["/admin", "/admin/posts", "/admin/media"]);
        let editor = AdminMenu::new(Role::Editor, "/admin");
        assert!(hrefs(&editor).contains(&"/admin/orders"));
        assert!(!hrefs(&editor).contains(&"/admin/settings"));
        let admin = AdminMenu::new(Role::Admin, "/admin/settings/reading");
        assert!(hrefs(&admin).contains(&"/admin/users"));
        let current: Vec<_> = admin
            .sections
            .iter()
            .flat_map(|s| &s.items)
            .filter(|i| i.current)
            .map(|i| i.href)
            .collect();
        assert_eq!(current, ["/admin/settings/reading"]);
        // "Content" entries of two roles make one section.
        assert_eq!(
            admin
                .sections
                .iter()
                .filter(|s| s.label == "Content")
                .count(),
            1
        );
    }
}
