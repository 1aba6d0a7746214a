//! The small pages the loopback listener answers the browser with.

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(title: &str, heading: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:system-ui,sans-serif;margin:3rem auto;max-width:36rem;color:#1b2a3a}}</style>\
         </head><body><h1 id=\"status\">{heading}</h1>{body}</body></html>",
        title = escape_html(title),
        heading = escape_html(heading),
    )
}

pub fn success(account: &str) -> String {
    page(
        "Signed in",
        &format!("Signed in to {account}"),
        "<p>sso-launcher has the answer. You can close this tab.</p>",
    )
}

pub fn failure(heading: &str, detail: &str) -> String {
    page(
        "Sign-in failed",
        heading,
        &format!(
            "<p>{}</p><p>Go back to sso-launcher to try again.</p>",
            escape_html(detail)
        ),
    )
}

/// For providers that answer in the URL fragment, which browsers never send to a server:
/// the page posts the fragment back to the same path, then drops it from the address bar.
pub fn fragment_relay() -> String {
    page(
        "Finishing sign-in",
        "Finishing sign-in...",
        "<noscript><p>This step needs JavaScript.</p></noscript>\
         <script>\
         const answer = location.hash.slice(1);\
         history.replaceState(null, '', location.pathname);\
         fetch(location.pathname, {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: answer})\
           .then(r => r.text()).then(html => { document.open(); document.write(html); document.close(); })\
           .catch(() => { document.getElementById('status').textContent = 'Could not reach sso-launcher. Try again.'; });\
         </script>",
    )
}
