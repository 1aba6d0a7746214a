//! Saved provider accounts: what is stored in `accounts.toml` (never a secret).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A stable account identifier; the keyring entries and lock files are named after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccountId(uuid::Uuid);

impl AccountId {
    pub fn new_random() -> Self {
        Self(uuid::Uuid::new_v4())
    }

    /// The all-zero id, never given to an account (used for health probes).
    pub fn nil() -> Self {
        Self(uuid::Uuid::nil())
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl FromStr for AccountId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        uuid::Uuid::parse_str(s).map(Self)
    }
}

/// The five supported providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    Assuresign,
    Ags,
    Licensespring,
    Signnow,
    Sovos,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 5] = [
        Self::Assuresign,
        Self::Ags,
        Self::Licensespring,
        Self::Signnow,
        Self::Sovos,
    ];

    /// The identifier used in files and on the command line.
    pub fn id(self) -> &'static str {
        match self {
            Self::Assuresign => "assuresign",
            Self::Ags => "ags",
            Self::Licensespring => "licensespring",
            Self::Signnow => "signnow",
            Self::Sovos => "sovos",
        }
    }

    pub fn display_name(self) -> &'static str {
        match self {
            Self::Assuresign => "AssureSign",
            Self::Ags => "AGS",
            Self::Licensespring => "LicenseSpring",
            Self::Signnow => "signNow",
            Self::Sovos => "Sovos Signer",
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for ProviderKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.id().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let known: Vec<_> = Self::ALL.iter().map(|k| k.id()).collect();
                format!("unknown provider '{s}'; use one of: {}", known.join(", "))
            })
    }
}

/// One saved account. Secrets live in the vault under the account's id, never here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    pub provider: ProviderKind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default)]
    pub favourite: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Provider settings as the user wrote them; each provider parses and validates its own.
    #[serde(default)]
    pub settings: BTreeMap<String, String>,
}

impl Account {
    pub fn new(name: impl Into<String>, provider: ProviderKind) -> Self {
        Self {
            id: AccountId::new_random(),
            name: name.into(),
            provider,
            tags: Vec::new(),
            favourite: false,
            notes: String::new(),
            settings: BTreeMap::new(),
        }
    }

    /// A setting's value, with surrounding whitespace removed; `None` when absent or blank.
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings
            .get(key)
            .map(|value| value.trim())
            .filter(|value| !value.is_empty())
    }
}
