//! Serving an axum router on a TCP address until the daemon stops: shared by the partner
//! API and the rack page, which each listen on their own address.

use std::io;
use std::net::SocketAddr;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A bound HTTP server.
#[derive(Debug)]
pub struct HttpServer {
    /// The address bound: the real port when the configuration said port 0.
    pub local_addr: SocketAddr,
    /// Ends once `shutdown` turned true and every open request has been answered
    /// (server-sent event streams end with the shutdown signal too).
    pub task: JoinHandle<io::Result<()>>,
}

/// Binds `listen` and serves `router` on it until `shutdown` turns true. Binding happens
/// before this returns, so a busy address is an error at start, not a log line later.
pub async fn serve(
    listen: SocketAddr,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) -> io::Result<HttpServer> {
    let listener = TcpListener::bind(listen).await?;
    let local_addr = listener.local_addr()?;
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move {
        axum::serve(listener, service)
            .with_graceful_shutdown(async move {
                let _ = shutdown.wait_for(|stop| *stop).await;
            })
            .await
    });
    Ok(HttpServer { local_addr, task })
}
