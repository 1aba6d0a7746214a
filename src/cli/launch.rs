//! `launch`, `token`, `logout` and `accounts check`.

use std::time::Duration;

use serde_json::{Value, json};

use super::Done;
use super::output::Output;
use super::report::CliError;
use crate::core::browser::BrowserChoice;
use crate::core::clipboard::{ClipboardOutcome, copy_until_expiry};
use crate::core::clock::rfc3339;
use crate::core::engine::Engine;
use crate::core::launch::{Delivery, LaunchStep, LaunchTarget};
use crate::core::tokens::TokenSource;

pub async fn launch(
    args: super::args::LaunchArgs,
    engine: &Engine,
    out: &Output,
) -> Result<Done, CliError> {
    let account = engine.find_account(&args.name)?;
    let target = match (args.print_url, args.copy) {
        (true, _) => LaunchTarget::PrintOnly,
        (_, true) => LaunchTarget::Copy,
        _ => LaunchTarget::Browser,
    };
    let outcome = engine
        .launch(&account, target, &|step| tracing::info!("{}", step.label()))
        .await?;
    let lifetime = outcome.lifetime.as_secs();
    let timings = describe_steps(&outcome.steps);
    let steps_json = steps_json(&outcome.steps);
    let source = source_name(outcome.session_source);
    if outcome.reauthenticated {
        out.status("The saved session was refused; signed in again.");
    }
    let reauthenticated = outcome.reauthenticated;
    match outcome.delivery {
        Delivery::Browser(choice) => {
            let how = match choice {
                BrowserChoice::System => "the system browser",
                BrowserChoice::Command(_) => "the browser command",
            };
            out.status(format!("Opened '{}' in {how} ({timings}).", account.name));
            out.data(String::new, || json!({"account": account.name, "opened": true, "session": source, "reauthenticated": reauthenticated, "steps": steps_json}));
            Ok(Done::OpenedBrowser)
        }
        Delivery::BrowserFailed { reason, url } => {
            out.status(format!(
                "{reason}.\nOpen this link yourself within {lifetime} s (it works once):"
            ));
            out.data(
                || url.reveal_for_browser().to_string(),
                || json!({"account": account.name, "opened": false, "reason": reason, "url": url.reveal_for_browser(), "expires_in_seconds": lifetime, "steps": steps_json}),
            );
            Ok(Done::Nothing)
        }
        Delivery::ToCaller(url) if target == LaunchTarget::Copy => {
            out.status(format!("Copied a one-time link for '{}' ({timings}); it works once, for {lifetime} s. Keeping it on the clipboard until then...", account.name));
            let lifetime = outcome.lifetime;
            let (url, result) = tokio::task::spawn_blocking(move || {
                let result = copy_until_expiry(&url, lifetime);
                (url, result)
            })
            .await
            .map_err(|err| {
                CliError::new(crate::core::error::ErrorKind::Internal, err.to_string())
            })?;
            match result {
                Ok(outcome) => {
                    let cleared = outcome == ClipboardOutcome::ClearedAtExpiry;
                    out.status(if cleared {
                        "The link expired and was cleared from the clipboard."
                    } else {
                        "Something else was copied meanwhile; the clipboard was left alone."
                    });
                    out.data(String::new, || json!({"account": account.name, "copied": true, "cleared_at_expiry": cleared, "steps": steps_json}));
                }
                Err(reason) => {
                    out.status(format!("Could not copy the link: {reason}.\nOpen this link yourself within {lifetime:?} (it works once):"));
                    out.data(|| url.reveal_for_browser().to_string(), || json!({"account": account.name, "copied": false, "reason": reason, "url": url.reveal_for_browser()}));
                }
            }
            Ok(Done::Nothing)
        }
        Delivery::ToCaller(url) => {
            out.status(format!(
                "One-time link for '{}' ({timings}); it works once, for {lifetime} s:",
                account.name
            ));
            out.data(
                || url.reveal_for_browser().to_string(),
                || json!({"account": account.name, "url": url.reveal_for_browser(), "expires_in_seconds": lifetime, "session": source, "reauthenticated": reauthenticated, "steps": steps_json}),
            );
            Ok(Done::Nothing)
        }
    }
}

pub async fn token(name: &str, engine: &Engine, out: &Output) -> Result<(), CliError> {
    let account = engine.find_account(name)?;
    let outcome = engine.token(&account).await?;
    let token = &outcome.token;
    out.data(
        || token.value.expose_secret().to_string(),
        || {
            json!({
                "token_type": token.scheme,
                "access_token": token.value.expose_secret(),
                "expires_at": rfc3339(token.expires_at),
                "source": source_name(outcome.source),
            })
        },
    );
    Ok(())
}

pub async fn logout(name: &str, engine: &Engine, out: &Output) -> Result<(), CliError> {
    let account = engine.find_account(name)?;
    engine.logout(&account).await?;
    out.data(
        || format!("Forgot the cached tokens of '{}'.", account.name),
        || json!({"account": account.name, "logged_out": true}),
    );
    Ok(())
}

pub async fn check(name: &str, engine: &Engine, out: &Output) -> Result<(), CliError> {
    let account = engine.find_account(name)?;
    let steps = engine.check(&account).await?;
    out.data(
        || {
            format!(
                "'{}' works: signed in and got a sign-on token ({}).",
                account.name,
                describe_steps(&steps)
            )
        },
        || json!({"account": account.name, "ok": true, "steps": steps_json(&steps)}),
    );
    Ok(())
}

fn describe_steps(steps: &[(LaunchStep, Duration)]) -> String {
    steps
        .iter()
        .map(|(step, took)| format!("{} {:.0} ms", step.label(), took.as_secs_f64() * 1000.0))
        .collect::<Vec<_>>()
        .join(", ")
}

fn steps_json(steps: &[(LaunchStep, Duration)]) -> Value {
    steps
        .iter()
        .map(|(step, took)| json!({"step": step.label(), "ms": (took.as_secs_f64() * 1000.0 * 10.0).round() / 10.0}))
        .collect()
}

fn source_name(source: TokenSource) -> &'static str {
    match source {
        TokenSource::Memory => "memory",
        TokenSource::Vault => "vault",
        TokenSource::Fresh => "fresh",
    }
}
