//! How hard a new password is to guess, by the zxcvbn estimator (Dropbox, "zxcvbn:
//! Low-Budget Password Strength Estimation", USENIX Security 2016), which knows common
//! passwords, words, names, keyboard rows, repeats, sequences and dates, and is told the
//! person's own login, email and names so that none of them makes a password.
//! [SP 800-63B §3.1.1.2](https://pages.nist.gov/800-63-4/sp800-63b.html) asks for a check
//! against such lists and for a reason the person can act on.
use zxcvbn::feedback::Warning;
use zxcvbn::Score;

/// Why a password is too easy to guess; each has a message that also says what to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weakness {
    /// A row or pattern of keys (`qwertyuiop`, `zxcvbn`).
    Keyboard,
    /// Repeated characters or words (`aaaa`, `passwordpassword`).
    Repeats,
    /// A sequence (`abcd`, `1234`).
    Sequence,
    /// A date or a recent year (`Summer2024`).
    Dates,
    /// A commonly used password with small changes (`Password123!`, `iloveyou1234`).
    Similar,
    /// A single word by itself.
    Word,
    /// A name or surname.
    Names,
    /// It contains the person's login, email or name.
    Personal,
    /// None of the above alone, but still among the first guesses.
    Guessable,
}

impl Weakness {
    pub const ALL: [Self; 9] = [
        Self::Similar,
        Self::Keyboard,
        Self::Repeats,
        Self::Sequence,
        Self::Dates,
        Self::Word,
        Self::Names,
        Self::Personal,
        Self::Guessable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Keyboard => "keyboard",
            Self::Repeats => "repeats",
            Self::Sequence => "sequence",
            Self::Dates => "dates",
            Self::Similar => "similar",
            Self::Word => "word",
            Self::Names => "names",
            Self::Personal => "personal",
            Self::Guessable => "guessable",
        }
    }
}

/// What the estimator says about a password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Strong,
    /// One of the most common passwords.
    Common,
    Weak(Weakness),
}

/// Score 4 of 4: more than 10^10 guesses, what zxcvbn calls strong protection even if
/// the hashes leak. A phrase of four common words reaches it, and so does any random
/// string of the default minimum length; `Summer2024!!` (score 3) does not.
const ENOUGH: Score = Score::Four;

/// How much of a password is estimated.
const JUDGED_CHARS: usize = 100;

/// Judges `password` knowing the person's own words (`personal`: login, email, names).
pub fn judge(password: &str, personal: &[&str]) -> Verdict {
    // The estimate's cost grows faster than the length (256 repeated characters take
    // tens of milliseconds on a request thread); the first 100 characters decide, as
    // zxcvbn's authors advise: a password whose first 100 are strong is strong.
    let password = match password.char_indices().nth(JUDGED_CHARS) {
        Some((end, _)) => &password[..end],
        None => password,
    };
    let entropy = zxcvbn::zxcvbn(password, personal);
    if entropy.score() >= ENOUGH {
        return Verdict::Strong;
    }
    let lower = password.to_lowercase();
    if personal
        .iter()
        .any(|w| w.chars().count() >= 3 && lower.contains(&w.to_lowercase()))
    {
        return Verdict::Weak(Weakness::Personal);
    }
    let warning = entropy.feedback().and_then(|f| f.warning());
    match warning {
        Some(
            Warning::ThisIsATop10Password
            | Warning::ThisIsATop100Password
            | Warning::ThisIsACommonPassword,
        ) => Verdict::Common,
        Some(Warning::ThisIsSimilarToACommonlyUsedPassword) => Verdict::Weak(Weakness::Similar),
        Some(Warning::AWordByItselfIsEasyToGuess) => Verdict::Weak(Weakness::Word),
        Some(
            Warning::StraightRowsOfKeysAreEasyToGuess
            | Warning::ShortKeyboardPatternsAreEasyToGuess,
        ) => Verdict::Weak(Weakness::Keyboard),
        Some(
            Warning::RepeatsLikeAaaAreEasyToGuess
            | Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess,
        ) => Verdict::Weak(Weakness::Repeats),
        Some(Warning::SequencesLikeAbcAreEasyToGuess) => Verdict::Weak(Weakness::Sequence),
        Some(Warning::RecentYearsAreEasyToGuess | Warning::DatesAreOftenEasyToGuess) => {
            Verdict::Weak(Weakness::Dates)
        }
        Some(
            Warning::NamesAndSurnamesByThemselvesAreEasyToGuess
            | Warning::CommonNamesAndSurnamesAreEasyToGuess,
        ) => Verdict::Weak(Weakness::Names),
        None => Verdict::Weak(Weakness::Guessable),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_passwords_people_actually_choose_are_weak_with_a_reason() {
        let cases = [
            ("password123!", Verdict::Weak(Weakness::Similar)),
            ("Summer2024!", Verdict::Weak(Weakness::Similar)),
            ("Summer2024!!", Verdict::Weak(Weakness::Guessable)),
            ("qwertyuiopasdf", Verdict::Weak(Weakness::Similar)),
            ("passwordpassword", Verdict::Weak(Weakness::Repeats)),
            ("iloveyou1234", Verdict::Weak(Weakness::Similar)),
            ("abcdefghijklmnop", Verdict::Weak(Weakness::Sequence)),
            ("password1234", Verdict::Common),
        ];
        for (password, verdict) in cases {
            assert_eq!(judge(password, &[]), verdict, "{password}");
        }
    }

    #[test]
    fn the_persons_own_words_make_no_password() {
        let personal = ["margarethamilton", "margaret.hamilton@example.org"];
        assert_eq!(
            judge("margarethamilton1", &personal),
            Verdict::Weak(Weakness::Personal)
        );
        assert_eq!(
            judge("correct horse battery staple", &personal),
            Verdict::Strong
        );
    }

    #[test]
    fn a_long_password_is_judged_by_its_first_hundred_characters_quickly() {
        let weak_start = format!("{}{}", "a".repeat(100), "Zq8#vLm2!rW5-correct-horse");
        assert_eq!(judge(&weak_start, &[]), Verdict::Weak(Weakness::Repeats));
        let strong_start = format!("correct horse battery staple {}", "a".repeat(200));
        let started = std::time::Instant::now();
        assert_eq!(judge(&strong_start, &[]), Verdict::Strong);
        assert!(started.elapsed() < std::time::Duration::from_millis(500));
    }

    #[test]
    fn long_unrelated_phrases_are_strong() {
        for password in [
            "correct horse battery staple",
            "a brand new passphrase",
            "пароль-для-сигила-длинный",
        ] {
            assert_eq!(judge(password, &[]), Verdict::Strong, "{password}");
        }
    }
}
