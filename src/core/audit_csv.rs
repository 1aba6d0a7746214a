//! The audit log as CSV, for a spreadsheet: `sso-launcher audit --format csv` and the
//! Activity tab's "Export CSV".

use crate::core::audit::AuditRecord;

pub const COLUMNS: [&str; 13] = [
    "time",
    "operator",
    "host",
    "account",
    "account_id",
    "provider",
    "stage",
    "action",
    "via",
    "ticket",
    "outcome",
    "duration_ms",
    "correlation",
];

pub fn cells(record: &AuditRecord) -> [String; 13] {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    [
        record.time.clone(),
        text(&record.operator),
        text(&record.host),
        record.account.clone(),
        record.account_id.clone(),
        record.provider.clone(),
        text(&record.stage),
        record.action.to_string(),
        record.via.as_deref().unwrap_or_default().to_string(),
        text(&record.ticket),
        record.outcome.clone(),
        record.duration_ms.to_string(),
        text(&record.correlation),
    ]
}

/// RFC 4180 CSV; a cell a spreadsheet would run as a formula (=, +, -, @) is quoted with a
/// leading apostrophe, so an account name cannot run in someone's spreadsheet.
pub fn csv(records: &[&AuditRecord]) -> String {
    let cell = |value: &str| {
        let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{value}")
        } else {
            value.to_string()
        };
        if value.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", value.replace('"', "\"\""))
        } else {
            value
        }
    };
    let mut text = COLUMNS.join(",") + "\r\n";
    for record in records {
        let row: Vec<String> = cells(record).iter().map(|value| cell(value)).collect();
        text.push_str(&row.join(","));
        text.push_str("\r\n");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_a_spreadsheet_would_run_is_quoted_and_commas_are_escaped() {
        let record: AuditRecord = serde_json::from_value(serde_json::json!({
            "v": 1, "time": "2026-11-30T09:00:00Z", "account_id": "x",
            "account": "=HYPERLINK(\"http://evil\")", "provider": "assuresign",
            "action": "launch", "outcome": "ok", "duration_ms": 5, "detail": null,
            "ticket": "INC-1, urgent",
        }))
        .unwrap();
        let text = csv(&[&record]);
        let row = text.lines().nth(1).unwrap();
        assert!(
            row.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
            "{row}"
        );
        assert!(row.contains("\"INC-1, urgent\""), "{row}");
        assert!(text.starts_with("time,operator,host,account"));
    }
}
