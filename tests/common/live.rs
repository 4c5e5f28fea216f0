//! The service itself (not the bare router) answering on a free loopback port inside the test
//! process: for tests that need real connections (a browser, raw TCP, timing).

use std::net::SocketAddr;

use anli::server::{AppState, Limits};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running service; [`Live::stop`] shuts it down and checks it ended cleanly.
pub struct Live {
    /// Where it answers.
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
}

impl Live {
    /// Serve `state` with the default limits.
    pub async fn start(state: AppState) -> Live {
        Live::start_with(state, Limits::default()).await
    }

    /// Serve `state` with `limits`.
    pub async fn start_with(state: AppState, limits: Limits) -> Live {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(anli::server::serve_with(
            listener,
            state,
            async {
                let _ = stopped.await;
            },
            limits,
        ));
        Live { addr, stop, server }
    }

    /// `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Shut the service down and wait until it has ended, without an error.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        self.server.await.unwrap().unwrap();
    }
}
