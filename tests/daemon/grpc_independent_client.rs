//! The gRPC API works with an independent client that has no proto files: Python's grpcio
//! (`tests/clients/reflection_client.py`) learns modempool's services from server reflection
//! alone, builds its requests from the descriptors it fetched, and checks health, the token
//! rules (UNAUTHENTICATED, PERMISSION_DENIED), Allocate, Release, the Admin counters and a
//! refused argument against a real `modempool serve --simulate 4`.
//!
//! The Python is `target/test-venv/bin/python` (made by `.ci/run`) or, without it, a
//! `python3` that has grpcio, grpcio-reflection and grpcio-health-checking; without either
//! the test says `SKIPPED: ...` on stderr and passes, so `cargo test` runs anywhere (under
//! `CI=true` it fails instead).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::common::{BOUND, Served, skip_or_fail, until};
use modempool::api::grpc::auth::hash_token;
use modempool::proto::v1::ListStockRequest;
use modempool::proto::v1::pool_client::PoolClient;

/// The simulated modems: the client allocates 2 of them.
const PORTS: u32 = 4;
/// The Python client's whole run; it bounds each of its calls too.
const CLIENT_BOUND: Duration = Duration::from_secs(120);

/// The Python to run the client with, or why there is none.
fn python() -> Result<PathBuf, String> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-venv/bin/python");
    if venv.exists() {
        return Ok(venv);
    }
    let mut probe = Command::new("python3");
    probe.args(["-c", "import grpc, grpc_reflection, grpc_health"]);
    match run_bounded(probe, BOUND) {
        Ok(run) if run.status.is_some_and(|status| status.success()) => {
            Ok(PathBuf::from("python3"))
        }
        Ok(run) => Err(format!(
            "python3 lacks the packages: {}",
            run.stderr.trim().lines().last().unwrap_or("(no message)")
        )),
        Err(error) => Err(format!("python3: {error}")),
    }
}

/// What a bounded run printed; `status` is `None` when it was killed at the bound.
struct Run {
    status: Option<ExitStatus>,
    stdout: String,
    stderr: String,
}

/// Runs `command` to its end or kills it at `bound`.
fn run_bounded(mut command: Command, bound: Duration) -> std::io::Result<Run> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let read = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = read(Box::new(child.stdout.take().expect("stdout is piped")));
    let stderr = read(Box::new(child.stderr.take().expect("stderr is piped")));
    let deadline = Instant::now() + bound;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ok(Run {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// Starts the daemon with 4 simulated modems and two tokens in `dir`.
fn start_daemon(dir: &Path) -> Served {
    let config = format!(
        "[api]\ntokens = [\n  {{ name = \"backend\", sha256 = \"{}\" }},\n  \
             {{ name = \"ops\", sha256 = \"{}\", admin = true }},\n]\n\
             [pool]\ncooldown_secs = 0\n",
        hash_token("backend-token"),
        hash_token("ops-token"),
    );
    Served::simulated(PORTS, dir, Some(&config), &[], &[])
}

/// Polls ListStock (any service) with the crate's own client until `want` SIMs are
/// available, at most `BOUND`: the simulated modems are probed after `ready`.
fn wait_for_stock(grpc: &str, want: u32) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let what = format!("{want} SIMs in stock");
    runtime.block_on(until(&what, BOUND, async || {
        let answer = async {
            let mut client = PoolClient::connect(format!("http://{grpc}"))
                .await
                .map_err(|error| error.to_string())?;
            let mut request = tonic::Request::new(ListStockRequest::default());
            request.metadata_mut().insert(
                "authorization",
                "Bearer backend-token".parse().expect("a header value"),
            );
            request.set_timeout(Duration::from_secs(10));
            client
                .list_stock(request)
                .await
                .map_err(|status| status.to_string())
        }
        .await;
        match answer {
            Ok(response) => {
                let entries = response.into_inner().entries;
                let available: u32 = entries.iter().map(|entry| entry.available).sum();
                if available >= want {
                    return Ok(());
                }
                Err(format!("{available} available: {entries:?}"))
            }
            Err(error) => Err(error),
        }
    }));
}

#[test]
fn a_python_client_with_only_reflection_allocates_releases_and_meets_the_token_rules() {
    let python = match python() {
        Ok(python) => python,
        Err(why) => {
            skip_or_fail(&format!(
                "no Python with grpcio (run .ci/run or create target/test-venv): {why}"
            ));
            return;
        }
    };
    let client = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/reflection_client.py");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let started_at = Instant::now();
    let mut daemon = start_daemon(dir.path());
    let started = &daemon;
    assert_eq!(
        started.ports.len(),
        PORTS as usize,
        "port lines: {:?}",
        started.ports
    );
    assert!(!started.grpc.is_empty(), "no `grpc ADDR` line");
    wait_for_stock(&started.grpc, PORTS);
    eprintln!(
        "daemon ready with {PORTS} SIMs in stock after {:?}",
        started_at.elapsed()
    );

    let mut command = Command::new(&python);
    command.arg(&client).arg(&started.grpc);
    let run = run_bounded(command, CLIENT_BOUND)
        .unwrap_or_else(|error| panic!("{} does not start: {error}", python.display()));
    eprintln!(
        "{} {}:\n{}{}",
        python.display(),
        client.display(),
        run.stdout,
        run.stderr
    );
    let status = run
        .status
        .unwrap_or_else(|| panic!("the Python client did not finish within {CLIENT_BOUND:?}"));
    assert!(
        status.success(),
        "the Python client failed ({status}):\n{}{}",
        run.stdout,
        run.stderr
    );
    assert!(run.stdout.contains("all checks passed"), "{}", run.stdout);

    let status = daemon.terminate();
    assert!(
        status.success(),
        "SIGTERM stops the daemon cleanly: {status}"
    );
}
