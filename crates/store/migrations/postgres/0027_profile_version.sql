-- Userinfo on a node that keeps the profiles it served in memory. Every change to a
-- person's row, field values or privacy choices, whoever makes it (a node, the CLI, a
-- cascade, an operator with psql), moves `users.profile_version` in the same
-- transaction through the triggers below. Userinfo reads the version with the grant on
-- every request and answers from memory only when it is the one the held profile was
-- read at: nothing held can be older than the database.
ALTER TABLE users ADD COLUMN profile_version BIGINT NOT NULL DEFAULT 0;

-- A change to the row itself, made in the row being written (no second update).
CREATE FUNCTION bump_profile_version_of_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.profile_version := OLD.profile_version + 1;
    RETURN NEW;
END
$$;

CREATE TRIGGER users_profile_changed BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION bump_profile_version_of_user();

-- A change to a field value or a privacy choice moves its person's version (through
-- the trigger above).
CREATE FUNCTION bump_profile_version_of_field() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE users SET profile_version = profile_version WHERE id = OLD.user_id;
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.user_id <> OLD.user_id) THEN
        UPDATE users SET profile_version = profile_version WHERE id = NEW.user_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER field_values_profile_changed AFTER INSERT OR UPDATE OR DELETE ON field_values
    FOR EACH ROW EXECUTE FUNCTION bump_profile_version_of_field();
CREATE TRIGGER field_privacy_profile_changed AFTER INSERT OR UPDATE OR DELETE ON field_privacy
    FOR EACH ROW EXECUTE FUNCTION bump_profile_version_of_field();

-- TRUNCATE fires no row trigger: it moves every person's version.
CREATE FUNCTION bump_every_profile_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET profile_version = profile_version;
    RETURN NULL;
END
$$;

CREATE TRIGGER field_values_truncated AFTER TRUNCATE ON field_values
    FOR EACH STATEMENT EXECUTE FUNCTION bump_every_profile_version();
CREATE TRIGGER field_privacy_truncated AFTER TRUNCATE ON field_privacy
    FOR EACH STATEMENT EXECUTE FUNCTION bump_every_profile_version();
