//! Name rules: when two texts written by hand name the same thing. A plan's
//! customer-side owner finds its contact here, and a plan item the previous
//! plan's; like [`super::slug`], the one place each rule lives.

use super::{Account, Contact};

/// Texts match ignoring case, repeated spaces and a final full stop.
pub fn name_key(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches('.')
        .to_lowercase()
}

/// The contact a plan names as an owner on the customer's side: by contact
/// id or by name (case and spacing ignored).
pub fn find_contact<'a>(account: &'a Account, owner: &str) -> Option<&'a Contact> {
    let wanted = name_key(owner);
    account
        .contacts
        .iter()
        .find(|c| c.id.value == owner.trim())
        .or_else(|| account.contacts.iter().find(|c| name_key(&c.name) == wanted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_is_found_by_id_or_by_name_written_loosely() {
        let a: Account = serde_saphyr::from_str(
            "name: Acme\ncontacts:\n  - { id: eva, name: Eva Novak }\n  - { id: jan, name: Jan Dvorak }\n",
        )
        .unwrap();
        let id = |owner: &str| find_contact(&a, owner).map(|c| c.id.value.as_str());
        assert_eq!(id("jan"), Some("jan"));
        assert_eq!(id(" eva "), Some("eva"));
        assert_eq!(id("eva  NOVAK."), Some("eva"));
        assert_eq!(id("Eva Nováková"), None);
        assert_eq!(name_key("  Grow  share. "), "grow share");
    }
}
