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

    /// An id made from a UUID another record owns (a credential set names its vault entries
    /// this way).
    pub(crate) fn from_uuid(id: uuid::Uuid) -> Self {
        Self(id)
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

/// A provider, known by its id ("assuresign"): one of those registered in
/// [`crate::core::provider::registry`], which says everything else about it (name, badge,
/// fields, flow). Only a provider module declares one; files and the command line are read
/// through the registry, so an id in hand is always a registered provider.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProviderId(&'static str);

impl ProviderId {
    /// A provider module's own id; it must be registered to be used.
    pub const fn declare(id: &'static str) -> Self {
        Self(id)
    }

    /// The identifier used in files and on the command line.
    pub fn id(self) -> &'static str {
        self.0
    }

    pub fn display_name(self) -> &'static str {
        crate::core::provider::registry::get(self)
            .spec()
            .display_name
    }

    /// Every registered provider, in the registry's order.
    pub fn all() -> impl Iterator<Item = ProviderId> {
        crate::core::provider::registry::all().map(|provider| provider.spec().id)
    }
}

impl fmt::Debug for ProviderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Display for ProviderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl FromStr for ProviderId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::all()
            .find(|id| id.0.eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let known: Vec<_> = Self::all().map(ProviderId::id).collect();
                format!("unknown provider '{s}'; use one of: {}", known.join(", "))
            })
    }
}

impl Serialize for ProviderId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for ProviderId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// One saved account. Secrets live in the vault under the account's id, never here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    pub provider: ProviderId,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default)]
    pub favourite: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Which of the customer's systems it reaches: `production`, `staging`, `sandbox` or free
    /// text (not `environment`, which providers use for their hosts). Launching a stage
    /// listed in `confirm_stages` asks first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// The credential set it signs in with (by name): the shareable secrets come from the set
    /// (the account's own only where the set has none), and the account's own settings win
    /// over the set's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
    /// Provider settings as the user wrote them; each provider parses and validates its own.
    #[serde(default)]
    pub settings: BTreeMap<String, String>,
}

impl Account {
    pub fn new(name: impl Into<String>, provider: ProviderId) -> Self {
        Self {
            id: AccountId::new_random(),
            name: name.into(),
            provider,
            tags: Vec::new(),
            favourite: false,
            notes: String::new(),
            stage: None,
            credential: None,
            settings: BTreeMap::new(),
        }
    }

    /// The account's stage, trimmed; `None` when it has none.
    pub fn stage(&self) -> Option<&str> {
        self.stage
            .as_deref()
            .map(str::trim)
            .filter(|stage| !stage.is_empty())
    }

    /// The name of the credential set it uses, trimmed; `None` when it has its own secrets.
    pub fn credential(&self) -> Option<&str> {
        self.credential
            .as_deref()
            .map(str::trim)
            .filter(|name| !name.is_empty())
    }

    /// A setting's value, with surrounding whitespace removed; `None` when absent or blank.
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings
            .get(key)
            .map(|value| value.trim())
            .filter(|value| !value.is_empty())
    }
}
