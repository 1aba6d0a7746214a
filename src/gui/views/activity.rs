//! The activity tab: the audit log, newest first, filtered as you type and by period, and
//! exported as CSV (the rows shown, as `sso-launcher audit --format csv` writes them).

use egui::{ComboBox, RichText, TextEdit, Ui};
use egui_extras::{Column, TableBuilder};
use time::OffsetDateTime;

use crate::core::account::ProviderId;
use crate::core::audit::AuditRecord;
use crate::core::human_time;
use crate::gui::commands::{Action, action_button};
use crate::gui::state::AppState;
use crate::gui::views::accounts::badge;

/// How far back the tab looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Period {
    #[default]
    All,
    Today,
    Week,
    Month,
}

impl Period {
    const ALL: [Period; 4] = [Period::All, Period::Today, Period::Week, Period::Month];

    fn label(self) -> &'static str {
        match self {
            Self::All => "All time",
            Self::Today => "Today",
            Self::Week => "Last 7 days",
            Self::Month => "Last 30 days",
        }
    }

    /// The earliest moment shown (UTC); `None` for all.
    fn since(self, now: OffsetDateTime) -> Option<OffsetDateTime> {
        let days = match self {
            Self::All => return None,
            Self::Today => return Some(now.date().midnight().assume_utc()),
            Self::Week => 7,
            Self::Month => 30,
        };
        Some(now - time::Duration::days(days))
    }
}

/// The tab's filter, period, the export's file while it is being named, and the rows that
/// match (newest first, made again only when the filter or the log changes).
#[derive(Debug, Default)]
pub struct ActivityView {
    pub filter: String,
    pub period: Period,
    /// The CSV file's path while "Export CSV" asks for it.
    pub export_to: Option<String>,
    matches: Option<((String, Period, u64), Vec<usize>)>,
}

impl ActivityView {
    /// The rows shown, as CSV.
    pub fn csv(&self, records: &std::collections::VecDeque<AuditRecord>) -> String {
        let shown: Vec<&AuditRecord> = self
            .matches
            .as_ref()
            .map(|(_, rows)| rows.iter().map(|index| &records[*index]).collect())
            .unwrap_or_default();
        crate::core::audit_csv::csv(&shown)
    }
}

pub fn show(ui: &mut Ui, state: &mut AppState, actions: &mut Vec<Action>) {
    let now = OffsetDateTime::now_utc();
    let key = (
        state.activity_view.filter.clone(),
        state.activity_view.period,
        state.activity_arrived,
    );
    if state
        .activity_view
        .matches
        .as_ref()
        .is_none_or(|(made_for, _)| *made_for != key)
    {
        let shown = matching(state, now);
        state.activity_view.matches = Some((key, shown));
    }
    let shown_count = state
        .activity_view
        .matches
        .as_ref()
        .map_or(0, |(_, shown)| shown.len());
    let view = &mut state.activity_view;
    ui.horizontal(|ui| {
        let count = if shown_count == state.activity.len() {
            format!("{} entries", state.activity.len())
        } else {
            format!("{shown_count} of {} entries", state.activity.len())
        };
        ui.add(
            TextEdit::singleline(&mut view.filter)
                .hint_text("Filter by account, stage, ticket, operator, action, outcome …")
                .desired_width(ui.available_width() - 330.0),
        )
        .accessible_name("Filter activity");
        ComboBox::from_id_salt("activity-period")
            .selected_text(view.period.label())
            .show_ui(ui, |ui| {
                for period in Period::ALL {
                    ui.selectable_value(&mut view.period, period, period.label());
                }
            })
            .response
            .accessible_name("Period");
        ui.label(count);
        action_button(
            ui,
            Action::AskActivityExport,
            None,
            shown_count > 0,
            actions,
        );
    });
    if let Some(path) = &mut view.export_to {
        ui.horizontal(|ui| {
            let entries = if shown_count == 1 { "entry" } else { "entries" };
            let label = ui.label(format!("Export {shown_count} {entries} as CSV to"));
            ui.add(
                TextEdit::singleline(path)
                    .hint_text("/home/you/activity.csv")
                    .desired_width(ui.available_width() - 170.0),
            )
            .labelled_by(label.id);
            let ready = !path.trim().is_empty();
            action_button(ui, Action::ExportActivity, None, ready, actions);
            action_button(ui, Action::CloseActivityExport, None, true, actions);
        });
    }
    ui.separator();
    let shown = state
        .activity_view
        .matches
        .as_ref()
        .map(|(_, shown)| shown.as_slice())
        .unwrap_or_default();
    if shown.is_empty() {
        ui.add_space(16.0);
        ui.vertical_centered(|ui| {
            ui.label(if state.activity.is_empty() {
                "Nothing yet: launches, sign-ins and sign-outs are listed here."
            } else {
                "No entry matches the filter."
            });
        });
        return;
    }
    let now = OffsetDateTime::now_utc();
    let row = ui.spacing().interact_size.y + 2.0;
    TableBuilder::new(ui)
        .id_salt("activity")
        .striped(true)
        .auto_shrink(false)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::auto().at_least(110.0))
        .column(
            Column::initial(180.0)
                .at_least(100.0)
                .clip(true)
                .resizable(true),
        )
        .column(Column::auto().at_least(60.0))
        .column(Column::auto().at_least(70.0))
        .column(Column::auto().at_least(60.0).clip(true))
        .column(Column::auto().at_least(60.0))
        .column(Column::auto().at_least(56.0))
        .column(Column::remainder().at_least(80.0).clip(true))
        .header(row, |mut header| {
            for title in [
                "When", "Account", "Action", "From", "Ticket", "Outcome", "Took", "Detail",
            ] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(row, shown.len(), |mut table_row| {
                let record = &state.activity[shown[table_row.index()]];
                let at = human_time::parse_rfc3339(&record.time);
                table_row.col(|ui| {
                    let when =
                        at.map_or_else(|| record.time.clone(), |at| human_time::moment(at, now));
                    ui.label(when)
                        .on_hover_text(at.map_or_else(|| record.time.clone(), human_time::exact));
                });
                table_row.col(|ui| {
                    if let Ok(provider) = record.provider.parse::<ProviderId>() {
                        badge(ui, provider);
                    }
                    ui.add(egui::Label::new(RichText::new(&record.account).strong()).truncate())
                        .on_hover_text(&record.account);
                });
                table_row.col(|ui| {
                    ui.label(record.action.as_ref());
                });
                table_row.col(|ui| {
                    let via = record.via.as_deref().unwrap_or("");
                    ui.label(via_name(via));
                });
                table_row.col(|ui| {
                    ui.label(record.ticket.as_deref().unwrap_or(""));
                });
                table_row.col(|ui| {
                    if record.outcome == "ok" {
                        ui.label("ok");
                    } else {
                        ui.colored_label(ui.visuals().error_fg_color, &record.outcome);
                    }
                });
                table_row.col(|ui| {
                    ui.weak(format!("{} ms", record.duration_ms));
                });
                table_row.col(|ui| {
                    if let Some(detail) = &record.detail {
                        ui.add(egui::Label::new(detail).truncate())
                            .on_hover_text(detail);
                    }
                });
            });
        });
}

/// The column's word for an audit record's `via`.
fn via_name(via: &str) -> &'static str {
    match via {
        "window" => "window",
        "tray" => "tray",
        "quick_launch" => "quick launch",
        "link" => "link",
        "cli" => "terminal",
        _ => "",
    }
}

/// Rows in the period whose fields contain every term of the filter, newest first.
fn matching(state: &AppState, now: OffsetDateTime) -> Vec<usize> {
    let view = &state.activity_view;
    let since = view.period.since(now);
    let terms: Vec<String> = view
        .filter
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    (0..state.activity.len())
        .rev()
        .filter(|index| {
            let record = &state.activity[*index];
            let in_period = since.is_none_or(|since| {
                human_time::parse_rfc3339(&record.time).is_some_and(|at| at >= since)
            });
            in_period
                && terms.iter().all(|term| {
                    [
                        record.account.as_str(),
                        record.provider.as_str(),
                        &record.action,
                        record.outcome.as_str(),
                        record.detail.as_deref().unwrap_or(""),
                        record.stage.as_deref().unwrap_or(""),
                        record.ticket.as_deref().unwrap_or(""),
                        record.operator.as_deref().unwrap_or(""),
                        record.via.as_deref().unwrap_or(""),
                    ]
                    .iter()
                    .any(|field| field.to_lowercase().contains(term))
                })
        })
        .collect()
}
