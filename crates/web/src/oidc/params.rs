//! Request parameters under [RFC 6749 §3.1 and §3.2](https://www.rfc-editor.org/rfc/rfc6749#section-3.1):
//! one sent without a value counts as omitted, and none may be sent more than once.
use std::collections::{HashMap, HashSet};

/// The parameters of a query string or form body.
pub struct Params {
    /// Each parameter sent once with a value; repeated ones are left out.
    pub values: HashMap<String, String>,
    /// Whether any parameter was sent more than once. Every caller must refuse such a
    /// request: leaving the parameter out only looks like refusing it when the
    /// parameter is required, and an optional one (`state`, `nonce`) would slip away.
    pub repeated: bool,
}

pub fn parse(raw: &[u8]) -> Params {
    let mut values = HashMap::new();
    let mut seen = HashSet::new();
    let mut twice = HashSet::new();
    for (name, value) in form_urlencoded::parse(raw) {
        if !seen.insert(name.clone()) {
            twice.insert(name);
            continue;
        }
        if !value.is_empty() {
            values.insert(name.into_owned(), value.into_owned());
        }
    }
    for name in &twice {
        values.remove(name.as_ref());
    }
    Params {
        values,
        repeated: !twice.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_and_empty_parameters_are_left_out() {
        let p = parse(b"a=1&b=&c=3&a=2&d=%20");
        assert!(p.repeated);
        assert_eq!(p.values.get("a"), None);
        assert_eq!(p.values.get("b"), None);
        assert_eq!(p.values.get("c").map(String::as_str), Some("3"));
        assert_eq!(p.values.get("d").map(String::as_str), Some(" "));
        assert!(!parse(b"a=1&b=2").repeated);
    }
}
