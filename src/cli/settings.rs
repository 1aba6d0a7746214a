//! `sso-launcher settings list|get|set|unset`: settings.toml for admins and scripts, written
//! key by key and checked as the window's Settings tab checks it.

use serde_json::{Value, json};

use super::args::SettingsCommand;
use super::output::Output;
use super::report::CliError;
use crate::core::engine::Engine;
use crate::core::store::settings::{SETTING_KEYS, Settings};
use crate::core::store::settings_change::SettingsChange;

pub fn run(command: SettingsCommand, engine: &Engine, out: &Output) -> Result<(), CliError> {
    match command {
        SettingsCommand::List => {
            let set = values(&engine.settings());
            out.data(
                || {
                    SETTING_KEYS
                        .iter()
                        .map(|key| match set.get(*key) {
                            Some(value) => format!("{key} = {value}"),
                            None => format!("{key} (default)"),
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                },
                || {
                    let all: serde_json::Map<String, Value> = SETTING_KEYS
                        .iter()
                        .map(|key| (key.to_string(), set.get(*key).map_or(Value::Null, json_of)))
                        .collect();
                    Value::Object(all)
                },
            );
        }
        SettingsCommand::Get { key } => {
            let key = known(&key)?;
            let value = values(&engine.settings()).get(key).cloned();
            out.data(
                || value.as_ref().map(plain).unwrap_or_default(),
                || json!({"key": key, "value": value.as_ref().map_or(Value::Null, json_of)}),
            );
        }
        SettingsCommand::Set { key, value } => {
            let key = known(&key)?;
            let value = value
                .parse::<toml::Value>()
                .ok()
                .or_else(|| {
                    format!("v = {value}")
                        .parse::<toml::Table>()
                        .ok()?
                        .remove("v")
                })
                .unwrap_or(toml::Value::String(value));
            check_value(key, &value)?;
            let saved = engine.change_settings(&SettingsChange::set(key, Some(value)))?;
            report(key, &saved, out);
        }
        SettingsCommand::Unset { key } => {
            let key = known(&key)?;
            let saved = engine.change_settings(&SettingsChange::set(key, None))?;
            report(key, &saved, out);
        }
    }
    Ok(())
}

/// The key, if settings.toml knows it; else a usage error that lists those it does.
fn known(key: &str) -> Result<&'static str, CliError> {
    SETTING_KEYS
        .iter()
        .find(|known| **known == key)
        .copied()
        .ok_or_else(|| {
            CliError::usage(format!("there is no setting '{key}'"))
                .with_hint(format!("The settings are: {}.", SETTING_KEYS.join(", ")))
        })
}

/// Refuses a value the setting cannot take before the file is touched: its type, then its
/// range, in the words the window's Settings tab uses.
fn check_value(key: &str, value: &toml::Value) -> Result<(), CliError> {
    let refused = |why: String| {
        CliError::usage(format!("{key} = {value} is not a value it takes: {why}"))
            .with_hint("settings.toml was not changed.")
    };
    let mut alone = toml::Table::new();
    alone.insert("schema_version".into(), toml::Value::Integer(1));
    alone.insert(key.into(), value.clone());
    let settings: Settings = alone
        .try_into()
        .map_err(|err: toml::de::Error| refused(err.message().trim().to_string()))?;
    settings.check().map_err(refused)
}

/// The keys settings.toml sets (those left out take their defaults).
fn values(settings: &Settings) -> toml::Table {
    toml::Table::try_from(settings).unwrap_or_default()
}

fn report(key: &str, saved: &Settings, out: &Output) {
    let value = values(saved).get(key).cloned();
    out.data(
        || match &value {
            Some(value) => format!("{key} = {value}"),
            None => format!("{key}: the default applies"),
        },
        || json!({"key": key, "value": value.as_ref().map_or(Value::Null, json_of)}),
    );
}

/// A value as a script reads it: text without quotes, the rest as TOML writes it.
fn plain(value: &toml::Value) -> String {
    match value {
        toml::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn json_of(value: &toml::Value) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}
