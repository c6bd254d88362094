## flow: messages of the console flow (kept apart so that concerns do not collide)

# A privacy level set in place, announced to screen readers.
flow-privacy-set-private = { $field }: nur für Sie sichtbar
flow-privacy-set-on_request = { $field }: sichtbar für Anwendungen, denen Sie es erlauben
flow-privacy-set-public = { $field }: für alle sichtbar

# Why the sign-in form is shown again to someone signed in.
flow-reauth-email = Zu Ihrer Sicherheit melden Sie sich bitte erneut an, um Ihre E-Mail-Adresse zu ändern.
flow-reauth-phone = Zu Ihrer Sicherheit melden Sie sich bitte erneut an, um Ihre Telefonnummer zu ändern.
flow-reauth-identifiers = Zu Ihrer Sicherheit melden Sie sich bitte erneut an, um ein weiteres Konto mit Ihrem Profil zu verknüpfen.

# Notices of the contact pages: each names what happened.
flow-notice-email-code_sent = Ein Bestätigungscode ist an Ihre neue E-Mail-Adresse unterwegs.
flow-notice-phone-code_sent = Ein Bestätigungscode ist an Ihre neue Telefonnummer unterwegs.
flow-notice-email-verified = E-Mail-Adresse bestätigt.
flow-notice-phone-verified = Telefonnummer bestätigt.
flow-notice-email-removed = E-Mail-Adresse entfernt.
flow-notice-phone-removed = Telefonnummer entfernt.

# A code that can no longer be entered, beside the button for a new one.
flow-code-expired = Dieser Code ist abgelaufen. Fordern Sie einen neuen an.
flow-code-exhausted = Zu viele falsche Versuche: Dieser Code gilt nicht mehr. Fordern Sie einen neuen an.
flow-code-used = Dieser Code wurde bereits verwendet. Fordern Sie bei Bedarf einen neuen an.

# A format error with the operator's hint.
error-pattern-hint = Verwenden Sie dieses Format: { $hint }

# The error page.
error-title-not_found = Seite nicht gefunden
error-not_found-hint = Vielleicht ist der Link veraltet oder falsch geschrieben.
error-back-sign_in = Zur Anmeldung

# The photo file chooser, in the page's language rather than the browser's.
flow-file-choose = Bild auswählen…
flow-file-none = Kein Bild ausgewählt

# The phone number entered is the one on the account already.
flow-unchanged-phone = Das ist bereits Ihre aktuelle Telefonnummer.

# The business card was switched on or off.
flow-notice-card_on = Visitenkarte eingeschaltet: Jeder mit dem Link kann sie sehen.
flow-notice-card_off = Visitenkarte ausgeschaltet: Ihr Link zeigt jetzt nichts mehr.

# The Private profile switch was turned on or off.
flow-notice-private_on = Privates Profil eingeschaltet: Ihre öffentlichen Felder sind nur für Anwendungen sichtbar, denen Sie es erlauben.
flow-notice-private_off = Privates Profil ausgeschaltet: Ihre öffentlichen Felder sind wieder für alle sichtbar.
