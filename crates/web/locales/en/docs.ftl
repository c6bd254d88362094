## docs: messages of the console docs (kept apart so that concerns do not collide)
# The business card's activity state: "Activity: on". Apart from privacy-on/off because
# other languages agree it with "activity" (Russian: feminine).
card-on = on
card-off = off
