//! Content negotiation by `Accept` ([RFC 9110 §12.5.1](https://www.rfc-editor.org/rfc/rfc9110#section-12.5.1)):
//! each media range (`type/subtype`, `type/*` or `*/*`) carries a weight `q` from 0 to
//! 1 (default 1; 0 means "not acceptable"), and a media type takes the weight of the
//! most specific range that matches it.

/// A weight in thousandths, as `q` has at most three decimals (RFC 9110 §12.4.2).
type Weight = u16;

struct Range<'a> {
    kind: &'a str,
    subtype: &'a str,
    weight: Weight,
}

impl Range<'_> {
    /// 2 for `type/subtype`, 1 for `type/*`, 0 for `*/*`; `None` if it does not match.
    fn specificity(&self, kind: &str, subtype: &str) -> Option<u8> {
        match (self.kind, self.subtype) {
            ("*", "*") => Some(0),
            (k, "*") if k.eq_ignore_ascii_case(kind) => Some(1),
            (k, s) if k.eq_ignore_ascii_case(kind) && s.eq_ignore_ascii_case(subtype) => Some(2),
            _ => None,
        }
    }
}

fn parse_weight(raw: &str) -> Option<Weight> {
    // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
    let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths: Weight = format!("{fraction:0<3}").parse().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// The ranges of a header; a malformed range is left out rather than failing the rest.
fn ranges(header: &str) -> Vec<Range<'_>> {
    header
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';').map(str::trim);
            let (kind, subtype) = parts.next()?.split_once('/')?;
            if kind.is_empty() || subtype.is_empty() || (kind == "*" && subtype != "*") {
                return None;
            }
            let mut weight = 1000;
            for param in parts {
                let Some((name, value)) = param.split_once('=') else {
                    continue;
                };
                if name.trim().eq_ignore_ascii_case("q") {
                    weight = parse_weight(value.trim())?;
                }
            }
            Some(Range {
                kind,
                subtype,
                weight,
            })
        })
        .collect()
}

/// Which of `offered` (the server's order of preference) the client prefers by its
/// `Accept` header: the highest weight, then the most specific range, then the
/// server's order. No header accepts anything, so the first offer; `None` if the client
/// accepts none of them.
pub fn preferred<'a>(accept: Option<&str>, offered: &[&'a str]) -> Option<&'a str> {
    let Some(header) = accept.filter(|h| !h.trim().is_empty()) else {
        return offered.first().copied();
    };
    let ranges = ranges(header);
    let mut best: Option<(Weight, u8, &'a str)> = None;
    for media in offered {
        let Some((kind, subtype)) = media.split_once('/') else {
            continue;
        };
        let matched = ranges
            .iter()
            .filter_map(|r| r.specificity(kind, subtype).map(|s| (s, r.weight)))
            .max_by_key(|(specificity, _)| *specificity);
        let Some((specificity, weight)) = matched.filter(|(_, w)| *w > 0) else {
            continue;
        };
        if best.is_none_or(|(w, s, _)| (weight, specificity) > (w, s)) {
            best = Some((weight, specificity, media));
        }
    }
    best.map(|(_, _, media)| media)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CARD: [&str; 2] = ["text/html", "text/vcard"];

    #[test]
    fn q_values_decide_between_the_page_and_the_vcard() {
        let cases = [
            (None, Some("text/html")),
            (Some(""), Some("text/html")),
            (Some("text/html, text/vcard;q=0.1"), Some("text/html")),
            (Some("text/vcard"), Some("text/vcard")),
            (Some("text/vcard, text/html;q=0.5"), Some("text/vcard")),
            (Some("text/html;q=0.5, text/vcard"), Some("text/vcard")),
            (Some("text/vcard;q=0.2, */*;q=0.1"), Some("text/vcard")),
            (Some("*/*"), Some("text/html")),
            (Some("text/*"), Some("text/html")),
            // Browsers: the page.
            (
                Some("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
                Some("text/html"),
            ),
            // Equal weights: the more specific range names what the client wants.
            (Some("text/vcard, */*"), Some("text/vcard")),
            (Some("TEXT/VCARD ; Q=1"), Some("text/vcard")),
            (Some("text/vcard;q=0, text/*"), Some("text/html")),
            (Some("text/html;q=0, text/vcard;q=0"), None),
            (Some("application/json"), None),
        ];
        for (accept, expected) in cases {
            assert_eq!(preferred(accept, &CARD), expected, "{accept:?}");
        }
    }

    #[test]
    fn weights_follow_the_grammar_and_malformed_ranges_are_ignored() {
        assert_eq!(parse_weight("1"), Some(1000));
        assert_eq!(parse_weight("1.000"), Some(1000));
        assert_eq!(parse_weight("0.5"), Some(500));
        assert_eq!(parse_weight("0.125"), Some(125));
        assert_eq!(parse_weight("0"), Some(0));
        for bad in ["1.5", "2", "0.1234", "-1", "0.x", "", ".5"] {
            assert_eq!(parse_weight(bad), None, "{bad}");
        }
        // A range with a broken weight counts as absent, not as q=1.
        assert_eq!(
            preferred(Some("text/vcard;q=high, text/html;q=0.1"), &CARD),
            Some("text/html")
        );
        assert_eq!(preferred(Some("vcard, */vcard"), &CARD), None);
    }
}
