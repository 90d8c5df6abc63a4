//! The gRPC face (tonic): the `Pool` service for the ordering backend, the `Admin` service
//! for technicians, gRPC health (`grpc.health.v1`) and server reflection (v1 and v1alpha, so
//! grpcurl and Python's grpcio clients work without the proto files).
//!
//! Who calls is the interceptor's business ([`auth`]); what is allowed is the pool's; the
//! handlers only convert ([`convert`]). Errors reach clients as the gRPC code their kind
//! maps to, with a message saying what is wrong.
//!
//! Files: `auth` (tokens), `convert` (wire types, error codes), `pool_service`,
//! `admin_service`.

pub mod admin_service;
pub mod auth;
pub mod convert;
pub mod pool_service;

use std::net::SocketAddr;
use std::path::PathBuf;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Certificate, Identity, Server, ServerTlsConfig};

use crate::config::ApiConfig;
use crate::pool::Pool;
use crate::proto::v1 as pb;
use crate::proto::v1::admin_server::AdminServer;
use crate::proto::v1::pool_server::PoolServer;

use admin_service::AdminService;
use auth::Tokens;
use pool_service::PoolService;

/// The names health reports on: the server as a whole and each service.
const SERVED: [&str; 3] = [
    "",
    <PoolServer<PoolService> as tonic::server::NamedService>::NAME,
    <AdminServer<AdminService> as tonic::server::NamedService>::NAME,
];

/// The proto files of the services this server serves: every modempool file but the
/// simulator's, whose service lives on the simulator's own endpoint (reflection listing it
/// here would send generic clients to a service that is not on this port).
fn served_descriptors() -> Result<prost_types::FileDescriptorSet, ApiError> {
    use prost::Message;
    let mut set = prost_types::FileDescriptorSet::decode(pb::FILE_DESCRIPTOR_SET)
        .map_err(|error| ApiError::Reflection(error.to_string()))?;
    set.file
        .retain(|file| file.name() != "modempool/v1/simulator.proto");
    Ok(set)
}

/// Why the API could not start.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The address could not be bound (in use, not ours, no permission).
    #[error("binding the gRPC address {address}: {source}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// No token is configured and the address is not loopback: the API would be open to
    /// anyone who can reach it.
    #[error(
        "refusing to serve {address} without tokens: add [[api.tokens]] to the config \
         (make one with `modempool token NAME`) or listen on a loopback address"
    )]
    OpenToTheNetwork {
        /// The address.
        address: SocketAddr,
    },
    /// A TLS file could not be read.
    #[error("reading {path}: {source}")]
    TlsFile {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The TLS set-up was refused (a bad certificate or key).
    #[error("setting up TLS: {0}")]
    Tls(String),
    /// Reflection could not read the descriptors (a build problem).
    #[error("setting up reflection: {0}")]
    Reflection(String),
}

/// A running API server.
pub struct ApiServer {
    /// The address bound (the real port when the config said 0).
    pub local_addr: SocketAddr,
    /// The server; ends after the daemon's shutdown turns true and open calls finish.
    pub task: JoinHandle<Result<(), tonic::transport::Error>>,
}

/// Binds `listen` and serves the API until `shutdown` turns true.
pub async fn serve(
    listen: SocketAddr,
    config: &ApiConfig,
    pool: Pool,
    shutdown: watch::Receiver<bool>,
) -> Result<ApiServer, ApiError> {
    let tokens = Tokens::new(&config.tokens);
    if tokens.is_open() && !listen.ip().is_loopback() {
        return Err(ApiError::OpenToTheNetwork { address: listen });
    }
    if tokens.is_open() {
        tracing::warn!(%listen, "no API tokens configured: every local caller is an admin");
    }
    let mut builder = Server::builder();
    if let Some(tls) = &config.tls {
        let read = |path: &PathBuf| {
            std::fs::read(path).map_err(|source| ApiError::TlsFile {
                path: path.clone(),
                source,
            })
        };
        let mut tls_config =
            ServerTlsConfig::new().identity(Identity::from_pem(read(&tls.cert)?, read(&tls.key)?));
        if let Some(ca) = &tls.client_ca {
            tls_config = tls_config.client_ca_root(Certificate::from_pem(read(ca)?));
        }
        builder = builder
            .tls_config(tls_config)
            .map_err(|error| ApiError::Tls(error.to_string()))?;
    }

    let (health, health_service) = tonic_health::server::health_reporter();
    for name in SERVED {
        health
            .set_service_status(name, tonic_health::ServingStatus::Serving)
            .await;
    }
    let descriptors = served_descriptors()?;
    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_file_descriptor_set(descriptors.clone())
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
    };
    let reflection_v1 = reflection()
        .build_v1()
        .map_err(|error| ApiError::Reflection(error.to_string()))?;
    let reflection_v1alpha = reflection()
        .build_v1alpha()
        .map_err(|error| ApiError::Reflection(error.to_string()))?;

    let listener = TcpListener::bind(listen)
        .await
        .map_err(|source| ApiError::Bind {
            address: listen,
            source,
        })?;
    let local_addr = listener.local_addr().map_err(|source| ApiError::Bind {
        address: listen,
        source,
    })?;
    // No Nagle delay: a pushed SMS or an allocation answer goes out at once.
    let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
    let router = builder
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(PoolServer::with_interceptor(
            PoolService::new(pool.clone(), shutdown.clone()),
            tokens.interceptor(false),
        ))
        .add_service(AdminServer::with_interceptor(
            AdminService::new(pool),
            tokens.interceptor(true),
        ));
    let mut stop = shutdown;
    let task = tokio::spawn(async move {
        let stopping = async move {
            let _ = stop.wait_for(|stop| *stop).await;
            // Tell health checkers first, so that load balancers drain this rack.
            for name in SERVED {
                health
                    .set_service_status(name, tonic_health::ServingStatus::NotServing)
                    .await;
            }
        };
        router
            .serve_with_incoming_shutdown(incoming, stopping)
            .await
    });
    tracing::info!(address = %local_addr, tls = config.tls.is_some(), "gRPC API listening");
    Ok(ApiServer { local_addr, task })
}
