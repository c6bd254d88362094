## values: messages of the console values (kept apart so that concerns do not collide)
# A time as the server shows it (it does not know the reader's zone); $time is formatted.
values-utc = { $time } по UTC
events-filter = Категория
events-filter-all = Все события
events-filter-apply = Показать
events-filter-empty = Событий этой категории нет.
events-pages = Страницы журнала событий
events-no_app = Без приложения
events-client_id = Идентификатор приложения (client_id)
# "Firefox 128.0 на Linux"
events-browser_on_os = { $browser } на { $os }

# What an event did, on its line and in its details.
values-what = Что
values-what-linked_account = Связанный аккаунт
values-what-profile_private-on = Включён
values-what-profile_private-off = Выключен
values-what-card-on = Включена
values-what-card-off = Выключена
values-what-code_sent = На { $to } { $via }
