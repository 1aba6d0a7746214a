//! LicenseSpring license activation after an SSO sign-in: `POST /api/v4/activate_license`
//! with this machine's hardware id, the `LicenseSignature` check, and what to show.

use base64::Engine as _;
use reqwest::Method;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use url::Url;

use super::wire::read_answer;
use super::{Config, Grant, NAME, signed};
use crate::core::provider::{ProviderContext, ProviderError, Secrets};

/// Activates the license; returns the facts to show (key, validity, features ...).
pub(super) async fn activate(
    ctx: ProviderContext<'_>,
    config: &Config,
    secrets: &Secrets,
    grant: &Grant,
    hardware_id: &str,
    redirect_uri: &Url,
) -> Result<Vec<(String, String)>, ProviderError> {
    let url = config
        .origin
        .join("/api/v4/activate_license")
        .expect("path joins");
    let mut body = json!({
        "hardware_id": hardware_id,
        "product": config.product,
        "customer_account_code": config.customer,
        "redirect_uri": redirect_uri.as_str(),
        "hostname": gethostname::gethostname().to_string_lossy(),
        "os_ver": std::env::consts::OS,
        "app_ver": env!("CARGO_PKG_VERSION"),
    });
    // The docs: the code (code grant) or the id_token (implicit grant), never both.
    match grant {
        Grant::Code(code) => body["code"] = code.expose_secret().into(),
        Grant::IdToken(token) => body["id_token"] = token.expose_secret().into(),
    }
    let response = signed(ctx, Method::POST, &url, secrets, Some(&body)).await?;
    let license = read_answer(&response)?;
    let mut facts = Vec::new();
    if let Some(key) = &config.vendor_key {
        let header = response
            .headers
            .get("LicenseSignature")
            .and_then(|value| value.to_str().ok());
        verify_signature(key, &response.body, header)?;
        facts.push(("signature".into(), "verified with the vendor key".into()));
    }
    Ok(describe_license(&license, facts))
}

/// Checks `LicenseSignature`: base64 RSA-SHA256 (PKCS #1 v1.5) over the body.
pub(super) fn verify_signature(
    key: &rsa::RsaPublicKey,
    body: &[u8],
    header: Option<&str>,
) -> Result<(), ProviderError> {
    let forged = |what: &str| ProviderError::InvalidIdToken {
        provider: NAME,
        detail: format!(
            "the license answer's LicenseSignature {what}; the license was not accepted"
        ),
    };
    let header = header.ok_or_else(|| forged("is missing"))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(header.trim())
        .map_err(|_| forged("is not base64"))?;
    let signature = Signature::try_from(bytes.as_slice()).map_err(|_| forged("is unreadable"))?;
    VerifyingKey::<Sha256>::new(key.clone())
        .verify(body, &signature)
        .map_err(|_| forged("does not match the vendor public key"))
}

fn describe_license(license: &Value, mut facts: Vec<(String, String)>) -> Vec<(String, String)> {
    let text = |key: &str| match license.get(key) {
        Some(Value::String(text)) if !text.is_empty() => Some(text.clone()),
        Some(Value::Number(number)) => Some(number.to_string()),
        Some(Value::Bool(flag)) => Some(flag.to_string()),
        _ => None,
    };
    let mut shown = vec![(
        "license key".to_string(),
        text("license_key").unwrap_or_else(|| "(user-based license)".into()),
    )];
    if let Some(kind) = text("license_type") {
        shown.push(("license type".into(), kind));
    }
    shown.push((
        "valid until".into(),
        text("validity_period").unwrap_or_else(|| "no end date".into()),
    ));
    if text("is_trial").as_deref() == Some("true") {
        shown.push(("trial".into(), "yes".into()));
    }
    let features: Vec<String> = license
        .get("product_features")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|feature| {
            feature
                .get("name")
                .or_else(|| feature.get("code"))
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect();
    shown.push((
        "features".into(),
        if features.is_empty() {
            "none".into()
        } else {
            features.join(", ")
        },
    ));
    shown.append(&mut facts);
    shown
}

/// The vendor key from a setting: a PEM file path, PEM text, or base64 DER (SPKI).
pub(super) fn read_vendor_key(value: &str) -> Result<rsa::RsaPublicKey, String> {
    let value = value.trim();
    let pem =
        if value.starts_with("-----BEGIN") {
            Some(value.to_string())
        } else if std::path::Path::new(value).is_file() {
            Some(std::fs::read_to_string(value).map_err(|err| {
                format!("vendor_public_key: could not read the file {value}: {err}")
            })?)
        } else {
            None
        };
    match pem {
        Some(pem) => rsa::RsaPublicKey::from_public_key_pem(pem.trim())
            .map_err(|err| format!("vendor_public_key is not an RSA public key in PEM: {err}")),
        None => {
            let der = base64::engine::general_purpose::STANDARD
                .decode(value)
                .map_err(|_| {
                    "vendor_public_key must be a PEM file path, PEM text or base64 DER".to_string()
                })?;
            rsa::RsaPublicKey::from_public_key_der(&der)
                .map_err(|err| format!("vendor_public_key is not an RSA public key: {err}"))
        }
    }
}

/// A stable id for this machine: the OS machine id, hashed with the app's name so the raw
/// id never leaves the machine. The same on every run; another on another machine.
pub(super) fn hardware_id() -> Result<String, String> {
    let raw = machine_id().ok_or_else(|| {
        "this system has no machine id to derive a hardware id from; set hardware_id".to_string()
    })?;
    let digest = Sha256::digest(format!("sso-launcher/hardware-id/{raw}").as_bytes());
    Ok(digest.iter().map(|byte| format!("{byte:02x}")).collect())
}

fn machine_id() -> Option<String> {
    let from_file = ["/etc/machine-id", "/var/lib/dbus/machine-id"]
        .iter()
        .find_map(|path| std::fs::read_to_string(path).ok())
        .map(|text| text.trim().to_string())
        .filter(|text| !text.is_empty());
    from_file.or_else(platform_machine_id)
}

#[cfg(target_os = "macos")]
fn platform_machine_id() -> Option<String> {
    let output = std::process::Command::new("ioreg")
        .args(["-rd1", "-c", "IOPlatformExpertDevice"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .find(|line| line.contains("IOPlatformUUID"))
        .and_then(|line| line.split('"').nth(3))
        .map(str::to_string)
}

#[cfg(windows)]
fn platform_machine_id() -> Option<String> {
    let output = std::process::Command::new("reg")
        .args([
            "query",
            r"HKLM\SOFTWARE\Microsoft\Cryptography",
            "/v",
            "MachineGuid",
        ])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .find(|line| line.contains("MachineGuid"))
        .and_then(|line| line.split_whitespace().last())
        .map(str::to_string)
}

#[cfg(not(any(target_os = "macos", windows)))]
fn platform_machine_id() -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hardware_id_is_stable_and_hides_the_machine_id() {
        let first = hardware_id().unwrap();
        assert_eq!(first, hardware_id().unwrap());
        assert_eq!(first.len(), 64);
        assert!(!first.contains(&machine_id().unwrap()));
    }

    #[test]
    fn license_facts_name_key_validity_and_features() {
        let license = json!({"license_key": "AAAA-BBBB", "license_type": "perpetual",
            "validity_period": null, "product_features": [{"code": "f1", "name": "Export"}]});
        let facts = describe_license(&license, Vec::new());
        assert!(facts.contains(&("license key".into(), "AAAA-BBBB".into())));
        assert!(facts.contains(&("valid until".into(), "no end date".into())));
        assert!(facts.contains(&("features".into(), "Export".into())));
    }

    #[test]
    fn a_vendor_key_that_is_not_a_key_is_refused_clearly() {
        let err = read_vendor_key("not a key").unwrap_err();
        assert!(err.contains("PEM file path"), "{err}");
    }
}
