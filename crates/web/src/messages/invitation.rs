//! The invitation to a closed application (`Message::Invitation`): who invites to
//! what, what the application is, until when, and the link.
use sigil_core::outbox::InvitationMail;

use super::{email_signed, Body, Rendered, Words};

/// Renders an invitation, in the words of `tr` (the mail's language).
pub(super) fn render(tr: &Words<'_>, mail: &InvitationMail) -> Result<Rendered, askama::Error> {
    let InvitationMail {
        to,
        app_name,
        app_description,
        inviter,
        expires_at,
        link,
        ..
    } = mail;
    let utc = expires_at.to_offset(time::UtcOffset::UTC);
    let date = crate::format::Dates::new(tr.tr).date(utc.date());
    let mut paragraphs = vec![tr.t_with(
        "invitation-mail-body",
        &[
            ("inviter", inviter.as_str().into()),
            ("app", app_name.as_str().into()),
        ],
    )];
    if !app_description.trim().is_empty() {
        paragraphs.push(app_description.trim().to_owned());
    }
    paragraphs.push(tr.t("invitation-mail-how"));
    let body = Body {
        subject: tr.t1("invitation-mail-subject", "app", app_name),
        paragraphs,
        code: None,
        link: Some(link),
        link_label: "invitation-mail-button",
        closing: vec![
            tr.t1("invitation-mail-expires", "date", date.text()),
            tr.t("invitation-mail-outro"),
        ],
    };
    let footer = tr.t_with(
        "invitation-mail-footer",
        &[
            ("inviter", inviter.as_str().into()),
            ("app", app_name.as_str().into()),
        ],
    );
    email_signed(tr, to, body, footer)
}

#[cfg(test)]
mod tests {
    use sigil_core::locale::Locale;
    use sigil_core::outbox::{InvitationMail, Message};

    use crate::i18n::I18n;
    use crate::messages::{render, Rendered};

    #[test]
    fn the_invitation_names_the_inviter_the_application_the_day_and_the_link() {
        let i18n = I18n::load().expect("translations");
        for (locale, day) in [
            (Locale::En, "March 12, 2026"),
            (Locale::De, "12. März 2026"),
            (Locale::Ru, "12 марта 2026"),
        ] {
            let message = Message::Invitation(InvitationMail {
                to: "ada@example.org".into(),
                locale,
                app_name: "Wiki".into(),
                app_description: "The team's notes".into(),
                inviter: "Acme GmbH".into(),
                expires_at: time::macros::datetime!(2026-03-12 09:30 UTC),
                link: "https://id.example/invitations/accept?token=abc".into(),
            });
            let Rendered::Email {
                to,
                subject,
                text,
                html,
            } = render(&i18n, "Sigil", &message).expect("render")
            else {
                panic!("an email");
            };
            assert_eq!(to, "ada@example.org");
            assert!(subject.contains("Wiki"), "{subject}");
            for part in ["Acme GmbH", "Wiki", "The team's notes", day] {
                assert!(text.contains(part), "{part}: {text}");
            }
            assert!(text.contains("/invitations/accept?token=abc"), "{text}");
            assert!(
                html.contains(r#"href="https://id.example/invitations/accept?token=abc""#),
                "{html}"
            );
        }
    }
}
