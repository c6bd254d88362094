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
password-hint = Не менее { $min } { $min ->
    [one] символа
   *[other] символов
}. Любые символы, включая пробелы; лучше всего фраза из нескольких не связанных между собой слов.
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
event-sign_out-everywhere = Выход со всех устройств
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
error-request_too_large = Запрос слишком большой. Сократите введённые данные и попробуйте снова.
error-bad_form = Не удалось прочитать форму. Обновите страницу и попробуйте снова.
error-invalid_query = Не удалось прочитать параметры запроса. Передавайте каждый документированный параметр не более одного раза и со значением нужного типа.
error-no_such_endpoint = Такого адреса в API нет. Пути описаны в документации API.
error-method_not_allowed = Этот адрес API не принимает такой метод. Допустимые методы перечислены в заголовке Allow.
error-password_mismatch = Новые пароли не совпадают.
error-required = Это поле обязательно.
error-too_short = Введите не менее { $min } { $min ->
    [one] символа
   *[other] символов
}.
error-too_long = Введите не более { $max } { $max ->
    [one] символа
   *[other] символов
}.
error-pattern = Значение не соответствует требуемому формату.
error-invalid_date = Введите дату в формате ГГГГ-ММ-ДД.
error-date_out_of_range = Введите дату между 1900 годом и сегодняшним днём.
error-login_length = Логин содержит от 3 до 64 символов.
error-login_characters = Логин может содержать только латинские буквы, цифры, точку, дефис и подчёркивание и начинается с буквы или цифры.
error-invisible_characters = Значение содержит невидимые символы, меняющие отображение текста (метки направления или символы нулевой ширины), — часто они попадают при копировании. Введите его заново вручную.
error-invalid_email = Введите корректный адрес электронной почты.
error-password_too_short = Пароль должен содержать не менее { $min } { $min ->
    [one] символа
   *[other] символов
}. Фраза из нескольких не связанных между собой слов достаточно длинная и легко запоминается.
error-password_too_long = Пароль может содержать не более 256 символов.
error-password_common = Этот пароль — один из самых распространённых, его подбирают первым. Выберите фразу из нескольких не связанных между собой слов.
error-password_same_as_login = Пароль не должен совпадать с логином.
error-password_weak_similar = Это распространённый пароль с небольшими изменениями; добавленные цифры, знаки, заглавные буквы или ряды клавиш подбираются одними из первых. Возьмите несколько не связанных между собой слов.
error-password_weak_keyboard = Ряды и узоры клавиш легко угадать. Выберите фразу из нескольких не связанных между собой слов.
error-password_weak_repeats = Повторяющиеся символы или слова легко угадать. Выберите фразу из нескольких разных, не связанных между собой слов.
error-password_weak_sequence = Последовательности вроде abc или 1234 легко угадать. Выберите фразу из нескольких не связанных между собой слов.
error-password_weak_dates = Даты и годы легко угадать. Уберите их и добавьте ещё одно-два слова.
error-password_weak_word = Распространённое слово легко угадать, даже с цифрами, знаками или заглавными буквами. Возьмите несколько не связанных между собой слов.
error-password_weak_names = Имена и фамилии легко угадать. Выберите фразу из нескольких не связанных между собой слов.
error-password_weak_personal = Пароль содержит ваш логин, адрес электронной почты или имя, которые другие могут угадать. Выберите слова, которые ничего о вас не говорят.
error-password_weak_guessable = Этот пароль слишком легко угадать. Добавьте ещё одно-два слова; лучше всего длинная фраза.
error-taken = Это значение уже используется другим аккаунтом.
error-not_editable = Изменить это поле может только администратор сервиса.
error-unknown_field = Такого поля нет.
error-wrong_password = Текущий пароль указан неверно.
error-last_identifier = Для входа нужен логин или адрес электронной почты; это значение нельзя удалить.

## OpenID Connect
nav-apps = Доступы
oidc-error-unknown_client = Приложение, которое направило вас сюда, не зарегистрировано в этом сервисе.
oidc-error-redirect_uri = Приложение пыталось перенаправить вас на незарегистрированный адрес. Ради вашей безопасности переход не выполнен.
oidc-error-logout = Запрос на выход недействителен: адрес возврата не зарегистрирован для приложения.
oidc-error-logout_hint = Запрос на выход недействителен: приложение не передало токен входа (ID-токен), выданный этим сервисом зарегистрированному приложению. Никто не вышел из системы.
consent-title = Разрешить доступ
consent-heading = { $app } запрашивает доступ к вашим данным
consent-intro = Если вы разрешите, приложение получит:
consent-no_fields = Сейчас ничего: эти данные не заполнены или скрыты.
consent-openid = Идентификатор, по которому приложение узнает вас в следующий раз; больше ничего из вашего профиля.
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

# Contacts
action-delete = Удалить
action-back = Назад
contacts-email-title = Адрес электронной почты
contacts-phone-title = Номер телефона
contacts-current = Текущий
contacts-pending-title = Ожидает подтверждения: { $address }
contacts-code = Код подтверждения
contacts-confirm = Подтвердить
contacts-resend = Отправить новый код
contacts-resend-wait = { $seconds ->
    [one] Новый код можно будет отправить через { $seconds } секунду.
    [few] Новый код можно будет отправить через { $seconds } секунды.
   *[other] Новый код можно будет отправить через { $seconds } секунд.
}
contacts-email-new = Новый адрес электронной почты
contacts-phone-new = Новый номер телефона
contacts-channel = Как получить код
contacts-channel-sms = СМС
contacts-channel-call = Входящий звонок (последние шесть цифр номера звонящего — это код)
contacts-email-hint = Мы отправим на новый адрес шестизначный код и ссылку.
contacts-email-keeps = Текущий адрес действует, пока вы не подтвердите новый.
contacts-email-none = Адрес ещё не указан
contacts-phone-hint = Введите номер с кодом страны, например +7 912 345-67-89.
contacts-phone-keeps = Текущий номер действует, пока вы не подтвердите новый.
contacts-phone-none = Номер ещё не указан
contacts-get-code = Получить код
contacts-via-email = по электронной почте
contacts-via-sms = по СМС
contacts-via-call = звонком
contacts-delivery-sent = Код отправлен { $via }. Он действует 10 минут.
contacts-delivery-pending = Код отправляется { $via }.
contacts-delivery-retrying-email = Доставить код пока не удалось; мы продолжаем попытки. Проверьте адрес или запросите новый код позже.
contacts-delivery-retrying-phone = Доставить код пока не удалось; мы продолжаем попытки. Проверьте номер или запросите новый код позже.
contacts-delivery-failed-email = Не удалось доставить код. Проверьте адрес и запросите новый код.
contacts-delivery-failed-phone = Не удалось доставить код. Проверьте номер и запросите новый код.
contacts-email-remove-title = Удалить адрес электронной почты
contacts-phone-remove-title = Удалить номер телефона
contacts-email-remove-question = Удалить { $address } из аккаунта? Входить с этим адресом будет нельзя.
contacts-phone-remove-question = Удалить { $address } из аккаунта?
contacts-link-title = Подтверждение адреса электронной почты
contacts-link-question = Подтвердите, что этот адрес электронной почты принадлежит вашему аккаунту.
error-reauth_required = В целях безопасности введите пароль ещё раз, чтобы изменить контакты.
error-invalid_phone = Введите правильный номер телефона с кодом страны.
error-code_wrong = { $left ->
    [0] Неверный код. Попыток не осталось; запросите новый код.
    [one] Неверный код. Осталась { $left } попытка.
    [few] Неверный код. Осталось { $left } попытки.
   *[other] Неверный код. Осталось { $left } попыток.
}
error-code_expired = Срок действия кода истёк. Запросите новый.
error-code_used = Этот код или ссылка уже использованы.
error-code_exhausted = Слишком много неверных попыток. Запросите новый код.
error-code_missing = Нет ожидающего кода, или ссылка недействительна. Запросите новый код.
error-too_soon = { $seconds ->
    [one] Подождите { $seconds } секунду, прежде чем запрашивать новый код.
    [few] Подождите { $seconds } секунды, прежде чем запрашивать новый код.
   *[other] Подождите { $seconds } секунд, прежде чем запрашивать новый код.
}
error-unchanged = Это уже ваш текущий адрес.
error-channel_disabled = Выберите один из предложенных способов получения кода.
event-contact-code_sent = Отправлен код подтверждения
event-contact-code_rejected = Код подтверждения заблокирован после неверных попыток
event-contact-email_changed = Изменён адрес электронной почты
event-contact-email_removed = Удалён адрес электронной почты
event-contact-phone_changed = Изменён номер телефона
event-contact-phone_removed = Удалён номер телефона

# Messages
mail-footer = Письмо отправлено сервисом { $product }, потому что в вашем аккаунте произошли изменения.
mail-verify-button = Подтвердить этот адрес
mail-verify-subject = Подтвердите адрес электронной почты
mail-verify-intro = Кто-то — надеемся, вы — хочет использовать этот адрес для аккаунта { $product }.
mail-verify-code = Введите этот код (действует 10 минут):
mail-verify-outro = Или откройте ссылку выше. Если это были не вы, просто проигнорируйте письмо — ничего не изменится.
mail-changed-subject = Адрес электронной почты вашего аккаунта изменён
mail-changed-body = Адрес электронной почты вашего аккаунта { $product } изменён на { $address }.
mail-removed-body = Этот адрес электронной почты удалён из вашего аккаунта { $product }.
mail-changed-outro = Если это были не вы, войдите и немедленно смените пароль.
sms-verify = Код { $product }: { $code }. Действует 10 минут. Никому его не сообщайте.
mail-secure-button = Защитить аккаунт
mail-secure-hint = Если это были не вы, защитите аккаунт по ссылке выше: вы зададите новый пароль, и все сеансы будут завершены. Ссылка действует один раз в течение 7 дней.
mail-changed-secure = Если это были не вы, защитите аккаунт по ссылке выше: вы зададите новый пароль, все сеансы будут завершены, а этот адрес вернётся в аккаунт. Ссылка действует один раз в течение 7 дней.
mail-linked-secure = Если это были не вы, защитите аккаунт по ссылке выше: вы зададите новый пароль, все сеансы будут завершены, а способы входа, добавленные после последней смены пароля, будут удалены. Ссылка действует один раз в течение 7 дней.
mail-password-subject = Пароль вашего аккаунта изменён
mail-password-body = Пароль вашего аккаунта { $product } изменён, все сеансы завершены.
mail-linked-subject = В ваш аккаунт добавлен способ входа
mail-linked-body = { $time } в ваш аккаунт { $product } добавлен способ входа: { $provider }.
password-remove_recent = Также удалить способы входа, добавленные после последней смены пароля:
password-remove_recent_hint = Оставьте отметки, если вы не добавляли их сами.
secure-title = Защита аккаунта
secure-intro = Задайте новый пароль для { $account }. Все сеансы в этом аккаунте будут завершены, а приложения потеряют доступ, пока вы не войдёте снова.
secure-submit = Защитить аккаунт
secure-remove_identifiers = Также удалить эти способы входа, привязанные к вашему аккаунту:
secure-done = Аккаунт защищён. Войдите с новым паролем.
secure-sign_in = Войти
secure-link_unknown = Эта ссылка недействительна. Проверьте, что вы открыли адрес из письма целиком.
secure-link_used = Эта ссылка уже использована, или аккаунт с тех пор защитили по ссылке из более раннего уведомления. Войдите или воспользуйтесь ссылкой из последнего полученного уведомления.
secure-link_expired = Срок действия ссылки истёк: ссылки в уведомлениях действуют 7 дней.

# Privacy
profile-block-privacy = Приватность профиля
privacy-label = Кто может видеть
privacy-private = Скрыто
privacy-on_request = По запросу
privacy-public = Публично
privacy-private-hint = Только вы
privacy-on_request-hint = Приложения, которым вы разрешите
privacy-public-hint = Все
privacy-profile_private = Приватный профиль
privacy-profile_private-hint = Пока он включён, ваши публичные поля видны только приложениям, которым вы разрешите.
privacy-on = включён
privacy-off = выключен
privacy-turn_on = Включить
privacy-turn_off = Выключить
notice-privacy = Настройки приватности сохранены.
error-invalid_privacy = Выберите: скрыто, по запросу или публично.
event-privacy-field_changed = Изменена видимость поля
event-privacy-profile_changed = Переключён приватный профиль

public-data = Публичные данные
public-title = Публичный профиль
public-preview = Так ваш публичный профиль видит любой посетитель.
public-private = Ваш профиль приватный: посетители ничего не видят.
public-address = Публичная ссылка:
public-nothing = Здесь нет публичных данных.
public-export = Экспорт в vCard

# Business card
card-title = Визитная карточка
card-hint = Страница с вашим фото, именем, почтой, телефоном и датой рождения — независимо от их приватности — по вашей ссылке, пока карточка активна.
card-activity = Активность
card-link = Персональная ссылка
card-link-hint = От 3 до 64 латинских букв, цифр и дефисов.
card-copy = Копировать ссылку
card-copied = Скопировано
card-open = Открыть
card-qr = QR-код ссылки на карточку
card-save-contact = Сохранить контакт (vCard)
notice-card = Визитная карточка сохранена.
error-card_link_length = Ссылка должна содержать от 3 до 64 символов.
error-card_link_characters = Используйте только латинские буквы, цифры и дефисы.
error-card_link_reserved = Это слово зарезервировано. Выберите другую ссылку.
event-card-activity_changed = Изменена активность визитной карточки
event-card-link_changed = Изменена ссылка визитной карточки

# Photo
photo-title = Фото
photo-upload = Загрузить
photo-hint = JPEG, PNG или WebP, до 5 МБ и 40 мегапикселей. Фото обрезается до квадрата, метаданные удаляются.
notice-photo = Фото сохранено.
error-photo_too_large = Файл больше 5 МБ.
error-photo_too_many_pixels = В изображении больше 40 мегапикселей.
error-photo_wrong_type = Загрузите изображение JPEG, PNG или WebP.
error-photo_corrupt = Файл повреждён и не читается как изображение.
error-photo_polyglot = Файл содержит не только изображение и отклонён.
event-profile-photo_changed = Фото изменено
event-profile-photo_removed = Фото удалено
action-add = Добавить
profile-block-identifiers = Идентификаторы
identifiers-none = Внешние учётные записи не привязаны.
identifiers-add-title = Привязать внешнюю учётную запись
identifiers-add-hint = Выберите сервис и войдите в нём — после этого учётная запись будет привязана к профилю.
identifiers-no_providers = Сервисы для привязки не настроены.
photo-available = Доступные
photo-available-title = Фото привязанных учётных записей
photo-available-none = Ни у одной привязанной учётной записи нет фото.
photo-available-use = Использовать это фото
notice-identifier_linked = Учётная запись привязана.
notice-identifier_removed = Идентификатор удалён.
error-identifier_linked_elsewhere = Эта внешняя учётная запись привязана к другому профилю. Сначала удалите её там, затем привяжите здесь.
error-provider_failed = Не удалось войти в сервисе. Попробуйте позже.
error-provider_denied = Сервис не предоставил доступ, поэтому ничего не привязано.
error-provider_expired = Срок действия запроса на привязку истёк, или он уже использован. Начните заново.
event-identifier-linked = Идентификатор привязан
event-identifier-removed = Идентификатор удалён
login-with_provider = Или войдите через учётную запись, привязанную к профилю:
error-provider_not_linked = К этой учётной записи не привязан ни один профиль. Войдите с паролем и добавьте её в разделе «Идентификаторы».
error-insecure_redirect_uri = Адреса перенаправления должны использовать https. Обычный http допускается только для локального адреса этого компьютера (127.0.0.1, [::1] или localhost).
error-pkce_required = Обходиться без PKCE можно разрешить только приложениям с секретом (web, service).
