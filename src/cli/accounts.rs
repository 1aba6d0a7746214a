//! `sso-launcher accounts ...`

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};

use serde_json::{Value, json};

use super::args::{AccountsCommand, AddArgs, EditArgs, FieldArgs, RemoveArgs};
use super::output::Output;
use super::report::CliError;
use super::secrets_input;
use crate::core::account::{Account, ProviderId};
use crate::core::account_changes::{AccountEdit, check_account_using};
use crate::core::credentials::shareable_secrets;
use crate::core::engine::Engine;
use crate::core::error::ErrorKind;
use crate::core::provider::require_provider;
use crate::core::store::vault::VaultBackend;

pub async fn run(command: AccountsCommand, engine: &Engine, out: &Output) -> Result<(), CliError> {
    match command {
        AccountsCommand::Add(args) => add(args, engine, out),
        AccountsCommand::Edit(args) => edit(args, engine, out).await,
        AccountsCommand::List(args) => list(args.search.as_deref(), engine, out),
        AccountsCommand::Show(args) => show(&args.name, engine, out),
        AccountsCommand::Remove(args) => remove(args, engine, out).await,
        AccountsCommand::Check(args) => super::launch::check(&args.name, engine, out).await,
        AccountsCommand::Export(args) => super::transfer::export(args, engine, out),
        AccountsCommand::Import(args) => super::transfer::import(args, engine, out).await,
    }
}

/// A refused `accounts add`: the account does not exist, so the fix is the same command with
/// the setting corrected (not `accounts edit`).
fn not_added(err: crate::core::engine::EngineError) -> CliError {
    let err = CliError::from(err);
    if err.kind == ErrorKind::Config {
        err.with_hint("Nothing was saved. Correct it (--set KEY=VALUE) and run the same `accounts add` again; `accounts add --help` lists each provider's settings.")
    } else {
        err
    }
}

fn add(args: AddArgs, engine: &Engine, out: &Output) -> Result<(), CliError> {
    let kind: ProviderId = args.provider.parse().map_err(CliError::usage)?;
    let provider = require_provider(kind);
    let mut account = Account::new(args.name.trim(), kind);
    account.settings = parse_settings(&args.fields.set)?;
    account.tags = clean_tags(&args.fields.tags);
    account.favourite = args.favourite;
    account.notes = args.fields.notes.clone().unwrap_or_default();
    account.stage = stage_arg(&args.fields)?;
    account.credential = credential_arg(&args.fields)?;
    // Check the settings before asking for any secret.
    let sets = engine.credential_sets()?;
    check_account_using(&account, &sets).map_err(not_added)?;
    // What the set holds is not asked for again.
    let shared = match account.credential() {
        Some(_) => shareable_secrets(kind),
        None => Vec::new(),
    };
    let required: Vec<&str> = provider
        .required_secrets(&account)
        .into_iter()
        .filter(|name| !shared.contains(name))
        .collect();
    let secrets = secrets_input::collect(&secret_names(kind), &args.fields.secrets, &required)?;
    let saved = engine.add_account(account, secrets).map_err(not_added)?;
    out.data(
        || {
            format!(
                "Added '{}' ({}), id {}.",
                saved.name,
                saved.provider.display_name(),
                saved.id
            )
        },
        || account_json(&saved),
    );
    Ok(())
}

async fn edit(args: EditArgs, engine: &Engine, out: &Output) -> Result<(), CliError> {
    let current = engine.personal_account(&args.name)?;
    if let Some(key) = args
        .unset
        .iter()
        .find(|key| !current.settings.contains_key(*key))
    {
        return Err(CliError::usage(format!(
            "'{}' has no setting '{key}' to unset",
            current.name
        ))
        .with_hint(format!(
            "See its settings with `sso-launcher accounts show \"{}\"`.",
            current.name
        )));
    }
    let secrets =
        secrets_input::collect(&secret_names(current.provider), &args.fields.secrets, &[])?;
    let edit = AccountEdit {
        rename: args.rename,
        set: parse_settings(&args.fields.set)?,
        unset: args.unset,
        tags: if args.clear_tags {
            Some(Vec::new())
        } else {
            Some(clean_tags(&args.fields.tags)).filter(|tags| !tags.is_empty())
        },
        favourite: match (args.favourite, args.no_favourite) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
        notes: args.fields.notes.clone(),
        stage: match (stage_arg(&args.fields)?, args.no_stage) {
            (Some(stage), _) => Some(Some(stage)),
            (None, true) => Some(None),
            (None, false) => None,
        },
        credential: match (credential_arg(&args.fields)?, args.no_credential) {
            (Some(name), _) => Some(Some(name)),
            (None, true) => Some(None),
            (None, false) => None,
        },
    };
    let saved = engine
        .edit_account(&current.id.to_string(), edit, secrets)
        .await?;
    out.data(
        || format!("Saved '{}'.", saved.name),
        || account_json(&saved),
    );
    Ok(())
}

fn list(search: Option<&str>, engine: &Engine, out: &Output) -> Result<(), CliError> {
    let mut all = engine.accounts()?;
    // The team list's accounts, searched and listed with the personal ones.
    let team = engine.team_view()?;
    if let Some(notice) = &team.notice {
        eprintln!("{notice}");
    }
    if !team.hidden.is_empty() {
        eprintln!(
            "Your own accounts of the same name hide these of the team list: {}.",
            team.hidden.join(", ")
        );
    }
    let from_team: std::collections::HashSet<_> =
        team.accounts.iter().map(|account| account.id).collect();
    all.extend(team.accounts);
    let order = crate::core::search::arrange(
        &all,
        search.unwrap_or_default(),
        Default::default(),
        &Default::default(),
    );
    let accounts: Vec<Account> = order.into_iter().map(|index| all[index].clone()).collect();
    if accounts.is_empty() && search.is_some() && !all.is_empty() {
        out.data(|| "No account matches.".into(), || Value::Array(Vec::new()));
        return Ok(());
    }
    out.data(
        || {
            if accounts.is_empty() {
                return "No accounts yet. Add one with `sso-launcher accounts add NAME --provider KIND --set KEY=VALUE`.".into();
            }
            let width = accounts.iter().map(|a| a.name.chars().count()).max().unwrap_or(4).max(4);
            let stage_width = accounts.iter().filter_map(|a| a.stage()).map(|s| s.chars().count()).max().unwrap_or(0).max(5);
            let mut lines = vec![format!("  {:width$}  {:13}  {:stage_width$}  TAGS", "NAME", "PROVIDER", "STAGE")];
            for account in &accounts {
                let star = if account.favourite { "*" } else { " " };
                let stage = account.stage().unwrap_or("");
                let team = if from_team.contains(&account.id) { "(team) " } else { "" };
                lines.push(format!("{star} {:width$}  {:13}  {stage:stage_width$}  {team}{}", account.name, account.provider.id(), account.tags.join(", ")).trim_end().to_string());
            }
            lines.join("\n")
        },
        || {
            Value::Array(
                accounts
                    .iter()
                    .map(|account| {
                        let mut value = account_json(account);
                        value["team"] = Value::Bool(from_team.contains(&account.id));
                        value
                    })
                    .collect(),
            )
        },
    );
    Ok(())
}

/// Where this run keeps secrets, in words.
fn vault_place(engine: &Engine) -> &'static str {
    match engine.vault().backend() {
        VaultBackend::Keyring => "in the OS keyring",
        VaultBackend::Memory => "in memory for this run only",
        VaultBackend::File => "in the vault file",
    }
}

fn show(name: &str, engine: &Engine, out: &Output) -> Result<(), CliError> {
    let account = engine.find_account(name)?;
    let secrets = engine.secret_status(&account)?;
    out.data(
        || {
            let mut lines = vec![
                format!("name:      {}", account.name),
                format!("id:        {}", account.id),
                format!("provider:  {}", account.provider.display_name()),
                format!(
                    "favourite: {}",
                    if account.favourite { "yes" } else { "no" }
                ),
                format!("tags:      {}", account.tags.join(", ")),
            ];
            if let Some(stage) = account.stage() {
                lines.push(format!("stage:     {stage}"));
            }
            if let Some(set) = account.credential() {
                lines.push(format!("credential set: {set}"));
            }
            if !account.notes.is_empty() {
                lines.push(format!("notes:     {}", account.notes));
            }
            lines.push("settings:".into());
            lines.extend(
                account
                    .settings
                    .iter()
                    .map(|(key, value)| format!("  {key} = {value}")),
            );
            lines.push(format!("secrets ({}):", vault_place(engine)));
            let provider = require_provider(account.provider);
            let required = provider.required_secrets(&account);
            let optional = provider.optional_secrets(&account);
            for (name, set) in &secrets {
                let applies = if required.contains(name) {
                    ""
                } else if optional.contains(name) {
                    " (optional)"
                } else if *set {
                    " (not used with these settings)"
                } else {
                    continue;
                };
                let state = if *set { "set" } else { "not set" };
                lines.push(format!("  {name}: {state}{applies}"));
            }
            lines.join("\n")
        },
        || {
            let mut value = account_json(&account);
            value["secrets"] = secrets
                .iter()
                .map(|(name, set)| (name.to_string(), Value::Bool(*set)))
                .collect::<serde_json::Map<_, _>>()
                .into();
            value
        },
    );
    Ok(())
}

async fn remove(args: RemoveArgs, engine: &Engine, out: &Output) -> Result<(), CliError> {
    let account = engine.personal_account(&args.name)?;
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            return Err(
                CliError::usage(format!("removing '{}' needs confirmation", account.name))
                    .with_hint("Pass --yes to remove without asking."),
            );
        }
        eprint!(
            "Remove '{}', its keyring entries and cached tokens? [y/N] ",
            account.name
        );
        std::io::stderr().flush().ok();
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer).ok();
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            out.status("Nothing removed.");
            return Ok(());
        }
    }
    let removed = engine.remove_account(&account.id.to_string()).await?;
    out.data(
        || format!("Removed '{}'.", removed.name),
        || json!({"removed": account_json(&removed)}),
    );
    Ok(())
}

pub fn account_json(account: &Account) -> Value {
    json!({
        "id": account.id.to_string(),
        "name": account.name,
        "provider": account.provider.id(),
        "tags": account.tags,
        "favourite": account.favourite,
        "notes": account.notes,
        "stage": account.stage(),
        "credential": account.credential(),
        "settings": account.settings,
    })
}

pub(super) fn parse_settings(pairs: &[String]) -> Result<BTreeMap<String, String>, CliError> {
    let mut settings = BTreeMap::new();
    for pair in pairs {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(CliError::usage(format!("--set '{pair}' needs KEY=VALUE")));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(CliError::usage(format!("--set '{pair}' has an empty key")));
        }
        if settings
            .insert(key.to_string(), value.trim().to_string())
            .is_some()
        {
            return Err(CliError::usage(format!("--set {key} is given twice")));
        }
    }
    Ok(settings)
}

/// The `--credential` given, trimmed; an empty one is refused.
fn credential_arg(fields: &FieldArgs) -> Result<Option<String>, CliError> {
    match fields.credential.as_deref().map(str::trim) {
        Some("") => Err(CliError::usage("--credential needs a set's name")
            .with_hint("To go back to the account's own secrets, use `accounts edit NAME --no-credential`.")),
        name => Ok(name.map(str::to_string)),
    }
}

/// Every secret the provider's accounts take.
fn secret_names(provider: ProviderId) -> Vec<&'static str> {
    require_provider(provider)
        .spec()
        .secrets()
        .map(|spec| spec.key)
        .collect()
}

/// The `--stage` given, trimmed; an empty one is refused (`--no-stage` removes a stage).
fn stage_arg(fields: &FieldArgs) -> Result<Option<String>, CliError> {
    match fields.stage.as_deref().map(str::trim) {
        Some("") => Err(
            CliError::usage("--stage needs a word, like production or staging")
                .with_hint("To remove an account's stage, use `accounts edit NAME --no-stage`."),
        ),
        Some(stage) if stage.chars().any(char::is_control) => {
            Err(CliError::usage("--stage holds a control character"))
        }
        stage => Ok(stage.map(str::to_string)),
    }
}

fn clean_tags(tags: &[String]) -> Vec<String> {
    let mut cleaned: Vec<String> = Vec::new();
    for tag in tags
        .iter()
        .map(|tag| tag.trim())
        .filter(|tag| !tag.is_empty())
    {
        if !cleaned.iter().any(|have| have.eq_ignore_ascii_case(tag)) {
            cleaned.push(tag.to_string());
        }
    }
    cleaned
}
