//! The resident desktop app's peers on the session bus: one instance per user session and
//! config folder, the tray host's presence, and desktop notifications. No window code here.

pub mod instance;
pub mod notifications;
pub mod tray_host;
