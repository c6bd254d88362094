## lifecycle: the profile's Other actions (log out everywhere, and later export,
## the policy, deletion and recovery)

lifecycle-everywhere-title = Log out from all devices
lifecycle-everywhere-what = Every session of yours ends at once, on this device and on every other, and every application loses its access and refresh tokens.
lifecycle-everywhere-after = Use it if a device is lost or you suspect someone else is signed in. Afterwards you sign in again everywhere.
lifecycle-everywhere-submit = Log out everywhere
lifecycle-everywhere-done = You have been logged out from all devices. Sign in again to continue.

## the personal data processing policy
lifecycle-policy-link = Personal data processing policy
lifecycle-policy-register = By registering you accept the
lifecycle-policy-register_link = personal data processing policy
lifecycle-policy-days = { $days ->
    [one] { $days } day
   *[other] { $days } days
}
