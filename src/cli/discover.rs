//! `discover`: the services an AGS gateway offers and what each sign-on needs.

use serde_json::json;

use super::args::DiscoverArgs;
use super::output::Output;
use super::report::CliError;
use crate::core::account::{Account, ProviderId};
use crate::core::engine::{Engine, EngineError};
use crate::core::provider::{ProviderError, require_provider};

pub async fn run(args: DiscoverArgs, engine: &Engine, out: &Output) -> Result<(), CliError> {
    let account = match (&args.name, &args.base_url) {
        (Some(name), _) => engine.find_account(name)?,
        (None, Some(base_url)) => {
            // --base-url and --tenant-id are the settings of the provider that discovers.
            let provider = ProviderId::all()
                .find(|id| require_provider(*id).spec().discovery.is_some())
                .ok_or_else(|| CliError::usage("no provider offers discovery"))?;
            let mut account = Account::new("(discovery)", provider);
            account.settings.insert("base_url".into(), base_url.clone());
            if let Some(tenant) = &args.tenant_id {
                account.settings.insert("tenant_id".into(), tenant.clone());
            }
            account
        }
        (None, None) => return Err(CliError::usage("give an account name or --base-url")),
    };
    let from_flag = args.name.is_none();
    let services = engine
        .discover_services(&account)
        .await
        .map_err(|err| match from_flag {
            true => base_url_error(err),
            false => err.into(),
        })?;
    out.data(
        || {
            let mut text = String::new();
            for service in &services {
                let name = service
                    .display_name
                    .as_deref()
                    .map(|name| format!(" ({name})"))
                    .unwrap_or_default();
                text.push_str(&format!("{}{name}\n", service.id));
                for endpoint in &service.endpoints {
                    let parameters: Vec<String> = endpoint
                        .parameters
                        .iter()
                        .map(|spec| {
                            let mut notes = Vec::new();
                            if spec.mandatory {
                                notes.push("mandatory");
                            }
                            if spec.is_password {
                                notes.push("secret");
                            }
                            if notes.is_empty() {
                                spec.name.clone()
                            } else {
                                format!("{} ({})", spec.name, notes.join(", "))
                            }
                        })
                        .collect();
                    text.push_str(&format!(
                        "  {} {}: {}\n",
                        endpoint.name,
                        endpoint.path,
                        if parameters.is_empty() {
                            "no parameters".into()
                        } else {
                            parameters.join(", ")
                        }
                    ));
                }
            }
            if let Some(spec) = require_provider(account.provider).spec().discovery {
                text.push_str(spec.next_step);
            }
            text
        },
        || json!({"services": services}),
    );
    Ok(())
}

/// An error of discovery at a `--base-url`: it speaks of that flag, since no account is
/// involved.
fn base_url_error(err: EngineError) -> CliError {
    if let EngineError::Provider(ProviderError::Settings { message, .. }) = &err {
        let message = message.strip_prefix("base_url ").unwrap_or(message);
        return CliError::usage(format!("--base-url {message}")).with_hint(
            "Give the gateway's address only, like https://gateway.example.com (plain http only for 127.0.0.1).",
        );
    }
    let mut cli = CliError::from(err);
    if cli
        .hint
        .as_deref()
        .is_some_and(|hint| hint.contains("account settings"))
    {
        cli.hint = Some(
            "Check the address given with --base-url: the gateway's own origin, like https://gateway.example.com."
                .into(),
        );
    }
    cli
}
