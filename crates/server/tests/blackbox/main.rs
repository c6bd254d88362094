//! The black-box suite: the real server, started on port 0 with its own database (a
//! fresh SQLite file or PostgreSQL database per test), spoken to over HTTP.
mod helpers;

mod accounts;
mod api;
mod browser;
mod cards;
mod cli;
mod concurrency;
mod contacts;
mod csrf;
mod field_hygiene;
mod housekeeping;
mod http_hygiene;
mod identifiers;
mod identifiers_sign_in;
mod keys;
mod language;
mod linking;
mod notices;
mod oidc_flow;
mod oidc_hardening;
mod oidc_helpers;
mod oidc_tokens;
mod pages;
mod password;
mod password_strength;
mod phones;
mod photos;
mod privacy;
mod profile;
mod provider_network;
mod secure_links;
mod sessions;
mod slips;
mod smtp;
mod throttle;
