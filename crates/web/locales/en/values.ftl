## values: messages of the console values (kept apart so that concerns do not collide)
# A time as the server shows it (it does not know the reader's zone); $time is formatted.
values-utc = { $time } UTC
events-filter = Category
events-filter-all = All events
events-filter-apply = Show
events-filter-empty = No events of this category.
events-pages = Pages of the event log
events-no_app = No application
events-client_id = Application identifier (client_id)
# "Firefox 128.0 on Linux"
events-browser_on_os = { $browser } on { $os }

# What an event did, on its line and in its details.
values-what = What
values-what-linked_account = A linked account
values-what-profile_private-on = Switched on
values-what-profile_private-off = Switched off
values-what-card-on = Switched on
values-what-card-off = Switched off
values-what-code_sent = To { $to } by { $via }
