//! Serving an axum router on a TCP address until the daemon stops: shared by the partner
//! API and the rack page, which each listen on their own address.
//!
//! Connections are HTTP/1.1, served by hyper directly rather than `axum::serve`, for the
//! limits a server facing the network needs: a client has [`HEADER_READ_TIMEOUT`] to send
//! its request head (a slow client cannot hold a connection open for nothing), and on
//! shutdown each connection finishes the request in flight and closes. With a
//! [`TlsAcceptor`] the connections are HTTPS (rustls), optionally with client certificates.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
pub use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tower::ServiceExt;

use crate::config::TlsConfig;

/// How long a client may take to send its request's head.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A bound HTTP server.
#[derive(Debug)]
pub struct HttpServer {
    /// The address bound: the real port when the configuration said port 0.
    pub local_addr: SocketAddr,
    /// Ends once `shutdown` turned true and every open connection has finished its request
    /// in flight (so a stream the router answers with must end on shutdown too).
    pub task: JoinHandle<io::Result<()>>,
}

/// Why the TLS settings of a listener cannot be used: each names the file and what is
/// wrong with it, for a technician to fix before a restart.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file cannot be read.
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A file holds no certificate or key in PEM, or a broken one.
    #[error("{}: {what}", path.display())]
    Pem {
        /// The file.
        path: PathBuf,
        /// What was expected and not found.
        what: String,
    },
    /// rustls refused the certificate, key or CA.
    #[error("the TLS settings are refused: {0}")]
    Rustls(#[from] rustls::Error),
    /// The client CA cannot verify certificates.
    #[error("client_ca: {0}")]
    ClientCa(String),
}

/// A TLS acceptor for `tls`: the server's certificate chain and key, and with `client_ca`
/// only clients presenting a certificate that CA signed. HTTP/1.1 is offered by ALPN.
pub fn tls_acceptor(tls: &TlsConfig) -> Result<TlsAcceptor, TlsError> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|source| TlsError::Read {
            path: path.to_owned(),
            source,
        })
    };
    let pem_error = |path: &Path, what: &str| TlsError::Pem {
        path: path.to_owned(),
        what: what.to_owned(),
    };
    let certificates = |path: &Path| -> Result<Vec<CertificateDer<'static>>, TlsError> {
        let pem = read(path)?;
        let chain = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| pem_error(path, &format!("a broken PEM certificate: {error}")))?;
        if chain.is_empty() {
            return Err(pem_error(path, "no PEM certificate (BEGIN CERTIFICATE)"));
        }
        Ok(chain)
    };
    let chain = certificates(&tls.cert)?;
    let key = PrivateKeyDer::from_pem_slice(&read(&tls.key)?)
        .map_err(|error| pem_error(&tls.key, &format!("no usable PEM private key: {error}")))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()?;
    let builder = match &tls.client_ca {
        None => builder.with_no_client_auth(),
        Some(path) => {
            let mut roots = rustls::RootCertStore::empty();
            for certificate in certificates(path)? {
                roots.add(certificate)?;
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .build()
            .map_err(|error| TlsError::ClientCa(error.to_string()))?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let mut config = builder.with_single_cert(chain, key)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Binds `listen` and serves `router` on it until `shutdown` turns true, over TLS when
/// `tls` is given. Binding happens before this returns, so a busy address is an error at
/// start, not a log line later. Handlers can read the peer's address with
/// `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listen: SocketAddr,
    router: Router,
    tls: Option<TlsAcceptor>,
    shutdown: watch::Receiver<bool>,
) -> io::Result<HttpServer> {
    let listener = TcpListener::bind(listen).await?;
    let local_addr = listener.local_addr()?;
    let task = serve_bound(listener, router, tls, shutdown);
    Ok(HttpServer { local_addr, task })
}

/// Serves `router` on a listener bound earlier (for a caller that must know its address
/// before it can build the router), as [`serve`] does.
pub fn serve_bound(
    listener: TcpListener,
    router: Router,
    tls: Option<TlsAcceptor>,
    shutdown: watch::Receiver<bool>,
) -> JoinHandle<io::Result<()>> {
    tokio::spawn(run(listener, router, tls, shutdown))
}

async fn run(
    listener: TcpListener,
    router: Router,
    tls: Option<TlsAcceptor>,
    mut shutdown: watch::Receiver<bool>,
) -> io::Result<()> {
    let mut connections = JoinSet::new();
    loop {
        if *shutdown.borrow_and_update() {
            break;
        }
        tokio::select! {
            changed = shutdown.changed() => {
                if changed.is_err() {
                    break;
                }
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(connection(
                        stream,
                        peer,
                        router.clone(),
                        tls.clone(),
                        shutdown.clone(),
                    ));
                }
                Err(error) => {
                    // Out of file descriptors, most likely: wait rather than spin.
                    tracing::warn!(%error, "http: cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
        }
    }
    drop(listener);
    while connections.join_next().await.is_some() {}
    Ok(())
}

/// Serves one connection (after its TLS handshake, with `tls`) until the client closes it,
/// or, after `shutdown`, until the request in flight is answered.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    tls: Option<TlsAcceptor>,
    shutdown: watch::Receiver<bool>,
) {
    let Some(acceptor) = tls else {
        return serve_io(stream, peer, router, shutdown).await;
    };
    // The handshake has the same bound as a request head: a silent client is dropped.
    match tokio::time::timeout(HEADER_READ_TIMEOUT, acceptor.accept(stream)).await {
        Ok(Ok(stream)) => serve_io(stream, peer, router, shutdown).await,
        Ok(Err(error)) => tracing::debug!(%error, %peer, "http: a TLS handshake failed"),
        Err(_) => tracing::debug!(%peer, "http: a TLS handshake timed out"),
    }
}

/// Serves HTTP/1.1 on one connection's stream.
async fn serve_io<S>(
    stream: S,
    peer: SocketAddr,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        router.clone().oneshot(request.map(axum::body::Body::new))
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .serve_connection(TokioIo::new(stream), service);
    let mut connection = std::pin::pin!(connection);
    let stopping = async move {
        let _ = shutdown.wait_for(|stop| *stop).await;
    };
    let finished = tokio::select! {
        result = connection.as_mut() => Some(result),
        () = stopping => None,
    };
    let result = match finished {
        Some(result) => result,
        None => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(error) = result {
        tracing::debug!(%error, %peer, "http: a connection ended with an error");
    }
}

#[cfg(test)]
mod tests {
    use axum::routing::get;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    async fn ask(stream: &mut tokio::net::TcpStream) -> String {
        stream
            .write_all(b"GET /peer HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut answer = Vec::new();
        let mut buffer = [0u8; 1024];
        while !answer.ends_with(b"127.0.0.1") {
            let read = stream.read(&mut buffer).await.unwrap();
            assert!(
                read > 0,
                "closed early: {}",
                String::from_utf8_lossy(&answer)
            );
            answer.extend_from_slice(&buffer[..read]);
        }
        String::from_utf8(answer).unwrap()
    }

    #[tokio::test]
    async fn serves_with_the_peer_address_and_stops_with_idle_connections_open() {
        let router = Router::new().route(
            "/peer",
            get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.ip().to_string() }),
        );
        let (stop, stopping) = watch::channel(false);
        let server = serve("127.0.0.1:0".parse().unwrap(), router, None, stopping)
            .await
            .unwrap();
        let mut kept_alive = tokio::net::TcpStream::connect(server.local_addr)
            .await
            .unwrap();
        let answer = ask(&mut kept_alive).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        // A second request on the same connection: keep-alive works.
        assert!(ask(&mut kept_alive).await.starts_with("HTTP/1.1 200"));
        stop.send(true).unwrap();
        let stopped = tokio::time::timeout(Duration::from_secs(10), server.task).await;
        assert!(matches!(stopped, Ok(Ok(Ok(())))), "{stopped:?}");
        // The idle connection was closed, and nothing listens any more.
        let mut rest = Vec::new();
        let _ = kept_alive.read_to_end(&mut rest).await;
        assert!(
            tokio::net::TcpStream::connect(server.local_addr)
                .await
                .is_err()
        );
    }
}
