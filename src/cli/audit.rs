//! `sso-launcher audit`: who opened what, when, for which ticket, from the audit log and
//! its rotated files, filtered, as a table, JSON or CSV.

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::args::{AuditArgs, AuditFormat};
use super::output::Output;
use super::report::CliError;
use crate::core::audit::AuditRecord;
use crate::core::audit_csv::{cells, csv};
use crate::core::engine::Engine;
use crate::core::error::ErrorKind;
use crate::core::server_text::printable;

pub fn run(args: AuditArgs, engine: &Engine, out: &Output) -> Result<(), CliError> {
    let since = args.since.as_deref().map(parse_since).transpose()?;
    let chunk = engine.audit_log().read_all().map_err(|err| {
        CliError::new(
            ErrorKind::Internal,
            format!(
                "could not read the audit log {}: {err}",
                engine.audit_log().path().display()
            ),
        )
    })?;
    if chunk.unreadable_lines > 0 {
        out.status(format!(
            "{} line(s) of the log are not audit records (cut short or edited); left out.",
            chunk.unreadable_lines
        ));
    }
    let account = args.account.as_deref().map(str::to_lowercase);
    let records: Vec<&AuditRecord> = chunk
        .records
        .iter()
        .filter(|record| {
            since.is_none_or(|since| {
                OffsetDateTime::parse(&record.time, &Rfc3339).is_ok_and(|time| time >= since)
            })
        })
        .filter(|record| {
            account.as_deref().is_none_or(|query| {
                record.account.to_lowercase().contains(query) || record.account_id == query
            })
        })
        .filter(|record| {
            args.ticket.as_deref().is_none_or(|ticket| {
                record
                    .ticket
                    .as_deref()
                    .is_some_and(|held| held.eq_ignore_ascii_case(ticket.trim()))
            })
        })
        .collect();
    let format = match (args.format, out.is_json()) {
        (Some(format), _) => format,
        (None, true) => AuditFormat::Json,
        (None, false) => AuditFormat::Table,
    };
    match format {
        AuditFormat::Json => println!(
            "{}",
            Value::Array(
                records
                    .iter()
                    .map(|record| serde_json::to_value(record).unwrap_or(Value::Null))
                    .collect()
            )
        ),
        AuditFormat::Csv => print!("{}", csv(&records)),
        AuditFormat::Table => println!("{}", table(&records)),
    }
    Ok(())
}

/// `--since`: RFC 3339, or a day from its midnight UTC.
fn parse_since(text: &str) -> Result<OffsetDateTime, CliError> {
    let text = text.trim();
    if let Ok(moment) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(moment);
    }
    let day = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, &day)
        .map(|date| date.midnight().assume_utc())
        .map_err(|_| {
            CliError::usage(format!("--since '{text}' is not a date"))
                .with_hint("Give a day like 2026-11-30, or a moment like 2026-11-30T09:00:00Z.")
        })
}

/// The columns a person reads first: when, who, which account, what, how it ended.
fn table(records: &[&AuditRecord]) -> String {
    if records.is_empty() {
        return "No audit records match.".into();
    }
    let rows: Vec<[String; 8]> = records
        .iter()
        .map(|record| {
            // A terminal must not obey what a record holds (a name with escapes in it).
            let all = cells(record).map(|cell| printable(&cell));
            [
                all[0].clone(),
                all[1].clone(),
                all[3].clone(),
                all[6].clone(),
                all[7].clone(),
                all[8].clone(),
                all[9].clone(),
                all[10].clone(),
            ]
        })
        .collect();
    let header = [
        "TIME", "OPERATOR", "ACCOUNT", "STAGE", "ACTION", "VIA", "TICKET", "OUTCOME",
    ];
    let widths: Vec<usize> = (0..header.len())
        .map(|column| {
            rows.iter()
                .map(|row| row[column].chars().count())
                .chain([header[column].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:width$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut lines = vec![line(header.to_vec())];
    lines.extend(
        rows.iter()
            .map(|row| line(row.iter().map(String::as_str).collect())),
    );
    lines.join("\n")
}
