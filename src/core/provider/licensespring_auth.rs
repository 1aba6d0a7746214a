//! LicenseSpring License API request signing ("License API Authorization", providers.md §3):
//! an HMAC-SHA256 over `licenseSpring\ndate: <Date>` with the shared key, sent with the API
//! key in the `Authorization` header. The shared key never leaves the machine.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::OffsetDateTime;
use time::macros::format_description;

use crate::core::secret::SecretString;

/// The `Date` header value: RFC 7231 IMF-fixdate in GMT (`Tue, 07 Jun 2011 20:51:35 GMT`).
pub fn imf_fixdate(at: OffsetDateTime) -> String {
    let format = format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .expect("a UTC time formats")
}

/// base64(HMAC-SHA256(shared key, "licenseSpring\ndate: <date>")), no trailing newline.
pub fn signature(shared_key: &SecretString, date: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(shared_key.expose_secret().as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(format!("licenseSpring\ndate: {date}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The `Authorization` header for a signed request.
pub fn authorization(
    api_key: &SecretString,
    shared_key: &SecretString,
    date: &str,
) -> SecretString {
    SecretString::new(format!(
        "algorithm=\"hmac-sha256\",headers=\"date\",signature=\"{}\",apikey=\"{}\"",
        signature(shared_key, date),
        api_key.expose_secret()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_documented_test_vector() {
        let shared_key = SecretString::new("kw4qSnpSwXzgiv5yxYpZZmFEd9QAeiKTQ6OuyMja");
        let date = "Tue, 07 Jun 2011 20:51:35 GMT";
        let signed = signature(&shared_key, date);
        assert!(signed.starts_with("UDysfR"), "the docs' vector: {signed}");
        assert_eq!(signed, "UDysfR6MndUZReo07Y9r+vErn8vSxrnQ5ulit18iJ/Q=");
        let header = authorization(&SecretString::new("api-key-1"), &shared_key, date);
        assert_eq!(
            header.expose_secret(),
            format!(
                "algorithm=\"hmac-sha256\",headers=\"date\",signature=\"{signed}\",apikey=\"api-key-1\""
            )
        );
    }

    #[test]
    fn date_is_imf_fixdate_in_gmt() {
        let at = OffsetDateTime::from_unix_timestamp(1_307_479_895).unwrap();
        assert_eq!(imf_fixdate(at), "Tue, 07 Jun 2011 20:51:35 GMT");
        let shifted = at.to_offset(time::UtcOffset::from_hms(2, 0, 0).unwrap());
        assert_eq!(imf_fixdate(shifted), "Tue, 07 Jun 2011 20:51:35 GMT");
    }
}
