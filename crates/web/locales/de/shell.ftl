## shell: messages of the console shell (kept apart so that concerns do not collide)
shell-skip = Zum Inhalt springen
shell-menu = Menü
shell-nav = Ihr Konto
shell-privacy-of = Wer „{ $field }“ sehen kann
shell-photo-block = Profilbild
shell-photo-remove-title = Profilbild löschen
shell-photo-remove-question = Ihr Profilbild löschen? Anwendungen und Ihre Visitenkarte zeigen es dann nicht mehr.
notice-photo_removed = Foto gelöscht.
shell-photo-current = Aktuelles Foto
shell-photo-none = Noch kein Foto.
shell-photo-keep = Aktuelles Foto behalten
