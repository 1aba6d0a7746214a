//! `accounts export` and `accounts import`: sharing account lists without secrets.

use serde_json::json;

use super::accounts::account_json;
use super::args::{ExportArgs, ExportFormatArg, ImportArgs, OnConflictArg};
use super::output::Output;
use super::report::CliError;
use crate::core::engine::Engine;
use crate::core::error::ErrorKind;
use crate::core::store::atomic::write_atomically;
use crate::core::transfer::{ExportFormat, ExportSelection, ImportReport, OnConflict};

pub fn export(args: ExportArgs, engine: &Engine, out: &Output) -> Result<(), CliError> {
    let format = match (args.format, &args.file) {
        (Some(ExportFormatArg::Toml), _) => ExportFormat::Toml,
        (Some(ExportFormatArg::Json), _) => ExportFormat::Json,
        (None, Some(path))
            if path
                .extension()
                .is_some_and(|extension| extension.eq_ignore_ascii_case("toml")) =>
        {
            ExportFormat::Toml
        }
        (None, _) => ExportFormat::Json,
    };
    let selection = ExportSelection {
        tag: args.tag,
        search: args.search,
        ids: None,
    };
    let text = engine.export_accounts(&selection, format)?;
    match args.file {
        Some(path) => {
            write_atomically(&path, text.as_bytes()).map_err(|err| {
                CliError::new(
                    ErrorKind::Config,
                    format!("could not write {}: {err}", path.display()),
                )
            })?;
            out.status(format!(
                "Exported the accounts to {} (no secrets).",
                path.display()
            ));
        }
        None => print!("{text}"),
    }
    Ok(())
}

pub async fn import(args: ImportArgs, engine: &Engine, out: &Output) -> Result<(), CliError> {
    let text = std::fs::read_to_string(&args.file).map_err(|err| {
        CliError::new(
            ErrorKind::Config,
            format!("could not read {}: {err}", args.file.display()),
        )
    })?;
    let on_conflict = match args.on_conflict {
        OnConflictArg::Refuse => OnConflict::Refuse,
        OnConflictArg::Skip => OnConflict::Skip,
        OnConflictArg::Replace => OnConflict::Replace,
        OnConflictArg::Rename => OnConflict::Rename,
    };
    let is_csv = args
        .file
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("csv"));
    if !is_csv {
        let report = engine
            .import_accounts(&text, on_conflict, args.dry_run)
            .await?;
        out.data(
            || words(&report, args.dry_run),
            || report_json(&report, args.dry_run),
        );
        return Ok(());
    }
    let (report, bad) = engine
        .import_csv(&text, on_conflict, args.dry_run, args.skip_invalid)
        .await?;
    out.data(
        || words(&report, args.dry_run),
        || {
            let mut value = report_json(&report, args.dry_run);
            value["bad_rows"] = bad.clone().into();
            value
        },
    );
    if bad.is_empty() {
        return Ok(());
    }
    Err(CliError::new(
        ErrorKind::Config,
        format!("{} row(s) were skipped:\n{}", bad.len(), bad.join("\n")),
    )
    .with_hint(
        "Fix those rows and import the file again with --on-conflict skip (the rows imported now are here already).",
    ))
}

/// What the import did (or would do), one line per kind of change.
fn words(report: &ImportReport, dry_run: bool) -> String {
    let (new, replaced, renamed, skipped) = if dry_run {
        (
            "Would add",
            "Would replace",
            "Would add renamed",
            "Would skip",
        )
    } else {
        ("Added", "Replaced", "Added renamed", "Skipped")
    };
    let kinds: [(&str, Vec<String>, &str); 4] = [
        (
            new,
            report.added.iter().map(|a| a.name.clone()).collect(),
            ", ",
        ),
        (
            replaced,
            report
                .replaced
                .iter()
                .map(|(before, _)| before.name.clone())
                .collect(),
            ", ",
        ),
        (
            renamed,
            report
                .renamed
                .iter()
                .map(|(from, account)| format!("{from} as {}", account.name))
                .collect(),
            ", ",
        ),
        (skipped, report.skipped.clone(), "; "),
    ];
    let mut lines: Vec<String> = kinds
        .into_iter()
        .filter(|(_, names, _)| !names.is_empty())
        .map(|(verb, names, between)| format!("{verb} {}: {}", names.len(), names.join(between)))
        .collect();
    if report.changed() == 0 {
        lines.push("Nothing to import.".into());
    }
    if dry_run {
        lines.push("Dry run: nothing was changed.".into());
    } else if !report.added.is_empty() || !report.renamed.is_empty() {
        lines.push(
            "Add their secrets with `sso-launcher accounts edit NAME --prompt-secret NAME`.".into(),
        );
    }
    lines.join("\n")
}

fn report_json(report: &ImportReport, dry_run: bool) -> serde_json::Value {
    json!({
        "dry_run": dry_run,
        "imported": report.added.iter().map(account_json).collect::<Vec<_>>(),
        "replaced": report.replaced.iter().map(|(_, after)| account_json(after)).collect::<Vec<_>>(),
        "renamed": report.renamed.iter().map(|(from, account)| json!({"from": from, "account": account_json(account)})).collect::<Vec<_>>(),
        "skipped": report.skipped,
    })
}
