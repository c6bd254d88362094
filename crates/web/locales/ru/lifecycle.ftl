## lifecycle: the profile's Other actions (log out everywhere, and later export,
## the policy, deletion and recovery)

lifecycle-everywhere-title = Выйти со всех устройств
lifecycle-everywhere-what = Все ваши сеансы сразу завершатся — на этом и на всех остальных устройствах, а приложения потеряют свои токены доступа и обновления.
lifecycle-everywhere-after = Воспользуйтесь этим, если устройство потеряно или вы подозреваете, что в аккаунт вошёл кто-то другой. После этого войдите заново на всех устройствах.
lifecycle-everywhere-submit = Выйти везде
lifecycle-everywhere-done = Вы вышли со всех устройств. Войдите снова, чтобы продолжить.

## the personal data processing policy
lifecycle-policy-link = Политика обработки персональных данных
lifecycle-policy-register = Регистрируясь, вы принимаете
lifecycle-policy-register_link = политику обработки персональных данных
lifecycle-policy-days = { $days ->
    [one] { $days } дня
   *[other] { $days } дней
}
