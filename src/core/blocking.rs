//! Running blocking work (the keyring, the disk) off the async threads.

/// Runs `work` on tokio's blocking pool and waits for it without holding an async thread.
pub async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|join| panic!("a blocking task panicked: {join}"))
}
