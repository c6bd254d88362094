-- A person's field values and privacy choices are also kept on their own row, as one
-- JSON document `{"v": {field: value}, "p": {field: level}}` in `users.fields`, so that
-- reading a profile (the public page, userinfo, the console, an ID token) walks one
-- B-tree instead of three: with a million accounts those pages are seldom in a cache.
-- `field_values` and `field_privacy` stay the tables every write goes to; the triggers
-- below rebuild the document from them in the same statement, whoever writes (the
-- server, the CLI, a cascade, an operator with sqlite3), and move the profile version
-- as 0027's triggers did. The document is derived: any other update of the row that
-- leaves the version where it was (even one that sets the document by hand) rebuilds
-- it too, so `UPDATE users SET profile_version = profile_version` repairs a document
-- after a change made with the triggers off.
ALTER TABLE users ADD COLUMN fields TEXT NOT NULL DEFAULT '{"v":{},"p":{}}';

DROP TRIGGER users_profile_changed;
DROP TRIGGER field_values_inserted;
DROP TRIGGER field_values_updated;
DROP TRIGGER field_values_deleted;
DROP TRIGGER field_privacy_inserted;
DROP TRIGGER field_privacy_updated;
DROP TRIGGER field_privacy_deleted;

-- (`json()` keeps each aggregate a JSON object across the subquery's boundary.)
CREATE TRIGGER users_profile_changed AFTER UPDATE ON users
    WHEN NEW.profile_version <= OLD.profile_version
BEGIN
    UPDATE users SET profile_version = OLD.profile_version + 1, fields = json_object(
        'v', json((SELECT json_group_object(field_key, value) FROM field_values
                   WHERE user_id = users.id)),
        'p', json((SELECT json_group_object(field_key, level) FROM field_privacy
                   WHERE user_id = users.id)))
    WHERE id = NEW.id;
END;

CREATE TRIGGER field_values_inserted AFTER INSERT ON field_values BEGIN
    UPDATE users SET profile_version = profile_version + 1, fields = json_object(
        'v', json((SELECT json_group_object(field_key, value) FROM field_values
                   WHERE user_id = users.id)),
        'p', json((SELECT json_group_object(field_key, level) FROM field_privacy
                   WHERE user_id = users.id)))
    WHERE id = NEW.user_id;
END;
CREATE TRIGGER field_values_updated AFTER UPDATE ON field_values BEGIN
    UPDATE users SET profile_version = profile_version + 1, fields = json_object(
        'v', json((SELECT json_group_object(field_key, value) FROM field_values
                   WHERE user_id = users.id)),
        'p', json((SELECT json_group_object(field_key, level) FROM field_privacy
                   WHERE user_id = users.id)))
    WHERE id = NEW.user_id OR id = OLD.user_id;
END;
CREATE TRIGGER field_values_deleted AFTER DELETE ON field_values BEGIN
    UPDATE users SET profile_version = profile_version + 1, fields = json_object(
        'v', json((SELECT json_group_object(field_key, value) FROM field_values
                   WHERE user_id = users.id)),
        'p', json((SELECT json_group_object(field_key, level) FROM field_privacy
                   WHERE user_id = users.id)))
    WHERE id = OLD.user_id;
END;

CREATE TRIGGER field_privacy_inserted AFTER INSERT ON field_privacy BEGIN
    UPDATE users SET profile_version = profile_version + 1, fields = json_object(
        'v', json((SELECT json_group_object(field_key, value) FROM field_values
                   WHERE user_id = users.id)),
        'p', json((SELECT json_group_object(field_key, level) FROM field_privacy
                   WHERE user_id = users.id)))
    WHERE id = NEW.user_id;
END;
CREATE TRIGGER field_privacy_updated AFTER UPDATE ON field_privacy BEGIN
    UPDATE users SET profile_version = profile_version + 1, fields = json_object(
        'v', json((SELECT json_group_object(field_key, value) FROM field_values
                   WHERE user_id = users.id)),
        'p', json((SELECT json_group_object(field_key, level) FROM field_privacy
                   WHERE user_id = users.id)))
    WHERE id = NEW.user_id OR id = OLD.user_id;
END;
CREATE TRIGGER field_privacy_deleted AFTER DELETE ON field_privacy BEGIN
    UPDATE users SET profile_version = profile_version + 1, fields = json_object(
        'v', json((SELECT json_group_object(field_key, value) FROM field_values
                   WHERE user_id = users.id)),
        'p', json((SELECT json_group_object(field_key, level) FROM field_privacy
                   WHERE user_id = users.id)))
    WHERE id = OLD.user_id;
END;

-- The documents of the people there are, built by the trigger on `users` above (which
-- moves the version too).
UPDATE users SET profile_version = profile_version
WHERE EXISTS (SELECT 1 FROM field_values WHERE user_id = users.id)
   OR EXISTS (SELECT 1 FROM field_privacy WHERE user_id = users.id);
