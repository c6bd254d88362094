## deletion: Konto löschen (Weitere Aktionen), die Wiederherstellungsseite, die Seite für
## Anwendungen bei einem zur Löschung vorgemerkten Konto, und die Nachricht mit dem Datum

deletion-link = Konto löschen
deletion-title = Konto löschen
deletion-what = Ihr Konto wird zur Löschung vorgemerkt. Sofort werden Sie auf allen Geräten abgemeldet, Anwendungen verlieren den Zugriff auf Ihr Konto, und Ihr öffentliches Profil und Ihre Visitenkarte verschwinden.
deletion-when = Bis zum { $date } können Sie es sich anders überlegen: Melden Sie sich hier mit Ihrem Passwort oder einer verknüpften Kennung an und wählen Sie „Konto wiederherstellen“. Nach diesem Datum werden Ihre Daten endgültig gelöscht und können nicht wiederhergestellt werden.
deletion-apps = Solange das Konto auf die Löschung wartet, kann man sich damit nicht bei Anwendungen anmelden.
deletion-password = Ihr Passwort
deletion-password-hint = Geben Sie Ihr Passwort ein, um die Löschung zu bestätigen.
deletion-no-password = Ihr Konto hat kein Passwort: Die Anmeldung, die Sie gerade vorgenommen haben, bestätigt die Löschung.
deletion-submit = Löschen
deletion-notice-requested = Ihr Konto ist zur Löschung vorgemerkt, und Sie wurden überall abgemeldet. Bis es gelöscht wird, können Sie es wiederherstellen, indem Sie sich hier anmelden.
deletion-error-already = Dieses Konto ist bereits zur Löschung vorgemerkt: Seine Daten werden am { $date } gelöscht. Es wurde nichts geändert.
deletion-error-not_pending = Dieses Konto ist nicht zur Löschung vorgemerkt, es gibt also nichts wiederherzustellen. Melden Sie sich an, um fortzufahren.
deletion-error-expired = Diese Wiederherstellungsseite ist abgelaufen. Melden Sie sich erneut an, um Ihr Konto wiederherzustellen.
deletion-error-nothing = Hier gibt es kein Konto wiederherzustellen. Ist die Frist abgelaufen, wurden seine Daten endgültig gelöscht; andernfalls melden Sie sich erneut an.
deletion-scheduled-title = Konto zur Löschung vorgemerkt
deletion-scheduled-body = Dieses Konto ist zur Löschung vorgemerkt. Seine Daten werden am { $date } gelöscht.
deletion-scheduled-apps = Bis dahin kann man sich damit nicht bei Anwendungen anmelden.
deletion-restore-title = Ihr Konto ist zur Löschung vorgemerkt
deletion-restore-body = Seine Daten werden am { $date } gelöscht. Wenn Sie es jetzt wiederherstellen, sind Ihr Profil, Ihre Kennungen, die Berechtigungen Ihrer Anwendungen und Ihre Visitenkarte wieder so wie zuvor.
deletion-restore-after = Sitzungen und Anmeldungen bei Anwendungen, die mit der Löschung endeten, bleiben beendet: Anwendungen bitten Sie, sich erneut anzumelden.
deletion-restore-submit = Konto wiederherstellen
deletion-restore-sign_out = Abmelden
deletion-mail-subject = Ihr Konto bei { $product } ist zur Löschung vorgemerkt
deletion-mail-body = Ihr Konto bei { $product } wurde gelöscht und überall abgemeldet. Seine Daten werden am { $date } endgültig gelöscht.
deletion-mail-restore = Bis dahin können Sie es wiederherstellen: Melden Sie sich direkt bei { $product } an (nicht über eine Anwendung) und wählen Sie „Konto wiederherstellen“.
deletion-mail-outro = Wenn Sie Ihr Konto nicht gelöscht haben, stellen Sie es sofort wieder her und ändern Sie Ihr Passwort.
event-account-deletion_requested = Kontolöschung beantragt
event-account-restored = Konto wiederhergestellt
event-account-erased = Konto endgültig gelöscht
event-sign_in-pending_deletion = Anmeldung während der Löschfrist
flow-reauth-deletion = Melden Sie sich zu Ihrer Sicherheit erneut an, um Ihr Konto zu löschen.
