#![cfg(test)]
//! The page's server over a real socket: content types, the guard, errors as JSON.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::*;
use crate::api::grpc::auth::hash_token;
use crate::pool::PortUpdate;

/// A server over a fresh store holding two ports, with `tokens`.
async fn server(
    tokens: Vec<TokenConfig>,
) -> (tempfile::TempDir, Pool, watch::Sender<bool>, HttpServer) {
    let dir = tempfile::tempdir().unwrap();
    let pool = Pool::open(&dir.path().join("db.sqlite"), "t", Default::default())
        .await
        .unwrap();
    for path in ["/dev/modempool/slot01", "/dev/modempool/slot02"] {
        pool.port_link()
            .port_seen(PortUpdate::new(path, "ready"))
            .await
            .unwrap();
    }
    let (stop, shutdown) = watch::channel(false);
    let server = serve(
        WebOptions {
            listen: "127.0.0.1:0".parse().unwrap(),
            rack: "rack1".to_owned(),
            tokens,
        },
        pool.clone(),
        shutdown,
    )
    .await
    .unwrap();
    (dir, pool, stop, server)
}

/// Sends a raw HTTP/1.0 request; the status, the head and the body.
async fn send(address: SocketAddr, request: &str) -> (u16, String, String) {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response))
        .await
        .expect("answered in time")
        .unwrap();
    let response = String::from_utf8(response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head.to_ascii_lowercase(), body.to_owned())
}

async fn get(address: SocketAddr, path: &str, headers: &str) -> (u16, String, String) {
    send(address, &format!("GET {path} HTTP/1.0\r\n{headers}\r\n")).await
}

#[tokio::test]
async fn the_static_files_have_their_types_and_are_never_cached() {
    let (_dir, pool, stop, server) = server(Vec::new()).await;
    for (path, content_type, marker) in [
        ("/", "text/html; charset=utf-8", "<!doctype html>"),
        ("/app.js", "text/javascript; charset=utf-8", "EventSource"),
        ("/style.css", "text/css; charset=utf-8", "data-state"),
    ] {
        let (status, head, body) = get(server.local_addr, path, "").await;
        assert_eq!(status, 200, "{path}");
        assert!(
            head.contains(&format!("content-type: {content_type}")),
            "{head}"
        );
        assert!(head.contains("cache-control: no-store"), "{head}");
        assert!(head.contains("content-security-policy:"), "{head}");
        assert!(body.contains(marker), "{path}");
    }
    let _ = stop.send(true);
    pool.close().await;
}

#[tokio::test]
async fn the_snapshot_and_a_slot_are_json_and_bad_requests_clear_4xx() {
    let (_dir, pool, stop, server) = server(Vec::new()).await;
    let address = server.local_addr;
    let (status, head, body) = get(address, "/api/rack", "").await;
    assert_eq!(status, 200);
    assert!(head.contains("content-type: application/json"), "{head}");
    let rack: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(rack["rack"], "rack1");
    assert_eq!(rack["slots"].as_array().unwrap().len(), 2);

    for key in ["slot02", "2", "%2Fdev%2Fmodempool%2Fslot02"] {
        let (status, _, body) = get(address, &format!("/api/slots/{key}"), "").await;
        assert_eq!(status, 200, "{key}: {body}");
        let detail: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(detail["slot"]["port"], "/dev/modempool/slot02", "{key}");
        assert!(detail["events"].as_array().is_some_and(|e| !e.is_empty()));
        assert!(detail["messages"].as_array().is_some());
    }
    for path in [
        "/api/slots/nope",
        "/api/slots/99",
        "/api/slots/%FF%FE",
        "/nothing",
    ] {
        let (status, head, body) = get(address, path, "").await;
        assert!(status == 404 || status == 400, "{path}: {status}");
        assert!(head.contains("application/json"), "{path}: {head}");
        let error: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(error["error"].is_string(), "{path}: {body}");
    }
    let (status, _, body) = send(address, "DELETE /api/rack HTTP/1.0\r\n\r\n").await;
    assert_eq!(status, 405, "{body}");
    assert!(body.contains("\"error\""), "{body}");
    let (status, _, body) = send(
        address,
        "POST /login HTTP/1.0\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc",
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("\"error\""), "{body}");
    let _ = stop.send(true);
    pool.close().await;
}

#[tokio::test]
async fn with_tokens_the_api_needs_an_admin_one_and_the_page_does_not() {
    let tokens = vec![
        TokenConfig {
            name: "backend".to_owned(),
            sha256: hash_token("pool-token"),
            admin: false,
        },
        TokenConfig {
            name: "ops".to_owned(),
            sha256: hash_token("ops-token"),
            admin: true,
        },
    ];
    let (_dir, pool, stop, server) = server(tokens).await;
    let address = server.local_addr;
    assert_eq!(get(address, "/", "").await.0, 200);
    let (status, head, _) = get(address, "/api/rack", "").await;
    assert_eq!(status, 401);
    assert!(head.contains("www-authenticate: bearer"), "{head}");
    assert_eq!(
        get(address, "/api/rack", "Authorization: Bearer pool-token\r\n")
            .await
            .0,
        403
    );
    assert_eq!(
        get(
            address,
            "/api/slots/1",
            "Authorization: Bearer ops-token\r\n"
        )
        .await
        .0,
        200
    );
    let login = |token: &str| {
        let body = format!("token={token}");
        format!(
            "POST /login HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
    };
    assert_eq!(send(address, &login("nope")).await.0, 401);
    assert_eq!(send(address, &login("pool-token")).await.0, 403);
    let (status, head, _) = send(address, &login("ops-token")).await;
    assert_eq!(status, 303);
    let cookie = head
        .lines()
        .find_map(|line| line.strip_prefix("set-cookie: "))
        .and_then(|cookie| cookie.split(';').next())
        .unwrap()
        .to_owned();
    let (status, _, body) = get(address, "/api/rack", &format!("Cookie: {cookie}\r\n")).await;
    assert_eq!(status, 200, "{body}");
    let _ = stop.send(true);
    pool.close().await;
}

#[tokio::test]
async fn without_tokens_a_network_address_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let pool = Pool::open(&dir.path().join("db.sqlite"), "t", Default::default())
        .await
        .unwrap();
    let (_stop, shutdown) = watch::channel(false);
    let error = serve(
        WebOptions {
            listen: "0.0.0.0:0".parse().unwrap(),
            rack: "rack1".to_owned(),
            tokens: Vec::new(),
        },
        pool.clone(),
        shutdown,
    )
    .await
    .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("web.listen: refusing to serve"),
        "{error}"
    );
    pool.close().await;
}

#[test]
fn a_slot_is_found_by_path_label_or_number() {
    let view = |slot: u32, port: &str| ModemView {
        slot,
        label: crate::api::rack_view::label_of(port),
        port: port.to_owned(),
        state: "ready".to_owned(),
        detail: None,
        model: None,
        manufacturer: None,
        firmware: None,
        imei: None,
        iccid: None,
        signal_rssi: None,
        signal_bars: None,
        registration: None,
        number: None,
        operator: None,
        country: None,
        sms_received: 0,
        sms_today: 0,
        recoveries: 0,
        next_retry: None,
        active_allocation: None,
        updated_at: time::OffsetDateTime::UNIX_EPOCH,
    };
    // A port labelled "1" in slot 2: the label wins over the number.
    let slots = || vec![view(1, "/dev/a/x"), view(2, "/dev/a/1")];
    let port = |key: &str| find_slot(slots(), key).map(|view| view.port);
    assert_eq!(port("/dev/a/x").as_deref(), Some("/dev/a/x"));
    assert_eq!(port("x").as_deref(), Some("/dev/a/x"));
    assert_eq!(port("1").as_deref(), Some("/dev/a/1"));
    assert_eq!(port("2").as_deref(), Some("/dev/a/1"));
    assert_eq!(port("3"), None);
    assert_eq!(port(""), None);
}
