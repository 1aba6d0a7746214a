//! What every task shares: the engine, the way back to the front end, the questions waiting
//! for an answer and the launches running.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use super::choices::PendingChoices;
use super::emitter::Emitter;
use super::passphrases::PendingPassphrases;
use crate::core::account::AccountId;
use crate::core::audit_read::AuditPosition;
use crate::core::engine::Engine;
use crate::core::engine_error::EngineError;
use crate::core::protocol::Failure;

/// The ids of accounts with a launch running, how to stop each, and how it came.
pub(crate) type RunningLaunches =
    Mutex<HashMap<AccountId, (tokio::task::AbortHandle, crate::core::protocol::Via)>>;

/// What every task holds: cheap to clone, one clone per task.
#[derive(Clone)]
pub(crate) struct Tasks {
    pub(super) engine: Arc<Engine>,
    pub(super) emitter: Emitter,
    pub(super) choices: Arc<PendingChoices>,
    pub(super) passphrases: Arc<PendingPassphrases>,
    pub(super) launches: Arc<RunningLaunches>,
    /// Where the audit log was last read up to.
    pub(super) audit_offset: Arc<tokio::sync::Mutex<Option<AuditPosition>>>,
    pub(super) refreshing_all: Arc<AtomicBool>,
    /// The accounts whose token status has been sent (new ones get theirs on arrival).
    pub(super) listed: Arc<Mutex<std::collections::HashSet<AccountId>>>,
    /// The same for the team list's accounts.
    pub(super) listed_team: Arc<Mutex<std::collections::HashSet<AccountId>>>,
}

pub(crate) fn failure(err: &EngineError) -> Failure {
    Failure::from_error(err)
}

impl Tasks {
    pub(crate) fn new(
        engine: Arc<Engine>,
        emitter: Emitter,
        choices: Arc<PendingChoices>,
        passphrases: Arc<PendingPassphrases>,
    ) -> Self {
        Self {
            engine,
            emitter,
            choices,
            passphrases,
            launches: Arc::new(Mutex::new(HashMap::new())),
            audit_offset: Arc::new(tokio::sync::Mutex::new(None)),
            refreshing_all: Arc::new(AtomicBool::new(false)),
            listed: Arc::default(),
            listed_team: Arc::default(),
        }
    }
}
