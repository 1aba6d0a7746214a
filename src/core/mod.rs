//! The core: accounts, secrets, providers, tokens and launching. No GUI or CLI code here.

pub mod account;
pub mod audit;
pub mod browser;
pub mod clipboard;
pub mod clock;
pub mod discovery;
pub mod engine;
pub mod error;
pub mod http;
pub mod launch;
pub mod loopback;
pub mod paths;
pub mod protocol;
pub mod provider;
pub mod secret;
pub mod sessions;
pub mod sign_in;
pub mod store;
pub mod tokens;
pub mod transfer;
pub mod worker;
mod worker_tasks;
mod worker_tokens;
