//! The activity tab: the audit log, newest first, filtered as you type.

use egui::{RichText, ScrollArea, TextEdit, Ui};

use crate::gui::state::AppState;

pub fn show(ui: &mut Ui, state: &mut AppState) {
    ui.horizontal(|ui| {
        ui.add(
            TextEdit::singleline(&mut state.activity_filter)
                .hint_text("Filter by account, provider, action, outcome or detail")
                .desired_width(ui.available_width() - 120.0),
        )
        .accessible_name("Filter activity");
        ui.label(format!("{} entries", state.activity.len()));
    });
    ui.separator();
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
    let shown = state
        .activity_matches
        .as_ref()
        .map(|(_, _, shown)| shown.as_slice())
        .unwrap_or_default();
    if shown.is_empty() {
        ui.label(if state.activity.is_empty() {
            "Nothing yet: launches, sign-ins and sign-outs are listed here."
        } else {
            "No entry matches the filter."
        });
        return;
    }
    let height = ui.spacing().interact_size.y;
    ScrollArea::vertical()
        .id_salt("activity")
        .auto_shrink(false)
        .show_rows(ui, height, shown.len(), |ui, rows| {
            for index in &shown[rows] {
                let record = &state.activity[*index];
                ui.horizontal(|ui| {
                    ui.monospace(&record.time);
                    ui.label(RichText::new(&record.account).strong());
                    ui.label(record.action.as_ref());
                    let outcome = RichText::new(&record.outcome);
                    if record.outcome == "ok" {
                        ui.label(outcome);
                    } else {
                        ui.label(outcome.color(ui.visuals().error_fg_color));
                    }
                    ui.weak(format!("{} ms", record.duration_ms));
                    if let Some(detail) = &record.detail {
                        ui.add(egui::Label::new(detail).truncate());
                    }
                });
            }
        });
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
