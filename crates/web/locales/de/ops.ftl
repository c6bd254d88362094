# Operations: the database unavailable, readiness, shutdown.
error-temporarily_unavailable = Der Dienst ist kurz nicht erreichbar. Es wurde nichts geändert; bitte versuchen Sie es in einigen Sekunden erneut.
error-title-unavailable = Kurz nicht erreichbar
error-try_again = Erneut versuchen
