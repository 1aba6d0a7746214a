//! Integration tests, in one binary so the dependency tree is linked once.

mod ags_refresh;
mod browser_choice;
mod cli_accounts;
mod clipboard;
mod demo_all;
mod e2e_oidc_provider;
mod flow_ags;
mod flow_assuresign;
mod flow_faults;
mod flow_licensespring;
mod flow_signnow;
mod flow_sovos;
mod flow_sovos_browser;
mod gui;
mod gui_support;
mod gui_tabs;
mod gui_window;
mod loopback;
mod oidc_transport;
mod sandbox_contract;
mod sandbox_licensespring;
mod sandbox_sovos_code;
mod secrets_leak;
mod support;
