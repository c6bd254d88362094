# Closed applications: the page for people without access.
closed-title = Nur auf Einladung
closed-heading = Diese Anwendung ist nur auf Einladung zugänglich
closed-explain = { $app } ist nur für eingeladene Personen zugänglich. Um sie zu nutzen, brauchen Sie eine Einladung an eine bestätigte E-Mail-Adresse Ihres Kontos: Nehmen Sie sie auf Ihrer Seite „Anfragen“ an oder über den Link in der Einladungs-E-Mail.
closed-signed-in-as = Sie sind angemeldet als { $name }.
closed-requests = Ihre Anfragen öffnen
closed-switch-hint = Mit einem anderen Konto eingeladen? Melden Sie sich ab und mit diesem Konto wieder an: Sie kommen direkt hierher zurück.
closed-switch = Abmelden und ein anderes Konto verwenden

# The operator's changes of access, in the activity log.
event-access-granted_by_operator = Zugang zu einer geschlossenen Anwendung vom Betreiber gewährt
event-access-revoked_by_operator = Zugang zu einer geschlossenen Anwendung vom Betreiber entzogen

# The operator's changes of access, refused.
access-error-unknown_application = Es gibt keine Anwendung mit dieser Client-ID.
access-error-unknown_user = Es gibt kein Konto mit diesem Login, dieser bestätigten E-Mail-Adresse oder dieser ID.
access-error-application_not_closed = Zugang gibt es nur für geschlossene Anwendungen: Diese Anwendung steht allen offen. Schließen Sie sie zuerst.
access-error-access_not_held = Diese Person hat keinen Zugang zu dieser Anwendung.

api-error-cross_site_request = Diese Anfrage kam von einer anderen Website und wurde deshalb abgelehnt. Nutzen Sie die API von Sigils eigenen Seiten oder aus einem Programm, nicht von einer anderen Website.
