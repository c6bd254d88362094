## docs: messages of the console docs (kept apart so that concerns do not collide)
card-on = aktiv
card-off = inaktiv
