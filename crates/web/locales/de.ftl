## Frame
nav-profile = Profil
nav-events = Protokoll
lang-label = Sprache
action-sign_out = Abmelden
action-edit = Bearbeiten
action-save = Speichern
action-cancel = Abbrechen

## Sign-in and registration
login-title = Anmelden
login-identifier = Login oder E-Mail
login-password = Passwort
login-submit = Anmelden
login-no_account = Noch kein Konto?
login-register_link = Registrieren
register-title = Konto erstellen
register-intro = Wählen Sie einen Login, geben Sie eine E-Mail-Adresse an oder beides.
register-login_hint = 3 bis 64 Zeichen: lateinische Buchstaben, Ziffern, Punkt, Bindestrich und Unterstrich.
register-email = E-Mail
register-submit = Registrieren
register-have_account = Bereits registriert?

## Profile
profile-title = Profil
profile-block-main = Basisinformationen
profile-block-additional = Zusätzliche Informationen
profile-block-contacts = Kontakte
profile-block-security = Sicherheit
profile-block-other = Weitere Aktionen
profile-id = ID
profile-no_additional = Der Dienst hat keine zusätzlichen Felder.
profile-empty = nicht angegeben
profile-mandatory = Pflichtfeld
profile-missing = Pflichtfelder sind leer; bei Ihrer nächsten Anmeldung werden sie abgefragt:
contacts-email = E-Mail
contacts-phone = Telefonnummer
contacts-verified = bestätigt
security-password = Passwort
edit-title-complete = Profil vervollständigen
edit-complete_intro = Bitte füllen Sie die Pflichtfelder aus, bevor es weitergeht.
edit-not_editable = Nur der Systemadministrator kann dieses Feld ändern.

## Fields
field-nickname = Öffentlicher Name
field-given_name = Vorname
field-family_name = Nachname
field-login = Login
field-birthdate = Geburtsdatum

## Password
password-title = Passwort ändern
password-current = Aktuelles Passwort
password-new = Neues Passwort
password-confirm = Neues Passwort wiederholen
password-hint = Mindestens { $min } Zeichen. Beliebige Zeichen, auch Leerzeichen; am besten ein Satz aus einigen Wörtern, die nichts miteinander zu tun haben.
password-submit = Passwort ändern
password-signout_notice = Nach der Änderung werden Sie überall abgemeldet und melden sich mit dem neuen Passwort erneut an.

## Event log
events-title = Protokoll
events-when = Datum und Uhrzeit
events-application = Anwendung
events-user = Benutzer
events-device = Gerät
events-location = Standort
events-empty = Noch keine Ereignisse.
events-older = Ältere Ereignisse
events-newest = Neueste Ereignisse
event-account-registered = Konto registriert
event-sign_in-succeeded = Angemeldet
event-sign_in-failed = Fehlgeschlagener Anmeldeversuch
event-sign_out = Abgemeldet
event-sign_out-everywhere = Von allen Geräten abgemeldet
event-profile-updated = Profil geändert
event-password-changed = Passwort geändert
event-locale-changed = Sprache geändert
event-operator-created = Administratorkonto erstellt
event-operator-password_reset = Administratorpasswort zurückgesetzt
device-pc = Computer
device-smartphone = Smartphone
device-mobilephone = Mobiltelefon
device-appliance = Gerät
device-crawler = Roboter
device-cli = Kommandozeile
device-unknown = Unbekanntes Gerät

## Notices
notice-saved = Ihre Änderungen sind gespeichert.
notice-password_changed = Ihr Passwort wurde geändert. Melden Sie sich mit dem neuen Passwort an.
notice-signed_out = Sie sind abgemeldet.
notice-language = Sprache geändert.

## Errors
error-title = Etwas ist schiefgelaufen
error-back = Zurück zum Profil
error-invalid_input = Bitte korrigieren Sie die markierten Felder. Es wurde nichts gespeichert.
error-invalid_credentials = Login oder Passwort ist falsch.
error-too_many_attempts = Zu viele Fehlversuche. Bitte warten Sie einige Minuten und versuchen Sie es erneut.
error-unauthenticated = Bitte melden Sie sich an.
error-account_blocked = Dieses Konto ist gesperrt. Bitte wenden Sie sich an den Systemadministrator.
error-forbidden = Das dürfen Sie nicht.
error-not_found = Diese Seite gibt es nicht.
error-internal_error = Ein unerwarteter Fehler ist aufgetreten. Bitte versuchen Sie es später erneut.
error-csrf = Dieses Formular ist abgelaufen oder kam von einer anderen Website. Bitte laden Sie die Seite neu und versuchen Sie es erneut.
error-invalid_request = Die Anfrage konnte nicht gelesen werden. Senden Sie ein JSON-Objekt in der dokumentierten Form.
error-request_too_large = Die Anfrage ist zu groß. Kürzen Sie Ihre Eingabe und versuchen Sie es erneut.
error-bad_form = Das Formular konnte nicht gelesen werden. Bitte laden Sie die Seite neu und versuchen Sie es erneut.
error-invalid_query = Die Abfrageparameter konnten nicht gelesen werden. Senden Sie jeden dokumentierten Parameter höchstens einmal und mit einem Wert des passenden Typs.
error-no_such_endpoint = Diesen API-Endpunkt gibt es nicht. Die Pfade finden Sie in der API-Dokumentation.
error-method_not_allowed = Dieser API-Endpunkt nimmt diese Methode nicht an. Der Allow-Header nennt die erlaubten.
error-password_mismatch = Die beiden neuen Passwörter stimmen nicht überein.
error-required = Dieses Feld ist ein Pflichtfeld.
error-too_short = Geben Sie mindestens { $min } Zeichen ein.
error-too_long = Geben Sie höchstens { $max } Zeichen ein.
error-pattern = Der Wert hat nicht das geforderte Format.
error-invalid_date = Geben Sie ein Datum als JJJJ-MM-TT ein.
error-date_out_of_range = Geben Sie ein Datum zwischen 1900 und heute ein.
error-login_length = Ein Login hat 3 bis 64 Zeichen.
error-login_characters = Ein Login darf nur lateinische Buchstaben, Ziffern, Punkt, Bindestrich und Unterstrich enthalten und beginnt mit einem Buchstaben oder einer Ziffer.
error-invisible_characters = Der Wert enthält unsichtbare Zeichen, die die Darstellung von Text verändern (Richtungszeichen oder Leerzeichen ohne Breite), oft versehentlich mitkopiert. Geben Sie ihn noch einmal von Hand ein.
error-invalid_email = Geben Sie eine gültige E-Mail-Adresse ein.
error-password_too_short = Das Passwort braucht mindestens { $min } Zeichen. Ein Satz aus einigen Wörtern, die nichts miteinander zu tun haben, ist lang und leicht zu merken.
error-password_too_long = Das Passwort darf höchstens 256 Zeichen haben.
error-password_common = Dieses Passwort gehört zu den häufigsten und wird zuerst ausprobiert. Wählen Sie stattdessen einige Wörter, die nichts miteinander zu tun haben.
error-password_same_as_login = Das Passwort darf nicht Ihr Login sein.
error-password_weak_similar = Das ist ein häufig benutztes Passwort mit kleinen Änderungen; angehängte Ziffern, Sonderzeichen, Großbuchstaben oder Tastenreihen werden früh ausprobiert. Nehmen Sie stattdessen einige Wörter, die nichts miteinander zu tun haben.
error-password_weak_keyboard = Tastenreihen und Tastenmuster sind leicht zu erraten. Wählen Sie stattdessen einige Wörter, die nichts miteinander zu tun haben.
error-password_weak_repeats = Wiederholte Zeichen oder Wörter sind leicht zu erraten. Wählen Sie einige verschiedene Wörter, die nichts miteinander zu tun haben.
error-password_weak_sequence = Folgen wie abc oder 1234 sind leicht zu erraten. Wählen Sie stattdessen einige Wörter, die nichts miteinander zu tun haben.
error-password_weak_dates = Daten und Jahreszahlen sind leicht zu erraten. Lassen Sie sie weg und fügen Sie ein oder zwei weitere Wörter hinzu.
error-password_weak_word = Ein gängiges Wort ist leicht zu erraten, auch mit Ziffern, Sonderzeichen oder Großbuchstaben. Nehmen Sie stattdessen einige Wörter, die nichts miteinander zu tun haben.
error-password_weak_names = Vor- und Nachnamen sind leicht zu erraten. Wählen Sie stattdessen einige Wörter, die nichts miteinander zu tun haben.
error-password_weak_personal = Das Passwort enthält Ihren Login, Ihre E-Mail-Adresse oder Ihren Namen, die andere erraten können. Wählen Sie Wörter, die nichts über Sie verraten.
error-password_weak_guessable = Dieses Passwort ist zu leicht zu erraten. Fügen Sie ein oder zwei weitere Wörter hinzu; ein längerer Satz ist am besten.
error-taken = Dieser Wert wird bereits von einem anderen Konto verwendet.
error-not_editable = Nur der Systemadministrator kann dieses Feld ändern.
error-unknown_field = Dieses Feld gibt es nicht.
error-wrong_password = Das aktuelle Passwort ist falsch.
error-last_identifier = Zum Anmelden brauchen Sie einen Login oder eine E-Mail-Adresse; dieser Wert kann nicht entfernt werden.

## OpenID Connect
nav-apps = Berechtigungen
oidc-error-unknown_client = Die Anwendung, die Sie hierher geschickt hat, ist bei diesem Dienst nicht registriert.
oidc-error-redirect_uri = Die Anwendung wollte Sie an eine Adresse schicken, die sie nicht registriert hat. Zu Ihrer Sicherheit wurden Sie nicht dorthin geleitet.
oidc-error-logout = Die Abmeldeanfrage ist ungültig: Ihre Rücksprungadresse ist für die Anwendung nicht registriert.
oidc-error-logout_hint = Die Abmeldeanfrage ist ungültig: Die Anwendung hat kein von diesem Dienst ausgestelltes Anmelde-Token (ID-Token) einer registrierten Anwendung mitgeschickt. Niemand wurde abgemeldet.
consent-title = Zugriff erlauben
consent-heading = { $app } bittet um Zugriff auf Ihre Daten
consent-intro = Wenn Sie zustimmen, erhält die Anwendung:
consent-no_fields = Derzeit nichts: Diese Angaben sind leer oder privat.
consent-openid = Eine Kennung, an der die Anwendung Sie beim nächsten Mal wiedererkennt; sonst nichts aus Ihrem Profil.
consent-approve = Erlauben
consent-deny = Ablehnen
scope-openid = Ihre Kennung (für die Anmeldung)
scope-profile = Ihr Profil
scope-email = Ihre E-Mail-Adresse
scope-phone = Ihre Telefonnummer
scope-offline_access = Zugriff, während Sie nicht angemeldet sind
logout-title = Abmelden
logout-question = Eine Anwendung möchte Sie von diesem Dienst abmelden. Jetzt abmelden?
apps-title = Berechtigungen
apps-empty = Keine Anwendung hat Zugriff auf Ihre Daten.
apps-actions = Aktionen
apps-end_sessions = Sitzungen beenden
apps-revoke = Berechtigung widerrufen
apps-granted = Erteilt
apps-ended = Alle Sitzungen der Anwendung wurden beendet.
apps-revoked = Die Berechtigung wurde widerrufen.
apps-revoke_question = { $app } verliert den Zugriff auf alle Ihre Daten, und bei der nächsten Anmeldung wird erneut um Zustimmung gebeten. Berechtigung widerrufen?
apps-end_sessions_question = Alle Sitzungen von { $app } enden jetzt, und Sie müssen sich dort erneut anmelden. Beenden?
event-app-sign_in = Bei einer Anwendung angemeldet
event-app-consent_granted = Einer Anwendung Zugriff erteilt
event-app-sessions_ended = Sitzungen einer Anwendung beendet
event-app-permission_revoked = Berechtigung einer Anwendung widerrufen

# Contacts
action-delete = Löschen
action-back = Zurück
contacts-email-title = E-Mail-Adresse
contacts-phone-title = Telefonnummer
contacts-current = Aktuell
contacts-pending-title = Wartet auf Bestätigung: { $address }
contacts-code = Bestätigungscode
contacts-confirm = Bestätigen
contacts-resend = Neuen Code senden
contacts-resend-wait = { $seconds ->
    [one] Ein neuer Code kann in { $seconds } Sekunde gesendet werden.
   *[other] Ein neuer Code kann in { $seconds } Sekunden gesendet werden.
}
contacts-email-new = Neue E-Mail-Adresse
contacts-phone-new = Neue Telefonnummer
contacts-channel = So erhalten Sie den Code
contacts-channel-sms = SMS
contacts-channel-call = Eingehender Anruf (die letzten sechs Ziffern der Anrufernummer sind der Code)
contacts-email-hint = Wir senden einen sechsstelligen Code und einen Link an die neue Adresse.
contacts-email-keeps = Ihre bisherige Adresse gilt, bis Sie bestätigen.
contacts-email-none = Noch keine E-Mail-Adresse
contacts-phone-hint = Geben Sie die Nummer mit Ländervorwahl ein, z. B. +49 30 1234567.
contacts-phone-keeps = Ihre bisherige Nummer gilt, bis Sie bestätigen.
contacts-phone-none = Noch keine Telefonnummer
contacts-get-code = Code anfordern
contacts-via-email = E-Mail
contacts-via-sms = SMS
contacts-via-call = Anruf
contacts-delivery-sent = Der Code wurde per { $via } übermittelt. Er ist 10 Minuten gültig.
contacts-delivery-pending = Der Code wird per { $via } gesendet.
contacts-delivery-retrying-email = Die Zustellung ist bisher fehlgeschlagen; wir versuchen es weiter. Prüfen Sie die Adresse oder fordern Sie später einen neuen Code an.
contacts-delivery-retrying-phone = Die Zustellung ist bisher fehlgeschlagen; wir versuchen es weiter. Prüfen Sie die Nummer oder fordern Sie später einen neuen Code an.
contacts-delivery-failed-email = Wir konnten den Code nicht zustellen. Prüfen Sie die Adresse und fordern Sie einen neuen Code an.
contacts-delivery-failed-phone = Wir konnten den Code nicht zustellen. Prüfen Sie die Nummer und fordern Sie einen neuen Code an.
contacts-email-remove-title = E-Mail-Adresse löschen
contacts-phone-remove-title = Telefonnummer löschen
contacts-email-remove-question = { $address } aus Ihrem Konto löschen? Sie können sich dann nicht mehr damit anmelden.
contacts-phone-remove-question = { $address } aus Ihrem Konto löschen?
contacts-link-title = E-Mail-Adresse bestätigen
contacts-link-question = Bestätigen Sie, dass diese E-Mail-Adresse zu Ihrem Konto gehört.
error-reauth_required = Zu Ihrer Sicherheit geben Sie bitte Ihr Passwort erneut ein, um Ihre Kontaktdaten zu ändern.
error-invalid_phone = Geben Sie eine gültige Telefonnummer mit Ländervorwahl ein.
error-code_wrong = { $left ->
    [0] Der Code ist falsch. Es sind keine Versuche mehr übrig; fordern Sie einen neuen Code an.
    [one] Der Code ist falsch. Noch { $left } Versuch.
   *[other] Der Code ist falsch. Noch { $left } Versuche.
}
error-code_expired = Der Code ist abgelaufen. Fordern Sie einen neuen an.
error-code_used = Dieser Code oder Link wurde bereits verwendet.
error-code_exhausted = Zu viele falsche Versuche. Fordern Sie einen neuen Code an.
error-code_missing = Es wartet kein Code, oder der Link ist ungültig. Fordern Sie einen neuen Code an.
error-too_soon = { $seconds ->
    [one] Bitte warten Sie { $seconds } Sekunde, bevor Sie einen weiteren Code anfordern.
   *[other] Bitte warten Sie { $seconds } Sekunden, bevor Sie einen weiteren Code anfordern.
}
error-unchanged = Das ist bereits Ihre aktuelle Adresse.
error-channel_disabled = Wählen Sie einen der angebotenen Wege für den Code.
event-contact-code_sent = Bestätigungscode gesendet
event-contact-code_rejected = Bestätigungscode nach Fehlversuchen gesperrt
event-contact-email_changed = E-Mail-Adresse geändert
event-contact-email_removed = E-Mail-Adresse gelöscht
event-contact-phone_changed = Telefonnummer geändert
event-contact-phone_removed = Telefonnummer gelöscht

# Messages
mail-footer = Von { $product } gesendet, weil sich an Ihrem Konto etwas geändert hat.
mail-verify-button = Diese Adresse bestätigen
mail-verify-subject = Bestätigen Sie Ihre E-Mail-Adresse
mail-verify-intro = Jemand – hoffentlich Sie – möchte diese Adresse für ein Konto bei { $product } verwenden.
mail-verify-code = Geben Sie diesen Code ein (10 Minuten gültig):
mail-verify-outro = Oder öffnen Sie den Link oben. Wenn Sie das nicht waren, ignorieren Sie diese Nachricht; es ändert sich nichts.
mail-changed-subject = Die E-Mail-Adresse Ihres Kontos wurde geändert
mail-changed-body = Die E-Mail-Adresse Ihres Kontos bei { $product } wurde in { $address } geändert.
mail-removed-body = Diese E-Mail-Adresse wurde aus Ihrem Konto bei { $product } gelöscht.
mail-changed-outro = Wenn Sie das nicht waren, melden Sie sich an und ändern Sie sofort Ihr Passwort.
sms-verify = Code für { $product }: { $code }. 10 Minuten gültig. Nicht weitergeben.
mail-secure-button = Mein Konto absichern
mail-secure-hint = Wenn Sie das nicht waren, sichern Sie Ihr Konto über den Link oben ab: Sie wählen ein neues Passwort, und alle werden abgemeldet. Der Link funktioniert einmal, 7 Tage lang.
mail-changed-secure = Wenn Sie das nicht waren, sichern Sie Ihr Konto über den Link oben ab: Sie wählen ein neues Passwort, alle werden abgemeldet, und diese Adresse kommt zurück in Ihr Konto. Der Link funktioniert einmal, 7 Tage lang.
mail-linked-secure = Wenn Sie das nicht waren, sichern Sie Ihr Konto über den Link oben ab: Sie wählen ein neues Passwort, alle werden abgemeldet, und die Anmeldemethoden, die seit dem letzten Setzen Ihres Passworts hinzugekommen sind, werden entfernt. Der Link funktioniert einmal, 7 Tage lang.
mail-password-subject = Das Passwort Ihres Kontos wurde geändert
mail-password-body = Das Passwort Ihres Kontos bei { $product } wurde geändert, und alle Sitzungen wurden beendet.
mail-linked-subject = Ihrem Konto wurde eine Anmeldemethode hinzugefügt
mail-linked-body = { $provider } wurde am { $time } als Anmeldemethode für Ihr Konto bei { $product } hinzugefügt.
password-remove_recent = Auch die Anmeldemethoden entfernen, die seit dem letzten Setzen Ihres Passworts hinzugekommen sind:
password-remove_recent_hint = Lassen Sie sie angehakt, wenn Sie sie nicht selbst hinzugefügt haben.
secure-title = Konto absichern
secure-intro = Wählen Sie ein neues Passwort für { $account }. Alle, die in diesem Konto angemeldet sind, werden abgemeldet, und jede Anwendung verliert ihren Zugriff, bis Sie sich wieder anmelden.
secure-submit = Mein Konto absichern
secure-remove_identifiers = Entfernen Sie auch diese mit Ihrem Konto verknüpften Anmeldemethoden:
secure-done = Ihr Konto ist abgesichert. Melden Sie sich mit Ihrem neuen Passwort an.
secure-sign_in = Anmelden
secure-link_unknown = Dieser Link ist ungültig. Prüfen Sie, ob Sie die vollständige Adresse aus der E-Mail geöffnet haben.
secure-link_used = Dieser Link wurde bereits verwendet, oder das Konto wurde inzwischen mit dem Link aus einer früheren Benachrichtigung abgesichert. Melden Sie sich an oder verwenden Sie den Link aus der neuesten Benachrichtigung, die Sie erhalten haben.
secure-link_expired = Dieser Link ist abgelaufen: Links in Benachrichtigungen gelten 7 Tage.

# Privacy
profile-block-privacy = Profil-Privatsphäre
privacy-label = Wer das sehen darf
privacy-private = Privat
privacy-on_request = Auf Anfrage
privacy-public = Öffentlich
privacy-private-hint = Nur Sie
privacy-on_request-hint = Anwendungen, denen Sie es erlauben
privacy-public-hint = Alle
privacy-profile_private = Privates Profil
privacy-profile_private-hint = Solange es eingeschaltet ist, sind Ihre öffentlichen Felder nur für Anwendungen sichtbar, denen Sie es erlauben.
privacy-on = eingeschaltet
privacy-off = ausgeschaltet
privacy-turn_on = Einschalten
privacy-turn_off = Ausschalten
notice-privacy = Privatsphäre-Einstellungen gespeichert.
error-invalid_privacy = Wählen Sie privat, auf Anfrage oder öffentlich.
event-privacy-field_changed = Sichtbarkeit eines Feldes geändert
event-privacy-profile_changed = Privates Profil umgeschaltet

public-data = Öffentliche Daten
public-title = Öffentliches Profil
public-preview = So sieht jeder Besucher Ihr öffentliches Profil.
public-private = Ihr Profil ist privat: Besucher sehen nichts.
public-address = Öffentlicher Link:
public-nothing = Hier ist nichts öffentlich.
public-export = Als vCard exportieren

# Business card
card-title = Visitenkarte
card-hint = Eine Seite mit Ihrem Foto, Ihren Namen, E-Mail, Telefon und Geburtsdatum – unabhängig von deren Sichtbarkeit – unter Ihrem eigenen Link, solange sie aktiv ist.
card-activity = Status
card-link = Persönlicher Link
card-link-hint = 3 bis 64 lateinische Buchstaben, Ziffern und Bindestriche.
card-copy = Link kopieren
card-copied = Kopiert
card-open = Öffnen
card-qr = QR-Code des Links zur Visitenkarte
card-save-contact = Kontakt speichern (vCard)
notice-card = Visitenkarte gespeichert.
error-card_link_length = Der Link braucht 3 bis 64 Zeichen.
error-card_link_characters = Verwenden Sie nur lateinische Buchstaben, Ziffern und Bindestriche.
error-card_link_reserved = Dieses Wort ist reserviert. Wählen Sie einen anderen Link.
event-card-activity_changed = Status der Visitenkarte geändert
event-card-link_changed = Link der Visitenkarte geändert

# Photo
photo-title = Foto
photo-upload = Hochladen
photo-hint = JPEG, PNG oder WebP, bis 5 MB und 40 Megapixel. Es wird quadratisch zugeschnitten; seine Metadaten werden entfernt.
notice-photo = Foto gespeichert.
error-photo_too_large = Die Datei ist größer als 5 MB.
error-photo_too_many_pixels = Das Bild hat mehr als 40 Megapixel.
error-photo_wrong_type = Laden Sie ein JPEG-, PNG- oder WebP-Bild hoch.
error-photo_corrupt = Die Datei ist beschädigt und kann nicht als Bild gelesen werden.
error-photo_polyglot = Die Datei enthält außer dem Bild noch andere Daten und wird abgelehnt.
event-profile-photo_changed = Foto geändert
event-profile-photo_removed = Foto gelöscht
action-add = Hinzufügen
profile-block-identifiers = Identifikatoren
identifiers-none = Es sind keine externen Konten verknüpft.
identifiers-add-title = Externes Konto verknüpfen
identifiers-add-hint = Wählen Sie einen Dienst und melden Sie sich dort an; danach ist das Konto mit Ihrem Profil verknüpft.
identifiers-no_providers = Es sind keine Dienste zum Verknüpfen eingerichtet.
photo-available = Verfügbar
photo-available-title = Fotos verknüpfter Konten
photo-available-none = Keines Ihrer verknüpften Konten hat ein Foto.
photo-available-use = Dieses Foto verwenden
notice-identifier_linked = Das Konto ist verknüpft.
notice-identifier_removed = Der Identifikator wurde entfernt.
error-identifier_linked_elsewhere = Dieses externe Konto ist mit einem anderen Profil verknüpft. Entfernen Sie es dort zuerst und verknüpfen Sie es dann hier.
error-provider_failed = Die Anmeldung beim Dienst hat nicht geklappt. Versuchen Sie es später noch einmal.
error-provider_denied = Der Dienst hat den Zugriff nicht gewährt, daher wurde nichts verknüpft.
error-provider_expired = Diese Verknüpfungsanfrage ist abgelaufen oder wurde schon verwendet. Beginnen Sie von vorn.
event-identifier-linked = Identifikator verknüpft
event-identifier-removed = Identifikator entfernt
login-with_provider = Oder melden Sie sich mit einem Konto an, das mit Ihrem Profil verknüpft ist:
error-provider_not_linked = Mit diesem Konto ist kein Profil verknüpft. Melden Sie sich mit Ihrem Passwort an und fügen Sie es unter Identifikatoren hinzu.
error-insecure_redirect_uri = Weiterleitungsadressen müssen https verwenden. Reines http ist nur für die Loopback-Adresse dieses Rechners erlaubt (127.0.0.1, [::1] oder localhost).
error-pkce_required = Nur Anwendungen mit eigenem Geheimnis (web, service) kann die Anmeldung ohne PKCE erlaubt werden.
