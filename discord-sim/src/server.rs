//! Starting the server: binding 127.0.0.1 on a free port, the shared state every handler and the
//! test API use, and serving REST and the gateway on one port.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use parking_lot::Mutex;
use tokio::sync::Notify;

use crate::openapi::OpenApi;
use crate::state::State;

/// What every request handler, socket and test API call shares.
pub(crate) struct Shared {
    pub(crate) state: Mutex<State>,
    /// Woken after every state change, for tests awaiting a condition.
    pub(crate) changed: Notify,
    pub(crate) openapi: Option<Arc<OpenApi>>,
    pub(crate) addr: SocketAddr,
    pub(crate) heartbeat_ms: u64,
    pub(crate) wait_timeout: Duration,
}

impl Shared {
    pub(crate) fn api_base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub(crate) fn gateway_url(&self) -> String {
        format!("ws://{}/gateway", self.addr)
    }

    /// Runs a change under the lock, then wakes whoever awaits a condition.
    pub(crate) fn mutate<R>(&self, change: impl FnOnce(&mut State) -> R) -> R {
        let result = change(&mut self.state.lock());
        self.changed.notify_waiters();
        result
    }
}

/// The options [`crate::SimBuilder`] collected.
pub(crate) struct Options {
    pub(crate) state: State,
    pub(crate) openapi: Option<Arc<OpenApi>>,
    pub(crate) heartbeat_ms: u64,
    pub(crate) wait_timeout: Duration,
}

/// Binds, spawns the server task and returns the shared state and the task.
pub(crate) async fn start(
    options: Options,
) -> anyhow::Result<(Arc<Shared>, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .context("binding 127.0.0.1:0 for discord-sim")?;
    let addr = listener.local_addr().context("reading the bound address")?;
    let shared = Arc::new(Shared {
        state: Mutex::new(options.state),
        changed: Notify::new(),
        openapi: options.openapi,
        addr,
        heartbeat_ms: options.heartbeat_ms,
        wait_timeout: options.wait_timeout,
    });
    let app = crate::rest::router(shared.clone());
    let task = tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            eprintln!("discord-sim: server stopped: {error}");
        }
    });
    Ok((shared, task))
}
