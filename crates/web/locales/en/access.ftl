# Closed applications: the page for people without access.
closed-title = By invitation only
closed-heading = This application is by invitation only
closed-explain = { $app } lets in only people who have been invited. To use it, you need an invitation sent to a verified email address of your account: accept it on your Requests page or through the link in the invitation email.
closed-signed-in-as = You are signed in as { $name }.
closed-requests = Open your Requests page
closed-switch-hint = Invited under another account? Sign out, then sign in with that account: you come straight back here.
closed-switch = Sign out and use another account

# The operator's changes of access, in the activity log.
event-access-granted_by_operator = Access to a closed application granted by the operator
event-access-revoked_by_operator = Access to a closed application taken away by the operator

# The operator's changes of access, refused.
access-error-unknown_application = There is no application with this client ID.
access-error-unknown_user = There is no account with this login, verified email address or ID.
access-error-application_not_closed = Access is only for closed applications: this application is open to everyone. Close it first.
access-error-access_not_held = This person does not hold access to this application.

api-error-cross_site_request = This request came from another website, so it was refused. Use the API from Sigil's own pages or from a program, not from another site.
