# OpenID Connect Back-Channel Logout: registering an application's logout URI.
error-invalid_backchannel_logout_uri = Адрес для фонового выхода (back-channel logout) должен быть абсолютным адресом https без фрагмента. Обычный http допускается только для локального адреса этого компьютера (127.0.0.1, [::1] или localhost).
