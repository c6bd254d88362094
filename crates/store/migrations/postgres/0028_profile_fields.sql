-- A person's field values and privacy choices are also kept on their own row, as one
-- JSON document `{"v": {field: value}, "p": {field: level}}` in `users.fields`, so that
-- reading a profile (the public page, userinfo, the console, an ID token) visits one
-- index and one heap page instead of three of each: with a million accounts those pages
-- are seldom in shared buffers. `field_values` and `field_privacy` stay the tables every
-- write goes to. Every update of a person's row rebuilds their document (below), and
-- 0027's triggers update the row on every change to their fields, in the same
-- transaction, whoever writes (a node, the CLI, a cascade, an operator with psql). The
-- document is derived: an update that sets it by hand gets it rebuilt.
ALTER TABLE users ADD COLUMN fields JSONB NOT NULL DEFAULT '{"v": {}, "p": {}}';

-- The document of `person`. VOLATILE, so that it reads with a snapshot of its own:
-- called from the row trigger below, which runs once the row is locked, it sees every
-- change committed before the lock was granted, so two transactions that change
-- different fields of one person at once both end up in the document.
CREATE FUNCTION profile_fields_of(person TEXT) RETURNS JSONB LANGUAGE sql VOLATILE AS $$
    SELECT jsonb_build_object(
        'v', COALESCE((SELECT jsonb_object_agg(field_key, value) FROM field_values
                       WHERE user_id = person), '{}'::jsonb),
        'p', COALESCE((SELECT jsonb_object_agg(field_key, level) FROM field_privacy
                       WHERE user_id = person), '{}'::jsonb))
$$;

CREATE OR REPLACE FUNCTION bump_profile_version_of_user() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.profile_version := OLD.profile_version + 1;
    NEW.fields := profile_fields_of(NEW.id);
    RETURN NEW;
END
$$;

-- The documents of the people there are.
UPDATE users SET profile_version = profile_version
WHERE EXISTS (SELECT 1 FROM field_values WHERE user_id = users.id)
   OR EXISTS (SELECT 1 FROM field_privacy WHERE user_id = users.id);
