//! The desktop window (eframe/egui). It only draws state and sends commands to the worker.

pub mod app;
mod app_frame;
mod app_resident;
mod bulk_actions;
pub mod commands;
pub mod editor;
pub mod held_launch;
pub mod list_groups;
pub mod quick;
pub mod remedies;
pub mod resident;
pub mod state;
pub mod tray;
pub mod tray_model;
pub mod views;

use std::any::Any;
use std::sync::Arc;

use crate::core::engine::EngineOptions;
use crate::core::protocol::Failure;
pub use crate::core::worker::{EngineFactory, engine_factory};

/// Which graphics backend draws the window; chosen at start (eframe cannot switch later).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RendererChoice {
    #[default]
    Wgpu,
    Glow,
}

/// How to start the window.
pub struct WindowOptions {
    pub renderer: RendererChoice,
    /// Where the window's size and place are kept.
    pub data_dir: std::path::PathBuf,
    pub title: String,
}

/// The demo: the sandbox and its accounts, built on the worker; `configure` adjusts the
/// engine's options (browser command, HTTP timeout).
pub fn demo_factory(configure: impl FnOnce(&mut EngineOptions) + Send + 'static) -> EngineFactory {
    Box::new(move |hooks| {
        Box::pin(async move {
            let demo = crate::sandbox::demo::start_demo(|options| {
                configure(options);
                hooks.install(options);
            })
            .await
            .map_err(|err| match err {
                crate::sandbox::demo::DemoError::Engine(err) => Failure::from_error(&err),
                other => Failure::internal(crate::core::error::sentence(&other.to_string())),
            })?;
            let keep_alive: Box<dyn Any + Send> = Box::new((demo.sandbox, demo.dir));
            Ok((demo.engine, keep_alive))
        })
    })
}

/// The main window's smallest size, in points.
pub const MIN_SIZE: [f32; 2] = [560.0, 360.0];

pub(crate) const ICON_PNG: &[u8] = include_bytes!("../../assets/icon.png");

/// Opens the window (with its tray) and runs until the app quits.
pub fn run(
    window: WindowOptions,
    factory: EngineFactory,
    desktop: resident::DesktopOptions,
) -> Result<(), String> {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title(&window.title)
        .with_app_id("sso-launcher")
        .with_inner_size([960.0, 640.0])
        .with_min_inner_size(MIN_SIZE);
    match eframe::icon_data::from_png_bytes(ICON_PNG) {
        Ok(icon) => viewport = viewport.with_icon(Arc::new(icon)),
        Err(err) => tracing::warn!("the app icon could not be read: {err}"),
    }
    let options = eframe::NativeOptions {
        viewport,
        renderer: match window.renderer {
            RendererChoice::Wgpu => eframe::Renderer::Wgpu,
            RendererChoice::Glow => eframe::Renderer::Glow,
        },
        persist_window: true,
        persistence_path: Some(window.data_dir.join("window.ron")),
        ..Default::default()
    };
    let title = window.title.clone();
    eframe::run_native(
        &window.title,
        options,
        Box::new(move |cc| {
            Ok(Box::new(app::SsoApp::resident(
                &cc.egui_ctx,
                factory,
                &title,
                desktop,
            )))
        }),
    )
    .map_err(|err| {
        let err = err.to_string();
        if err.contains("DISPLAY") {
            format!("no desktop session to open the window in ({err})")
        } else if window.renderer == RendererChoice::Wgpu {
            format!("the window could not be opened ({err}); try `--renderer glow`")
        } else {
            format!("the window could not be opened ({err})")
        }
    })
}
