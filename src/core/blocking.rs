//! Running blocking work (the keyring, the disk) off the async threads.

/// Runs `work` on tokio's blocking pool and waits for it without holding an async thread.
pub async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|join| panic!("a blocking task panicked: {join}"))
}

/// Runs `work` as a task of its own and waits for it: a panic in it (a bug) comes back as
/// `Err` with what it said, instead of ending the caller silently. Dropping the returned
/// future (a Cancel) stops the task too.
pub async fn supervised<T: Send + 'static>(
    work: impl std::future::Future<Output = T> + Send + 'static,
) -> Result<T, String> {
    struct AbortOnDrop(tokio::task::AbortHandle);
    impl Drop for AbortOnDrop {
        fn drop(&mut self) {
            self.0.abort();
        }
    }
    let task = tokio::spawn(work);
    let _abort = AbortOnDrop(task.abort_handle());
    match task.await {
        Ok(value) => Ok(value),
        Err(join) if join.is_panic() => {
            let payload = join.into_panic();
            let said = payload
                .downcast_ref::<&str>()
                .map(|text| text.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".into());
            Err(said)
        }
        Err(_) => Err("it was stopped".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::supervised;

    #[tokio::test]
    async fn a_panic_comes_back_as_an_error_and_a_drop_stops_the_work() {
        assert_eq!(supervised(async { 7 }).await, Ok(7));
        let panicked = supervised(async {
            let lifetimes: Vec<u64> = Vec::new();
            lifetimes.iter().sum::<u64>() + lifetimes.first().copied().expect("a lifetime")
        })
        .await;
        assert!(panicked.unwrap_err().contains("a lifetime"));

        let (sender, receiver) = tokio::sync::oneshot::channel::<()>();
        let waiting = supervised(async move {
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            drop(sender);
        });
        drop(tokio::time::timeout(std::time::Duration::from_millis(20), waiting).await);
        // The work was stopped (its sender dropped) rather than left running.
        assert!(receiver.await.is_err());
    }
}
