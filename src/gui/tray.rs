//! The tray icon (`tray-icon`: a StatusNotifierItem with a dbusmenu on Linux, the native
//! tray elsewhere). It lives on the window's thread; its menu clicks go straight to the
//! worker as commands (or to the window, for Search, Open and Quit), then wake the window.

use std::sync::mpsc::Sender;

use tray_icon::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tray_icon::{Icon, MouseButton, TrayIcon, TrayIconBuilder, TrayIconEvent};

use crate::gui::tray_model::{TrayCommand, TrayEntry, TrayMood, TrayView, account_of};

/// Pixel size of the tray icon's images.
const SIZE: u32 = 64;

pub struct Tray {
    icon: TrayIcon,
    shown: TrayView,
    /// The app icon at tray size, decoded once.
    image: Vec<u8>,
}

impl Tray {
    /// Creates the icon and routes its events to `requests`: account items (launched by the
    /// app, which adds the ticket and asks where the launch needs it), the commands, and a
    /// click on the icon itself, which opens the window.
    pub fn create(
        view: TrayView,
        requests: Sender<TrayCommand>,
        wake: impl Fn() + Send + Sync + Clone + 'static,
    ) -> Result<Self, String> {
        let menu_wake = wake.clone();
        let menu_requests = requests.clone();
        MenuEvent::set_event_handler(Some(move |event: MenuEvent| {
            let id = event.id().0.as_str();
            if let Some(account) = account_of(id) {
                let _ = menu_requests.send(TrayCommand::Launch(account));
            } else if let Some(command) = TrayCommand::from_menu_id(id) {
                let _ = menu_requests.send(command);
            }
            menu_wake();
        }));
        TrayIconEvent::set_event_handler(Some(move |event: TrayIconEvent| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                ..
            } = event
            {
                let _ = requests.send(TrayCommand::Open);
                wake();
            }
        }));
        let image = base_image();
        let icon = TrayIconBuilder::new()
            .with_id("sso-launcher")
            .with_title("sso-launcher")
            .with_tooltip(&view.tooltip)
            .with_icon(icon_for(&image, view.mood))
            .with_menu(Box::new(menu_for(&view.menu)))
            .with_menu_on_left_click(false)
            .build()
            .map_err(|err| err.to_string())?;
        Ok(Self {
            icon,
            shown: view,
            image,
        })
    }

    /// Brings the icon, tooltip and menu up to date with `view` (only what changed).
    pub fn show(&mut self, view: TrayView) {
        if view.menu != self.shown.menu {
            self.icon.set_menu(Some(Box::new(menu_for(&view.menu))));
        }
        if view.mood != self.shown.mood
            && let Err(err) = self.icon.set_icon(Some(icon_for(&self.image, view.mood)))
        {
            tracing::warn!("the tray icon could not be changed: {err}");
        }
        if view.tooltip != self.shown.tooltip
            && let Err(err) = self.icon.set_tooltip(Some(&view.tooltip))
        {
            tracing::warn!("the tray tooltip could not be changed: {err}");
        }
        self.shown = view;
    }
}

fn menu_for(entries: &[TrayEntry]) -> Menu {
    let menu = Menu::new();
    for entry in entries {
        let appended = match entry {
            TrayEntry::Account { menu_id, label } => menu.append(&MenuItem::with_id(
                menu_id.as_str(),
                mnemonic_safe(label),
                true,
                None,
            )),
            TrayEntry::Header(title) => menu.append(&MenuItem::new(*title, false, None)),
            TrayEntry::Separator => menu.append(&PredefinedMenuItem::separator()),
            TrayEntry::Command(command) => menu.append(&MenuItem::with_id(
                command.menu_id(),
                command.label(),
                true,
                None,
            )),
        };
        if let Err(err) = appended {
            tracing::warn!("a tray menu item could not be added: {err}");
        }
    }
    menu
}

/// An account's name as a menu label: `&` marks a mnemonic in menus, so it is doubled.
fn mnemonic_safe(label: &str) -> String {
    label.replace('&', "&&")
}

/// The app icon, with a dot in the corner while working (blue) or needing attention (red).
fn icon_for(image: &[u8], mood: TrayMood) -> Icon {
    Icon::from_rgba(mood_image(image, mood), SIZE, SIZE).expect("a square RGBA image")
}

fn mood_image(image: &[u8], mood: TrayMood) -> Vec<u8> {
    let mut rgba = image.to_vec();
    let dot = match mood {
        TrayMood::Idle => None,
        TrayMood::Working => Some([0x2f, 0xb3, 0x5a]),
        TrayMood::Attention => Some([0xe0, 0x32, 0x2a]),
    };
    if let Some(colour) = dot {
        paint_dot(&mut rgba, colour);
    }
    rgba
}

/// `assets/icon.png` scaled down to [`SIZE`] (box filter).
fn base_image() -> Vec<u8> {
    let icon = eframe::icon_data::from_png_bytes(crate::gui::ICON_PNG).expect("the bundled icon");
    let (width, height) = (icon.width as usize, icon.height as usize);
    let size = SIZE as usize;
    let mut out = vec![0u8; size * size * 4];
    for y in 0..size {
        for x in 0..size {
            let (x0, x1) = (
                x * width / size,
                ((x + 1) * width / size).max(x * width / size + 1),
            );
            let (y0, y1) = (
                y * height / size,
                ((y + 1) * height / size).max(y * height / size + 1),
            );
            let mut sum = [0u32; 4];
            for sy in y0..y1 {
                for sx in x0..x1 {
                    let pixel = &icon.rgba[(sy * width + sx) * 4..][..4];
                    for channel in 0..4 {
                        sum[channel] += u32::from(pixel[channel]);
                    }
                }
            }
            let count = ((x1 - x0) * (y1 - y0)) as u32;
            for channel in 0..4 {
                out[(y * size + x) * 4 + channel] = (sum[channel] / count) as u8;
            }
        }
    }
    out
}

fn paint_dot(rgba: &mut [u8], colour: [u8; 3]) {
    let size = SIZE as f32;
    let (centre, radius, ring) = (size * 0.77, size * 0.21, size * 0.05);
    for y in 0..SIZE {
        for x in 0..SIZE {
            let distance =
                ((x as f32 + 0.5 - centre).powi(2) + (y as f32 + 0.5 - centre).powi(2)).sqrt();
            let pixel = &mut rgba[((y * SIZE + x) * 4) as usize..][..4];
            if distance <= radius {
                pixel.copy_from_slice(&[colour[0], colour[1], colour[2], 0xff]);
            } else if distance <= radius + ring {
                pixel.copy_from_slice(&[0xff, 0xff, 0xff, 0xff]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_mood_has_its_own_image_and_names_keep_their_ampersands() {
        let base = base_image();
        let images: Vec<Vec<u8>> = [TrayMood::Idle, TrayMood::Working, TrayMood::Attention]
            .into_iter()
            .map(|mood| mood_image(&base, mood))
            .collect();
        assert_eq!(images[0].len(), (SIZE * SIZE * 4) as usize);
        assert_ne!(images[0], images[1]);
        assert_ne!(images[1], images[2]);
        assert_eq!(mnemonic_safe("R&D"), "R&&D");
    }
}
