# Operations: the database unavailable, readiness, shutdown.
error-temporarily_unavailable = The service is briefly unavailable. Nothing was changed; please try again in a few seconds.
error-title-unavailable = Briefly unavailable
error-try_again = Try again
