//! Writes one audit record per engine action: who asked (the front end), when, how long it
//! took, and how it ended.

use std::sync::Arc;
use std::time::Instant;

use crate::core::account::Account;
use crate::core::audit::{AuditLog, AuditRecord, Via};
use crate::core::clock::Clock;
use crate::core::error::UserFacing;

pub struct ActionAudit {
    log: AuditLog,
    clock: Arc<dyn Clock>,
    /// The front end this engine serves, recorded when an action names no other way.
    origin: Via,
}

impl ActionAudit {
    pub fn new(log: AuditLog, clock: Arc<dyn Clock>, origin: Via) -> Self {
        Self { log, clock, origin }
    }

    pub fn log(&self) -> &AuditLog {
        &self.log
    }

    pub fn origin(&self) -> Via {
        self.origin
    }

    /// Records an action that came the engine's usual way.
    pub fn result<T, E: UserFacing + std::fmt::Display>(
        &self,
        account: &Account,
        action: &'static str,
        started: Instant,
        result: &Result<T, E>,
        detail: Option<String>,
    ) {
        self.result_via(account, action, self.origin, None, started, result, detail);
    }

    /// Records an action that came by `via`, for `ticket` when one was given; a failure
    /// records its error code and message.
    #[allow(clippy::too_many_arguments)]
    pub fn result_via<T, E: UserFacing + std::fmt::Display>(
        &self,
        account: &Account,
        action: &'static str,
        via: Via,
        ticket: Option<&str>,
        started: Instant,
        result: &Result<T, E>,
        detail: Option<String>,
    ) {
        let mut record =
            AuditRecord::new(account, action, via, self.clock.now(), started.elapsed());
        record.ticket = ticket.map(str::to_string);
        match result {
            Ok(_) => record.detail = detail,
            Err(err) => {
                record.outcome = err.kind().code().to_string();
                record.detail = Some(err.to_string());
            }
        }
        if let Err(err) = self.log.append(&record) {
            tracing::warn!(path = %self.log.path().display(), "could not write the audit log: {err}");
        }
    }
}
