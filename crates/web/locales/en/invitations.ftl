# Invitations to closed applications: the mail, the link, the Requests tab.

nav-requests = Requests
nav-requests-count = Requests, { $count } pending
nav-menu-pending = { $count ->
    [one] pending request
   *[other] pending requests
}
requests-title = Requests
requests-intro = Invitations to applications open only to the people invited. Accept one, and this account can sign in to the application.
requests-empty = No invitation is waiting for you.
requests-unverified = Invitations reach you at your confirmed email address.
requests-unverified-link = Confirm your email address
requests-invited_by = Invited by { $inviter }
requests-expires = Valid until { $date }
requests-accept = Accept
requests-decline = Decline
requests-accept-label = Accept the invitation to { $app }
requests-decline-label = Decline the invitation to { $app }
requests-accepted = Accepted
requests-open = Open { $app }
requests-no_home = Sign in from the application itself, with this account.
requests-notice-accepted = Invitation accepted: this account can now sign in to the application.
requests-notice-declined = Invitation declined.

invitation-done-title = You now have access to { $app }
invitation-done-body = This account can now sign in to { $app }.
invitation-done-next = Next: open { $app } the way you usually do and choose to sign in with { $product }, using this account. The invitation stays on your Requests tab.
invitation-done-profile = Go to your profile
invitation-done-requests = Your requests
invitation-other-title = This invitation is for another address
invitation-other-body = The invitation was sent to { $address }, but the account you are signed in with has another confirmed email address.
invitation-other-next = Sign out, then sign in with the account of { $address }, or register one with that address. You come back to the invitation afterwards.
invitation-other-switch = Sign out and switch account
invitation-unverified-title = Confirm your email address first
invitation-unverified-body = The invitation was sent to { $address }. Confirm that address on your account, then open the link in the invitation again.
invitation-unverified-link = Confirm your email address
invitation-closed-title = This invitation can no longer be used
invitation-closed-next = To get access, ask { $inviter } for a new invitation. It comes by email and also appears on your Requests tab.
invitation-replaced-next = The newer invitation is also on your Requests tab if it was sent to your confirmed address. If you cannot find it, ask { $inviter } to send it again.
invitation-unknown-title = This invitation link does not work
invitation-unknown-next = If it still does not work, ask { $inviter } for a new invitation.

invitation-error-app_not_closed = This application is open to everyone, so an invitation would grant nothing: close the application first, then invite people to it.
invitation-error-expiry = The invitation must be valid for 1 to { $max } days.
invitation-error-unknown = This invitation link is not valid. Check that you opened the whole link from the email.
invitation-error-expired = This invitation has expired.
invitation-error-revoked = This invitation was withdrawn.
invitation-error-used = This invitation has already been answered (accepted or declined).
invitation-error-replaced = A newer invitation replaced this one: use the link in the most recent email.
invitation-error-other_account = This invitation is for { $address }, not for the account you are signed in with.
invitation-error-unverified = This invitation is for { $address }: confirm that address on your account first.

invitation-mail-subject = Invitation to { $app }
invitation-mail-body = { $inviter } invites you to { $app }, an application you sign in to with your { $product } account.
invitation-mail-how = Open the link below. If you are not signed in, sign in with the account of this email address, or register one with it: access goes to the account that has this address confirmed.
invitation-mail-button = Accept the invitation
invitation-mail-expires = The invitation is valid until { $date }.
invitation-mail-outro = If you did not expect this invitation, ignore this email: nothing happens without you.
invitation-mail-footer = Sent by { $product } because { $inviter } invited this address to { $app }.

event-invitation-sent = Invitation sent
event-invitation-revoked = Invitation withdrawn
event-invitation-accepted = Invitation accepted
event-invitation-declined = Invitation declined
invitation-ended-title = You no longer have access to { $app }
invitation-ended-body = You accepted this invitation, but your access to { $app } has been withdrawn since.

event-invitation-access_granted = Access granted by invitation

invitation-error-duplicate = This address already appears earlier in the list: it is invited once.
invitation-error-already_has_access = This person already has access to the application: no invitation was sent.
invitation-error-contended = Another invitation to this address was being sent at the same moment. Nothing was sent for this one: try again in a moment.
