//! Slug rules: what a slug is, and how a name in any script becomes one.
//! Folder names, document ids, group keys and anchors all go through here.

/// A slug is lower-case ASCII letters, digits and `-` (SPEC 1). This and
/// [`slugify`] are the one place the rule lives.
pub fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Turn a name in any script into a slug: "Acme Industrial AS" ->
/// "acme-industrial-as", "Škoda Łódź Çelik" -> "skoda-lodz-celik",
/// "Газпром нефть" -> "gazprom-neft". Letters are transliterated to ASCII
/// (deunicode), every run of other characters becomes one `-`. Empty when
/// nothing in the name transliterates to a letter or digit.
pub fn slugify(s: &str) -> String {
    let mut slug = String::with_capacity(s.len());
    let mut pending_dash = false;
    let mut push = |c: char, slug: &mut String| {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    };
    for c in s.chars() {
        if c.is_ascii() {
            push(c, &mut slug);
        } else {
            // A symbol with no letters (an emoji's name, say) is a separator.
            match deunicode::deunicode_char(c) {
                Some(t) if c.is_alphanumeric() => t.chars().for_each(|t| push(t, &mut slug)),
                _ => push(' ', &mut slug),
            }
        }
    }
    slug
}

/// [`slugify`], or `fallback` when nothing in `name` makes a slug.
pub fn slug_or(name: &str, fallback: &str) -> String {
    let s = slugify(name);
    if s.is_empty() { fallback.to_string() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_valid_slug("acme-industrial"));
        assert!(is_valid_slug("a1"));
        assert!(!is_valid_slug("Acme"));
        assert!(!is_valid_slug("acme_ind"));
        assert!(!is_valid_slug("-acme"));
        assert!(!is_valid_slug(""));
        assert_eq!(slugify("Acme Industrial AS"), "acme-industrial-as");
        assert_eq!(slugify("Bjørnstad & Sønner"), "bjornstad-sonner");
        assert_eq!(slugify("  Müller GmbH "), "muller-gmbh");
        assert_eq!(slugify("Škoda Łódź Çelik"), "skoda-lodz-celik");
        assert_eq!(slugify("Газпром нефть"), "gazprom-neft");
        assert_eq!(slugify("Ærø Ålesund Straße"), "aero-alesund-strasse");
        assert_eq!(slugify("İstanbul Şişecam"), "istanbul-sisecam");
        assert_eq!(slugify("Ελληνικά"), "ellenika");
        assert_eq!(slugify("A/S -- B"), "a-s-b");
        assert_eq!(slugify("★ ☆ !!"), "");
        for name in ["東京電力", "Škoda", "Ωmega 7", "日本 Steel"] {
            let s = slugify(name);
            assert!(is_valid_slug(&s), "{name} -> {s}");
        }
    }
}
