-- OpenID Connect Back-Channel Logout 1.0 §2.2: an application may register the URI to
-- which Sigil POSTs a logout token when a session of the person ends there, and whether
-- it needs the `sid` claim in it. Applications registered before this migration have
-- none and are not told.
ALTER TABLE applications ADD COLUMN backchannel_logout_uri TEXT;
ALTER TABLE applications ADD COLUMN backchannel_logout_session_required BOOLEAN NOT NULL DEFAULT FALSE;
