//! Delivery: renders outbox messages (in `sigil-web`) and hands them to SMTP, the SMS
//! gateway, or — when those are not configured — the outbox folder and the log.
//!
//! The SMS gateway is any HTTP endpoint taking `POST` with a bearer token and a JSON
//! body, `{"type": "sms", "to": "+4930…", "text": "…"}` or, for a code by incoming
//! call, `{"type": "call", "to": "+4930…", "code": "123456"}` (the gateway calls from a
//! number ending in the code). A 2xx answer is delivery; 408, 429 and 5xx are tried
//! again later; any other answer gives the message up.
//!
//! Logout tokens for applications go out through [`crate::backchannel`].
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Tokio1Executor};
use serde_json::json;
use sigil_core::outbox::{self, DeliveryError, Message};
use sigil_web::i18n::I18n;
use sigil_web::messages::{render, Rendered};

use crate::config::DeliveryConfig;

enum Mail {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `<uuid>.eml` files in the outbox folder.
    Folder(PathBuf),
}

enum Phone {
    Http {
        client: reqwest::Client,
        url: String,
        token: Option<String>,
    },
    Folder(PathBuf),
}

pub struct Courier {
    i18n: Arc<I18n>,
    /// The operator's product name, as mail and SMS name the service.
    product: String,
    from: Mailbox,
    mail: Mail,
    phone: Phone,
    backchannel: crate::backchannel::BackchannelHttp,
}

impl Courier {
    pub fn new(
        config: &DeliveryConfig,
        product: &str,
        outbox_dir: PathBuf,
    ) -> anyhow::Result<Self> {
        sweep_parts(&outbox_dir);
        let from: Mailbox = config
            .mail_from
            .parse()
            .map_err(|e| anyhow::anyhow!("mail.from `{}`: {e}", config.mail_from))?;
        let mail = match &config.smtp_url {
            Some(url) => Mail::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("mail.smtp_url: {e}"))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            ),
            None => Mail::Folder(outbox_dir.clone()),
        };
        let phone = match &config.sms_url {
            Some(url) => Phone::Http {
                // The gateway answers; it does not send Sigil (and the bearer token)
                // elsewhere.
                client: reqwest::Client::builder()
                    .timeout(Duration::from_secs(20))
                    .redirect(reqwest::redirect::Policy::none())
                    .build()?,
                url: url.clone(),
                token: config.sms_token.clone(),
            },
            None => Phone::Folder(outbox_dir),
        };
        Ok(Self {
            i18n: Arc::new(I18n::load()?),
            product: product.to_owned(),
            from,
            mail,
            phone,
            backchannel: crate::backchannel::BackchannelHttp::new(
                config.backchannel_private_network,
            )?,
        })
    }

    async fn email(
        &self,
        to: &str,
        subject: String,
        text: String,
        html: String,
    ) -> Result<(), DeliveryError> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| DeliveryError::permanent(format!("recipient: {e}")))?;
        // RFC 5322 §3.6.4: a Message-ID in the sender's domain; RFC 3834: this is an
        // automatic message, not to be answered by vacation replies.
        let message_id = format!(
            "<{}@{}>",
            uuid::Uuid::new_v4().simple(),
            self.from.email.domain()
        );
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(Some(message_id))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".to_owned(),
            ))
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(text),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(html),
                    ),
            )
            .map_err(|e| DeliveryError::permanent(format!("building the message: {e}")))?;
        match &self.mail {
            Mail::Smtp(smtp) => smtp.send(email).await.map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    DeliveryError::permanent(e.to_string())
                } else {
                    DeliveryError::temporary(e.to_string())
                }
            }),
            Mail::Folder(dir) => {
                let id = uuid::Uuid::new_v4();
                write_whole(dir, &format!("{id}.eml"), email.formatted())
                    .await
                    .map_err(|e| DeliveryError::temporary(e.to_string()))?;
                tracing::info!(%id, "email written to the outbox folder");
                Ok(())
            }
        }
    }

    async fn phone(&self, body: serde_json::Value) -> Result<(), DeliveryError> {
        match &self.phone {
            Phone::Http { client, url, token } => {
                let mut request = client.post(url).json(&body);
                if let Some(t) = token {
                    request = request.bearer_auth(t);
                }
                let response = request
                    .send()
                    .await
                    .map_err(|e| DeliveryError::temporary(format!("SMS gateway: {e}")))?;
                let status = response.status();
                if status.is_success() {
                    Ok(())
                } else if status.is_server_error() || matches!(status.as_u16(), 408 | 429) {
                    Err(DeliveryError::temporary(format!(
                        "SMS gateway answered {status}"
                    )))
                } else {
                    Err(DeliveryError::permanent(format!(
                        "SMS gateway answered {status}"
                    )))
                }
            }
            Phone::Folder(dir) => {
                let name = format!(
                    "{}-{}.json",
                    time::OffsetDateTime::now_utc().unix_timestamp_nanos(),
                    body["type"].as_str().unwrap_or("phone")
                );
                write_whole(dir, &name, body.to_string().into_bytes())
                    .await
                    .map_err(|e| DeliveryError::temporary(e.to_string()))?;
                tracing::info!(file = %name, to = %body["to"], "phone message written to the outbox folder");
                Ok(())
            }
        }
    }
}

/// Writes `bytes` as the file `name` in `dir`, whole: first to a hidden file beside it,
/// flushed to the disk, then renamed into place (a rename within one directory replaces
/// at once), so that whoever reads the outbox folder, a person or a script, never finds
/// half a message, not even after a power cut. (lettre's file transport writes the final
/// name directly.) A process killed between the write and the rename leaves the hidden
/// file; [`sweep_parts`] removes it at the next start.
async fn write_whole(dir: &Path, name: &str, bytes: Vec<u8>) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let part = dir.join(format!(".{name}.part"));
    let written = async {
        let mut file = tokio::fs::File::create(&part).await?;
        file.write_all(&bytes).await?;
        file.sync_all().await?;
        drop(file);
        tokio::fs::rename(&part, dir.join(name)).await
    }
    .await;
    if written.is_err() {
        // Best effort: a disk that refused the write may refuse this too.
        let _ = tokio::fs::remove_file(&part).await;
    }
    written
}

/// Removes the hidden files of writes that a killed process left in `dir` (see
/// [`write_whole`]): those older than a minute, since another node sharing the folder
/// may be writing one right now. Their messages were not marked sent, so they go out
/// again under a new name.
fn sweep_parts(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > Duration::from_secs(60));
        if name.starts_with('.') && name.ends_with(".part") && stale {
            if let Err(e) = std::fs::remove_file(entry.path()) {
                tracing::warn!(file = %name, "could not remove a half-written outbox file: {e}");
            }
        }
    }
}

#[async_trait]
impl outbox::Courier for Courier {
    async fn deliver(&self, message: &Message) -> Result<(), DeliveryError> {
        let rendered = render(&self.i18n, &self.product, message)
            .map_err(|e| DeliveryError::permanent(format!("rendering: {e}")))?;
        match rendered {
            Rendered::Email {
                to,
                subject,
                text,
                html,
            } => self.email(&to, subject, text, html).await,
            Rendered::Sms { to, text } => {
                self.phone(json!({ "type": "sms", "to": to, "text": text }))
                    .await
            }
            Rendered::Call { to, code } => {
                self.phone(json!({ "type": "call", "to": to, "code": code }))
                    .await
            }
        }
    }

    async fn post_logout_token(&self, uri: &str, logout_token: &str) -> Result<(), DeliveryError> {
        self.backchannel.post(uri, logout_token).await
    }
}

#[cfg(test)]
mod tests {
    use super::write_whole;

    #[tokio::test]
    async fn a_message_file_appears_whole_under_its_name_and_nothing_else_stays() {
        let dir = std::env::temp_dir().join(format!("sigil-courier-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("dir");
        let body = "x".repeat(1 << 20).into_bytes();

        write_whole(&dir, "1-sms.json", body.clone())
            .await
            .expect("write");

        let names: Vec<_> = std::fs::read_dir(&dir)
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["1-sms.json"]);
        assert_eq!(std::fs::read(dir.join("1-sms.json")).expect("read"), body);

        // Where nothing can be written, the error is returned and nothing is left.
        let gone = dir.join("missing");
        assert!(write_whole(&gone, "2-sms.json", body).await.is_err());
        assert!(!gone.exists());
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn a_start_removes_the_hidden_files_of_old_writes_only() {
        let dir = std::env::temp_dir().join(format!("sigil-sweep-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("dir");
        for name in [".old.eml.part", ".new.eml.part", "kept.eml", ".hidden"] {
            std::fs::write(dir.join(name), b"x").expect("write");
        }
        let old = std::fs::File::options()
            .write(true)
            .open(dir.join(".old.eml.part"))
            .expect("open");
        old.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(600))
            .expect("age");
        drop(old);

        super::sweep_parts(&dir);

        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [".hidden", ".new.eml.part", "kept.eml"]);
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
