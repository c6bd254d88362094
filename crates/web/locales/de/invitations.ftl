# Einladungen zu geschlossenen Anwendungen: die E-Mail, der Link, der Reiter Anfragen.

nav-requests = Anfragen
nav-requests-count = Anfragen, { $count } offen
nav-menu-pending = { $count ->
    [one] offene Anfrage
   *[other] offene Anfragen
}
requests-title = Anfragen
requests-intro = Einladungen zu Anwendungen, die nur eingeladenen Personen offenstehen. Nehmen Sie eine an, und dieses Konto kann sich bei der Anwendung anmelden.
requests-empty = Keine Einladung wartet auf Sie.
requests-unverified = Einladungen erreichen Sie an Ihrer bestätigten E-Mail-Adresse.
requests-unverified-link = E-Mail-Adresse bestätigen
requests-invited_by = Eingeladen von { $inviter }
requests-expires = Gültig bis zum { $date }
requests-accept = Annehmen
requests-decline = Ablehnen
requests-accept-label = Einladung zu { $app } annehmen
requests-decline-label = Einladung zu { $app } ablehnen
requests-accepted = Angenommen
requests-open = { $app } öffnen
requests-no_home = Melden Sie sich in der Anwendung selbst mit diesem Konto an.
requests-notice-accepted = Einladung angenommen: Dieses Konto kann sich jetzt bei der Anwendung anmelden.
requests-notice-declined = Einladung abgelehnt.

invitation-done-title = Sie haben jetzt Zugang zu { $app }
invitation-done-body = Dieses Konto kann sich jetzt bei { $app } anmelden.
invitation-done-next = Als Nächstes: Öffnen Sie { $app } wie gewohnt und wählen Sie die Anmeldung mit { $product }, mit diesem Konto. Die Einladung bleibt in Ihren Anfragen sichtbar.
invitation-done-profile = Zu Ihrem Profil
invitation-done-requests = Ihre Anfragen
invitation-other-title = Diese Einladung gilt einer anderen Adresse
invitation-other-body = Die Einladung ging an { $address }, aber das Konto, mit dem Sie angemeldet sind, hat eine andere bestätigte E-Mail-Adresse.
invitation-other-next = Melden Sie sich ab und dann mit dem Konto von { $address } an, oder registrieren Sie eines mit dieser Adresse. Danach kommen Sie zur Einladung zurück.
invitation-other-switch = Abmelden und Konto wechseln
invitation-unverified-title = Bestätigen Sie zuerst Ihre E-Mail-Adresse
invitation-unverified-body = Die Einladung ging an { $address }. Bestätigen Sie diese Adresse in Ihrem Konto und öffnen Sie dann den Link in der Einladung erneut.
invitation-unverified-link = E-Mail-Adresse bestätigen
invitation-closed-title = Diese Einladung kann nicht mehr verwendet werden
invitation-closed-next = Für den Zugang bitten Sie { $inviter } um eine neue Einladung. Sie kommt per E-Mail und erscheint auch in Ihren Anfragen.
invitation-replaced-next = Die neuere Einladung steht auch in Ihren Anfragen, wenn sie an Ihre bestätigte Adresse ging. Finden Sie sie nicht, bitten Sie { $inviter }, sie erneut zu senden.
invitation-unknown-title = Dieser Einladungslink funktioniert nicht
invitation-unknown-next = Funktioniert er weiterhin nicht, bitten Sie { $inviter } um eine neue Einladung.

invitation-error-app_not_closed = Diese Anwendung steht allen offen, eine Einladung würde nichts gewähren: Schließen Sie die Anwendung zuerst und laden Sie dann Personen ein.
invitation-error-expiry = Die Einladung muss 1 bis { $max } Tage gültig sein.
invitation-error-unknown = Dieser Einladungslink ist ungültig. Prüfen Sie, ob Sie den ganzen Link aus der E-Mail geöffnet haben.
invitation-error-expired = Diese Einladung ist abgelaufen.
invitation-error-revoked = Diese Einladung wurde zurückgezogen.
invitation-error-used = Diese Einladung wurde bereits beantwortet (angenommen oder abgelehnt).
invitation-error-replaced = Eine neuere Einladung hat diese ersetzt: Verwenden Sie den Link aus der neuesten E-Mail.
invitation-error-other_account = Diese Einladung gilt { $address }, nicht dem Konto, mit dem Sie angemeldet sind.
invitation-error-unverified = Diese Einladung gilt { $address }: Bestätigen Sie diese Adresse zuerst in Ihrem Konto.

invitation-mail-subject = Einladung zu { $app }
invitation-mail-body = { $inviter } lädt Sie zu { $app } ein, einer Anwendung, bei der Sie sich mit Ihrem Konto bei { $product } anmelden.
invitation-mail-how = Öffnen Sie den Link unten. Wenn Sie nicht angemeldet sind, melden Sie sich mit dem Konto dieser E-Mail-Adresse an oder registrieren Sie eines damit: Den Zugang erhält das Konto, das diese Adresse bestätigt hat.
invitation-mail-button = Einladung annehmen
invitation-mail-expires = Die Einladung ist bis zum { $date } gültig.
invitation-mail-outro = Wenn Sie diese Einladung nicht erwartet haben, ignorieren Sie diese E-Mail: Ohne Sie geschieht nichts.
invitation-mail-footer = Von { $product } gesendet, weil { $inviter } diese Adresse zu { $app } eingeladen hat.

event-invitation-sent = Einladung gesendet
event-invitation-revoked = Einladung zurückgezogen
event-invitation-accepted = Einladung angenommen
event-invitation-declined = Einladung abgelehnt
invitation-ended-title = Kein Zugang mehr zu { $app }
invitation-ended-body = Sie haben diese Einladung angenommen, aber der Zugang zu { $app } wurde Ihnen seitdem entzogen.

event-invitation-access_granted = Zugang durch Einladung erhalten

invitation-error-duplicate = Diese Adresse steht bereits weiter oben in der Liste: Sie wird nur einmal eingeladen.
invitation-error-already_has_access = Diese Person hat bereits Zugang zur Anwendung: Es wurde keine Einladung gesendet.
invitation-error-contended = Im selben Moment wurde eine andere Einladung an diese Adresse gesendet. Für diese wurde nichts gesendet: Versuchen Sie es gleich noch einmal.
