-- Applications reach every node within seconds. Each node keeps the applications it
-- authenticates clients against in memory (the token endpoint's client lookup); every
-- change to `applications`, whoever makes it (the server, the CLI, a cascade, an
-- operator with sqlite3), moves this one-row counter in the same transaction through
-- the triggers below, and the server reads it every second and drops what it holds
-- when it moved.
CREATE TABLE application_generation (
    id         INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO application_generation (id, generation) VALUES (1, 0);

CREATE TRIGGER applications_inserted AFTER INSERT ON applications BEGIN
    UPDATE application_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER applications_updated AFTER UPDATE ON applications BEGIN
    UPDATE application_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER applications_deleted AFTER DELETE ON applications BEGIN
    UPDATE application_generation SET generation = generation + 1 WHERE id = 1;
END;
