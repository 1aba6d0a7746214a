//! A bare eframe window with one label: the baseline `scripts/bench-window` measures the
//! app against (same eframe build, features and renderer).

use sso_launcher::gui::app::{FIRST_FRAME_ENV, report_first_frame};

struct Bare {
    report: Option<std::path::PathBuf>,
}

impl eframe::App for Bare {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| ui.label("bare eframe window"));
        if self.report.is_some() {
            report_first_frame(self.report.take());
        }
    }
}

fn main() -> eframe::Result {
    let glow = std::env::args().any(|arg| arg == "--renderer=glow");
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("bare eframe window")
            .with_inner_size([960.0, 640.0]),
        renderer: if glow {
            eframe::Renderer::Glow
        } else {
            eframe::Renderer::Wgpu
        },
        ..Default::default()
    };
    eframe::run_native(
        "bare eframe window",
        options,
        Box::new(|_| {
            Ok(Box::new(Bare {
                report: std::env::var_os(FIRST_FRAME_ENV).map(Into::into),
            }))
        }),
    )
}
