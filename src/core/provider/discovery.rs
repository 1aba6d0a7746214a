//! A provider's discovery: asking its server which choices it offers for one setting while an
//! account is set up (AGS: the gateway's services, for `auth_service_id`). The editor and the
//! `discover` command read these types; only the provider knows its server's format.

use serde::Serialize;

/// What the editor and the CLI need to offer a provider's discovery.
#[derive(Debug, Clone, Copy)]
pub struct DiscoverySpec {
    /// The settings discovery needs, valid and filled in, before it can run.
    pub needs: &'static [&'static str],
    /// The setting a choice fills in.
    pub fills: &'static str,
    /// What the choices are, in the plural ("services").
    pub choices_are: &'static str,
    /// What to do with a choice, after the CLI's list of them.
    pub next_step: &'static str,
}

/// One choice the server offers. The field names are those of `discover --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiscoveredChoice {
    /// The value for the setting it fills.
    pub id: String,
    pub display_name: Option<String>,
    /// The calls a sign-on with it makes, and what each takes.
    pub endpoints: Vec<DiscoveredCall>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiscoveredCall {
    pub name: String,
    pub path: String,
    pub parameters: Vec<DiscoveredParameter>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiscoveredParameter {
    pub name: String,
    pub mandatory: bool,
    pub is_password: bool,
}

/// A setting a discovered choice adds to the account's form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredSetting {
    pub key: String,
    pub label: String,
    pub required: bool,
}

impl DiscoveredChoice {
    /// How a list shows it: its id, and its name when the server gives one.
    pub fn label(&self) -> String {
        match &self.display_name {
            Some(name) => format!("{} ({name})", self.id),
            None => self.id.clone(),
        }
    }
}
