//! Values as people read them: dates and times in the person's language, phone numbers
//! grouped for reading.
//!
//! Dates come from ICU4X with its CLDR data compiled in (no month names of our own).
//! Every date or time a page shows goes through [`Dates`], which renders one
//! `<time datetime="…">` element: the attribute keeps the exact value (RFC 3339 in UTC,
//! or a plain date), the text is in the person's language and, for instants, in UTC with
//! a marker, since the server does not know the reader's time zone. Where JavaScript
//! runs, `static/parts/values.js` rewrites instants marked `data-when` in the browser's
//! zone (and recent ones as "5 minutes ago"), leaving the attribute as it was.
use std::fmt;

use askama::filters::{Escaper, Html, HtmlSafe};
use icu_calendar::{Date, Gregorian};
use icu_datetime::fieldsets::{YMD, YMDT};
use icu_datetime::input::{DateTime, Time};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_locale_core::{locale, Locale as IcuLocale};
use sigil_core::fields::FieldKind;
use sigil_core::locale::Locale;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use crate::i18n::Tr;

/// What a browser script may do with an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Live {
    /// Show it in the reader's zone, and as relative text while it is recent.
    Relative,
    /// Show it in the reader's zone, always as a full date and time.
    Exact,
}

/// A `<time>` element: the exact value for machines, formatted text for people.
#[derive(Clone, Debug)]
pub struct When {
    datetime: String,
    text: String,
    live: Option<Live>,
}

impl When {
    /// The exact value as the `datetime` attribute holds it.
    pub fn datetime(&self) -> &str {
        &self.datetime
    }

    /// The text people read, without markup (for mail and error sentences).
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<time datetime=\"")?;
        Html.write_escaped_str(&mut *f, &self.datetime)?;
        f.write_str("\"")?;
        match self.live {
            Some(Live::Relative) => f.write_str(" data-when=\"relative\"")?,
            Some(Live::Exact) => f.write_str(" data-when=\"exact\"")?,
            None => {}
        }
        f.write_str(">")?;
        Html.write_escaped_str(&mut *f, &self.text)?;
        f.write_str("</time>")
    }
}

/// Built only from escaped parts, so templates print it as it is.
impl HtmlSafe for When {}

/// A field's value on a page: text (escaped when printed) or a date.
#[derive(Clone, Debug)]
pub enum Shown {
    Text(String),
    Date(When),
}

impl Shown {
    /// A stored field value as people read it: dates in the person's language, phone
    /// numbers grouped; anything else as typed.
    pub fn field(t: Tr<'_>, kind: &FieldKind, key: &str, value: &str) -> Self {
        if key == "phone" {
            return Self::Text(sigil_core::phone::international(value));
        }
        match kind {
            FieldKind::Date => Dates::new(t)
                .iso_date(value)
                .map_or_else(|| Self::Text(value.to_owned()), Self::Date),
            _ => Self::Text(value.to_owned()),
        }
    }
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text(text) => Html.write_escaped_str(f, text),
            Self::Date(when) => when.fmt(f),
        }
    }
}

impl HtmlSafe for Shown {}

/// The date and time formatters of one language, made once per page.
pub struct Dates<'a> {
    t: Tr<'a>,
    date: Option<FixedCalendarDateTimeFormatter<Gregorian, YMD>>,
    short: Option<FixedCalendarDateTimeFormatter<Gregorian, YMDT>>,
    exact: Option<FixedCalendarDateTimeFormatter<Gregorian, YMDT>>,
}

impl<'a> Dates<'a> {
    pub fn new(t: Tr<'a>) -> Self {
        let prefs = || icu_locale(t.locale).into();
        // With compiled data these cannot fail for our languages; if they ever did, the
        // page would show the ISO form rather than fail.
        Self {
            t,
            date: FixedCalendarDateTimeFormatter::try_new(prefs(), YMD::long()).ok(),
            short: FixedCalendarDateTimeFormatter::try_new(prefs(), YMD::medium().with_time_hm())
                .ok(),
            exact: FixedCalendarDateTimeFormatter::try_new(prefs(), YMD::long().with_time_hms())
                .ok(),
        }
    }

    /// An instant for a list: date and minutes, in UTC; relative where a script runs.
    pub fn instant(&self, at: OffsetDateTime) -> When {
        self.moment(at, self.short.as_ref(), Live::Relative)
    }

    /// An instant in full (date, time to the second), in UTC; the reader's zone where a
    /// script runs, never relative.
    pub fn exact(&self, at: OffsetDateTime) -> When {
        self.moment(at, self.exact.as_ref(), Live::Exact)
    }

    /// A calendar date (a birth date): no time, no zone.
    pub fn date(&self, d: time::Date) -> When {
        let datetime = format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
        let text = gregorian(d)
            .zip(self.date.as_ref())
            .map(|(d, f)| f.format(&d).to_string())
            .unwrap_or_else(|| datetime.clone());
        When {
            datetime,
            text,
            live: None,
        }
    }

    /// A date stored as `YYYY-MM-DD`; `None` if it is not one.
    pub fn iso_date(&self, value: &str) -> Option<When> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(value.trim(), format)
            .ok()
            .map(|d| self.date(d))
    }

    fn moment(
        &self,
        at: OffsetDateTime,
        formatter: Option<&FixedCalendarDateTimeFormatter<Gregorian, YMDT>>,
        live: Live,
    ) -> When {
        let utc = at.to_offset(UtcOffset::UTC);
        let datetime = utc.format(&Rfc3339).unwrap_or_default();
        let local = gregorian(utc.date())
            .zip(Time::try_new(utc.hour(), utc.minute(), utc.second(), 0).ok());
        let text = match (local, formatter) {
            (Some((date, time)), Some(f)) => {
                let formatted = f.format(&DateTime { date, time }).to_string();
                self.t.t1("values-utc", "time", &formatted)
            }
            _ => datetime.clone(),
        };
        When {
            datetime,
            text,
            live: Some(live),
        }
    }
}

fn gregorian(d: time::Date) -> Option<Date<Gregorian>> {
    Date::try_new_gregorian(d.year(), u8::from(d.month()), d.day()).ok()
}

fn icu_locale(l: Locale) -> IcuLocale {
    match l {
        Locale::En => locale!("en"),
        Locale::De => locale!("de"),
        Locale::Ru => locale!("ru"),
    }
}

/// A stored E.164 number as people read it (`+49 30 12345678`).
pub fn phone(e164: &str) -> String {
    sigil_core::phone::international(e164)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::I18n;
    use time::macros::datetime;

    fn rendered(locale: Locale, f: impl Fn(&Dates<'_>) -> When) -> String {
        let i18n = I18n::load().expect("translations");
        let dates = Dates::new(Tr::new(&i18n, locale));
        f(&dates).to_string()
    }

    #[test]
    fn instants_keep_the_exact_value_and_read_in_the_persons_language() {
        let at = datetime!(2026-12-01 04:40:59 +02:00);
        let de = rendered(Locale::De, |d| d.instant(at));
        assert!(de.starts_with(r#"<time datetime="2026-12-01T02:40:59Z" data-when="relative">"#));
        assert!(de.contains("01.12.2026"), "{de}");
        assert!(de.contains("02:40") && de.contains("UTC"), "{de}");
        let ru = rendered(Locale::Ru, |d| d.exact(at));
        assert!(ru.contains("декабря 2026"), "{ru}");
        assert!(ru.contains("02:40:59"), "{ru}");
        let en = rendered(Locale::En, |d| d.exact(at));
        assert!(en.contains("December 1, 2026"), "{en}");
    }

    #[test]
    fn a_birth_date_is_a_date_without_time_or_zone() {
        let de = rendered(Locale::De, |d| d.iso_date("1990-05-17").expect("date"));
        assert_eq!(de, r#"<time datetime="1990-05-17">17. Mai 1990</time>"#);
        let i18n = I18n::load().expect("translations");
        assert!(Dates::new(Tr::new(&i18n, Locale::En))
            .iso_date("17/05/1990")
            .is_none());
    }

    #[test]
    fn text_is_escaped_and_phones_are_grouped() {
        let i18n = I18n::load().expect("translations");
        let t = Tr::new(&i18n, Locale::En);
        let shown = Shown::field(t, &FieldKind::Text, "company", "<b>&Co</b>");
        assert_eq!(shown.to_string(), "&#60;b&#62;&#38;Co&#60;/b&#62;");
        let phone = Shown::field(t, &FieldKind::Text, "phone", "+493012345678");
        assert_eq!(phone.to_string(), "+49 30 12345678");
    }
}
