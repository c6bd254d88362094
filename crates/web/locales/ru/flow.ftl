## flow: messages of the console flow (kept apart so that concerns do not collide)
