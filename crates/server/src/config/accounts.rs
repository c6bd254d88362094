//! `[accounts]`: the account lifecycle.
use serde::Deserialize;
use sigil_core::Settings;

use super::{err, ConfigError};

/// The longest grace period: ten years keeps every date a date.
const MAX_GRACE_DAYS: i64 = 3650;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AccountsFile {
    /// How many days a deleted account can be restored before its data is erased
    /// (default 30; the guide's Russian edition says one month).
    deletion_grace_days: Option<i64>,
}

pub(super) fn accounts(
    file: Option<AccountsFile>,
    settings: &mut Settings,
) -> Result<(), ConfigError> {
    let file = file.unwrap_or_default();
    if let Some(days) = file.deletion_grace_days {
        if !(1..=MAX_GRACE_DAYS).contains(&days) {
            return Err(err(
                "accounts.deletion_grace_days",
                format!("{days}: use 1 to {MAX_GRACE_DAYS} days"),
            ));
        }
        settings.deletion_grace = time::Duration::days(days);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grace_period_is_thirty_days_unless_set_and_must_be_sensible() {
        let mut settings = Settings::default();
        accounts(None, &mut settings).expect("no section");
        assert_eq!(settings.deletion_grace, time::Duration::days(30));
        let file: AccountsFile = toml::from_str("deletion_grace_days = 14").expect("toml");
        accounts(Some(file), &mut settings).expect("14 days");
        assert_eq!(settings.deletion_grace, time::Duration::days(14));
        for bad in ["deletion_grace_days = 0", "deletion_grace_days = -3"] {
            let file: AccountsFile = toml::from_str(bad).expect("toml");
            let e = accounts(Some(file), &mut settings).expect_err(bad);
            assert_eq!(e.setting, "accounts.deletion_grace_days");
        }
        assert!(
            toml::from_str::<AccountsFile>("grace = 3").is_err(),
            "unknown key"
        );
    }
}
