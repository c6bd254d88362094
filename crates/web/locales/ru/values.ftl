## values: messages of the console values (kept apart so that concerns do not collide)
