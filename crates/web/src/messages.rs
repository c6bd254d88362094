//! Messages from the outbox, rendered in the recipient's language: email as plain text
//! and HTML, SMS as text, a call as the digits its caller number ends in.
use askama::Template;
use sigil_core::outbox::Message;

use crate::i18n::{I18n, Tr};

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
    closing: Vec<String>,
}

fn email(tr: &Tr<'_>, to: &str, body: Body<'_>) -> Result<Rendered, askama::Error> {
    let footer = tr.t("mail-footer");
    let link_label = tr.t("mail-verify-button");
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

/// Renders `message` with the translations of `i18n`.
pub fn render(i18n: &I18n, message: &Message) -> Result<Rendered, askama::Error> {
    match message {
        Message::VerifyEmail {
            to,
            locale,
            code,
            link,
        } => {
            let tr = Tr::new(i18n, *locale);
            let body = Body {
                subject: tr.t("mail-verify-subject"),
                paragraphs: vec![tr.t("mail-verify-intro"), tr.t("mail-verify-code")],
                code: Some(code),
                link: Some(link),
                closing: vec![tr.t("mail-verify-outro")],
            };
            email(&tr, to, body)
        }
        Message::EmailChanged {
            to,
            locale,
            new_address,
        } => {
            let tr = Tr::new(i18n, *locale);
            let body = match new_address {
                Some(new) => tr.t1("mail-changed-body", "address", new),
                None => tr.t("mail-removed-body"),
            };
            let body = Body {
                subject: tr.t("mail-changed-subject"),
                paragraphs: vec![body],
                code: None,
                link: None,
                closing: vec![tr.t("mail-changed-outro")],
            };
            email(&tr, to, body)
        }
        Message::VerifyPhoneSms { to, locale, code } => {
            let tr = Tr::new(i18n, *locale);
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
            } = render(&i18n, &verify).expect("render")
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
            };
            let Rendered::Email { text, .. } = render(&i18n, &changed).expect("render") else {
                panic!("an email");
            };
            assert!(text.contains("l••@example.org"));

            let sms = Message::VerifyPhoneSms {
                to: "+493012345678".into(),
                locale,
                code: "654321".into(),
            };
            let Rendered::Sms { text, .. } = render(&i18n, &sms).expect("render") else {
                panic!("an SMS");
            };
            assert!(
                text.contains("654321") && text.chars().count() <= 160,
                "{text}"
            );
        }
        let en = render(
            &i18n,
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
}
