//! Reading and writing the versioned TOML files, with errors that name the file and line.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::StoreError;
use super::atomic::write_atomically;

/// Reads a versioned TOML file. `Ok(None)` when it does not exist yet.
pub fn read_versioned<T: DeserializeOwned>(
    path: &Path,
    supported_version: u32,
) -> Result<Option<T>, StoreError> {
    let contents = match std::fs::read_to_string(path) {
        Ok(contents) => contents,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(StoreError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    parse_versioned(path, &contents, supported_version).map(Some)
}

/// Parses a versioned TOML document. The version is checked before the layout, so a file
/// written by a newer release is reported as such instead of as a syntax error.
pub fn parse_versioned<T: DeserializeOwned>(
    path: &Path,
    contents: &str,
    supported_version: u32,
) -> Result<T, StoreError> {
    let parse_error = |err: toml::de::Error| {
        let line = err.span().map(|span| {
            contents[..span.start.min(contents.len())]
                .matches('\n')
                .count()
                + 1
        });
        StoreError::Parse {
            path: path.to_path_buf(),
            line,
            message: err.message().trim().to_string(),
        }
    };
    // The common case in one typed pass: a file this release wrote, its version up front.
    if top_level_version(contents)
        .is_some_and(|found| (1..=i64::from(supported_version)).contains(&found))
        && let Ok(parsed) = toml::from_str::<T>(contents)
    {
        return Ok(parsed);
    }
    // Otherwise, carefully: the version before the layout, and errors that name the line.
    let table: toml::Table = toml::from_str(contents).map_err(parse_error)?;
    match table.get("schema_version") {
        Some(toml::Value::Integer(found)) if *found > i64::from(supported_version) => {
            return Err(StoreError::NewerSchema {
                path: path.to_path_buf(),
                found: *found,
                supported: supported_version,
            });
        }
        Some(toml::Value::Integer(found)) if *found >= 1 => {}
        Some(_) => {
            return Err(StoreError::Parse {
                path: path.to_path_buf(),
                line: line_of_key(contents, "schema_version"),
                message: "schema_version must be a positive whole number".into(),
            });
        }
        None => {
            return Err(StoreError::Parse {
                path: path.to_path_buf(),
                line: None,
                message: "schema_version is missing".into(),
            });
        }
    }
    toml::from_str(contents).map_err(parse_error)
}

/// Serialises and writes a file atomically.
pub fn write_toml<T: Serialize>(path: &Path, value: &T) -> Result<(), StoreError> {
    let text = toml::to_string_pretty(value).map_err(|err| StoreError::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(err),
    })?;
    write_atomically(path, text.as_bytes()).map_err(|source| StoreError::Write {
        path: PathBuf::from(path),
        source,
    })
}

/// `schema_version = N` among the keys before the first table, as this app writes it.
fn top_level_version(contents: &str) -> Option<i64> {
    for line in contents.lines().map(str::trim) {
        if line.starts_with('[') {
            return None;
        }
        if let Some(value) = line
            .strip_prefix("schema_version")
            .and_then(|rest| rest.trim_start().strip_prefix('='))
        {
            return value.trim().parse().ok();
        }
    }
    None
}

fn line_of_key(contents: &str, key: &str) -> Option<usize> {
    contents
        .lines()
        .position(|line| line.trim_start().starts_with(key))
        .map(|index| index + 1)
}
