//! `sso-launcher credentials ...`: credential sets, the secrets many accounts share.

use serde_json::{Value, json};

use super::accounts::parse_settings;
use super::args::{CredentialAddArgs, CredentialEditArgs, CredentialsCommand};
use super::output::Output;
use super::report::CliError;
use super::secrets_input;
use crate::core::account::ProviderId;
use crate::core::credential_book::CredentialEdit;
use crate::core::credentials::{CredentialSet, check_set, shareable_secrets};
use crate::core::engine::Engine;
use crate::core::provider::require_provider;

pub async fn run(
    command: CredentialsCommand,
    engine: &Engine,
    out: &Output,
) -> Result<(), CliError> {
    match command {
        CredentialsCommand::Add(args) => add(args, engine, out),
        CredentialsCommand::Edit(args) => edit(args, engine, out).await,
        CredentialsCommand::List => list(engine, out),
        CredentialsCommand::Remove(args) => {
            let removed = engine.remove_credential_set(&args.name).await?;
            out.data(
                || {
                    format!(
                        "Removed the credential set '{}' and its secrets.",
                        removed.name
                    )
                },
                || json!({"removed": set_json(&removed)}),
            );
            Ok(())
        }
    }
}

fn add(args: CredentialAddArgs, engine: &Engine, out: &Output) -> Result<(), CliError> {
    let provider: ProviderId = args.provider.parse().map_err(CliError::usage)?;
    let mut set = CredentialSet::new(args.name.trim(), provider);
    set.settings = parse_settings(&args.set)?;
    // Checked before any secret is asked for.
    check_set(&set).map_err(|message| {
        CliError::usage(message).with_hint(
            "What names the customer stays on each account: `accounts add|edit NAME --set KEY=VALUE`.",
        )
    })?;
    let shareable = shareable_secrets(provider);
    let secrets = secrets_input::collect(&shareable, &args.secrets, &required_in_set(provider))?;
    let saved = engine.add_credential_set(set, secrets)?;
    out.data(
        || {
            format!(
                "Added the credential set '{}' ({}). Accounts use it with --credential \"{}\".",
                saved.name,
                saved.provider.display_name(),
                saved.name
            )
        },
        || set_json(&saved),
    );
    Ok(())
}

async fn edit(args: CredentialEditArgs, engine: &Engine, out: &Output) -> Result<(), CliError> {
    let sets = engine.credential_sets()?;
    let Some(current) = crate::core::credentials::find_set(&sets, &args.name) else {
        return Err(crate::core::engine_error::EngineError::CredentialUnknown(args.name).into());
    };
    let shareable = shareable_secrets(current.provider);
    let secrets = secrets_input::collect(&shareable, &args.secrets, &[])?;
    let change = CredentialEdit {
        set: parse_settings(&args.set)?,
        unset: args.unset,
    };
    let saved = engine
        .edit_credential_set(&current.name, change, secrets)
        .await?;
    out.data(
        || {
            format!(
                "Saved the credential set '{}'; the accounts that use it sign in afresh.",
                saved.name
            )
        },
        || set_json(&saved),
    );
    Ok(())
}

fn list(engine: &Engine, out: &Output) -> Result<(), CliError> {
    let summaries = engine.credential_summaries()?;
    out.data(
        || {
            if summaries.is_empty() {
                return "No credential sets yet. Add one with `sso-launcher credentials add NAME --provider PROVIDER`.".into();
            }
            let mut lines = Vec::new();
            for summary in &summaries {
                let secrets: Vec<String> = summary
                    .secrets
                    .iter()
                    .map(|(name, set)| format!("{name} {}", if *set { "set" } else { "not set" }))
                    .collect();
                lines.push(format!(
                    "{}  ({}; {}; used by {} account(s))",
                    summary.set.name,
                    summary.set.provider.id(),
                    secrets.join(", "),
                    summary.used_by.len()
                ));
                for (key, value) in &summary.set.settings {
                    lines.push(format!("  {key} = {value}"));
                }
            }
            lines.join("\n")
        },
        || {
            Value::Array(
                summaries
                    .iter()
                    .map(|summary| {
                        let mut value = set_json(&summary.set);
                        value["used_by"] = json!(summary.used_by);
                        value["secrets"] = summary
                            .secrets
                            .iter()
                            .map(|(name, set)| (name.to_string(), Value::Bool(*set)))
                            .collect::<serde_json::Map<_, _>>()
                            .into();
                        value
                    })
                    .collect(),
            )
        },
    );
    Ok(())
}

/// The shareable secrets a new set must have: those the provider always requires.
fn required_in_set(provider: ProviderId) -> Vec<&'static str> {
    let shareable = shareable_secrets(provider);
    let blank = crate::core::account::Account::new("", provider);
    require_provider(provider)
        .required_secrets(&blank)
        .into_iter()
        .filter(|name| shareable.contains(name))
        .collect()
}

fn set_json(set: &CredentialSet) -> Value {
    json!({
        "id": set.id.to_string(),
        "name": set.name,
        "provider": set.provider.id(),
        "settings": set.settings,
    })
}
