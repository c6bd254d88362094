## Frame
nav-profile = Profile
nav-events = Event log
lang-label = Language
action-sign_out = Log out
action-edit = Edit
action-save = Save
action-cancel = Cancel

## Sign-in and registration
login-title = Sign in
login-identifier = Login or email
login-password = Password
login-submit = Sign in
login-no_account = No account yet?
login-register_link = Register
register-title = Create an account
register-intro = Choose a login, give an email address, or both.
register-login_hint = 3 to 64 characters: Latin letters, digits, dot, hyphen and underscore.
register-email = Email
register-submit = Register
register-have_account = Already registered?

## Profile
profile-title = Profile
profile-block-main = Main information
profile-block-additional = Additional information
profile-block-contacts = Contacts
profile-block-security = Security
profile-block-other = Other actions
profile-id = ID
profile-no_additional = The service has no additional fields.
profile-empty = not set
profile-mandatory = mandatory
profile-missing = Mandatory fields are empty; you will be asked for them at your next sign-in:
contacts-email = Email
contacts-phone = Phone number
contacts-verified = verified
contacts-unverified = not verified
security-password = Password
edit-title-complete = Complete your profile
edit-complete_intro = Please fill in the mandatory fields before going on.
edit-not_editable = Only the service administrator can change this field.

## Fields
field-nickname = Public name
field-given_name = First name
field-family_name = Last name
field-login = Login
field-birthdate = Date of birth

## Password
password-title = Change password
password-current = Current password
password-new = New password
password-confirm = Repeat the new password
password-hint = At least 8 characters. Any characters, spaces included; a long phrase is best.
password-submit = Change password
password-signout_notice = After the change you are logged out everywhere and sign in again with the new password.

## Event log
events-title = Event log
events-when = Date and time
events-application = Application
events-user = User
events-device = Device
events-location = Location
events-empty = No events yet.
events-older = Older events
events-newest = Newest events
event-account-registered = Account registered
event-sign_in-succeeded = Signed in
event-sign_in-failed = Failed sign-in attempt
event-sign_out = Logged out
event-profile-updated = Profile changed
event-password-changed = Password changed
event-locale-changed = Language changed
event-operator-created = Operator account created
event-operator-password_reset = Operator password reset
device-pc = Computer
device-smartphone = Smartphone
device-mobilephone = Mobile phone
device-appliance = Appliance
device-crawler = Robot
device-cli = Command line
device-unknown = Unknown device

## Notices
notice-saved = Your changes are saved.
notice-password_changed = Your password was changed. Sign in with the new password.
notice-signed_out = You are logged out.
notice-language = Language changed.

## Errors
error-title = Something went wrong
error-back = Back to the profile
error-invalid_input = Please correct the marked fields. Nothing was saved.
error-invalid_credentials = The login or password is incorrect.
error-too_many_attempts = Too many failed attempts. Please wait a few minutes and try again.
error-unauthenticated = Please sign in.
error-account_blocked = This account is blocked. Please contact the service administrator.
error-forbidden = You are not allowed to do this.
error-not_found = This page does not exist.
error-internal_error = An unexpected error occurred. Please try again later.
error-csrf = This form has expired or came from another site. Please reload the page and try again.
error-invalid_request = The request could not be read. Send a JSON object of the documented shape.
error-password_mismatch = The two new passwords differ.
error-required = This field is mandatory.
error-too_short = Enter at least { $min } characters.
error-too_long = Enter at most { $max } characters.
error-pattern = The value does not have the required format.
error-invalid_date = Enter a date as YYYY-MM-DD.
error-date_out_of_range = Enter a date between 1900 and today.
error-login_length = A login has 3 to 64 characters.
error-login_characters = A login may only contain Latin letters, digits, dot, hyphen and underscore, and starts with a letter or digit.
error-invalid_email = Enter a valid email address.
error-password_too_short = The password needs at least 8 characters.
error-password_too_long = The password may have at most 256 characters.
error-password_common = This password is too common. Choose another one.
error-password_same_as_login = The password must not be your login.
error-taken = This value is already used by another account.
error-not_editable = Only the service administrator can change this field.
error-unknown_field = There is no such field.
error-wrong_password = The current password is incorrect.
error-last_identifier = You need a login or an email address to sign in; this one cannot be removed.

## OpenID Connect
nav-apps = Scopes
action-confirm = Confirm
oidc-error-unknown_client = The application that sent you here is not registered with this service.
oidc-error-redirect_uri = The application asked to send you to an address it has not registered. For your safety you were not sent there.
oidc-error-logout = The sign-out request is not valid: its return address is not registered for the application.
consent-title = Allow access
consent-heading = { $app } asks for access to your data
consent-intro = If you allow it, the application receives:
consent-no_fields = no profile fields
consent-approve = Allow
consent-deny = Deny
scope-openid = Your identifier (to sign you in)
scope-profile = Your profile
scope-email = Your email address
scope-phone = Your phone number
scope-offline_access = Access while you are not signed in
logout-title = Sign out
logout-question = An application asks to sign you out of this service. Sign out now?
apps-title = Scopes
apps-empty = No application has access to your data.
apps-actions = Actions
apps-end_sessions = End sessions
apps-revoke = Revoke permission
apps-granted = Granted
apps-ended = All sessions of the application were ended.
apps-revoked = The permission was revoked.
apps-revoke_question = { $app } loses access to all your data, and the next sign-in asks for your consent again. Revoke the permission?
apps-end_sessions_question = All sessions of { $app } end now, and you will have to sign in to it again. End them?
event-app-sign_in = Signed in to an application
event-app-consent_granted = Access granted to an application
event-app-sessions_ended = Application sessions ended
event-app-permission_revoked = Application permission revoked
