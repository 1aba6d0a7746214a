//! sso-launcher: open a provider's sign-on page, or hand out a fresh token, from saved accounts.

pub mod cli;
pub mod core;
#[cfg(feature = "gui")]
pub mod desktop;
#[cfg(feature = "gui")]
pub mod gui;
pub mod sandbox;
