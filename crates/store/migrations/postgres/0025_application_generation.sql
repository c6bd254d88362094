-- Applications reach every node within seconds. Each node keeps the applications it
-- authenticates clients against in memory (the token endpoint's client lookup); every
-- change to `applications`, whoever makes it (a node, the CLI, a cascade, an operator
-- with psql), moves this one-row counter in the same transaction through the trigger
-- below, and each node reads it every second and drops what it holds when it moved.
CREATE TABLE application_generation (
    id         INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO application_generation (id, generation) VALUES (1, 0);

CREATE FUNCTION bump_application_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE application_generation SET generation = generation + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER applications_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON applications
    FOR EACH STATEMENT EXECUTE FUNCTION bump_application_generation();
