//! The rules a new password of an existing account is checked against.
use super::Sigil;
use crate::error::CoreError;
use crate::login::Login;
use crate::password::{NewPassword, PasswordError, PersonalWords};
use crate::user::User;

/// The profile fields whose values no password may be built on.
const NAME_FIELDS: [&str; 3] = ["nickname", "given_name", "family_name"];

impl Sigil {
    /// Parses a new password for `user` under the operator's policy, knowing the
    /// person's login, email and names. The outer error is a store failure; the inner
    /// one is what is wrong with the password.
    pub(crate) async fn parse_new_password(
        &self,
        user: &User,
        raw: &str,
    ) -> Result<Result<NewPassword, PasswordError>, CoreError> {
        let values = self.store.read().await?.field_values(user.id).await?;
        let personal = PersonalWords {
            login: user.login.as_ref().map(Login::as_str),
            email: user.email.as_ref().map(|e| e.as_str()),
            names: NAME_FIELDS
                .iter()
                .filter_map(|k| values.get(*k).map(String::as_str))
                .collect(),
        };
        Ok(NewPassword::parse(raw, &self.settings.passwords, &personal))
    }
}
