//! Highlighted text from the index as safe HTML. The database marks the found words with two
//! control characters that stored text never holds (`plain_text` and the forms drop them);
//! the text is escaped, and only then do the marks become `<mark>` elements.

/// Where a found word starts and ends, in snippets and highlighted titles.
pub const START: char = '\u{2}';
pub const END: char = '\u{3}';

/// `marked` escaped for HTML, its marks as `<mark>…</mark>`. A stray or unbalanced mark
/// (from text that held one anyway) never leaves an element open.
pub fn to_html(marked: &str) -> String {
    let mut html = String::with_capacity(marked.len() + 16);
    let mut open = false;
    for c in marked.chars() {
        match c {
            START if !open => {
                html.push_str("<mark>");
                open = true;
            }
            END if open => {
                html.push_str("</mark>");
                open = false;
            }
            START | END => {}
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            c if c.is_control() && !c.is_whitespace() => {}
            c => html.push(c),
        }
    }
    if open {
        html.push_str("</mark>");
    }
    html
}

/// Whether the text has a found word in it.
pub fn has_mark(marked: &str) -> bool {
    marked.contains(START)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_become_elements_and_everything_else_is_escaped() {
        let marked = format!("a {START}<serum>{END} & \"b\" <script>alert('x')</script>");
        assert_eq!(
            to_html(&marked),
            "a <mark>&lt;serum&gt;</mark> &amp; &quot;b&quot; &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
        );
    }

    #[test]
    fn unbalanced_marks_never_leave_an_element_open() {
        assert_eq!(to_html(&format!("{END}a{START}b")), "a<mark>b</mark>");
        assert_eq!(
            to_html(&format!("{START}{START}a{END}{END}")),
            "<mark>a</mark>"
        );
        assert_eq!(to_html("plain"), "plain");
    }
}
