//! vCard 3.0 ([RFC 2426](https://www.rfc-editor.org/rfc/rfc2426)) for public profiles and
//! business cards.
//!
//! Written here rather than with a vCard crate: the one we read cards back with in the
//! tests (`calcard`) adds a `CHARSET` parameter to non-ASCII values, which RFC 2426 does
//! not define, and the others write vCard 4.0 only. The format is small: CRLF line ends,
//! `\`, `,`, `;` and newlines escaped in text values (§4), and lines folded at 75 octets
//! (§2.6 via RFC 2425 §5.8.1) without splitting a UTF-8 character.
use time::OffsetDateTime;

/// What a card holds; empty values are left out.
#[derive(Clone, Debug, Default)]
pub struct Card {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub nickname: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// `YYYY-MM-DD`.
    pub birthdate: Option<String>,
    /// An absolute URL of the photo.
    pub photo: Option<String>,
    /// A stable identifier, e.g. `urn:uuid:…`.
    pub uid: String,
    pub revised: Option<OffsetDateTime>,
}

/// Escapes a text value (RFC 2426 §4, `text-value`).
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line: at most 75 octets per physical line, continuation lines
/// starting with a space, never inside a UTF-8 character.
fn fold(line: &str, out: &mut String) {
    const MAX: usize = 75;
    let mut budget = MAX;
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > budget {
            out.push_str("\r\n ");
            used = 0;
            // The leading space counts towards the 75 octets of a continuation line.
            budget = MAX - 1;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl Card {
    /// The formatted name: given and family name, else the nickname, else `fallback`.
    pub fn formatted_name(&self, fallback: &str) -> String {
        let names: Vec<&str> = [&self.given_name, &self.family_name]
            .into_iter()
            .filter_map(non_empty)
            .collect();
        if !names.is_empty() {
            return names.join(" ");
        }
        non_empty(&self.nickname).unwrap_or(fallback).to_owned()
    }

    /// The card as `text/vcard`, version 3.0; `fallback` names it if it has no name.
    pub fn render(&self, fallback: &str) -> String {
        let mut out = String::new();
        let mut line = |l: String| fold(&l, &mut out);
        line("BEGIN:VCARD".into());
        line("VERSION:3.0".into());
        line(format!("FN:{}", escape(&self.formatted_name(fallback))));
        line(format!(
            "N:{};{};;;",
            escape(non_empty(&self.family_name).unwrap_or_default()),
            escape(non_empty(&self.given_name).unwrap_or_default())
        ));
        if let Some(nick) = non_empty(&self.nickname) {
            line(format!("NICKNAME:{}", escape(nick)));
        }
        if let Some(email) = non_empty(&self.email) {
            line(format!("EMAIL;TYPE=INTERNET:{}", escape(email)));
        }
        if let Some(tel) = non_empty(&self.phone) {
            line(format!("TEL;TYPE=VOICE:{}", escape(tel)));
        }
        if let Some(bday) = non_empty(&self.birthdate) {
            line(format!("BDAY:{bday}"));
        }
        if let Some(photo) = non_empty(&self.photo) {
            line(format!("PHOTO;VALUE=uri:{photo}"));
        }
        line(format!("UID:{}", escape(&self.uid)));
        let stamp =
            time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
        if let Some(rev) = self
            .revised
            .and_then(|t| t.to_offset(time::UtcOffset::UTC).format(&stamp).ok())
        {
            line(format!("REV:{rev}"));
        }
        line("END:VCARD".into());
        out
    }
}

/// A file name for `name`'s card: ASCII letters, digits and `-` only.
pub fn file_name(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if stem.is_empty() {
        "contact.vcf".to_owned()
    } else {
        format!("{stem}.vcf")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card() -> Card {
        Card {
            given_name: Some("Ада".into()),
            family_name: Some("Lovelace, Countess; of \\ Lovelace\nLondon".into()),
            nickname: Some("ж".repeat(200)),
            email: Some("ada@example.org".into()),
            phone: Some("+441234567890".into()),
            birthdate: Some("1815-12-10".into()),
            photo: Some("https://id.example/public/images/profile/abc".into()),
            uid: "urn:uuid:7d8f0e4e-0000-4000-8000-000000000001".into(),
            revised: OffsetDateTime::from_unix_timestamp(1_700_000_000).ok(),
        }
    }

    #[test]
    fn lines_end_in_crlf_and_fold_at_75_octets_on_character_boundaries() {
        let text = card().render("x");
        assert!(text.ends_with("END:VCARD\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'), "no bare LF");
        for physical in text.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(
                physical.len() <= 75,
                "{} octets: {physical}",
                physical.len()
            );
        }
        // Unfolding gives the value back whole.
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("NICKNAME:{}\r\n", "ж".repeat(200))));
    }

    #[test]
    fn text_values_are_escaped() {
        let text = card().render("x").replace("\r\n ", "");
        assert!(text.contains("N:Lovelace\\, Countess\\; of \\\\ Lovelace\\nLondon;Ада;;;\r\n"));
        assert!(text.contains("FN:Ада Lovelace\\, Countess\\; of \\\\ Lovelace\\nLondon\r\n"));
        assert!(text.contains("REV:2023-11-14T22:13:20Z\r\n"));
    }

    #[test]
    fn file_names_are_plain_ascii() {
        assert_eq!(file_name("Ada Lovelace"), "Ada-Lovelace.vcf");
        assert_eq!(file_name("Ада"), "contact.vcf");
        assert_eq!(file_name("a/../b\"c"), "a-b-c.vcf");
    }
}
