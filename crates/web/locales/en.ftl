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
password-hint = At least { $min } characters. Any characters, spaces included; a phrase of a few unrelated words is best.
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
event-sign_out-everywhere = Logged out from all devices
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
error-request_too_large = The request is too large. Shorten what you entered and try again.
error-bad_form = The form could not be read. Please reload the page and try again.
error-invalid_query = The query parameters could not be read. Send each documented parameter at most once, with a value of its type.
error-no_such_endpoint = There is no such API endpoint. See the API documentation for the paths.
error-method_not_allowed = This API endpoint does not take that method. The Allow header lists the ones it takes.
error-password_mismatch = The two new passwords differ.
error-required = This field is mandatory.
error-too_short = Enter at least { $min } characters.
error-too_long = Enter at most { $max } characters.
error-pattern = The value does not have the required format.
error-invalid_date = Enter a date as YYYY-MM-DD.
error-date_out_of_range = Enter a date between 1900 and today.
error-login_length = A login has 3 to 64 characters.
error-login_characters = A login may only contain Latin letters, digits, dot, hyphen and underscore, and starts with a letter or digit.
error-invisible_characters = The value contains invisible characters that change how text is shown (direction marks or zero-width spaces), often pasted along by accident. Type it again by hand.
error-invalid_email = Enter a valid email address.
error-password_too_short = The password needs at least { $min } characters. A phrase of a few unrelated words is long and easy to remember.
error-password_too_long = The password may have at most 256 characters.
error-password_common = This password is among the most common ones and is guessed first. Choose a phrase of a few unrelated words instead.
error-password_same_as_login = The password must not be your login.
error-password_weak_similar = This is a commonly used password with small changes; added digits, symbols, capitals or keyboard rows are guessed early. Use a few unrelated words instead.
error-password_weak_keyboard = Rows or patterns of keys are easy to guess. Choose a phrase of a few unrelated words instead.
error-password_weak_repeats = Repeated characters or words are easy to guess. Choose a phrase of a few different, unrelated words.
error-password_weak_sequence = Sequences such as abc or 1234 are easy to guess. Choose a phrase of a few unrelated words instead.
error-password_weak_dates = Dates and years are easy to guess. Leave them out and add another unrelated word or two.
error-password_weak_word = A common word is easy to guess, even with digits, symbols or capitals added. Use a few unrelated words instead.
error-password_weak_names = Names and surnames are easy to guess. Choose a phrase of a few unrelated words instead.
error-password_weak_personal = The password contains your login, email address or name, which others can guess. Choose words that say nothing about you.
error-password_weak_guessable = This password is too easy to guess. Add another unrelated word or two; a longer phrase is best.
error-taken = This value is already used by another account.
error-not_editable = Only the service administrator can change this field.
error-unknown_field = There is no such field.
error-wrong_password = The current password is incorrect.
error-last_identifier = You need a login or an email address to sign in; this one cannot be removed.

## OpenID Connect
nav-apps = Scopes
oidc-error-unknown_client = The application that sent you here is not registered with this service.
oidc-error-redirect_uri = The application asked to send you to an address it has not registered. For your safety you were not sent there.
oidc-error-logout = The sign-out request is not valid: its return address is not registered for the application.
oidc-error-logout_hint = The sign-out request is not valid: the application did not send one of this service's sign-in tokens (ID tokens) for a registered application. Nobody was signed out.
consent-title = Allow access
consent-heading = { $app } asks for access to your data
consent-intro = If you allow it, the application receives:
consent-no_fields = Nothing at present: these details are empty or private.
consent-openid = An identifier by which the application recognises you next time; nothing else from your profile.
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

# Contacts
action-delete = Delete
action-back = Back
contacts-email-title = Email address
contacts-phone-title = Phone number
contacts-current = Current
contacts-pending-title = Waiting for confirmation: { $address }
contacts-code = Confirmation code
contacts-confirm = Confirm
contacts-resend = Send a new code
contacts-resend-wait = { $seconds ->
    [one] A new code can be sent in { $seconds } second.
   *[other] A new code can be sent in { $seconds } seconds.
}
contacts-email-new = New email address
contacts-phone-new = New phone number
contacts-channel = Send the code by
contacts-channel-sms = SMS
contacts-channel-call = Incoming call (the last six digits of the caller's number are the code)
contacts-email-hint = We send a six-digit code and a link to the new address.
contacts-email-keeps = Your current address stays in force until you confirm.
contacts-email-none = No email address yet
contacts-phone-hint = Enter the number with its country code, e.g. +49 30 1234567.
contacts-phone-keeps = Your current number stays in force until you confirm.
contacts-phone-none = No phone number yet
contacts-get-code = Get code
contacts-via-email = email
contacts-via-sms = SMS
contacts-via-call = call
contacts-delivery-sent = The code was sent by { $via }. It is valid for 10 minutes.
contacts-delivery-pending = The code is being sent by { $via }.
contacts-delivery-retrying-email = Delivery has failed so far; we keep trying. Check the address, or request a new code later.
contacts-delivery-retrying-phone = Delivery has failed so far; we keep trying. Check the number, or request a new code later.
contacts-delivery-failed-email = We could not deliver the code. Check the address and request a new code.
contacts-delivery-failed-phone = We could not deliver the code. Check the number and request a new code.
contacts-email-remove-title = Delete email address
contacts-phone-remove-title = Delete phone number
contacts-email-remove-question = Delete { $address } from your account? You will no longer be able to sign in with it.
contacts-phone-remove-question = Delete { $address } from your account?
contacts-link-title = Confirm email address
contacts-link-question = Confirm that this email address belongs to your account.
error-reauth_required = For your security, enter your password again to change your contacts.
error-invalid_phone = Enter a valid phone number, with its country code.
error-code_wrong = { $left ->
    [0] The code is incorrect. No tries are left; request a new code.
    [one] The code is incorrect. { $left } try left.
   *[other] The code is incorrect. { $left } tries left.
}
error-code_expired = The code has expired. Request a new one.
error-code_used = This code or link has already been used.
error-code_exhausted = Too many wrong tries. Request a new code.
error-code_missing = There is no code waiting, or the link is invalid. Request a new code.
error-too_soon = { $seconds ->
    [one] Please wait { $seconds } second before requesting another code.
   *[other] Please wait { $seconds } seconds before requesting another code.
}
error-unchanged = This is already your current address.
error-channel_disabled = Choose one of the offered ways to receive the code.
event-contact-code_sent = Confirmation code sent
event-contact-code_rejected = Confirmation code blocked after wrong tries
event-contact-email_changed = Email address changed
event-contact-email_removed = Email address deleted
event-contact-phone_changed = Phone number changed
event-contact-phone_removed = Phone number deleted

# Messages
mail-footer = Sent by { $product } because of a change to your account.
mail-verify-button = Confirm this address
mail-verify-subject = Confirm your email address
mail-verify-intro = Someone — hopefully you — asked to use this address for an account at { $product }.
mail-verify-code = Enter this code, valid for 10 minutes:
mail-verify-outro = Or open the link above. If it was not you, ignore this message; nothing changes.
mail-changed-subject = The email address of your account changed
mail-changed-body = The email address of your account at { $product } was changed to { $address }.
mail-removed-body = This email address was deleted from your account at { $product }.
mail-changed-outro = If you did not do this, sign in and change your password at once.
sms-verify = { $product } code: { $code }. Valid 10 minutes. Do not share it.
mail-secure-button = Secure my account
mail-secure-hint = If this was not you, secure your account with the link above: you choose a new password and everyone is signed out. The link works once, for 7 days.
mail-changed-secure = If this was not you, secure your account with the link above: you choose a new password, everyone is signed out and this address comes back to the account. The link works once, for 7 days.
mail-linked-secure = If this was not you, secure your account with the link above: you choose a new password, everyone is signed out and the sign-in methods added since your password was last set are removed. The link works once, for 7 days.
mail-password-subject = The password of your account changed
mail-password-body = The password of your account at { $product } was changed, and every session was signed out.
mail-linked-subject = A sign-in method was added to your account
mail-linked-body = { $provider } was added on { $time } as a way to sign in to your account at { $product }.
password-remove_recent = Also remove the sign-in methods added since your password was last set:
password-remove_recent_hint = Keep them checked unless you added them yourself.
secure-title = Secure your account
secure-intro = Choose a new password for { $account }. Everyone signed in to this account is signed out, and every application loses its access until you sign in again.
secure-submit = Secure my account
secure-remove_identifiers = Also remove these sign-in methods linked to your account:
secure-done = Your account is secured. Sign in with your new password.
secure-sign_in = Sign in
secure-link_unknown = This link is not valid. Check that you opened the whole address from the mail.
secure-link_used = This link has already been used, or the account was secured since with a link from an earlier notice. Sign in, or use the link in the newest notice you received.
secure-link_expired = This link has expired: links in notices work for 7 days.

# Privacy
profile-block-privacy = Profile privacy
privacy-label = Who can see this
privacy-private = Private
privacy-on_request = On request
privacy-public = Public
privacy-private-hint = Only you
privacy-on_request-hint = Applications you allow
privacy-public-hint = Everyone
privacy-profile_private = Private profile
privacy-profile_private-hint = While on, your public fields are shown only to applications you allow.
privacy-on = on
privacy-off = off
privacy-turn_on = Turn on
privacy-turn_off = Turn off
notice-privacy = Privacy settings saved.
error-invalid_privacy = Choose private, on request or public.
event-privacy-field_changed = Field privacy changed
event-privacy-profile_changed = Private profile switched

public-data = Public data
public-title = Public profile
public-preview = This is what anyone visiting your public profile sees.
public-private = Your profile is private: visitors see nothing.
public-address = Its public link:
public-nothing = Nothing here is public.
public-export = Export vCard

# Business card
card-title = Business card
card-hint = A page with your photo, names, email, phone and birth date — whatever their privacy levels — at your own link, while it is active.
card-activity = Activity
card-link = Personal link
card-link-hint = 3 to 64 Latin letters, digits and hyphens.
card-copy = Copy link
card-copied = Copied
card-open = Open
card-qr = QR code of the card's link
card-save-contact = Save contact (vCard)
notice-card = Business card saved.
error-card_link_length = The link needs 3 to 64 characters.
error-card_link_characters = Use only Latin letters, digits and hyphens.
error-card_link_reserved = This word is reserved. Choose another link.
event-card-activity_changed = Business card activity changed
event-card-link_changed = Business card link changed

# Photo
photo-title = Photo
photo-upload = Upload
photo-hint = JPEG, PNG or WebP, up to 5 MB and 40 megapixels. It is cropped to a square; its metadata is dropped.
notice-photo = Photo saved.
error-photo_too_large = The file is larger than 5 MB.
error-photo_too_many_pixels = The picture has more than 40 megapixels.
error-photo_wrong_type = Upload a JPEG, PNG or WebP picture.
error-photo_corrupt = The file is damaged and cannot be read as a picture.
error-photo_polyglot = The file holds more than a picture and is refused.
event-profile-photo_changed = Photo changed
event-profile-photo_removed = Photo deleted
action-add = Add
profile-block-identifiers = Identifiers
identifiers-none = No external accounts are linked.
identifiers-add-title = Link an external account
identifiers-add-hint = Choose a service and sign in there; the account is then linked to your profile.
identifiers-no_providers = No services are set up for linking.
photo-available = Available
photo-available-title = Photos of linked accounts
photo-available-none = None of your linked accounts has a photo.
photo-available-use = Use this photo
notice-identifier_linked = The account is linked.
notice-identifier_removed = The identifier is removed.
error-identifier_linked_elsewhere = This external account is linked to another profile. Remove it there first, then link it here.
error-provider_failed = Signing in at the service did not work. Try again later.
error-provider_denied = The service did not grant access, so nothing was linked.
error-provider_expired = This link request has expired or was already used. Start again.
event-identifier-linked = Identifier linked
event-identifier-removed = Identifier removed
login-with_provider = Or sign in with an account linked to your profile:
error-provider_not_linked = No profile is linked to that account. Sign in with your password, then add it under Identifiers.
error-insecure_redirect_uri = Redirect URIs must use https. Plain http is allowed only on this computer's loopback address (127.0.0.1, [::1] or localhost).
error-pkce_required = Only applications that keep a secret (web, service) may be allowed to sign in without PKCE.
