## shell: messages of the console shell (kept apart so that concerns do not collide)
shell-skip = Перейти к содержимому
shell-menu = Меню
shell-nav = Личный кабинет
shell-privacy-of = Кто видит: { $field }
shell-photo-block = Фото профиля
shell-photo-remove-title = Удаление фото профиля
shell-photo-remove-question = Удалить фото профиля? Приложения и ваша визитная карточка больше не будут его показывать.
notice-photo_removed = Фото удалено.
shell-photo-current = Текущее фото
shell-photo-none = Фото пока нет.
shell-photo-keep = Оставить текущее фото
