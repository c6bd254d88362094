## Frame
nav-profile = Профиль
nav-events = Журнал событий
lang-label = Язык
action-sign_out = Выйти
action-edit = Изменить
action-save = Сохранить
action-cancel = Отмена

## Sign-in and registration
login-title = Вход
login-identifier = Логин или электронная почта
login-password = Пароль
login-submit = Войти
login-no_account = Ещё нет аккаунта?
login-register_link = Зарегистрироваться
register-title = Создание аккаунта
register-intro = Выберите логин, укажите адрес электронной почты или и то и другое.
register-login_hint = От 3 до 64 символов: латинские буквы, цифры, точка, дефис и подчёркивание.
register-email = Электронная почта
register-submit = Зарегистрироваться
register-have_account = Уже зарегистрированы?

## Profile
profile-title = Профиль
profile-block-main = Основная информация
profile-block-additional = Дополнительная информация
profile-block-contacts = Контакты
profile-block-security = Безопасность
profile-block-other = Другие действия
profile-id = ID
profile-no_additional = В сервисе нет дополнительных полей.
profile-empty = не указано
profile-mandatory = обязательное поле
profile-missing = Не заполнены обязательные поля; они будут запрошены при следующем входе:
contacts-email = Электронная почта
contacts-phone = Номер телефона
contacts-verified = подтверждён
contacts-unverified = не подтверждён
security-password = Пароль
edit-title-complete = Заполните профиль
edit-complete_intro = Пожалуйста, заполните обязательные поля, чтобы продолжить.
edit-not_editable = Изменить это поле может только администратор сервиса.

## Fields
field-nickname = Публичное имя
field-given_name = Имя
field-family_name = Фамилия
field-login = Логин
field-birthdate = Дата рождения

## Password
password-title = Смена пароля
password-current = Текущий пароль
password-new = Новый пароль
password-confirm = Повторите новый пароль
password-hint = Не менее 8 символов. Любые символы, включая пробелы; лучше всего длинная фраза.
password-submit = Сменить пароль
password-signout_notice = После смены пароля произойдёт выход на всех устройствах; войдите снова с новым паролем.

## Event log
events-title = Журнал событий
events-when = Дата и время
events-application = Приложение
events-user = Пользователь
events-device = Устройство
events-location = Местоположение
events-empty = Событий пока нет.
events-older = Более ранние события
events-newest = Последние события
event-account-registered = Аккаунт зарегистрирован
event-sign_in-succeeded = Вход выполнен
event-sign_in-failed = Неудачная попытка входа
event-sign_out = Выход
event-profile-updated = Профиль изменён
event-password-changed = Пароль изменён
event-locale-changed = Язык изменён
event-operator-created = Создан аккаунт администратора
event-operator-password_reset = Пароль администратора сброшен
device-pc = Компьютер
device-smartphone = Смартфон
device-mobilephone = Мобильный телефон
device-appliance = Устройство
device-crawler = Робот
device-cli = Командная строка
device-unknown = Неизвестное устройство

## Notices
notice-saved = Изменения сохранены.
notice-password_changed = Пароль изменён. Войдите с новым паролем.
notice-signed_out = Вы вышли из системы.
notice-language = Язык изменён.

## Errors
error-title = Что-то пошло не так
error-back = Вернуться в профиль
error-invalid_input = Исправьте отмеченные поля. Ничего не сохранено.
error-invalid_credentials = Неверный логин или пароль.
error-too_many_attempts = Слишком много неудачных попыток. Подождите несколько минут и попробуйте снова.
error-unauthenticated = Пожалуйста, войдите в систему.
error-account_blocked = Этот аккаунт заблокирован. Обратитесь к администратору сервиса.
error-forbidden = У вас нет прав на это действие.
error-not_found = Такой страницы нет.
error-internal_error = Произошла непредвиденная ошибка. Попробуйте позже.
error-csrf = Эта форма устарела или отправлена с другого сайта. Обновите страницу и попробуйте снова.
error-invalid_request = Не удалось прочитать запрос. Отправьте JSON-объект в документированном формате.
error-password_mismatch = Новые пароли не совпадают.
error-required = Это поле обязательно.
error-too_short = Введите не менее { $min } символов.
error-too_long = Введите не более { $max } символов.
error-pattern = Значение не соответствует требуемому формату.
error-invalid_date = Введите дату в формате ГГГГ-ММ-ДД.
error-date_out_of_range = Введите дату между 1900 годом и сегодняшним днём.
error-login_length = Логин содержит от 3 до 64 символов.
error-login_characters = Логин может содержать только латинские буквы, цифры, точку, дефис и подчёркивание и начинается с буквы или цифры.
error-invalid_email = Введите корректный адрес электронной почты.
error-password_too_short = Пароль должен содержать не менее 8 символов.
error-password_too_long = Пароль может содержать не более 256 символов.
error-password_common = Этот пароль слишком распространён. Выберите другой.
error-password_same_as_login = Пароль не должен совпадать с логином.
error-taken = Это значение уже используется другим аккаунтом.
error-not_editable = Изменить это поле может только администратор сервиса.
error-unknown_field = Такого поля нет.
error-wrong_password = Текущий пароль указан неверно.
error-last_identifier = Для входа нужен логин или адрес электронной почты; это значение нельзя удалить.

## OpenID Connect
nav-apps = Доступы
action-confirm = Подтвердить
oidc-error-unknown_client = Приложение, которое направило вас сюда, не зарегистрировано в этом сервисе.
oidc-error-redirect_uri = Приложение пыталось перенаправить вас на незарегистрированный адрес. Ради вашей безопасности переход не выполнен.
oidc-error-logout = Запрос на выход недействителен: адрес возврата не зарегистрирован для приложения.
consent-title = Разрешить доступ
consent-heading = { $app } запрашивает доступ к вашим данным
consent-intro = Если вы разрешите, приложение получит:
consent-no_fields = без полей профиля
consent-approve = Разрешить
consent-deny = Отказать
scope-openid = Ваш идентификатор (для входа)
scope-profile = Ваш профиль
scope-email = Ваш адрес электронной почты
scope-phone = Ваш номер телефона
scope-offline_access = Доступ, когда вы не в системе
logout-title = Выход
logout-question = Приложение просит выполнить выход из этого сервиса. Выйти сейчас?
apps-title = Доступы
apps-empty = Ни у одного приложения нет доступа к вашим данным.
apps-actions = Действия
apps-end_sessions = Завершить сеансы
apps-revoke = Отозвать разрешение
apps-granted = Предоставлено
apps-ended = Все сеансы приложения завершены.
apps-revoked = Разрешение отозвано.
apps-revoke_question = { $app } потеряет доступ ко всем вашим данным, а при следующем входе снова будет запрошено согласие. Отозвать разрешение?
apps-end_sessions_question = Все сеансы { $app } будут завершены сейчас, и вам придётся войти в приложение снова. Завершить?
event-app-sign_in = Вход в приложение
event-app-consent_granted = Приложению предоставлен доступ
event-app-sessions_ended = Сеансы приложения завершены
event-app-permission_revoked = Разрешение приложения отозвано
