-- The operating system the User-Agent named at sign-in, so the Devices page can say
-- "Firefox on Linux" as the Event log does. Sessions from before it show the browser alone.
ALTER TABLE sessions ADD COLUMN os TEXT;
