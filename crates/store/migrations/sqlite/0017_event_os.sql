-- The operating system the User-Agent named, so the Event log can say "Firefox on Linux".
-- Events from before this migration have none and show the browser alone.
ALTER TABLE events ADD COLUMN os TEXT;
