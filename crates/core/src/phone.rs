//! Phone numbers, parsed and normalised to E.164 by `phonenumber` (a port of Google's
//! libphonenumber), so "+49 30 1234567", "030 1234567" (with region DE) and
//! "0049301234567" are one number.
use std::fmt;

pub use phonenumber::country::Id as Region;
use phonenumber::Mode;
use serde::Serialize;

/// A valid phone number in E.164 form (`+4930123456`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Phone(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhoneError;

/// The region national numbers are read in, from the operator's ISO 3166 code.
pub fn region(code: &str) -> Option<Region> {
    code.trim().to_uppercase().parse().ok()
}

impl Phone {
    /// Parses international input (`+…`, `00…`) as is and national input in `region`.
    pub fn parse(raw: &str, region: Option<Region>) -> Result<Self, PhoneError> {
        let raw = raw.trim();
        if raw.is_empty() || raw.len() > 40 {
            return Err(PhoneError);
        }
        let number = phonenumber::parse(region, raw).map_err(|_| PhoneError)?;
        if !phonenumber::is_valid(&number) {
            return Err(PhoneError);
        }
        Ok(Self(number.format().mode(Mode::E164).to_string()))
    }

    pub fn from_trusted(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as people write it across borders (`+49 30 12345678`): for display
    /// only; exports, tokens and APIs keep the E.164 form.
    pub fn international(&self) -> String {
        international(&self.0)
    }
}

/// A stored E.164 number grouped for reading (`+49 30 12345678`), or the text as it is
/// if it does not parse (a number kept from before a numbering plan changed).
pub fn international(e164: &str) -> String {
    match phonenumber::parse(None, e164) {
        Ok(number) => number.format().mode(Mode::International).to_string(),
        Err(_) => e164.to_owned(),
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn international_form_groups_the_digits_for_reading() {
        let de = Phone::parse("030 12345678", region("DE")).expect("de");
        assert_eq!(de.international(), "+49 30 12345678");
        assert_eq!(international("+79123456789"), "+7 912 345-67-89");
        assert_eq!(international("not a number"), "not a number");
    }

    #[test]
    fn national_and_international_forms_become_one_e164_number() {
        let de = region("de");
        let want = "+493012345678";
        for raw in [
            "+49 30 12345678",
            "030 12345678",
            "0049 30 12345678",
            "+49 (30) 1234-5678",
        ] {
            assert_eq!(Phone::parse(raw, de).expect(raw).as_str(), want, "{raw}");
        }
        assert_eq!(
            Phone::parse("+7 912 345-67-89", de).expect("ru").as_str(),
            "+79123456789"
        );
        assert_eq!(
            Phone::parse("(415) 555-2671", region("US"))
                .expect("us")
                .as_str(),
            "+14155552671"
        );
    }

    #[test]
    fn garbage_and_impossible_numbers_are_refused() {
        let de = region("DE");
        for raw in [
            "",
            "abc",
            "+49 1",
            "12",
            "+999 123456789",
            "030 12345678 ext. 99999999999999999",
        ] {
            assert!(Phone::parse(raw, de).is_err(), "{raw}");
        }
        assert!(
            Phone::parse("030 12345678", None).is_err(),
            "no region for a national number"
        );
    }
}
