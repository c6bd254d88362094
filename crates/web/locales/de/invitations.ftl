# Invitations to closed applications: the mail, the link, the Requests tab.
