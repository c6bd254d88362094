//! Operator accounts: the first one created at start-up, more from the command line.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::Sigil;
use crate::error::{CoreError, FieldErrorKind};
use crate::event::{ClientInfo, EventCategory};
use crate::ids::UserId;
use crate::login::Login;
use crate::password::{NewPassword, PasswordPolicy, PersonalWords};
use crate::ports::StoreError;
use crate::user::NewUser;

/// A generated password, printed once and never stored in the clear.
#[derive(Debug)]
pub struct OperatorCredentials {
    pub login: Login,
    pub password: String,
}

impl Sigil {
    /// Creates the first operator when there is none; `None` when one exists already
    /// (or another node created it at the same moment).
    pub async fn bootstrap_operator(&self) -> Result<Option<OperatorCredentials>, CoreError> {
        let mut conn = self.store.read().await?;
        if conn.count_operators().await? > 0 {
            return Ok(None);
        }
        drop(conn);
        let login = Login::from_trusted("admin".into());
        match self.create_operator(login).await {
            Ok(creds) => Ok(Some(creds)),
            Err(CoreError::Invalid(e)) if e.iter().any(|f| f.kind == FieldErrorKind::Taken) => {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    pub async fn create_operator(&self, login: Login) -> Result<OperatorCredentials, CoreError> {
        let password = self.generate_password();
        let hash = self.hasher.hash(parse_generated(&password)?).await?;
        let now = self.clock.now();
        let user = NewUser {
            id: UserId::generate(self.random.as_ref()),
            login: Some(login.clone()),
            email: None,
            password_hash: hash,
            is_operator: true,
            locale: None,
            created_at: now,
        };
        let mut tx = self.store.begin().await?;
        tx.create_user(&user).await?;
        let cli = ClientInfo {
            device: Some("cli".into()),
            ..ClientInfo::default()
        };
        tx.insert_event(&self.event(Some(user.id), EventCategory::OperatorCreated, &cli))
            .await?;
        tx.commit().await?;
        Ok(OperatorCredentials { login, password })
    }

    /// Gives an operator a new generated password and ends their sessions.
    pub async fn reset_operator_password(
        &self,
        login: &Login,
    ) -> Result<OperatorCredentials, CoreError> {
        let password = self.generate_password();
        let hash = self.hasher.hash(parse_generated(&password)?).await?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let user = tx
            .find_user_by_login(login)
            .await?
            .filter(|u| u.is_operator)
            .ok_or(CoreError::NotFound)?;
        tx.set_password_hash(user.id, &hash, now).await?;
        let ended = self.end_all_sessions(&mut *tx, user.id, now).await?;
        let cli = ClientInfo {
            device: Some("cli".into()),
            ..ClientInfo::default()
        };
        tx.insert_event(&self.event(Some(user.id), EventCategory::OperatorPasswordReset, &cli))
            .await?;
        tx.commit().await?;
        if ended.logouts > 0 {
            self.outbox_changed();
        }
        Ok(OperatorCredentials {
            login: login.clone(),
            password,
        })
    }

    fn generate_password(&self) -> String {
        let mut bytes = [0u8; 18];
        self.random.fill(&mut bytes);
        URL_SAFE_NO_PAD.encode(bytes)
    }
}

fn parse_generated(password: &str) -> Result<NewPassword, CoreError> {
    NewPassword::parse(
        password,
        &PasswordPolicy::default(),
        &PersonalWords::default(),
    )
    .map_err(|e| {
        CoreError::Unexpected(
            StoreError::Other(anyhow::anyhow!("generated password refused: {e:?}")).into(),
        )
    })
}
