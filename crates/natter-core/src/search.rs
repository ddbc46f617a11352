//! How searches compare text: case is folded by Unicode's lowercase mapping, so `Привет` finds
//! `привет` and `ÉCOLE` finds `école`, not only A–Z. Both databases fold in SQL the same way
//! before Natter looks again in Rust: SQLite through [`fold`] itself, registered as the SQL
//! function `natter_fold`; PostgreSQL through its own `lower` under ICU's root collation
//! (`natter_store`'s `postgres::schema` defines `natter_fold` there).

/// `text` with its case folded for a search: Unicode's full lowercase mapping (one letter may
/// become two, as `İ` does), so a word and the text it is looked for in are folded alike.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        text.to_ascii_lowercase()
    } else {
        text.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_every_script_with_case_not_only_a_to_z() {
        assert_eq!(fold("Hello"), "hello");
        assert_eq!(fold("ПРИВЕТ мир"), "привет мир");
        assert_eq!(fold("ÉCOLE Straße"), "école straße");
        assert_eq!(fold("ΣΟΦΊΑ"), "σοφία");
        assert_eq!(fold("你好 World"), "你好 world");
    }
}
