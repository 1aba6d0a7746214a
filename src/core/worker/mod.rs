//! The worker: a thread with its own async runtime that owns the engine, runs [`Command`]s
//! and reports [`Event`]s. A front end's thread only sends and receives, so it never waits
//! on the network, the keyring or the clipboard.

mod accounts;
mod choices;
mod clipboard;
mod context;
mod emitter;
mod files;
mod launches;
mod passphrases;
mod tasks;
mod tokens;
mod vault;

use std::any::Any;
use std::sync::{Arc, mpsc};

use tokio::sync::{mpsc as async_mpsc, oneshot};

use self::choices::{EventChooser, PendingChoices};
use self::emitter::Emitter;
pub use self::emitter::Wake;
use self::passphrases::PendingPassphrases;
use crate::core::engine::{Engine, EngineOptions};
use crate::core::protocol::{Command, Event, Failure};
use crate::core::provider::BoxFuture;

/// Builds the engine on the worker (reading config, starting a demo sandbox ...). Whatever
/// else it returns is kept alive as long as the worker runs.
pub type EngineFactory = Box<
    dyn FnOnce(WorkerHooks) -> BoxFuture<'static, Result<(Engine, Box<dyn Any + Send>), Failure>>
        + Send,
>;

/// The worker's ways back to the user, to install into the engine's options.
pub struct WorkerHooks {
    emitter: Emitter,
    choices: Arc<PendingChoices>,
    passphrases: Arc<PendingPassphrases>,
}

impl WorkerHooks {
    /// Routes the engine's notices, account choices and browser waits to events; actions
    /// without another way of coming are audited as the window's.
    pub fn install(&self, options: &mut EngineOptions) {
        options.via = crate::core::audit::Via::Window;
        let emitter = self.emitter.clone();
        options.notice = Arc::new(move |message| emitter.emit(Event::Notice(message.into())));
        let emitter = self.emitter.clone();
        options.browser_wait = Arc::new(move |account, waiting| {
            emitter.emit(Event::WaitingForBrowser { account, waiting });
        });
        options.chooser = Some(Arc::new(EventChooser {
            emitter: self.emitter.clone(),
            pending: self.choices.clone(),
        }));
        options
            .passphrase_relay
            .set_asker(self.passphrases.asker(self.emitter.clone()));
        let emitter = self.emitter.clone();
        options
            .passphrase_relay
            .set_on_opened(Arc::new(move || emitter.emit(Event::VaultOpened)));
    }
}

/// An engine opened with `options`, built on the worker.
pub fn engine_factory(options: EngineOptions) -> EngineFactory {
    Box::new(move |hooks| {
        Box::pin(async move {
            let mut options = options;
            hooks.install(&mut options);
            let engine = Engine::open(options).map_err(|err| Failure::from_error(&err))?;
            Ok((engine, Box::new(()) as Box<dyn Any + Send>))
        })
    })
}

/// Sends commands to the worker from any thread (the tray's menu handler, the instance
/// service); never blocks.
#[derive(Clone)]
pub struct CommandSender(async_mpsc::UnboundedSender<Command>);

impl CommandSender {
    pub fn send(&self, command: Command) {
        if self.0.send(command).is_err() {
            tracing::error!("the worker has stopped; command dropped");
        }
    }
}

/// A front end's handle on the worker. Dropping it stops the worker.
pub struct WorkerHandle {
    commands: async_mpsc::UnboundedSender<Command>,
    events: mpsc::Receiver<Event>,
    /// Ends the worker even while other threads hold a [`CommandSender`] (the tray's).
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl WorkerHandle {
    /// Starts the worker thread; the engine is built there by `factory`.
    pub fn start(factory: EngineFactory, wake: Wake) -> Self {
        let (command_sender, command_receiver) = async_mpsc::unbounded_channel();
        let (event_sender, event_receiver) = mpsc::channel();
        let (stop, stopped) = oneshot::channel();
        let emitter = Emitter {
            events: event_sender,
            wake,
        };
        let thread = std::thread::Builder::new()
            .name("sso-launcher-worker".into())
            .spawn(move || run(factory, emitter, command_receiver, stopped))
            .expect("the worker thread starts");
        Self {
            commands: command_sender,
            events: event_receiver,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// A sender for other threads.
    pub fn sender(&self) -> CommandSender {
        CommandSender(self.commands.clone())
    }

    /// Queues a command; never blocks.
    pub fn send(&self, command: Command) {
        if self.commands.send(command).is_err() {
            tracing::error!("the worker has stopped; command dropped");
        }
    }

    /// The events that arrived since the last call; never blocks.
    pub fn drain(&self) -> Vec<Event> {
        self.events.try_iter().collect()
    }

    /// Waits up to `timeout` for the next event (for tests and the CLI, never a UI thread).
    pub fn recv_timeout(&self, timeout: std::time::Duration) -> Option<Event> {
        self.events.recv_timeout(timeout).ok()
    }
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        // Ends the worker's loop; running tasks are dropped with the runtime.
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(
    factory: EngineFactory,
    emitter: Emitter,
    mut commands: async_mpsc::UnboundedReceiver<Command>,
    mut stopped: oneshot::Receiver<()>,
) {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("sso-launcher-io")
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            emitter.emit(Event::StartFailed(Failure::internal(format!(
                "Could not start the background worker: {err}."
            ))));
            return;
        }
    };
    runtime.block_on(async move {
        let choices = Arc::new(PendingChoices::default());
        let passphrases = Arc::new(PendingPassphrases::default());
        let hooks = WorkerHooks {
            emitter: emitter.clone(),
            choices: choices.clone(),
            passphrases: passphrases.clone(),
        };
        let (engine, _keep_alive) = match factory(hooks).await {
            Ok(started) => started,
            Err(failure) => {
                emitter.emit(Event::StartFailed(failure));
                let _ = stopped.await;
                return;
            }
        };
        let tasks = context::Tasks::new(Arc::new(engine), emitter, choices, passphrases);
        tasks.handle(Command::Reload);
        tasks.follow_files();
        tasks.follow_team_list();
        tasks.watch_vault_lock();
        loop {
            tokio::select! {
                command = commands.recv() => match command {
                    Some(command) => tasks.handle(command),
                    None => break,
                },
                _ = &mut stopped => break,
            }
        }
        tasks.shutdown();
    });
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
}
