//! Text people type, made safe to store and show.
//!
//! - One Unicode form: NFC ([UAX #15](https://www.unicode.org/reports/tr15/)), so that
//!   `é` typed as one character or as `e` + combining accent is the same value, and a
//!   name compares, sorts and matches as people expect.
//! - No invisible characters that reorder or hide text: the bidirectional controls
//!   (the "Trojan Source" attack, CVE-2021-42574; [UTS #39 §3](https://www.unicode.org/reports/tr39/))
//!   and the zero-width characters. In names, logins and card links they serve only to
//!   make one person look like another or to hide part of a value, so they are refused
//!   with a message rather than silently removed.
use unicode_normalization::UnicodeNormalization;

/// True for a character that changes how the text around it is shown without being
/// seen itself: the bidirectional embeddings, overrides and isolates (U+202A–U+202E,
/// U+2066–U+2069), the direction marks (U+200E, U+200F, U+061C), and the zero-width
/// space, non-joiner, joiner, word joiner and byte-order mark (U+200B–U+200D, U+2060,
/// U+FEFF).
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'
            | '\u{FEFF}'
    )
}

pub fn has_invisible(text: &str) -> bool {
    text.chars().any(is_invisible)
}

/// The text in NFC.
pub fn nfc(text: &str) -> String {
    text.nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bidirectional_control_and_zero_width_character_is_invisible() {
        let invisible = [
            0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F,
            0x061C, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF,
        ];
        for code in invisible {
            let c = char::from_u32(code).expect("a character");
            assert!(is_invisible(c), "U+{code:04X}");
        }
        for c in [
            'a', 'é', 'ж', ' ', '-', '\u{0301}', '\u{2010}', '\u{2065}', '\u{206A}',
        ] {
            assert!(!is_invisible(c), "{c:?}");
        }
    }

    #[test]
    fn decomposed_text_is_composed() {
        assert_eq!(nfc("Jose\u{301}"), "José");
        assert_eq!(nfc("Ёжик"), "Ёжик");
        assert_eq!(nfc("E\u{308}"), "Ë");
    }
}
