## flow: messages of the console flow (kept apart so that concerns do not collide)

# A privacy level set in place, announced to screen readers.
flow-privacy-set-private = { $field }: видите только вы
flow-privacy-set-on_request = { $field }: видят приложения, которым вы разрешите
flow-privacy-set-public = { $field }: видят все

# Why the sign-in form is shown again to someone signed in.
flow-reauth-email = В целях безопасности войдите ещё раз, чтобы изменить адрес электронной почты.
flow-reauth-phone = В целях безопасности войдите ещё раз, чтобы изменить номер телефона.
flow-reauth-identifiers = В целях безопасности войдите ещё раз, чтобы привязать к профилю другой аккаунт.

# Notices of the contact pages: each names what happened.
flow-notice-email-code_sent = Код подтверждения отправлен на новый адрес электронной почты.
flow-notice-phone-code_sent = Код подтверждения отправлен на новый номер телефона.
flow-notice-email-verified = Адрес электронной почты подтверждён.
flow-notice-phone-verified = Номер телефона подтверждён.
flow-notice-email-removed = Адрес электронной почты удалён.
flow-notice-phone-removed = Номер телефона удалён.

# A code that can no longer be entered, beside the button for a new one.
flow-code-expired = Срок действия этого кода истёк. Запросите новый.
flow-code-exhausted = Слишком много неверных попыток: этот код больше не действует. Запросите новый.
flow-code-used = Этот код уже использован. Если нужно, запросите новый.

# A format error with the operator's hint.
error-pattern-hint = Используйте формат: { $hint }

# The error page.
error-title-not_found = Страница не найдена
error-not_found-hint = Возможно, ссылка устарела или в ней опечатка.
error-back-sign_in = Перейти ко входу

# The photo file chooser, in the page's language rather than the browser's.
flow-file-choose = Выбрать фото…
flow-file-none = Фото не выбрано

# The phone number entered is the one on the account already.
flow-unchanged-phone = Это уже ваш текущий номер телефона.

# The business card was switched on or off.
flow-notice-card_on = Визитная карточка включена: её видит любой, у кого есть ссылка.
flow-notice-card_off = Визитная карточка выключена: по её ссылке теперь ничего не открывается.

# The Private profile switch was turned on or off.
flow-notice-private_on = Приватный профиль включён: ваши публичные поля видны только приложениям, которым вы разрешите.
flow-notice-private_off = Приватный профиль выключен: ваши публичные поля снова видны всем.
