# The application catalog and favourites.
favorites-heading = Избранное
catalog-button = Каталог
catalog-title = Каталог приложений
catalog-intro = Приложения, в которые можно войти с вашей учётной записью. Выберите приложение, чтобы открыть его; отметьте звёздочкой, чтобы добавить в избранное.
catalog-search = Поиск по названию или описанию
catalog-search-submit = Найти
catalog-search-clear = Сбросить поиск
catalog-found = { $count ->
    [one] Найдено { $count } приложение.
    [few] Найдено { $count } приложения.
   *[other] Найдено { $count } приложений.
}
catalog-empty = В каталоге пока нет приложений для вас.
catalog-nothing_found = По запросу «{ $q }» ничего не найдено. Попробуйте другое слово или сбросьте поиск.
catalog-no_home = У этого приложения нет веб-адреса, который можно открыть отсюда.
catalog-group-web = Веб-приложения
catalog-group-spa = Браузерные приложения
catalog-group-native = Мобильные и настольные приложения
catalog-group-service = Сервисы
catalog-favorite-add = Добавить приложение «{ $app }» в избранное
catalog-favorite-remove = Удалить приложение «{ $app }» из избранного
catalog-added = Приложение «{ $app }» теперь в избранном.
catalog-removed = Приложения «{ $app }» больше нет в избранном.
catalog-not_offered = Этого приложения нет в каталоге, поэтому его нельзя добавить в избранное. Ничего не изменилось.
event-favorite-added = Добавлено в избранное
event-favorite-removed = Удалено из избранного
