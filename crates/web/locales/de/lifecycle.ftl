## lifecycle: the profile's Other actions (log out everywhere, and later export,
## the policy, deletion and recovery)

lifecycle-everywhere-title = Von allen Geräten abmelden
lifecycle-everywhere-what = Alle Ihre Sitzungen enden sofort, auf diesem und auf jedem anderen Gerät, und alle Anwendungen verlieren ihre Zugriffs- und Aktualisierungstoken.
lifecycle-everywhere-after = Nutzen Sie dies, wenn ein Gerät verloren gegangen ist oder Sie vermuten, dass jemand anderes angemeldet ist. Danach melden Sie sich überall neu an.
lifecycle-everywhere-submit = Überall abmelden
lifecycle-everywhere-done = Sie wurden von allen Geräten abgemeldet. Melden Sie sich erneut an, um fortzufahren.

## the personal data processing policy
lifecycle-policy-link = Richtlinie zur Verarbeitung personenbezogener Daten
lifecycle-policy-register = Mit der Registrierung akzeptieren Sie die
lifecycle-policy-register_link = Richtlinie zur Verarbeitung personenbezogener Daten
lifecycle-policy-days = { $days ->
    [one] { $days } Tag
   *[other] { $days } Tage
}
