# The application catalog and favourites.
favorites-heading = Favoriten
catalog-button = Katalog
catalog-title = Anwendungskatalog
catalog-intro = Anwendungen, bei denen Sie sich mit Ihrem Konto anmelden können. Wählen Sie eine aus, um sie zu öffnen; markieren Sie sie mit dem Stern, um sie in Ihren Favoriten zu behalten.
catalog-search = Nach Name oder Beschreibung suchen
catalog-search-submit = Suchen
catalog-search-clear = Suche zurücksetzen
catalog-found = { $count ->
    [one] Eine Anwendung gefunden.
   *[other] { $count } Anwendungen gefunden.
}
catalog-empty = Im Katalog gibt es noch keine Anwendungen für Sie.
catalog-nothing_found = Nichts gefunden für „{ $q }“. Versuchen Sie ein anderes Wort oder setzen Sie die Suche zurück.
catalog-no_home = Diese Anwendung hat keine Webadresse, die sich von hier öffnen ließe.
catalog-group-web = Webanwendungen
catalog-group-spa = Browser-Apps
catalog-group-native = Mobil- und Desktop-Apps
catalog-group-service = Dienste
catalog-favorite-add = { $app } zu den Favoriten hinzufügen
catalog-favorite-remove = { $app } aus den Favoriten entfernen
catalog-added = { $app } ist jetzt in Ihren Favoriten.
catalog-removed = { $app } ist nicht mehr in Ihren Favoriten.
catalog-not_offered = Diese Anwendung ist nicht im Katalog und kann daher kein Favorit sein. Es wurde nichts geändert.
event-favorite-added = Favorit hinzugefügt
event-favorite-removed = Favorit entfernt
