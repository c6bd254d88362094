# OpenID Connect Back-Channel Logout: registering an application's logout URI.
error-invalid_backchannel_logout_uri = The back-channel logout URI must be an absolute https address without a fragment. Plain http is allowed only on this computer's loopback address (127.0.0.1, [::1] or localhost).
