//! Whether a tray host can show the icon: a program on the session bus owns
//! `org.kde.StatusNotifierWatcher` (KDE, Xfce, most panels; GNOME only with the AppIndicator
//! extension). A StatusNotifierItem registers "successfully" with nobody there to show it,
//! so the app checks for itself, and follows the watcher coming and going (a panel that
//! starts after the app at login, or restarts).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[cfg(all(unix, not(target_os = "macos")))]
use zbus::blocking::{Connection, fdo::DBusProxy};

pub const WATCHER: &str = "org.kde.StatusNotifierWatcher";

/// Why the tray is not shown, in words a person can act on.
pub fn absence_reason() -> String {
    "No tray is available: nothing on this desktop shows tray icons (on GNOME, enable the AppIndicator extension), so closing this window quits.".into()
}

/// The same for someone who wants the detail (the status bar's hover text).
pub fn absence_detail() -> String {
    format!(
        "No program on the session bus owns {WATCHER}, the name tray hosts (KDE, Xfce and most panels; GNOME with the AppIndicator extension) take. The tray icon appears by itself once one does."
    )
}

/// Follows the tray host's presence.
pub struct TrayHost {
    present: Arc<AtomicBool>,
}

impl TrayHost {
    /// Windows and macOS always have their native tray.
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    pub fn follow(_wake: impl Fn() + Send + 'static) -> Result<Self, String> {
        Ok(Self {
            present: Arc::new(AtomicBool::new(true)),
        })
    }

    /// Starts following the watcher; `wake` is called when it comes or goes. `Err`: there is
    /// no session bus at all.
    #[cfg(all(unix, not(target_os = "macos")))]
    pub fn follow(wake: impl Fn() + Send + 'static) -> Result<Self, String> {
        let connection = Connection::session().map_err(|err| err.to_string())?;
        let proxy = DBusProxy::new(&connection).map_err(|err| err.to_string())?;
        // Subscribed before asking, so a watcher that appears in between is not missed.
        let changes = proxy
            .receive_name_owner_changed_with_args(&[(0, WATCHER)])
            .map_err(|err| err.to_string())?;
        let present = Arc::new(AtomicBool::new(
            proxy
                .name_has_owner(WATCHER.try_into().expect("a valid bus name"))
                .unwrap_or(false),
        ));
        let seen = present.clone();
        std::thread::Builder::new()
            .name("sso-launcher-tray-host".into())
            .spawn(move || {
                let _connection = connection;
                for change in changes {
                    let Ok(args) = change.args() else { continue };
                    seen.store(args.new_owner().is_some(), Ordering::SeqCst);
                    wake();
                }
            })
            .map_err(|err| err.to_string())?;
        Ok(Self { present })
    }

    pub fn present(&self) -> bool {
        self.present.load(Ordering::SeqCst)
    }
}
