//! Background tasks that survive their own panics.

use std::future::Future;
use std::time::Duration;

/// Runs the task `start` makes until it ends. If it panics, the panic is logged and a fresh
/// one is started a second later, so a bug hit by one row cannot silently stop the outbox,
/// the invitation writer or housekeeping for the rest of the process's life.
pub async fn supervise<F, Fut>(name: &'static str, mut start: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    loop {
        match tokio::spawn(start()).await {
            Ok(()) => return,
            Err(err) if err.is_panic() => {
                tracing::error!(task = name, "background task panicked; starting it again");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            // Cancelled: the runtime is shutting down.
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::supervise;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn a_task_that_panics_is_started_again_until_it_ends() {
        let runs = Arc::new(AtomicUsize::new(0));
        let counter = runs.clone();
        supervise("test", move || {
            let run = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                assert!(run > 0, "the first run panics");
            }
        })
        .await;
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }
}
