//! Everything but the PDU codec, in one binary so the crate is linked once for all of it:
//! the AT runner and the daemon core against the simulator in-process, and the real
//! `modempool` binary (`serve`, `simulate`, `check-config`, `status`) driven from outside over
//! its gRPC, HTTP and control endpoints, with independent clients (gammu, Python, Chromium)
//! where they are installed. `common` holds what these tests share.

mod common; // running `serve`/`simulate`, bounded commands, polling, skips, HTTP, certificates

mod at_runner_simulator; // the AT runner against simulated modems over pseudo-terminals
mod capture_replay; // `serve --capture`, `at explain` and `--replay` on one transcript format
mod check_config; // `modempool check-config`: the example passes, mistakes are located
mod daemon_ingest; // the daemon core: inventory, exactly-once ingest, multipart, port faults
mod grpc_api; // the gRPC API end to end against `serve --simulate`
mod grpc_independent_client; // the gRPC API from Python's grpcio, by server reflection alone
mod json_logs; // `--log-format json`: one object per line, with slot and ICCID
mod metrics; // the Prometheus endpoint: ports, SMS counts, ingest latency, bind errors
mod partner_api; // the partner HTTP API, every answer checked against its OpenAPI description
mod rack_page; // the rack page's HTTP side: snapshot, event stream, admin token
mod rack_page_browser; // the rack page in headless Chromium over WebDriver
mod serve_cli; // `modempool serve`: SIGKILL mid-burst loses nothing, SIGTERM, bad configs
mod simulate_cli; // `modempool simulate` / `sim`, and gammu against the simulated modems
mod status_cli; // `modempool status`: ports, identities, an unplugged modem
mod systemd_unit; // the systemd unit: `systemd-analyze`, sd_notify ready/watchdog/stopping
mod udev_rules; // the udev rules against the model table, and `udevadm verify`
