# Приглашения в закрытые приложения: письмо, ссылка, вкладка «Запросы».

nav-requests = Запросы
nav-requests-count = Запросы, { $count } { $count ->
    [one] ожидает
   *[other] ожидают
}
nav-menu-pending = { $count ->
    [one] ожидающий запрос
    [few] ожидающих запроса
   *[other] ожидающих запросов
}
requests-title = Запросы
requests-intro = Приглашения в приложения, открытые только для приглашённых. Примите приглашение, и с этой учётной записью можно будет войти в приложение.
requests-empty = Приглашений для вас нет.
requests-unverified = Приглашения приходят на ваш подтверждённый адрес электронной почты.
requests-unverified-link = Подтвердить адрес почты
requests-invited_by = Приглашение от { $inviter }
requests-expires = Действует до { $date }
requests-accept = Принять
requests-decline = Отклонить
requests-accept-label = Принять приглашение в приложение «{ $app }»
requests-decline-label = Отклонить приглашение в приложение «{ $app }»
requests-accepted = Принято
requests-open = Открыть приложение «{ $app }»
requests-no_home = Войдите в приложение из самого приложения с этой учётной записью.
requests-notice-accepted = Приглашение принято: теперь с этой учётной записью можно войти в приложение.
requests-notice-declined = Приглашение отклонено.

invitation-done-title = Теперь у вас есть доступ к приложению «{ $app }»
invitation-done-body = С этой учётной записью теперь можно войти в приложение «{ $app }».
invitation-done-next = Дальше: откройте приложение «{ $app }» как обычно и выберите вход через { $product } с этой учётной записью. Приглашение останется на вкладке «Запросы».
invitation-done-profile = Перейти в профиль
invitation-done-requests = Ваши запросы
invitation-other-title = Это приглашение для другого адреса
invitation-other-body = Приглашение отправлено на { $address }, а у учётной записи, с которой вы вошли, другой подтверждённый адрес почты.
invitation-other-next = Выйдите и войдите с учётной записью { $address } или зарегистрируйте её с этим адресом. После этого вы вернётесь к приглашению.
invitation-other-switch = Выйти и сменить учётную запись
invitation-unverified-title = Сначала подтвердите адрес почты
invitation-unverified-body = Приглашение отправлено на { $address }. Подтвердите этот адрес в своей учётной записи и снова откройте ссылку из приглашения.
invitation-unverified-link = Подтвердить адрес почты
invitation-closed-title = Этим приглашением больше нельзя воспользоваться
invitation-closed-next = Чтобы получить доступ, попросите { $inviter } прислать новое приглашение. Оно придёт по почте и появится на вкладке «Запросы».
invitation-replaced-next = Новое приглашение есть и на вкладке «Запросы», если оно отправлено на ваш подтверждённый адрес. Если не нашли его, попросите { $inviter } отправить его ещё раз.
invitation-unknown-title = Ссылка приглашения не работает
invitation-unknown-next = Если ссылка так и не работает, попросите { $inviter } прислать новое приглашение.

invitation-error-app_not_closed = Это приложение открыто для всех, приглашение ничего бы не дало: сначала закройте приложение, затем приглашайте.
invitation-error-expiry = Приглашение должно действовать от 1 до { $max } дней.
invitation-error-unknown = Ссылка приглашения недействительна. Проверьте, что вы открыли ссылку из письма целиком.
invitation-error-expired = Срок действия приглашения истёк.
invitation-error-revoked = Приглашение отозвано.
invitation-error-used = На это приглашение уже ответили (приняли или отклонили).
invitation-error-replaced = Это приглашение заменено более новым: используйте ссылку из последнего письма.
invitation-error-other_account = Это приглашение для { $address }, а не для учётной записи, с которой вы вошли.
invitation-error-unverified = Это приглашение для { $address }: сначала подтвердите этот адрес в своей учётной записи.

invitation-mail-subject = Приглашение в приложение «{ $app }»
invitation-mail-body = { $inviter } приглашает вас в приложение «{ $app }», в которое входят с учётной записью { $product }.
invitation-mail-how = Откройте ссылку ниже. Если вы не вошли, войдите с учётной записью этого адреса почты или зарегистрируйте её с этим адресом: доступ получит учётная запись, в которой этот адрес подтверждён.
invitation-mail-button = Принять приглашение
invitation-mail-expires = Срок действия приглашения: до { $date }
invitation-mail-outro = Если вы не ждали этого приглашения, просто проигнорируйте письмо: без вас ничего не произойдёт.
invitation-mail-footer = Письмо отправлено сервисом { $product }: этот адрес пригласили в приложение «{ $app }» от имени { $inviter }.

event-invitation-sent = Приглашение отправлено
event-invitation-revoked = Приглашение отозвано
event-invitation-accepted = Приглашение принято
event-invitation-declined = Приглашение отклонено
invitation-ended-title = Доступа к приложению «{ $app }» больше нет
invitation-ended-body = Вы приняли это приглашение, но доступ к приложению «{ $app }» с тех пор закрыт.

event-invitation-access_granted = Доступ получен по приглашению

invitation-error-duplicate = Этот адрес уже есть выше в списке: приглашение отправляется на него один раз.
invitation-error-already_has_access = У этого человека уже есть доступ к приложению: приглашение не отправлено.
invitation-error-contended = В тот же момент на этот адрес отправлялось другое приглашение. Это приглашение не отправлено: попробуйте ещё раз через минуту.
