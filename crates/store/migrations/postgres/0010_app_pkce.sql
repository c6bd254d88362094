-- Every application must use PKCE (OAuth 2.1; RFC 9700 §2.1.1) unless the operator lets a
-- confidential client (a legacy relying party) go without it: `sigil app create
-- --allow-no-pkce` or `"allow_no_pkce": true` in the admin API. Applications registered
-- before this migration get the default, FALSE: from now on their authorization requests
-- need a code_challenge, and a confidential client that sent none is answered
-- invalid_request until it adds PKCE (or is registered again with the setting).
ALTER TABLE applications ADD COLUMN allow_no_pkce BOOLEAN NOT NULL DEFAULT FALSE;
