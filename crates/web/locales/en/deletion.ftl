## deletion: Delete account (Other actions), the recovery page, the page applications
## get for an account scheduled for deletion, and the message that names the date

deletion-link = Delete account
deletion-title = Delete account
deletion-what = Your account will be scheduled for deletion. At once you are signed out on every device, applications lose access to your account, and your public profile and business card disappear.
deletion-when = Until { $date } you can change your mind: sign in here with your password or a linked identifier and choose Restore account. After that date your data is erased for good and cannot be recovered.
deletion-apps = While the account waits for deletion, it cannot be used to sign in to applications.
deletion-password = Your password
deletion-password-hint = Enter your password to confirm the deletion.
deletion-no-password = Your account has no password: the sign-in you just made confirms the deletion.
deletion-submit = Delete
deletion-notice-requested = Your account is scheduled for deletion and you have been signed out everywhere. Until it is erased, you can restore it by signing in here.
deletion-error-already = This account is already scheduled for deletion: its data will be erased on { $date }. Nothing was changed.
deletion-error-not_pending = This account is not scheduled for deletion, so there is nothing to restore. Sign in to continue.
deletion-error-expired = This recovery page has expired. Sign in again to restore your account.
deletion-error-nothing = There is no account to restore here. If its grace period has ended, its data has been erased for good; otherwise, sign in again.
deletion-scheduled-title = Account scheduled for deletion
deletion-scheduled-body = This account is scheduled for deletion. Its data will be erased on { $date }.
deletion-scheduled-apps = Until then it cannot be used to sign in to applications.
deletion-restore-title = Your account is scheduled for deletion
deletion-restore-body = Its data will be erased on { $date }. If you restore it now, your profile, identifiers, application permissions and business card are back as they were.
deletion-restore-after = Sessions and application sign-ins that ended when you deleted the account stay ended: applications ask you to sign in again.
deletion-restore-submit = Restore account
deletion-restore-sign_out = Sign out
deletion-mail-subject = Your account at { $product } is scheduled for deletion
deletion-mail-body = Your account at { $product } was deleted and signed out everywhere. Its data will be erased on { $date }.
deletion-mail-restore = Until then you can restore it: sign in to your account at { $product } (not through an application) and choose Restore account.
deletion-mail-outro = If you did not delete your account, restore it at once and change your password.
event-account-deletion_requested = Account deletion requested
event-account-restored = Account restored
event-account-erased = Account erased
event-sign_in-pending_deletion = Signed in while deletion is pending
flow-reauth-deletion = For your security, sign in again to delete your account.
