//! The sandbox's shared state: its clock, request counts, queued faults and chosen variants.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use time::OffsetDateTime;

pub use super::faults::{Fault, FaultKind};

#[derive(Debug, Default)]
struct Inner {
    clock_offset: Duration,
    counts: BTreeMap<String, u64>,
    faults: HashMap<String, VecDeque<Fault>>,
    variants: HashMap<String, String>,
}

#[derive(Debug, Default)]
pub struct SandboxState {
    inner: Mutex<Inner>,
}

impl SandboxState {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().expect("sandbox state lock")
    }

    /// The sandbox's own time: the real clock plus however far tests have advanced it.
    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + self.lock().clock_offset
    }

    pub fn advance_clock(&self, by: Duration) {
        self.lock().clock_offset += by;
    }

    /// Counts a call and returns the fault queued for it, if any.
    pub fn record_call(&self, endpoint: &str) -> Option<Fault> {
        let mut inner = self.lock();
        *inner.counts.entry(endpoint.to_string()).or_default() += 1;
        inner.faults.get_mut(endpoint).and_then(VecDeque::pop_front)
    }

    pub fn counts(&self) -> BTreeMap<String, u64> {
        self.lock().counts.clone()
    }

    pub fn queue_fault(&self, endpoint: &str, fault: Fault, times: u32) {
        let mut inner = self.lock();
        let queue = inner.faults.entry(endpoint.to_string()).or_default();
        queue.extend(std::iter::repeat_n(fault, times as usize));
    }

    pub fn set_variant(&self, endpoint: &str, variant: &str) {
        self.lock()
            .variants
            .insert(endpoint.to_string(), variant.to_string());
    }

    pub fn variant(&self, endpoint: &str) -> Option<String> {
        self.lock().variants.get(endpoint).cloned()
    }

    /// Forgets counts, faults, variants and the clock offset (issued tokens stay).
    pub fn reset(&self) {
        *self.lock() = Inner::default();
    }
}

/// The environment variable naming a file where the sandbox lists every secret it issues
/// (tokens, codes, ID tokens), one a line: the test suite's final scan looks for each of them
/// in every file the app wrote. Unset, nothing is recorded.
pub const ISSUED_LIST_ENV: &str = "SSO_LAUNCHER_SANDBOX_ISSUED";

/// A secret the sandbox hands out, listed for the final scan when [`ISSUED_LIST_ENV`] is set.
pub fn issued(secret: String) -> String {
    if let Some(list) = std::env::var_os(ISSUED_LIST_ENV) {
        use std::io::Write;
        let line = format!("{secret}\n");
        // One append of one line: concurrent test processes do not interleave.
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(list)
            .and_then(|mut file| file.write_all(line.as_bytes()));
        if let Err(err) = written {
            tracing::warn!("could not list an issued secret for the scan: {err}");
        }
    }
    secret
}

/// A random secret token, listed as issued.
pub fn issue_secret(bytes: usize) -> String {
    issued(random_token(bytes))
}

/// A random URL-safe token, as a provider would issue.
pub fn random_token(bytes: usize) -> String {
    use base64::Engine as _;
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).expect("OS random source");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer)
}
