//! The `modempool` binary: parses the command line and calls the library's commands.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use modempool::cli::pdu::{self as pdu_cli, EncodeRequest, Output};
use modempool::cli::serve::{self as serve_cli, ServeRequest};
use modempool::cli::simulate::{self as simulate_cli, SimRequest};
use modempool::config::Overrides;
use modempool::pdu::{
    Address, Alphabet, DeliverSpec, MessageClass, NationalLanguage, Shift, SubmitSpec,
};
use modempool::proto::v1 as pb;
use modempool::simulator::host::{PersonalityChoice, RackConfig};

/// Drives a rack of GSM modems and rents their numbers out to receive one-time codes by SMS.
#[derive(Debug, Parser)]
#[command(name = "modempool", version, about)]
struct Cli {
    /// Log lines (on stderr) as text for people or as one JSON object per line for
    /// collectors (journald, Loki, ...).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Human, env = "MODEMPOOL_LOG_FORMAT")]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    /// Text, coloured on a terminal.
    Human,
    /// One JSON object per line, with the span fields (slot, iccid) of port tasks.
    Json,
}

// Parsed once at start: the size of the largest variant (serve's flags) does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Decode or encode SMS PDUs (TS 23.040) as modems print them in PDU mode.
    Pdu {
        #[command(subcommand)]
        command: PduCommand,
    },
    /// Read AT dialogues: what the daemon makes of what a modem said.
    At {
        #[command(subcommand)]
        command: AtCommand,
    },
    /// Run the daemon: find the modems, keep one task per port, store every SMS.
    Serve {
        /// The TOML configuration (every key has a default; see modempool.example.toml).
        #[arg(long, value_name = "FILE")]
        config: Option<std::path::PathBuf>,
        /// Start N simulated modems in-process and serve them (no hardware needed); the
        /// database defaults to ./modempool.db.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=512))]
        simulate: Option<u32>,
        /// Where to look for modems (repeatable; replaces ports.globs).
        #[arg(long = "ports", value_name = "GLOB")]
        ports: Vec<String>,
        /// The SQLite database file.
        #[arg(long, value_name = "PATH")]
        db: Option<std::path::PathBuf>,
        /// Where the gRPC API listens (port 0: any free port).
        #[arg(long, value_name = "ADDR")]
        listen: Option<std::net::SocketAddr>,
        /// The rack id.
        #[arg(long, value_name = "ID")]
        rack: Option<String>,
        /// Serve Prometheus metrics at http://ADDR/metrics (replaces metrics.listen; port 0:
        /// any free port).
        #[arg(long, value_name = "ADDR")]
        metrics: Option<std::net::SocketAddr>,
        /// Serve the partner HTTP API (getNumbers, rentNumber, getSMS, cancelNumber) on ADDR
        /// (replaces partner_api.listen; the partners come from the config file).
        #[arg(long, value_name = "ADDR")]
        partner_listen: Option<std::net::SocketAddr>,
        /// Where the rack page listens (replaces web.listen; port 0: any free port).
        #[arg(long, value_name = "ADDR")]
        web_listen: Option<std::net::SocketAddr>,
        /// Do not serve the rack page (sets web.enabled = false).
        #[arg(long)]
        no_web: bool,
        /// Write each port's AT dialogue to DIR/<slot>.jsonl (replaces capture.dir): for a
        /// bug report about a modem; read it with `modempool at explain`.
        #[arg(long, value_name = "DIR")]
        capture: Option<std::path::PathBuf>,
        /// A SIM (by ICCID) whose configured PIN it refused may be tried once more: for
        /// after the PIN in the configuration was fixed. Repeatable.
        #[arg(long = "retry-pin", value_name = "ICCID")]
        retry_pins: Vec<String>,
        /// With --simulate: the simulated rack.
        #[command(flatten)]
        rack_args: RackArgs,
        /// With --simulate: where the sim0, sim1, ... links go (default: a new temporary
        /// directory).
        #[arg(long, value_name = "DIR")]
        link_dir: Option<std::path::PathBuf>,
    },
    /// Run simulated modems on pseudo-terminals until SIGINT/SIGTERM: links DIR/sim0...,
    /// prints one line per port, `control ADDR`, then `ready`.
    Simulate {
        /// How many modems (default 4, or one per transcript with --replay).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=512))]
        ports: Option<u32>,
        /// Where the sim0, sim1, ... links to the pseudo-terminals are made.
        #[arg(long, value_name = "DIR")]
        link_dir: std::path::PathBuf,
        #[command(flatten)]
        rack_args: RackArgs,
    },
    /// Every port of a running daemon: slot, state, model, IMEI, ICCID, number, operator,
    /// signal, registration, SMS today, allocation, last error. Exit 0 when every port is
    /// ready, 1 when not, 2 when the daemon cannot be asked.
    Status {
        /// The daemon's gRPC address.
        #[arg(long, default_value = "127.0.0.1:50051", value_name = "ADDR")]
        server: String,
        /// An admin token (default: $MODEMPOOL_TOKEN; none for a daemon without tokens).
        #[arg(long, env = "MODEMPOOL_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// One JSON document instead of the table.
        #[arg(long)]
        json: bool,
        /// Refresh in place every 2 s until Ctrl-C.
        #[arg(long, conflicts_with = "json")]
        watch: bool,
    },
    /// Make a new API token: prints the token (give it to the client) and the
    /// `[[api.tokens]]` line for the config (which holds only its hash).
    Token {
        /// Who will hold it: allocations belong to this name.
        name: String,
        /// May call the Admin service too.
        #[arg(long, conflicts_with = "partner")]
        admin: bool,
        /// A partner API key instead: prints the `[[partner_api.partners]]` entry.
        #[arg(long)]
        partner: bool,
    },
    /// Check a configuration file as `serve` would load it; print the effective configuration.
    ///
    /// Valid: prints every key, defaults filled in and PINs masked, and exits 0. Invalid:
    /// prints each problem as FILE:LINE:COLUMN: KEY: REASON on stderr and exits 1. A file
    /// that cannot be read exits 2.
    CheckConfig {
        /// The TOML configuration file.
        #[arg(value_name = "FILE")]
        file: std::path::PathBuf,
        /// Print JSON (unset keys as null) instead of TOML, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Talk to a running simulator: deliver SMS, inject faults, list ports.
    Sim {
        /// The simulator's control endpoint.
        #[arg(long, default_value = "127.0.0.1:7447", value_name = "ADDR")]
        control: String,
        #[command(subcommand)]
        command: SimCommand,
    },
}

/// The transcripts of `--replay FILE`, none without it.
fn read_replay(
    path: Option<&std::path::Path>,
) -> anyhow::Result<Vec<modempool::at::transcript::Transcript>> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the transcripts {}", path.display()))?;
    modempool::at::transcript::parse(&text)
        .with_context(|| format!("cannot replay {}", path.display()))
}

/// What a simulated rack is made of, for `simulate` and `serve --simulate`.
#[derive(Debug, Args)]
struct RackArgs {
    /// The modem model: generic, quectel-ec25, sim800, sim7600, huawei-e3372, huawei-e173,
    /// terse, stubborn, cluttered, or mixed (each in turn). With --replay, the base that answers what the
    /// transcripts do not.
    #[arg(long, default_value = "mixed", value_name = "NAME|mixed")]
    personality: PersonalityChoice,
    /// Seed of the identities (IMEI, ICCID, numbers): the same seed, the same rack.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where the simulator's control endpoint listens (port 0: any free port, printed at
    /// start).
    #[arg(long, default_value = "127.0.0.1:7447", value_name = "ADDR")]
    control: std::net::SocketAddr,
    /// Play back real modems' transcripts (a capture of `serve --capture`, or the shared
    /// transcript format): port K replays the K-th transcript of FILE; what a transcript
    /// does not answer, the personality does.
    #[arg(long, value_name = "FILE")]
    replay: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
enum SimCommand {
    /// One line per port: `sim0 /dev/pts/7 ... stored=N faults=none`.
    List,
    /// The network delivers an SMS to a port's SIM.
    Send {
        /// The port index (K of simK).
        #[arg(long)]
        port: u32,
        /// Sender: "+<digits>", a short code, or a name such as "Google".
        #[arg(long)]
        from: String,
        /// The text.
        #[arg(long)]
        text: String,
        /// UCS2 instead of GSM 7-bit.
        #[arg(long)]
        ucs2: bool,
        /// Split into exactly N parts.
        #[arg(long, value_name = "N")]
        parts: Option<u32>,
        /// Send it N times (a burst; each copy stamped a second apart, so N distinct SMS).
        #[arg(long, default_value_t = 1, value_name = "N")]
        count: u32,
        /// Deliver the parts out of order.
        #[arg(long)]
        shuffle: bool,
        /// Never deliver part K (1-based).
        #[arg(long, value_name = "K")]
        drop_part: Option<u32>,
        /// Message class 0..=3 (2 is stored on the SIM).
        #[arg(long, value_parser = clap::value_parser!(u32).range(0..=3))]
        class: Option<u32>,
    },
    /// Inject a fault into a port, or clear one.
    Fault {
        /// The port index.
        #[arg(long)]
        port: u32,
        /// The fault.
        #[arg(value_enum)]
        fault: FaultArg,
        /// For `slow`: the delay of every answer, in milliseconds.
        #[arg(long, default_value_t = 2000)]
        delay_ms: u64,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FaultArg {
    Hang,
    Unplug,
    Replug,
    Reboot,
    Garbage,
    SimRemove,
    SimInsert,
    SimSwap,
    StorageFull,
    Slow,
    NotRegistered,
    Registered,
    Clear,
}

impl FaultArg {
    fn to_proto(self) -> pb::Fault {
        match self {
            FaultArg::Hang => pb::Fault::Hang,
            FaultArg::Unplug => pb::Fault::Unplug,
            FaultArg::Replug => pb::Fault::Replug,
            FaultArg::Reboot => pb::Fault::Reboot,
            FaultArg::Garbage => pb::Fault::Garbage,
            FaultArg::SimRemove => pb::Fault::SimRemove,
            FaultArg::SimInsert => pb::Fault::SimInsert,
            FaultArg::SimSwap => pb::Fault::SimSwap,
            FaultArg::StorageFull => pb::Fault::StorageFull,
            FaultArg::Slow => pb::Fault::Slow,
            FaultArg::NotRegistered => pb::Fault::NotRegistered,
            FaultArg::Registered => pb::Fault::Registered,
            FaultArg::Clear => pb::Fault::Clear,
        }
    }
}

fn sim_request(command: SimCommand) -> SimRequest {
    match command {
        SimCommand::List => SimRequest::List,
        SimCommand::Send {
            port,
            from,
            text,
            ucs2,
            parts,
            count,
            shuffle,
            drop_part,
            class,
        } => SimRequest::Send(pb::SendSmsRequest {
            port,
            from,
            text,
            ucs2,
            parts: parts.unwrap_or(0),
            count,
            shuffle,
            drop_part: drop_part.unwrap_or(0),
            class,
        }),
        SimCommand::Fault {
            port,
            fault,
            delay_ms,
        } => SimRequest::Fault(pb::InjectFaultRequest {
            port,
            fault: fault.to_proto() as i32,
            delay_ms,
        }),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Logs to stderr; `RUST_LOG` overrides `default` (e.g. `RUST_LOG=modempool=debug`).
/// The log format asked for on the command line, read by [`init_logs`].
static LOG_FORMAT: std::sync::OnceLock<LogFormat> = std::sync::OnceLock::new();

fn init_logs(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr);
    let _ = match LOG_FORMAT.get().copied().unwrap_or(LogFormat::Human) {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Human => builder.with_ansi(io::stderr().is_terminal()).try_init(),
    };
}

#[derive(Debug, Subcommand)]
enum AtCommand {
    /// Print each line a modem sent, from a capture (`serve --capture`), a transcript or plain
    /// text (one received line per line), with what the daemon makes of it: echo, response
    /// (of which command), final (which result), urc (which one, in words), pdu (decoded),
    /// prompt or noise.
    Explain {
        /// One JSON object per received line: transcript, n (index in its lines), text,
        /// kind, urc, detail, command, pdu (as `pdu decode --json` gives it).
        #[arg(long)]
        json: bool,
        /// The transcript file; `-` reads standard input.
        #[arg(value_name = "FILE|-")]
        input: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum PduCommand {
    /// Decode PDUs given as hex arguments, or one per line from stdin with `-`.
    Decode {
        /// One JSON object per input line (the format scripts rely on).
        #[arg(long)]
        json: bool,
        /// Hex PDUs, SMSC field first; `-` reads one per line from stdin (blank lines skipped).
        #[arg(required = true, value_name = "HEX|-")]
        inputs: Vec<String>,
    },
    /// Encode a message; prints one PDU per line (one per part when the text is long).
    Encode {
        #[command(subcommand)]
        kind: EncodeKind,
    },
}

#[derive(Debug, Subcommand)]
enum EncodeKind {
    /// An SMS-DELIVER, as a network sends it to a modem.
    Deliver {
        /// Sender: "+<digits>" (international), digits (short code) or a name ("Google").
        #[arg(long)]
        from: String,
        /// Service centre number to put in the SMSC field; empty field when absent.
        #[arg(long)]
        smsc: Option<String>,
        /// Service-centre time stamp, RFC 3339 (default: now, UTC).
        #[arg(long, value_parser = parse_time)]
        time: Option<time::OffsetDateTime>,
        /// Concatenation reference for multipart messages.
        #[arg(long, default_value_t = 0)]
        reference: u16,
        #[command(flatten)]
        text: TextArgs,
    },
    /// An SMS-SUBMIT, as the daemon sends it.
    Submit {
        /// Recipient: "+<digits>" or digits.
        #[arg(long)]
        to: String,
        /// TP-MR of the first part.
        #[arg(long, default_value_t = 0)]
        reference: u8,
        /// Ask for a status report.
        #[arg(long)]
        status_report: bool,
        #[command(flatten)]
        text: TextArgs,
    },
}

#[derive(Debug, Args)]
struct TextArgs {
    /// Alphabet for the text.
    #[arg(long, value_enum, default_value_t = AlphabetArg::Auto)]
    alphabet: AlphabetArg,
    /// National language for GSM 7-bit locking and single shift tables (e.g. turkish).
    #[arg(long, value_parser = parse_language)]
    language: Option<NationalLanguage>,
    /// Message class 0..=3 (2 is stored on the SIM).
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=3))]
    class: Option<u8>,
    /// The message text.
    text: String,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum AlphabetArg {
    /// GSM 7-bit when every character fits, else UCS2.
    Auto,
    /// GSM 7-bit (with --language: national shift tables).
    Gsm7,
    /// UCS2.
    Ucs2,
    /// 8-bit data holding Latin-1 text.
    #[value(name = "8bit")]
    EightBit,
}

fn parse_time(text: &str) -> Result<time::OffsetDateTime, String> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|error| format!("not an RFC 3339 time ({error})"))
}

fn parse_language(text: &str) -> Result<NationalLanguage, String> {
    NationalLanguage::ALL
        .into_iter()
        .find(|language| language.name() == text.to_ascii_lowercase())
        .ok_or_else(|| {
            let names: Vec<&str> = NationalLanguage::ALL.iter().map(|l| l.name()).collect();
            format!("unknown language; one of {}", names.join(", "))
        })
}

impl TextArgs {
    fn alphabet(&self) -> Alphabet {
        match (self.alphabet, self.language) {
            (AlphabetArg::Auto, None) => Alphabet::Auto,
            (AlphabetArg::Auto | AlphabetArg::Gsm7, language) => Alphabet::Gsm7(Shift {
                locking: language.filter(|language| language.locking_shift_table().is_some()),
                single: language,
            }),
            (AlphabetArg::Ucs2, _) => Alphabet::Ucs2,
            (AlphabetArg::EightBit, _) => Alphabet::EightBit,
        }
    }

    fn class(&self) -> Option<MessageClass> {
        // clap keeps the value within 0..=3.
        self.class
            .and_then(|class| MessageClass::from_number(u32::from(class)))
    }
}

fn encode_request(kind: EncodeKind) -> EncodeRequest {
    match kind {
        EncodeKind::Deliver {
            from,
            smsc,
            time,
            reference,
            text,
        } => {
            let time = time.unwrap_or_else(|| {
                let now = time::OffsetDateTime::now_utc();
                now.replace_nanosecond(0).unwrap_or(now)
            });
            let mut spec = DeliverSpec::new(Address::guess(&from), &text.text, time);
            spec.smsc = smsc.as_deref().map(Address::guess);
            spec.alphabet = text.alphabet();
            spec.class = text.class();
            spec.concat_reference = reference;
            EncodeRequest::Deliver(spec)
        }
        EncodeKind::Submit {
            to,
            reference,
            status_report,
            text,
        } => {
            let mut spec = SubmitSpec::new(Address::guess(&to), &text.text);
            spec.alphabet = text.alphabet();
            spec.class = text.class();
            spec.reference = reference;
            spec.status_report_request = status_report;
            EncodeRequest::Submit(spec)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let _ = LOG_FORMAT.set(cli.log_format);
    match cli.command {
        Command::Pdu {
            command: PduCommand::Decode { json, inputs },
        } => {
            let output = if json { Output::Json } else { Output::Human };
            let stdin = io::stdin();
            let stdout = io::stdout();
            // A terminal wants each result as it comes; a pipe wants big writes.
            let capacity = if stdout.is_terminal() { 0 } else { 64 * 1024 };
            let mut out = io::BufWriter::with_capacity(capacity, stdout.lock());
            let summary = pdu_cli::decode(&inputs, output, &mut stdin.lock(), &mut out)
                .context("decoding PDUs")?;
            Ok(ExitCode::from(summary.exit_code() as u8))
        }
        Command::At {
            command: AtCommand::Explain { json, input },
        } => {
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            modempool::cli::at::explain_file(&input, json, &mut io::stdin().lock(), &mut out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Pdu {
            command: PduCommand::Encode { kind },
        } => {
            let request = encode_request(kind);
            pdu_cli::encode(&request, &mut io::stdout().lock()).context("encoding the message")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            config,
            simulate,
            ports,
            db,
            listen,
            rack,
            metrics,
            partner_listen,
            web_listen,
            no_web,
            capture,
            retry_pins,
            rack_args,
            link_dir,
        } => {
            init_logs("modempool=info,warn");
            let request = ServeRequest {
                config,
                overrides: Overrides {
                    ports,
                    db,
                    listen,
                    rack,
                    metrics,
                    partner_listen,
                    web_listen,
                    no_web,
                    capture,
                },
                simulate,
                personality: rack_args.personality,
                seed: rack_args.seed,
                control: rack_args.control,
                link_dir,
                retry_pins,
                replay: read_replay(rack_args.replay.as_deref())?,
            };
            runtime()?
                .block_on(serve_cli::serve(request, &mut io::stdout()))
                .context("serve")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Status {
            server,
            token,
            json,
            watch,
        } => {
            init_logs("warn");
            let request = modempool::cli::status::StatusRequest {
                server,
                token,
                json,
                colour: io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            };
            let mut out = io::stdout();
            let runtime = runtime()?;
            if watch {
                runtime
                    .block_on(modempool::cli::status::watch(
                        &request,
                        std::time::Duration::from_secs(2),
                        &mut out,
                    ))
                    .context("status")?;
                return Ok(ExitCode::SUCCESS);
            }
            match runtime.block_on(modempool::cli::status::print_once(&request, &mut out)) {
                Ok(snapshot) => Ok(ExitCode::from(modempool::cli::status::exit_code(&snapshot))),
                Err(error) => {
                    eprintln!("modempool status: {error}");
                    Ok(ExitCode::from(2))
                }
            }
        }
        Command::Token {
            name,
            admin,
            partner,
        } => {
            let token = modempool::api::grpc::auth::new_token();
            let hash = modempool::api::grpc::auth::hash_token(&token);
            let mut out = io::stdout().lock();
            writeln!(out, "token  {token}")?;
            if partner {
                writeln!(out, "# for the config file (edit the prices):")?;
                writeln!(out, "[[partner_api.partners]]")?;
                writeln!(out, "name = \"{}\"", name.escape_debug())?;
                writeln!(out, "key_sha256 = \"{hash}\"")?;
                writeln!(out, "prices = {{ GB = 0.25 }}  # per SMS, by country")?;
                return Ok(ExitCode::SUCCESS);
            }
            writeln!(
                out,
                "config tokens = [{{ name = \"{}\", sha256 = \"{hash}\"{} }}]  # in [api]",
                name.escape_debug(),
                if admin { ", admin = true" } else { "" }
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Simulate {
            ports,
            link_dir,
            rack_args,
        } => {
            init_logs("warn");
            let replay = read_replay(rack_args.replay.as_deref())?;
            let ports = ports.unwrap_or(match replay.len() {
                0 => 4,
                transcripts => u32::try_from(transcripts).unwrap_or(512).min(512),
            });
            let config = RackConfig {
                ports,
                replay,
                link_dir,
                personality: rack_args.personality,
                seed: rack_args.seed,
                sim_pin: None,
            };
            runtime()?
                .block_on(simulate_cli::simulate(
                    config,
                    rack_args.control,
                    &mut io::stdout(),
                ))
                .context("simulating modems")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::CheckConfig { file, json } => {
            use modempool::cli::check_config::{self as check_config_cli, Format};
            let format = if json { Format::Json } else { Format::Toml };
            let verdict = check_config_cli::check_config(
                &file,
                format,
                &mut io::stdout().lock(),
                &mut io::stderr().lock(),
            )
            .context("check-config")?;
            Ok(ExitCode::from(verdict.exit_code()))
        }
        Command::Sim { control, command } => {
            init_logs("warn");
            runtime()?
                .block_on(simulate_cli::sim(
                    &control,
                    sim_request(command),
                    &mut io::stdout(),
                ))
                .context("simulator control")?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("modempool: {error:#}");
            ExitCode::from(2)
        }
    }
}
