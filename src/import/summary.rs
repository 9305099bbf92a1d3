//! What an import did, printed at its end: counts per kind and status, and a line for
//! every item not taken.

use std::collections::BTreeMap;
use std::fmt;

/// One kind of record: how many were new (by status, where the kind has one) and how many
/// were there from an earlier run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Count {
    pub new: usize,
    pub existing: usize,
    pub new_by_status: BTreeMap<String, usize>,
}

impl Count {
    pub fn add_new(&mut self, status: Option<&str>) {
        self.new += 1;
        if let Some(status) = status {
            *self.new_by_status.entry(status.to_owned()).or_default() += 1;
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub source: String,
    pub wxr_version: String,
    pub authors: Count,
    pub categories: Count,
    pub tags: Count,
    pub posts: Count,
    pub pages: Count,
    pub media: Count,
    pub comments: Count,
    /// Items of types that are not imported (menus, revisions, custom types), per type.
    pub skipped_types: BTreeMap<String, usize>,
    /// One line per item (or comment) not taken, with the reason.
    pub not_taken: Vec<String>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Imported from {} (WXR {}):",
            self.source,
            if self.wxr_version.is_empty() {
                "version not given"
            } else {
                &self.wxr_version
            }
        )?;
        for (name, count) in [
            ("authors", &self.authors),
            ("categories", &self.categories),
            ("tags", &self.tags),
            ("posts", &self.posts),
            ("pages", &self.pages),
            ("media", &self.media),
            ("comments", &self.comments),
        ] {
            let statuses: Vec<String> = count
                .new_by_status
                .iter()
                .map(|(status, n)| format!("{n} {status}"))
                .collect();
            let detail = if statuses.is_empty() {
                String::new()
            } else {
                format!(" ({})", statuses.join(", "))
            };
            writeln!(
                f,
                "  {name}: {} new{detail}, {} already there",
                count.new, count.existing
            )?;
        }
        for (kind, n) in &self.skipped_types {
            writeln!(
                f,
                "  skipped: {n} of type {kind} (only posts, pages and attachments are imported)"
            )?;
        }
        if !self.not_taken.is_empty() {
            writeln!(f, "Not taken ({}):", self.not_taken.len())?;
            for line in &self.not_taken {
                writeln!(f, "  {line}")?;
            }
        }
        Ok(())
    }
}
