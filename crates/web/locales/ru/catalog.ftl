# The application catalog and favourites.
favorites-heading = Избранное
