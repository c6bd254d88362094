## shell: messages of the console shell (kept apart so that concerns do not collide)
