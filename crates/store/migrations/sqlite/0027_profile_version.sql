-- Userinfo on a node that keeps the profiles it served in memory. Every change to a
-- person's row, field values or privacy choices, whoever makes it (the server, the
-- CLI, a cascade, an operator with sqlite3), moves `users.profile_version` in the same
-- transaction through the triggers below. Userinfo reads the version with the grant on
-- every request and answers from memory only when it is the one the held profile was
-- read at: nothing held can be older than the database. (SQLite runs no trigger-less
-- truncation of a table that has triggers: `DELETE FROM field_values` fires them.)
ALTER TABLE users ADD COLUMN profile_version BIGINT NOT NULL DEFAULT 0;

-- A change to the row itself; the WHEN clause keeps the trigger's own update (and the
-- ones below, which already move the version) from counting twice, and moves the
-- version on past the old one when an update set it by hand (never back, never the
-- same number for other content).
CREATE TRIGGER users_profile_changed AFTER UPDATE ON users
    WHEN NEW.profile_version <= OLD.profile_version
BEGIN
    UPDATE users SET profile_version = OLD.profile_version + 1 WHERE id = NEW.id;
END;

CREATE TRIGGER field_values_inserted AFTER INSERT ON field_values BEGIN
    UPDATE users SET profile_version = profile_version + 1 WHERE id = NEW.user_id;
END;
CREATE TRIGGER field_values_updated AFTER UPDATE ON field_values BEGIN
    UPDATE users SET profile_version = profile_version + 1
        WHERE id = NEW.user_id OR id = OLD.user_id;
END;
CREATE TRIGGER field_values_deleted AFTER DELETE ON field_values BEGIN
    UPDATE users SET profile_version = profile_version + 1 WHERE id = OLD.user_id;
END;

CREATE TRIGGER field_privacy_inserted AFTER INSERT ON field_privacy BEGIN
    UPDATE users SET profile_version = profile_version + 1 WHERE id = NEW.user_id;
END;
CREATE TRIGGER field_privacy_updated AFTER UPDATE ON field_privacy BEGIN
    UPDATE users SET profile_version = profile_version + 1
        WHERE id = NEW.user_id OR id = OLD.user_id;
END;
CREATE TRIGGER field_privacy_deleted AFTER DELETE ON field_privacy BEGIN
    UPDATE users SET profile_version = profile_version + 1 WHERE id = OLD.user_id;
END;
