//! The sandbox's HTML pages (templates in `assets/sandbox/`).

use crate::core::loopback::pages::escape_html as escape;

const SIGNED_IN: &str = include_str!("../../assets/sandbox/signed_in.html");
const FAILURE: &str = include_str!("../../assets/sandbox/failure.html");

pub fn signed_in(title: &str, user: &str, detail: &str) -> String {
    SIGNED_IN
        .replace("{title}", &escape(title))
        .replace("{user}", &escape(user))
        .replace("{detail}", &escape(detail))
}

pub fn failure(title: &str, detail: &str) -> String {
    FAILURE
        .replace("{title}", &escape(title))
        .replace("{detail}", &escape(detail))
}

/// A bare error page of the kind a proxy or load balancer sends.
pub fn gateway_error() -> String {
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>".into()
}
