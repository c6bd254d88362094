//! Messages from the outbox, rendered in the recipient's language: email as plain text
//! and HTML, SMS as text, a call as the digits its caller number ends in.
mod invitation;

use askama::Template;
use sigil_core::outbox::Message;

use fluent_bundle::FluentValue;

use crate::i18n::{I18n, Tr};

/// The translations of one message, each given the operator's product name
/// (`{ $product }`), so that mail and SMS name the service as its pages do.
struct Words<'a> {
    tr: Tr<'a>,
    product: &'a str,
}

impl<'a> Words<'a> {
    fn new(i18n: &'a I18n, locale: sigil_core::locale::Locale, product: &'a str) -> Self {
        Self {
            tr: Tr::new(i18n, locale),
            product,
        }
    }

    fn t(&self, key: &str) -> String {
        self.t_with(key, &[])
    }

    fn t1(&self, key: &str, name: &str, value: &str) -> String {
        self.t_with(key, &[(name, value.to_owned().into())])
    }

    fn t_with(&self, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut all = vec![("product", FluentValue::from(self.product.to_owned()))];
        all.extend(args.iter().cloned());
        self.tr.t_with(key, &all)
    }

    fn lang(&self) -> &'static str {
        self.tr.lang()
    }
}

/// A message ready for its transport.
#[derive(Debug, PartialEq, Eq)]
pub enum Rendered {
    Email {
        to: String,
        subject: String,
        text: String,
        html: String,
    },
    Sms {
        to: String,
        text: String,
    },
    Call {
        to: String,
        code: String,
    },
}

#[derive(Template)]
#[template(path = "mail/message.html")]
struct HtmlMail<'a> {
    lang: &'a str,
    subject: &'a str,
    paragraphs: &'a [String],
    code: Option<&'a str>,
    link: Option<&'a str>,
    link_label: &'a str,
    closing: &'a [String],
    footer: &'a str,
}

/// What an email says, in order.
struct Body<'a> {
    subject: String,
    paragraphs: Vec<String>,
    code: Option<&'a str>,
    link: Option<&'a str>,
    /// The key of the link's button.
    link_label: &'static str,
    closing: Vec<String>,
}

/// A notice of a change: what changed, then the link that secures the account if it
/// was not the person (`hint` says what the link does).
fn notice<'a>(
    tr: &Words<'_>,
    subject: &str,
    paragraph: String,
    secure_link: Option<&'a str>,
    hint: &str,
) -> Body<'a> {
    let closing = match secure_link {
        Some(_) => tr.t(hint),
        None => tr.t("mail-changed-outro"),
    };
    Body {
        subject: tr.t(subject),
        paragraphs: vec![paragraph],
        code: None,
        link: secure_link,
        link_label: "mail-secure-button",
        closing: vec![closing],
    }
}

/// When a change happened, as a notice says it: UTC, to the minute.
fn when(at: time::OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}

fn email(tr: &Words<'_>, to: &str, body: Body<'_>) -> Result<Rendered, askama::Error> {
    email_signed(tr, to, body, tr.t("mail-footer"))
}

/// Like [`email`], with its own last line: a mail that is not about a change to an
/// account (an invitation, maybe to someone with none) says why it came.
fn email_signed(
    tr: &Words<'_>,
    to: &str,
    body: Body<'_>,
    footer: String,
) -> Result<Rendered, askama::Error> {
    let link_label = tr.t(body.link_label);
    let mut text = String::new();
    for p in &body.paragraphs {
        text.push_str(p);
        text.push_str("\n\n");
    }
    if let Some(code) = body.code {
        text.push_str(&format!("    {code}\n\n"));
    }
    if let Some(link) = body.link {
        text.push_str(&format!("{link}\n\n"));
    }
    for p in &body.closing {
        text.push_str(p);
        text.push_str("\n\n");
    }
    text.push_str("-- \n");
    text.push_str(&footer);
    text.push('\n');
    let html = HtmlMail {
        lang: tr.lang(),
        subject: &body.subject,
        paragraphs: &body.paragraphs,
        code: body.code,
        link: body.link,
        link_label: &link_label,
        closing: &body.closing,
        footer: &footer,
    }
    .render()?;
    Ok(Rendered::Email {
        to: to.to_owned(),
        subject: body.subject,
        text,
        html,
    })
}

/// Renders `message` with the translations of `i18n`, naming the service `product`.
pub fn render(i18n: &I18n, product: &str, message: &Message) -> Result<Rendered, askama::Error> {
    match message {
        Message::VerifyEmail {
            to,
            locale,
            code,
            link,
        } => {
            let tr = Words::new(i18n, *locale, product);
            let body = Body {
                subject: tr.t("mail-verify-subject"),
                paragraphs: vec![tr.t("mail-verify-intro"), tr.t("mail-verify-code")],
                code: Some(code),
                link: Some(link),
                link_label: "mail-verify-button",
                closing: vec![tr.t("mail-verify-outro")],
            };
            email(&tr, to, body)
        }
        Message::EmailChanged {
            to,
            locale,
            new_address,
            secure_link,
        } => {
            let tr = Words::new(i18n, *locale, product);
            let paragraph = match new_address {
                Some(new) => tr.t1("mail-changed-body", "address", new),
                None => tr.t("mail-removed-body"),
            };
            let body = notice(
                &tr,
                "mail-changed-subject",
                paragraph,
                secure_link.as_deref(),
                "mail-changed-secure",
            );
            email(&tr, to, body)
        }
        Message::PasswordChanged {
            to,
            locale,
            secure_link,
        } => {
            let tr = Words::new(i18n, *locale, product);
            let body = notice(
                &tr,
                "mail-password-subject",
                tr.t("mail-password-body"),
                Some(secure_link),
                "mail-secure-hint",
            );
            email(&tr, to, body)
        }
        Message::SignInMethodAdded {
            to,
            locale,
            provider,
            at,
            secure_link,
        } => {
            let tr = Words::new(i18n, *locale, product);
            let paragraph = tr.t_with(
                "mail-linked-body",
                &[
                    ("provider", provider.as_str().into()),
                    ("time", when(*at).into()),
                ],
            );
            let body = notice(
                &tr,
                "mail-linked-subject",
                paragraph,
                Some(secure_link),
                "mail-linked-secure",
            );
            email(&tr, to, body)
        }
        Message::DeletionScheduled {
            to,
            locale,
            erase_after,
            sign_in,
        } => {
            let tr = Words::new(i18n, *locale, product);
            let date = crate::error::erase_date(tr.tr, *erase_after);
            // Scheduled, not yet deleted: the day, and how to restore before it.
            let restore = match sign_in {
                Some(link) => tr.t1("deletion-mail-restore", "link", link),
                None => tr.t("deletion-mail-restore-console"),
            };
            let body = Body {
                subject: tr.t("deletion-mail-subject"),
                paragraphs: vec![tr.t1("deletion-mail-scheduled", "date", &date), restore],
                code: None,
                link: sign_in.as_deref(),
                link_label: "deletion-mail-button",
                closing: vec![tr.t("deletion-mail-outro")],
            };
            email(&tr, to, body)
        }
        Message::Invitation(mail) => {
            invitation::render(&Words::new(i18n, mail.locale, product), mail)
        }
        Message::VerifyPhoneSms { to, locale, code } => {
            let tr = Words::new(i18n, *locale, product);
            Ok(Rendered::Sms {
                to: to.clone(),
                text: tr.t1("sms-verify", "code", code),
            })
        }
        Message::VerifyPhoneCall { to, code } => Ok(Rendered::Call {
            to: to.clone(),
            code: code.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sigil_core::locale::Locale;

    #[test]
    fn every_message_renders_in_every_language_with_its_code_and_link() {
        let i18n = I18n::load().expect("translations");
        for locale in Locale::ALL {
            let verify = Message::VerifyEmail {
                to: "ada@example.org".into(),
                locale,
                code: "012345".into(),
                link: "https://id.example/contacts/confirm?token=abc&x=<y>".into(),
            };
            let Rendered::Email {
                to,
                subject,
                text,
                html,
            } = render(&i18n, "Sigil", &verify).expect("render")
            else {
                panic!("an email");
            };
            assert_eq!(to, "ada@example.org");
            assert!(!subject.is_empty());
            assert!(text.contains("012345") && html.contains("012345"));
            assert!(
                text.contains("token=abc&x=<y>"),
                "plain text is not escaped"
            );
            assert!(
                html.contains("token=abc&#38;x=&#60;y&#62;")
                    || html.contains("token=abc&amp;x=&lt;y&gt;"),
                "{html}"
            );
            assert!(html.contains(&format!("lang=\"{}\"", locale.tag())));

            let changed = Message::EmailChanged {
                to: "ada@example.org".into(),
                locale,
                new_address: Some("l••@example.org".into()),
                secure_link: Some("https://id.example/account/secure?token=s".into()),
            };
            let Rendered::Email { text, .. } = render(&i18n, "Sigil", &changed).expect("render")
            else {
                panic!("an email");
            };
            assert!(text.contains("l••@example.org"));
            assert!(text.contains("/account/secure?token=s"), "{text}");

            let linked = Message::SignInMethodAdded {
                to: "ada@example.org".into(),
                locale,
                provider: "Corp ID".into(),
                at: time::macros::datetime!(2026-12-01 07:45:30 UTC),
                secure_link: "https://id.example/account/secure?token=t".into(),
            };
            let Rendered::Email { text, .. } = render(&i18n, "Sigil", &linked).expect("render")
            else {
                panic!("an email");
            };
            assert!(
                text.contains("Corp ID") && text.contains("2026-12-01 07:45 UTC"),
                "{text}"
            );
            assert!(text.contains("/account/secure?token=t"), "{text}");

            let password = Message::PasswordChanged {
                to: "ada@example.org".into(),
                locale,
                secure_link: "https://id.example/account/secure?token=p".into(),
            };
            let Rendered::Email { text, .. } = render(&i18n, "Sigil", &password).expect("render")
            else {
                panic!("an email");
            };
            assert!(text.contains("/account/secure?token=p"), "{text}");

            let sms = Message::VerifyPhoneSms {
                to: "+493012345678".into(),
                locale,
                code: "654321".into(),
            };
            let Rendered::Sms { text, .. } = render(&i18n, "Sigil", &sms).expect("render") else {
                panic!("an SMS");
            };
            assert!(
                text.contains("654321") && text.chars().count() <= 160,
                "{text}"
            );
        }
        let en = render(
            &i18n,
            "Sigil",
            &Message::VerifyEmail {
                to: "a@example.org".into(),
                locale: Locale::En,
                code: "1".into(),
                link: "l".into(),
            },
        )
        .expect("render");
        let de = render(
            &i18n,
            "Sigil",
            &Message::VerifyEmail {
                to: "a@example.org".into(),
                locale: Locale::De,
                code: "1".into(),
                link: "l".into(),
            },
        )
        .expect("render");
        assert_ne!(en, de, "the language shows");
    }

    #[test]
    fn the_deletion_notice_names_the_day_of_erasure_in_the_persons_language() {
        let i18n = I18n::load().expect("translations");
        let erase_after = time::macros::datetime!(2026-03-12 09:30 UTC);
        for (locale, day, scheduled, deleted) in [
            (
                Locale::En,
                "March 12, 2026",
                "is scheduled for deletion",
                "was deleted",
            ),
            (
                Locale::De,
                "12. März 2026",
                "zur Löschung vorgemerkt",
                "wurde gelöscht",
            ),
            (
                Locale::Ru,
                "12 марта 2026",
                "помечен на удаление",
                "удалён,",
            ),
        ] {
            let message = Message::DeletionScheduled {
                to: "ada@example.org".into(),
                locale,
                erase_after,
                sign_in: Some("https://id.example/login".into()),
            };
            let Rendered::Email { text, html, .. } =
                render(&i18n, "Sigil", &message).expect("render")
            else {
                panic!("an email");
            };
            assert!(text.contains(day), "{text}");
            assert!(html.contains(day), "{html}");
            // How to restore before that day: the sign-in link, in the text and as
            // the button.
            assert!(text.contains("https://id.example/login"), "{text}");
            assert!(
                html.contains(r#"href="https://id.example/login""#),
                "{html}"
            );
            assert!(text.contains(scheduled), "{text}");
            assert!(!text.contains(deleted), "only scheduled: {text}");
            assert!(!text.contains(".."), "one full stop: {text}");
        }
        // A message queued before the link was added still says where to go.
        let old: Message = serde_json::from_value(serde_json::json!({
            "kind": "deletion_scheduled",
            "to": "ada@example.org",
            "locale": Locale::En,
            "erase_after": erase_after.unix_timestamp(),
        }))
        .expect("an old message");
        let Rendered::Email { text, .. } = render(&i18n, "Sigil", &old).expect("render") else {
            panic!("an email");
        };
        assert!(text.contains("Restore account"), "{text}");
    }
}
