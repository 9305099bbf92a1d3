//! What changed between two revisions: a line diff (the `similar` crate) that the template
//! shows with `<del>` and `<ins>`, escaped like any other text.

use similar::{ChangeTag, TextDiff};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    Same,
    Removed,
    Added,
}

#[derive(Debug, PartialEq, Eq)]
pub struct DiffLine {
    pub kind: LineKind,
    pub text: String,
}

impl DiffLine {
    pub fn is_removed(&self) -> bool {
        self.kind == LineKind::Removed
    }

    pub fn is_added(&self) -> bool {
        self.kind == LineKind::Added
    }
}

/// One field's diff, line by line (without line ends).
pub struct FieldDiff {
    pub label: &'static str,
    pub lines: Vec<DiffLine>,
    pub changed: bool,
}

pub fn lines(label: &'static str, old: &str, new: &str) -> FieldDiff {
    let diff = TextDiff::from_lines(old, new);
    let lines: Vec<DiffLine> = diff
        .iter_all_changes()
        .map(|change| DiffLine {
            kind: match change.tag() {
                ChangeTag::Equal => LineKind::Same,
                ChangeTag::Delete => LineKind::Removed,
                ChangeTag::Insert => LineKind::Added,
            },
            text: change.value().trim_end_matches(['\n', '\r']).to_owned(),
        })
        .collect();
    FieldDiff {
        label,
        changed: lines.iter().any(|l| l.kind != LineKind::Same),
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_removed_and_added_lines() {
        let diff = lines("Body", "One\nTwo\nThree\n", "One\n2\nThree\n");
        assert!(diff.changed);
        let kinds: Vec<_> = diff
            .lines
            .iter()
            .map(|l| (l.kind, l.text.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (LineKind::Same, "One"),
                (LineKind::Removed, "Two"),
                (LineKind::Added, "2"),
                (LineKind::Same, "Three"),
            ]
        );
        assert!(!lines("Title", "Same", "Same").changed);
    }
}
