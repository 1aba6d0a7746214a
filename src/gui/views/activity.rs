//! The activity tab: the audit log, newest first, filtered as you type.

use egui::{RichText, TextEdit, Ui};
use egui_extras::{Column, TableBuilder};
use time::OffsetDateTime;

use crate::core::account::ProviderId;
use crate::core::human_time;
use crate::gui::state::AppState;
use crate::gui::views::accounts::badge;

pub fn show(ui: &mut Ui, state: &mut AppState) {
    let current = (state.activity_filter.as_str(), state.activity_arrived);
    if state
        .activity_matches
        .as_ref()
        .is_none_or(|(filter, arrived, _)| (filter.as_str(), *arrived) != current)
    {
        let shown = matching(state);
        state.activity_matches =
            Some((state.activity_filter.clone(), state.activity_arrived, shown));
    }
    let shown_count = state
        .activity_matches
        .as_ref()
        .map_or(0, |(_, _, shown)| shown.len());
    ui.horizontal(|ui| {
        let count = if state.activity_filter.trim().is_empty() {
            format!("{} entries", state.activity.len())
        } else {
            format!("{shown_count} of {} entries", state.activity.len())
        };
        ui.add(
            TextEdit::singleline(&mut state.activity_filter)
                .hint_text("Filter by account, provider, action, outcome or detail")
                .desired_width(ui.available_width() - 140.0),
        )
        .accessible_name("Filter activity");
        ui.label(count);
    });
    ui.separator();
    let shown = state
        .activity_matches
        .as_ref()
        .map(|(_, _, shown)| shown.as_slice())
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
        .column(Column::auto().at_least(60.0))
        .column(Column::auto().at_least(56.0))
        .column(Column::remainder().at_least(80.0).clip(true))
        .header(row, |mut header| {
            for title in [
                "When", "Account", "Action", "From", "Outcome", "Took", "Detail",
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

/// Rows whose fields contain every term of the filter, newest first (computed only when the
/// filter or the log changes).
fn matching(state: &AppState) -> Vec<usize> {
    let terms: Vec<String> = state
        .activity_filter
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    (0..state.activity.len())
        .rev()
        .filter(|index| {
            let record = &state.activity[*index];
            terms.iter().all(|term| {
                [
                    record.account.as_str(),
                    record.provider.as_str(),
                    &record.action,
                    record.outcome.as_str(),
                    record.detail.as_deref().unwrap_or(""),
                ]
                .iter()
                .any(|field| field.to_lowercase().contains(term))
            })
        })
        .collect()
}
