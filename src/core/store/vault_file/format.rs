//! The vault file's bytes: an age file with one scrypt (passphrase) recipient at a fixed work
//! factor, holding JSON `{"format": "sso-launcher-vault", "version": 1, "secrets": {ACCOUNT-ID:
//! {NAME: VALUE}}}`. Plaintext buffers are wiped after use.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{MAX_WORK_FACTOR, Secrets, VAULT_WORK_FACTOR};
use crate::core::secret::SecretString;
use crate::core::store::vault::VaultError;

const FORMAT: &str = "sso-launcher-vault";
const VERSION: u32 = 1;

/// Is `bytes` an age file this vault can open (one passphrase recipient)?
pub(super) fn header_check(path: &Path, bytes: &[u8]) -> Result<(), VaultError> {
    match age::Decryptor::new_buffered(bytes) {
        Ok(decryptor) if decryptor.is_scrypt() => Ok(()),
        Ok(_) => Err(damaged(
            path,
            "it is encrypted to keys, not to a passphrase",
        )),
        Err(err) => Err(damaged(path, &format!("it is not an age file ({err})"))),
    }
}

fn damaged(path: &Path, detail: &str) -> VaultError {
    VaultError::FileDamaged {
        path: path.to_path_buf(),
        detail: detail.to_string(),
    }
}

#[derive(Serialize)]
struct FileContentsOut<'a> {
    format: &'static str,
    version: u32,
    secrets: BTreeMap<&'a str, BTreeMap<&'a str, &'a str>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileContentsIn {
    format: String,
    version: u32,
    secrets: BTreeMap<String, BTreeMap<String, String>>,
}

pub(super) fn encrypt(secrets: &Secrets, passphrase: &SecretString) -> Result<Vec<u8>, VaultError> {
    let contents = FileContentsOut {
        format: FORMAT,
        version: VERSION,
        secrets: secrets
            .iter()
            .map(|(account, names)| {
                let names = names
                    .iter()
                    .map(|(name, value)| (name.as_str(), value.expose_secret()))
                    .collect();
                (account.as_str(), names)
            })
            .collect(),
    };
    let plain =
        Zeroizing::new(
            serde_json::to_vec_pretty(&contents).map_err(|err| VaultError::Failed {
                detail: format!("could not encode the vault: {err}"),
            })?,
        );
    let mut recipient = age::scrypt::Recipient::new(age_passphrase(passphrase));
    recipient.set_work_factor(VAULT_WORK_FACTOR);
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as _)).map_err(|err| {
            VaultError::Failed {
                detail: format!("could not encrypt the vault: {err}"),
            }
        })?;
    let mut out = Vec::with_capacity(plain.len() + 256);
    let written = (|| {
        let mut writer = encryptor.wrap_output(&mut out)?;
        writer.write_all(&plain)?;
        writer.finish()
    })();
    written.map_err(|err| VaultError::Failed {
        detail: format!("could not encrypt the vault: {err}"),
    })?;
    Ok(out)
}

pub(super) fn decrypt(
    path: &Path,
    bytes: &[u8],
    passphrase: &SecretString,
) -> Result<Secrets, VaultError> {
    header_check(path, bytes)?;
    let decryptor =
        age::Decryptor::new_buffered(bytes).map_err(|err| damaged(path, &err.to_string()))?;
    let mut identity = age::scrypt::Identity::new(age_passphrase(passphrase));
    identity.set_max_work_factor(MAX_WORK_FACTOR);
    let mut reader = match decryptor.decrypt(std::iter::once(&identity as _)) {
        Ok(reader) => reader,
        Err(age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys) => {
            return Err(VaultError::WrongPassphrase {
                path: path.to_path_buf(),
            });
        }
        Err(age::DecryptError::ExcessiveWork { required, .. }) => {
            return Err(damaged(
                path,
                &format!(
                    "it asks for scrypt work factor {required}; at most {MAX_WORK_FACTOR} is accepted"
                ),
            ));
        }
        Err(err) => return Err(damaged(path, &err.to_string())),
    };
    let mut plain = Zeroizing::new(Vec::new());
    reader
        .read_to_end(&mut plain)
        .map_err(|err| damaged(path, &format!("its contents do not decrypt ({err})")))?;
    let contents: FileContentsIn = serde_json::from_slice(&plain)
        .map_err(|err| damaged(path, &format!("its contents are not a vault ({err})")))?;
    if contents.format != FORMAT || contents.version != VERSION {
        return Err(damaged(
            path,
            &format!(
                "it holds '{}' version {}, not {FORMAT} version {VERSION}",
                contents.format, contents.version
            ),
        ));
    }
    Ok(contents
        .secrets
        .into_iter()
        .map(|(account, names)| {
            let names = names
                .into_iter()
                .map(|(name, value)| (name, SecretString::new(value)))
                .collect();
            (account, names)
        })
        .collect())
}

fn age_passphrase(passphrase: &SecretString) -> age::secrecy::SecretString {
    age::secrecy::SecretString::from(passphrase.expose_secret().to_owned())
}
