## shell: messages of the console shell (kept apart so that concerns do not collide)
shell-skip = Skip to content
shell-menu = Menu
shell-nav = Account console
shell-privacy-of = Who can see { $field }
shell-photo-block = Profile photo
shell-photo-remove-title = Delete the profile photo
shell-photo-remove-question = Delete your profile photo? Applications and your business card will no longer show it.
notice-photo_removed = Photo removed.
shell-photo-current = Current photo
shell-photo-none = No photo yet.
shell-photo-keep = Keep the current photo
