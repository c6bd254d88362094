# Closed applications: the page for people without access.
