//! Background work: outbox delivery, escalations and retention. Each job is a loop that ends when the
//! shutdown signal fires, after finishing the item in hand.

pub mod escalation;
pub mod retention;

use tokio::sync::watch;

/// Fires once at shutdown; jobs finish what they hold and return.
#[derive(Clone)]
pub struct Shutdown(watch::Receiver<bool>);

/// The sending side of [`Shutdown`].
pub struct ShutdownTrigger(watch::Sender<bool>);

pub fn shutdown_pair() -> (ShutdownTrigger, Shutdown) {
    let (tx, rx) = watch::channel(false);
    (ShutdownTrigger(tx), Shutdown(rx))
}

impl ShutdownTrigger {
    pub fn fire(&self) {
        let _ = self.0.send(true);
    }
}

impl Shutdown {
    pub fn is_fired(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves when shutdown fires (at once if it already has).
    pub async fn fired(&mut self) {
        let _ = self.0.wait_for(|v| *v).await;
    }
}
