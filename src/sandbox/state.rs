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

/// A random URL-safe token, as a provider would issue.
pub fn random_token(bytes: usize) -> String {
    use base64::Engine as _;
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).expect("OS random source");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer)
}
