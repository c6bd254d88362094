## flow: messages of the console flow (kept apart so that concerns do not collide)

# A privacy level set in place, announced to screen readers.
flow-privacy-set-private = { $field }: visible only to you
flow-privacy-set-on_request = { $field }: visible to applications you allow
flow-privacy-set-public = { $field }: visible to everyone

# Why the sign-in form is shown again to someone signed in.
flow-reauth-email = For your security, sign in again to change your email address.
flow-reauth-phone = For your security, sign in again to change your phone number.
flow-reauth-identifiers = For your security, sign in again to link another account to your profile.

# Notices of the contact pages: each names what happened.
flow-notice-email-code_sent = A confirmation code is on its way to your new email address.
flow-notice-phone-code_sent = A confirmation code is on its way to your new phone number.
flow-notice-email-verified = Email address confirmed.
flow-notice-phone-verified = Phone number confirmed.
flow-notice-email-removed = Email address removed.
flow-notice-phone-removed = Phone number removed.

# A code that can no longer be entered, beside the button for a new one.
flow-code-expired = This code has expired. Ask for a new one.
flow-code-exhausted = Too many wrong tries: this code no longer works. Ask for a new one.
flow-code-used = This code has already been used. Ask for a new one if you still need it.

# A format error with the operator's hint.
error-pattern-hint = Use the format: { $hint }

# The error page.
error-title-not_found = Page not found
error-not_found-hint = The link may be out of date or mistyped.
error-back-sign_in = Go to sign-in

# The photo file chooser, in the page's language rather than the browser's.
flow-file-choose = Choose a picture…
flow-file-none = No picture chosen

# The phone number entered is the one on the account already.
flow-unchanged-phone = This is already your current phone number.

# The business card was switched on or off.
flow-notice-card_on = Business card switched on: anyone with its link can see it.
flow-notice-card_off = Business card switched off: its link shows nothing now.

# The Private profile switch was turned on or off.
flow-notice-private_on = Private profile switched on: your public fields are shown only to applications you allow.
flow-notice-private_off = Private profile switched off: your public fields are visible to everyone again.
