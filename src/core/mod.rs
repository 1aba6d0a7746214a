//! The core: accounts, secrets, providers, tokens and launching. No GUI or CLI code here.

pub mod account;
pub mod account_bulk;
pub mod account_changes;
pub mod audit;
pub mod audit_actions;
pub mod audit_csv;
pub mod audit_read;
pub mod autostart;
pub mod blocking;
pub mod browser;
pub mod clipboard;
pub mod clock;
pub mod credential_book;
pub mod credentials;
pub mod discovery;
pub mod engine;
pub mod engine_error;
pub mod error;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod http;
pub mod human_time;
pub mod launch;
pub mod link;
pub mod loopback;
pub mod paths;
#[cfg(test)]
mod properties_tests;
pub mod protocol;
pub mod provider;
pub mod search;
pub mod secret;
pub mod server_text;
pub mod sessions;
pub mod sign_in;
pub mod store;
pub mod team;
pub mod tokens;
pub mod transfer;
pub mod transfer_csv;
pub mod transfer_plan;
pub mod vault_migrate;
pub mod watch;
pub mod worker;
