# OpenID Connect Back-Channel Logout: registering an application's logout URI.
error-invalid_backchannel_logout_uri = Die Back-Channel-Logout-Adresse muss eine absolute https-Adresse ohne Fragment sein. Reines http ist nur für die Loopback-Adresse dieses Rechners erlaubt (127.0.0.1, [::1] oder localhost).
