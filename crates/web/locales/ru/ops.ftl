# Operations: the database unavailable, readiness, shutdown.
error-temporarily_unavailable = Сервис ненадолго недоступен. Ничего не изменено; попробуйте ещё раз через несколько секунд.
error-title-unavailable = Ненадолго недоступно
error-try_again = Попробовать снова
