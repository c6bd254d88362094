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

/// True for a character that is not seen itself but changes or hides the text around
/// it: Unicode's Default_Ignorable_Code_Point set (DerivedCoreProperties.txt, Unicode
/// 16.0) — the bidirectional controls and marks, zero-width characters, soft hyphen,
/// invisible operators, Hangul fillers, tag characters and the like — plus the line
/// and paragraph separators and the control characters. Variation selectors
/// (U+FE00–U+FE0F, U+E0100–U+E01EF) are let through although ignorable: they pick a
/// glyph of the visible character before them (emoji, and the ideographic variants of
/// Japanese names). Written out here because no maintained crate exposes this property;
/// it changes rarely, and the test below pins every range.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'..='\u{1160}'
                | '\u{17B4}'..='\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFF8}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E00FF}'
                | '\u{E01F0}'..='\u{E0FFF}'
                // Format characters outside that set that hide or re-lay text: the
                // interlinear annotation marks and the Egyptian hieroglyph controls.
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{13430}'..='\u{1345F}'
        )
}

/// True for a character that shows nothing by itself: white space, a combining mark, a
/// variation selector, the Braille blank.
fn shows_nothing(c: char) -> bool {
    c.is_whitespace()
        || unicode_normalization::char::is_combining_mark(c)
        || matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' | '\u{2800}')
}

/// True if `text` holds an invisible character, or is not empty and shows nothing at
/// all (a name of variation selectors or Braille blanks looks like no name).
pub fn has_invisible(text: &str) -> bool {
    text.chars().any(is_invisible) || (!text.is_empty() && text.chars().all(shows_nothing))
}

/// The text in NFC.
pub fn nfc(text: &str) -> String {
    text.nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_ignorable_separator_and_control_character_is_invisible() {
        let invisible = [
            0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F,
            0x061C, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF,
            // The rest of Default_Ignorable_Code_Point, the separators and controls.
            0x00AD, 0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180E, 0x180F, 0x2028, 0x2029,
            0x2061, 0x2064, 0x206A, 0x206F, 0x3164, 0xFFA0, 0xFFF0, 0xFFF8, 0x1BCA0, 0x1BCA3,
            0x1D173, 0x1D17A, 0xE0000, 0xE0001, 0xE0041, 0xE007F, 0xE01F0, 0xE0FFF, 0x0000, 0x0009,
            0x000A, 0x001B, 0x007F, 0x0085, 0x009F,
        ];
        for code in invisible {
            let c = char::from_u32(code).expect("a character");
            assert!(is_invisible(c), "U+{code:04X}");
        }
        for c in [
            'a',
            'é',
            'ж',
            ' ',
            '-',
            '\u{0301}',
            '\u{2010}',
            '\u{2027}',
            '\u{2030}',
            '\u{1161}',
            '\u{FE0F}',
            '\u{E0100}',
            '\u{E01EF}',
            '\u{3165}',
            '😀',
        ] {
            assert!(!is_invisible(c), "{c:?}");
        }
    }

    #[test]
    fn text_that_shows_nothing_is_refused_and_marks_on_letters_are_not() {
        for text in [
            "\u{FE0F}",
            "\u{FE0F}\u{FE0F}",
            "\u{E0100}",
            "\u{2800}",
            "\u{301}",
            " \u{2800} ",
        ] {
            assert!(has_invisible(text), "{text:?}");
        }
        for text in ["", "Jose\u{301}", "\u{2764}\u{FE0F}", "葛\u{E0100}", "Ann"] {
            assert!(!has_invisible(text), "{text:?}");
        }
        assert!(has_invisible("a\u{FFF9}b"));
    }

    #[test]
    fn decomposed_text_is_composed() {
        assert_eq!(nfc("Jose\u{301}"), "José");
        assert_eq!(nfc("Ёжик"), "Ёжик");
        assert_eq!(nfc("E\u{308}"), "Ë");
    }
}
