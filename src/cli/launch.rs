//! `launch`, `token`, `login`, `logout` and `accounts check`.

use std::time::Duration;

use serde_json::{Value, json};

use super::Done;
use super::output::Output;
use super::report::CliError;
use crate::core::audit::Via;
use crate::core::clipboard::{ClipboardOutcome, copy_until_expiry};
use crate::core::clock::rfc3339;
use crate::core::engine::Engine;
use crate::core::error::ErrorKind;
use crate::core::human_time;
use crate::core::launch::{Delivery, LaunchStep, LaunchTarget};
use crate::core::tokens::TokenSource;

/// Asks on the terminal before launching into a stage that asks first (production ...);
/// without a terminal, refuses: a script must say `--yes`.
fn confirm_stage(account: &crate::core::account::Account) -> Result<(), CliError> {
    use std::io::{BufRead, IsTerminal, Write};
    let stage = account.stage().unwrap_or_default();
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(CliError::usage(format!(
            "'{}' is a {stage} account, and launching it needs confirmation",
            account.name
        ))
        .with_hint(format!(
            "Pass --yes to launch it without asking (confirm_stages in settings.toml lists the stages that ask; {stage} is one)."
        )));
    }
    eprint!("'{}' is {stage}. Launch it? [y/N] ", account.name);
    std::io::stderr().flush().ok();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).ok();
    if matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "did not launch '{}'",
            account.name
        )))
    }
}

pub async fn launch(
    args: super::args::LaunchArgs,
    engine: &Engine,
    out: &Output,
) -> Result<Done, CliError> {
    let account = engine.find_account(&args.name)?;
    if !args.yes && engine.settings().confirms_stage(account.stage()) {
        confirm_stage(&account)?;
    }
    let target = match (args.print_url, args.copy) {
        (true, _) => LaunchTarget::PrintOnly,
        (_, true) => LaunchTarget::Copy,
        _ => LaunchTarget::Browser,
    };
    let outcome = engine
        .launch(
            &account,
            target,
            Via::Cli,
            args.ticket.as_deref(),
            &|step| tracing::info!("{}", step.label()),
        )
        .await?;
    let timings = describe_steps(&outcome.steps);
    if outcome.reauthenticated {
        out.status("The saved session was refused; signed in again.");
    }
    let mut summary = json!({
        "account": account.name,
        "session": source_name(outcome.session_source),
        "reauthenticated": outcome.reauthenticated,
        "steps": steps_json(&outcome.steps),
    });
    // "works once, for 30 s" for one-time links; nothing to say for a plain page.
    let validity = outcome
        .lifetime
        .map(|lifetime| format!(" (it works once, for {} s)", lifetime.as_secs()))
        .unwrap_or_default();
    if let Some(lifetime) = outcome.lifetime {
        summary["expires_in_seconds"] = lifetime.as_secs().into();
    }
    match outcome.delivery {
        Delivery::Browser(choice) => {
            out.status(format!(
                "Opened '{}' {} ({timings}).",
                account.name,
                choice.describe()
            ));
            summary["opened"] = true.into();
            out.data(String::new, || summary);
            Ok(Done::OpenedBrowser)
        }
        Delivery::TokenHeld => {
            let session = outcome
                .session
                .as_ref()
                .expect("a held token comes with its session");
            let until = rfc3339(session.expires_at);
            let now = time::OffsetDateTime::now_utc();
            out.status(format!(
                "'{}' holds a valid {} token that {} ({}; {timings}); it has no landing_url to open.",
                account.name,
                session.scheme,
                human_time::expiry(session.expires_at, now),
                human_time::moment(session.expires_at, now),
            ));
            summary["opened"] = false.into();
            summary["token_type"] = session.scheme.clone().into();
            summary["expires_at"] = until.into();
            out.data(String::new, || summary);
            Ok(Done::Nothing)
        }
        Delivery::RoundTrip(round_trip) => {
            if round_trip.came_back {
                out.status(format!(
                    "Signed in to '{}' through the browser ({timings}).",
                    account.name
                ));
            } else {
                out.status(format!("Opened the sign-in page of '{}'.", account.name));
            }
            if let Some(note) = &round_trip.note {
                out.status(format!("Note: {note}."));
            }
            summary["opened"] = true.into();
            summary["came_back"] = round_trip.came_back.into();
            summary["redirect_uri"] = round_trip.redirect_uri.clone().into();
            summary["note"] = round_trip.note.clone().into();
            summary["facts"] = facts_json(&round_trip.facts);
            out.data(|| facts_text(&round_trip.facts), || summary);
            Ok(Done::Nothing)
        }
        Delivery::BrowserFailed { reason, url } => {
            out.status(format!("{reason}.\nOpen this link yourself{validity}:"));
            summary["opened"] = false.into();
            summary["reason"] = reason.into();
            summary["url"] = url.reveal_for_browser().into();
            out.data(|| url.reveal_for_browser().to_string(), || summary);
            Ok(Done::PrintedLink(outcome.lifetime))
        }
        Delivery::ToCaller(url) if outcome.target == LaunchTarget::Copy => {
            let hold_for = engine.settings().clipboard_hold(outcome.lifetime);
            out.status(format!(
                "Copied a link for '{}' ({timings}){validity}. Keeping it on the clipboard for {} s...",
                account.name,
                hold_for.as_secs()
            ));
            let (url, result) = tokio::task::spawn_blocking(move || {
                let result = copy_until_expiry(&url, hold_for);
                (url, result)
            })
            .await
            .map_err(|err| CliError::new(ErrorKind::Internal, err.to_string()))?;
            match result {
                Ok(cleared) => {
                    let cleared = cleared == ClipboardOutcome::ClearedAtExpiry;
                    out.status(if cleared {
                        "The link expired and was cleared from the clipboard."
                    } else {
                        "Something else was copied meanwhile; the clipboard was left alone."
                    });
                    summary["copied"] = true.into();
                    summary["cleared_at_expiry"] = cleared.into();
                    out.data(String::new, || summary);
                }
                Err(reason) => {
                    out.status(format!(
                        "Could not copy the link: {reason}.\nOpen this link yourself{validity}:"
                    ));
                    summary["copied"] = false.into();
                    summary["reason"] = reason.into();
                    summary["url"] = url.reveal_for_browser().into();
                    out.data(|| url.reveal_for_browser().to_string(), || summary);
                }
            }
            Ok(Done::Nothing)
        }
        Delivery::ToCaller(url) => {
            out.status(format!(
                "Link for '{}' ({timings}){validity}:",
                account.name
            ));
            summary["url"] = url.reveal_for_browser().into();
            out.data(|| url.reveal_for_browser().to_string(), || summary);
            Ok(Done::PrintedLink(outcome.lifetime))
        }
    }
}

pub async fn token(name: &str, engine: &Engine, out: &Output) -> Result<(), CliError> {
    let account = engine.find_account(name)?;
    let outcome = engine.token(&account).await?;
    out.data(
        || outcome.token.value.expose_secret().to_string(),
        || token_json(&outcome),
    );
    Ok(())
}

pub async fn login(
    name: &str,
    ticket: Option<&str>,
    engine: &Engine,
    out: &Output,
) -> Result<(), CliError> {
    let account = engine.find_account(name)?;
    let outcome = engine.login(&account, ticket).await?;
    let who = outcome
        .token
        .id_claims
        .as_ref()
        .map(|claims| format!(" as {}", claims.email.as_deref().unwrap_or(&claims.sub)))
        .unwrap_or_default();
    out.data(
        || {
            let now = time::OffsetDateTime::now_utc();
            format!(
                "Signed in to '{}'{who}; the token {} ({}).",
                account.name,
                human_time::expiry(outcome.token.expires_at, now),
                human_time::moment(outcome.token.expires_at, now)
            )
        },
        || {
            let mut summary = token_json(&outcome);
            // `login` reports; the token itself is for `token`.
            if let Some(map) = summary.as_object_mut() {
                map.remove("access_token");
            }
            summary
        },
    );
    Ok(())
}

/// `token_type`, `access_token`, `expires_at`, `source`, and the validated ID token claims.
fn token_json(outcome: &crate::core::sessions::TokenOutcome) -> Value {
    let token = &outcome.token;
    let mut answer = json!({
        "token_type": token.scheme,
        "access_token": token.value.expose_secret(),
        "expires_at": rfc3339(token.expires_at),
        "source": source_name(outcome.source),
        "refresh_token_held": token.refresh_token.is_some(),
    });
    if let Some(claims) = &token.id_claims {
        answer["id_token_claims"] = serde_json::to_value(claims).expect("claims serialise");
    }
    answer
}

pub async fn logout(name: &str, engine: &Engine, out: &Output) -> Result<(), CliError> {
    let account = engine.find_account(name)?;
    let report = engine.logout(&account).await?;
    let remote = match &report.signed_out_remotely {
        Some(Ok(())) => "Signed out at the provider and forgot".to_string(),
        Some(Err(err)) => {
            out.status(format!("The provider's sign-out failed: {err}."));
            "Forgot".to_string()
        }
        None if report.held_session => "Forgot".to_string(),
        None => String::new(),
    };
    out.data(
        || match remote.as_str() {
            "" => format!("'{}' held no cached tokens; nothing to forget.", account.name),
            remote => format!("{remote} the cached tokens of '{}'.", account.name),
        },
        || {
            json!({
                "account": account.name,
                "logged_out": true,
                "held_session": report.held_session,
                "signed_out_at_provider": report.signed_out_remotely.as_ref().map(Result::is_ok),
                "sign_out_error": report.signed_out_remotely.as_ref().and_then(|result| result.as_ref().err()),
            })
        },
    );
    Ok(())
}

fn facts_text(facts: &[(String, String)]) -> String {
    facts
        .iter()
        .map(|(label, value)| format!("{label}: {value}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn facts_json(facts: &[(String, String)]) -> Value {
    facts
        .iter()
        .map(|(label, value)| (label.clone(), Value::String(value.clone())))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

pub async fn check(name: &str, engine: &Engine, out: &Output) -> Result<(), CliError> {
    let account = engine.find_account(name)?;
    let report = engine.check(&account).await?;
    if let Some(probe) = &report.round_trip {
        let note = probe.note.clone().unwrap_or_default();
        out.data(
            || {
                format!(
                    "'{}' works: the provider handed out a sign-in page; {note}.",
                    account.name
                )
            },
            || {
                json!({
                    "account": account.name,
                    "ok": true,
                    "redirect_uri": probe.redirect_uri,
                    "note": probe.note,
                    "facts": facts_json(&probe.facts),
                })
            },
        );
        return Ok(());
    }
    if let Some(checks) = &report.browser_checks {
        let now = time::OffsetDateTime::now_utc();
        let session = match report.renewed_until {
            Some(until) => format!(
                " The held session was renewed; it {} ({}).",
                human_time::expiry(until, now),
                human_time::moment(until, now)
            ),
            None => " Nothing was opened: the first launch signs in through the browser.".into(),
        };
        out.data(
            || {
                format!(
                    "'{}' is ready to sign in through the browser: {}.{session}",
                    account.name,
                    checks.join("; ")
                )
            },
            || {
                json!({
                    "account": account.name,
                    "ok": true,
                    "checked": checks,
                    "renewed_until": report.renewed_until.map(rfc3339),
                })
            },
        );
        return Ok(());
    }
    let verified = report
        .verified_for
        .map(|left| {
            format!(
                "; the provider confirms the token for {} more",
                human_time::span(left.as_secs())
            )
        })
        .unwrap_or_default();
    out.data(
        || {
            format!(
                "'{}' works: signed in ({}){verified}.",
                account.name,
                describe_steps(&report.steps)
            )
        },
        || {
            json!({
                "account": account.name,
                "ok": true,
                "steps": steps_json(&report.steps),
                "verified_for_seconds": report.verified_for.map(|left| left.as_secs()),
            })
        },
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
