//! HTTP-level tests: each starts the real server on port 0 with its own database.
//! `ONBOARD_TEST_DB=postgres` runs them against a fresh PostgreSQL database each.

mod helpers;

mod accept;
mod assets;
mod access;
mod audit_log;
mod cli;
mod content_policy;
mod cross_site;
mod database;
mod hostile_uploads;
mod housekeeping;
mod import_authority;
mod imports;
mod invitation_actions;
mod invitation_batches;
mod invitation_rules;
mod invite_http;
mod lists;
mod mail;
mod migrations;
mod organisation;
mod people;
mod recovery;
mod reminders;
mod outbox_workers;
mod setup;
mod shop_floor;
mod shop_floor_tabs;
mod sign_in;
mod server_functions;
mod sign_in_limits;
mod two_servers;
