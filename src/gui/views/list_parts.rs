//! Parts of the account list's lines: a group's header, and a name with the letters the
//! search matched underlined.

use egui::{Rect, RichText, Sense, Ui, pos2, vec2};

use crate::gui::commands::Action;

/// A group's header: its name and count, folding the group on a click.
pub fn group_header(
    ui: &mut Ui,
    group: &str,
    count: usize,
    folded: bool,
    height: f32,
    actions: &mut Vec<Action>,
) {
    let (rect, response) =
        ui.allocate_exact_size(vec2(ui.available_width(), height), Sense::click());
    let name = format!("{group} ({count})");
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::DisclosureTriangle, true, &name));
    let icon = Rect::from_center_size(pos2(rect.left() + 12.0, rect.center().y), vec2(10.0, 10.0));
    let icon_response = egui::Response {
        rect: icon,
        ..response.clone()
    };
    egui::collapsing_header::paint_default_icon(ui, if folded { 0.0 } else { 1.0 }, &icon_response);
    ui.painter().text(
        pos2(rect.left() + 24.0, rect.center().y),
        egui::Align2::LEFT_CENTER,
        name,
        egui::TextStyle::Body.resolve(ui.style()),
        ui.visuals().strong_text_color(),
    );
    if response.clicked() {
        actions.push(Action::ToggleGroup(group.to_string()));
    }
}

/// The name in strong text, the letters the search matched underlined in the selection's
/// colour (so the operator sees why a row is there).
pub fn highlighted_name(ui: &Ui, name: &str, query: &str) -> egui::WidgetText {
    let matched = crate::core::search::highlights(name, query);
    if matched.is_empty() {
        return RichText::new(name).strong().into();
    }
    let font = egui::TextStyle::Body.resolve(ui.style());
    let plain = egui::TextFormat::simple(font.clone(), ui.visuals().strong_text_color());
    let marked = egui::TextFormat {
        color: ui.visuals().selection.stroke.color,
        underline: egui::Stroke::new(1.0, ui.visuals().selection.stroke.color),
        ..egui::TextFormat::simple(font, ui.visuals().strong_text_color())
    };
    let mut job = egui::text::LayoutJob::default();
    for (position, letter) in name.chars().enumerate() {
        let format = if matched.binary_search(&position).is_ok() {
            marked.clone()
        } else {
            plain.clone()
        };
        job.append(letter.encode_utf8(&mut [0; 4]), 0.0, format);
    }
    job.into()
}
