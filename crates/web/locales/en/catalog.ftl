# The application catalog and favourites.
favorites-heading = Favourites
catalog-button = Catalog
catalog-title = Application catalog
catalog-intro = Applications you can sign in to with your account. Choose one to open it; star it to keep it in your favourites.
catalog-search = Search by name or description
catalog-search-submit = Search
catalog-search-clear = Clear search
catalog-found = { $count ->
    [one] One application found.
   *[other] { $count } applications found.
}
catalog-empty = There are no applications in the catalog for you yet.
catalog-nothing_found = Nothing found for “{ $q }”. Try another word, or clear the search.
catalog-no_home = This application has no web address to open from here.
catalog-group-web = Web applications
catalog-group-spa = Browser apps
catalog-group-native = Mobile and desktop apps
catalog-group-service = Services
catalog-favorite-add = Add { $app } to favourites
catalog-favorite-remove = Remove { $app } from favourites
catalog-added = { $app } is now in your favourites.
catalog-removed = { $app } is no longer in your favourites.
catalog-not_offered = This application is not in the catalog, so it cannot be a favourite. Nothing was changed.
event-favorite-added = Favourite added
event-favorite-removed = Favourite removed
