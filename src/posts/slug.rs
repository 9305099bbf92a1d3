//! URL slugs from titles and names.

/// Lower-case ASCII letters and digits joined by single hyphens; accents are dropped to
/// their base letter where that is obvious, other characters become separators.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.to_lowercase().chars().map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') && c != '\'' && c != '’' {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs_are_lowercase_words_joined_by_hyphens() {
        assert_eq!(
            slugify("Exosome Therapy Is Dermatologists’ New Favorite"),
            "exosome-therapy-is-dermatologists-new-favorite"
        );
        assert_eq!(
            slugify("  Vitamin C -- vs. Niacinamide! "),
            "vitamin-c-vs-niacinamide"
        );
        assert_eq!(slugify("Crème brûlée"), "creme-brulee");
        assert_eq!(slugify("It's SPF 50"), "its-spf-50");
        assert_eq!(slugify("???"), "");
    }
}
