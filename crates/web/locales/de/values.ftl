## values: messages of the console values (kept apart so that concerns do not collide)
# A time as the server shows it (it does not know the reader's zone); $time is formatted.
values-utc = { $time } Uhr UTC
events-filter = Kategorie
events-filter-all = Alle Ereignisse
events-filter-apply = Anzeigen
events-filter-empty = Keine Ereignisse dieser Kategorie.
events-pages = Seiten des Protokolls
events-no_app = Ohne Anwendung
events-client_id = Anwendungskennung (client_id)
# "Firefox 128.0 unter Linux"
events-browser_on_os = { $browser } unter { $os }

# What an event did, on its line and in its details.
values-what = Was
values-what-linked_account = Ein verknüpftes Konto
values-what-profile_private-on = Eingeschaltet
values-what-profile_private-off = Ausgeschaltet
values-what-card-on = Eingeschaltet
values-what-card-off = Ausgeschaltet
values-what-code_sent = An { $to } per { $via }
