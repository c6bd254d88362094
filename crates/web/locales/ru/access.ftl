# Closed applications: the page for people without access.
closed-title = Только по приглашению
closed-heading = Это приложение доступно только по приглашению
closed-explain = Приложение «{ $app }» доступно только по приглашению. Чтобы пользоваться им, нужно приглашение на подтверждённый адрес электронной почты вашей учётной записи: примите его на странице «Запросы» или по ссылке из письма с приглашением.
closed-signed-in-as = Вы вошли как { $name }.
closed-requests = Открыть страницу «Запросы»
closed-switch-hint = Приглашение пришло на адрес другой учётной записи? Выйдите и войдите с ней: вы сразу вернётесь сюда.
closed-switch = Выйти и войти с другой учётной записью

# The operator's changes of access, in the activity log.
event-access-granted_by_operator = Оператор открыл доступ к закрытому приложению
event-access-revoked_by_operator = Оператор закрыл доступ к закрытому приложению

# The operator's changes of access, refused.
access-error-unknown_application = Приложения с таким client ID нет.
access-error-unknown_user = Учётной записи с таким логином, подтверждённым адресом почты или ID нет.
access-error-application_not_closed = Доступ выдаётся только к закрытым приложениям: это приложение открыто для всех. Сначала закройте его.
access-error-access_not_held = У этого человека нет доступа к этому приложению.

api-error-cross_site_request = Запрос пришёл с другого сайта, поэтому он отклонён. Обращайтесь к API со страниц самого Sigil или из программы, а не с другого сайта.
