//! The simulated rack: each [`Modem`] behind a pseudo-terminal, driven by its own tokio task.
//!
//! A port task owns its modem, the master side of its pseudo-terminal and the link
//! `DIR/sim<K>` that points at the slave side, which is what a daemon, gammu or a technician's
//! terminal opens as if it were `/dev/ttyUSB2`. The task moves bytes between the two, wakes
//! the modem when its timers are due, and carries out what the control endpoint asks:
//! deliver an SMS, inject a fault, describe the port. Nothing else touches a port's state.
//!
//! The pseudo-terminal behaves as a USB modem's serial port does (see STACK.md): the task
//! keeps the slave side open but never reads it, so bytes the modem writes while nobody has
//! the port open wait for the next opener; an unplug drops both sides and removes the link
//! (the daemon reads end of file, reopening fails with "not found"); a replug makes a new
//! pseudo-terminal behind the same link and powers the modem up again.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_serial::{SerialPort, SerialStream};

use super::identity::{ModemIdentity, SimIdentity};
use super::modem::{Fault, Modem};
use super::personality::Personality;
use super::replay::Replay;
use super::sms::{self, IncomingSms};
use crate::at::transcript::Transcript;
use crate::ticker::sleep_until_or_never;

/// How long a write to the pseudo-terminal may block before the bytes are dropped. A port
/// nobody reads fills the kernel's buffer; a real modem's UART then loses bytes too, and the
/// port task must not stall on it.
const WRITE_LIMIT: Duration = Duration::from_millis(200);

/// The most SMS one burst may send, so that a typo cannot make a port task busy for hours.
pub const MAX_BURST: u32 = 10_000;

/// Which modem models the rack imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonalityChoice {
    /// Every port the same model.
    One(Personality),
    /// The models in turn, port by port, as on a rack bought over the years.
    Mixed,
}

impl PersonalityChoice {
    /// The model of port `index`.
    pub fn for_port(self, index: u32) -> Personality {
        match self {
            PersonalityChoice::One(personality) => personality,
            PersonalityChoice::Mixed => Personality::for_mixed(index),
        }
    }
}

impl std::str::FromStr for PersonalityChoice {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        if text == "mixed" {
            return Ok(PersonalityChoice::Mixed);
        }
        text.parse::<Personality>()
            .map(PersonalityChoice::One)
            .map_err(|_| {
                let names: Vec<String> = Personality::ALL.iter().map(|p| p.to_string()).collect();
                format!(
                    "unknown personality `{text}`: expected mixed or one of {}",
                    names.join(", ")
                )
            })
    }
}

/// What a rack is made of.
#[derive(Debug, Clone)]
pub struct RackConfig {
    /// How many ports (modems with SIMs).
    pub ports: u32,
    /// Where the `sim<K>` links are made; created if missing.
    pub link_dir: PathBuf,
    /// Which models.
    pub personality: PersonalityChoice,
    /// The seed of every identity and of the garbage bytes: the same seed gives the same rack.
    pub seed: u64,
    /// A PIN every SIM asks for at power-up; `None`: no PIN (most rack SIMs).
    pub sim_pin: Option<String>,
    /// Real modems' transcripts to play back (`--replay`): port K plays the K-th, before its
    /// personality answers (see [`super::replay`]); ports beyond the list play none.
    pub replay: Vec<Transcript>,
}

/// Why the simulator could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum SimulatorError {
    /// A pseudo-terminal could not be made.
    #[error("port {index}: cannot make a pseudo-terminal: {source}")]
    Pty {
        /// The port.
        index: u32,
        /// The cause.
        source: tokio_serial::Error,
    },
    /// The link directory or a link could not be made or removed.
    #[error("{path}: {source}")]
    Link {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// Something other than a link stands where a link must go; it is left alone.
    #[error("{0}: exists and is not a symbolic link; refusing to replace it")]
    NotALink(PathBuf),
    /// No such port.
    #[error("no port {index}: the rack has ports 0 to {last}")]
    NoSuchPort {
        /// The index asked for.
        index: u32,
        /// The last index there is.
        last: i64,
    },
    /// The SMS could not be built.
    #[error(transparent)]
    Sms(#[from] sms::SmsBuildError),
    /// The fault does not apply now (a replug of a plugged port, a SIM insert with a SIM in).
    #[error("port {index}: {reason}")]
    Fault {
        /// The port.
        index: u32,
        /// Why.
        reason: String,
    },
    /// The request was out of range.
    #[error("{0}")]
    BadRequest(String),
    /// The port's task has stopped (the rack is shutting down).
    #[error("port {0}: its task has stopped")]
    Stopped(u32),
}

/// What can be done to a port: the modem's own faults plus those of the USB link.
#[derive(Debug, Clone)]
pub enum RackFault {
    /// Close the pseudo-terminal and remove the link.
    Unplug,
    /// A new pseudo-terminal behind the same link; the modem powers up.
    Replug,
    /// Another SIM, generated from the rack's seed, replaces the current one.
    SimSwap,
    /// Any other fault, carried out by the modem itself.
    Modem(Fault),
}

/// A port as `modempool simulate` and `modempool sim list` print it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortView {
    /// 0-based index.
    pub index: u32,
    /// The link, `DIR/sim<index>`.
    pub link: PathBuf,
    /// The pseudo-terminal behind the link; `None` while unplugged.
    pub tty: Option<String>,
    /// The model imitated.
    pub personality: Personality,
    /// The modem's IMEI.
    pub imei: String,
    /// The SIM's ICCID; `None` for an empty slot.
    pub iccid: Option<String>,
    /// The SIM's IMSI.
    pub imsi: Option<String>,
    /// The SIM's number, E.164.
    pub msisdn: Option<String>,
    /// Whether `+CNUM` gives the number.
    pub msisdn_on_sim: bool,
    /// SMS held in the modem's storages.
    pub stored: u32,
    /// `+CMGL` listings the modem answered: each sweep of the host's adds one (or one per
    /// storage).
    pub listings: u64,
    /// Active faults by short name.
    pub faults: Vec<String>,
}

impl fmt::Display for PortView {
    /// `sim0 /dev/pts/7 imei=... iccid=... msisdn=+... stored=N faults=none`: one line,
    /// `key=value` after the name and tty, so that scripts can split it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let or_dash = |value: &Option<String>| value.clone().unwrap_or_else(|| "-".to_owned());
        let faults = if self.faults.is_empty() {
            "none".to_owned()
        } else {
            self.faults.join(",")
        };
        write!(
            f,
            "sim{} {} personality={} imei={} iccid={} imsi={} msisdn={} cnum={} stored={} faults={}",
            self.index,
            or_dash(&self.tty),
            self.personality,
            self.imei,
            or_dash(&self.iccid),
            or_dash(&self.imsi),
            or_dash(&self.msisdn),
            if self.msisdn_on_sim { "yes" } else { "no" },
            self.stored,
            faults,
        )
    }
}

/// A request to a port task.
enum PortRequest {
    View(oneshot::Sender<PortView>),
    Send {
        sms: IncomingSms,
        count: u32,
        reply: oneshot::Sender<Result<Vec<String>, SimulatorError>>,
    },
    Fault {
        fault: RackFault,
        reply: oneshot::Sender<Result<PortView, SimulatorError>>,
    },
}

/// A running simulated rack. Dropping it stops the port tasks; [`Rack::shutdown`] also waits
/// for them and removes the links.
#[derive(Debug)]
pub struct Rack {
    ports: Vec<PortHandle>,
}

#[derive(Debug)]
struct PortHandle {
    requests: mpsc::Sender<PortRequest>,
    task: JoinHandle<()>,
}

impl Rack {
    /// Makes the pseudo-terminals and links and starts one task per port. Must be called
    /// inside a tokio runtime.
    pub async fn start(config: RackConfig) -> Result<Rack, SimulatorError> {
        std::fs::create_dir_all(&config.link_dir).map_err(|source| SimulatorError::Link {
            path: config.link_dir.clone(),
            source,
        })?;
        let mut ports = Vec::new();
        for index in 0..config.ports {
            let personality = config.personality.for_port(index);
            let link = config.link_dir.join(format!("sim{index}"));
            let pty = Pty::open(index, &link)?;
            let now = std::time::Instant::now();
            let mut modem = Modem::new(
                ModemIdentity::generate(config.seed, index, personality),
                Some(SimIdentity {
                    pin: config.sim_pin.clone(),
                    ..SimIdentity::generate(config.seed, index)
                }),
                personality,
                now,
            );
            if let Some(transcript) = config.replay.get(index as usize) {
                modem.replay(Replay::new(transcript), now);
            }
            let (requests, receiver) = mpsc::channel(16);
            let task = PortTask {
                index,
                link,
                personality,
                seed: config.seed,
                modem,
                pty: Some(pty),
                held: Vec::new(),
                swaps: 0,
                reference: (index as u16).wrapping_mul(97),
            };
            let task = tokio::spawn(task.run(receiver));
            ports.push(PortHandle { requests, task });
        }
        Ok(Rack { ports })
    }

    /// How many ports.
    pub fn len(&self) -> usize {
        self.ports.len()
    }

    /// Whether the rack has no port.
    pub fn is_empty(&self) -> bool {
        self.ports.is_empty()
    }

    fn port(&self, index: u32) -> Result<&PortHandle, SimulatorError> {
        self.ports
            .get(index as usize)
            .ok_or(SimulatorError::NoSuchPort {
                index,
                last: self.ports.len() as i64 - 1,
            })
    }

    /// Every port, in index order.
    pub async fn list(&self) -> Result<Vec<PortView>, SimulatorError> {
        let mut views = Vec::with_capacity(self.ports.len());
        for index in 0..self.ports.len() as u32 {
            views.push(self.view(index).await?);
        }
        Ok(views)
    }

    /// One port.
    pub async fn view(&self, index: u32) -> Result<PortView, SimulatorError> {
        let (reply, answer) = oneshot::channel();
        self.ask(index, PortRequest::View(reply)).await?;
        answer.await.map_err(|_| SimulatorError::Stopped(index))
    }

    /// The network delivers `sms` to port `index`, `count` times; returns one outcome line
    /// per part delivered.
    pub async fn send_sms(
        &self,
        index: u32,
        sms: IncomingSms,
        count: u32,
    ) -> Result<Vec<String>, SimulatorError> {
        if count == 0 || count > MAX_BURST {
            return Err(SimulatorError::BadRequest(format!(
                "count must be 1 to {MAX_BURST}, not {count}"
            )));
        }
        let (reply, answer) = oneshot::channel();
        self.ask(index, PortRequest::Send { sms, count, reply })
            .await?;
        answer.await.map_err(|_| SimulatorError::Stopped(index))?
    }

    /// Injects `fault` into port `index`; returns the port afterwards.
    pub async fn fault(&self, index: u32, fault: RackFault) -> Result<PortView, SimulatorError> {
        let (reply, answer) = oneshot::channel();
        self.ask(index, PortRequest::Fault { fault, reply }).await?;
        answer.await.map_err(|_| SimulatorError::Stopped(index))?
    }

    async fn ask(&self, index: u32, request: PortRequest) -> Result<(), SimulatorError> {
        self.port(index)?
            .requests
            .send(request)
            .await
            .map_err(|_| SimulatorError::Stopped(index))
    }

    /// Stops every port task and removes the links.
    pub async fn shutdown(self) {
        for port in self.ports {
            drop(port.requests);
            // A task that panicked has nothing left to clean up; its link is removed below
            // by the others' logic only if it got that far, which is all we can do.
            let _ = port.task.await;
        }
    }
}

/// A pseudo-terminal and the link to its slave side.
struct Pty {
    master: SerialStream,
    /// Held open so that the modem's output is kept for the next opener and the master never
    /// reads EIO; never read.
    _slave: SerialStream,
    tty: String,
}

impl Pty {
    fn open(index: u32, link: &Path) -> Result<Pty, SimulatorError> {
        // The pair's slave handle takes no lock (no TIOCEXCL, no flock): the daemon or gammu
        // opening the slave by its path can lock it as it would a real port. Calling
        // `set_exclusive(false)` here would take a shared flock and lock them out.
        let (master, slave) =
            SerialStream::pair().map_err(|source| SimulatorError::Pty { index, source })?;
        let tty = slave.name().ok_or_else(|| SimulatorError::Pty {
            index,
            source: tokio_serial::Error::new(
                tokio_serial::ErrorKind::Unknown,
                "the pseudo-terminal has no name",
            ),
        })?;
        replace_link(link, Path::new(&tty))?;
        Ok(Pty {
            master,
            _slave: slave,
            tty,
        })
    }
}

/// Points `link` at `target`, replacing an old link (from a simulator that was killed) but
/// never a file or directory.
fn replace_link(link: &Path, target: &Path) -> Result<(), SimulatorError> {
    remove_link(link)?;
    std::os::unix::fs::symlink(target, link).map_err(|source| SimulatorError::Link {
        path: link.to_owned(),
        source,
    })
}

fn remove_link(link: &Path) -> Result<(), SimulatorError> {
    match std::fs::symlink_metadata(link) {
        Ok(meta) if meta.file_type().is_symlink() => {
            std::fs::remove_file(link).map_err(|source| SimulatorError::Link {
                path: link.to_owned(),
                source,
            })
        }
        Ok(_) => Err(SimulatorError::NotALink(link.to_owned())),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(SimulatorError::Link {
            path: link.to_owned(),
            source,
        }),
    }
}

/// The task that owns one port.
struct PortTask {
    index: u32,
    link: PathBuf,
    personality: Personality,
    seed: u64,
    modem: Modem,
    /// `None` while unplugged.
    pty: Option<Pty>,
    /// SMS sent while unplugged: the network keeps them until the modem is back.
    held: Vec<Vec<Vec<u8>>>,
    /// How many SIM swaps so far: each swap brings a SIM never seen on this port.
    swaps: u32,
    /// The next concatenation reference.
    reference: u16,
}

impl PortTask {
    async fn run(mut self, mut requests: mpsc::Receiver<PortRequest>) {
        let mut buffer = vec![0u8; 1024];
        loop {
            let wake = self.modem.next_wakeup().map(tokio::time::Instant::from_std);
            tokio::select! {
                read = read_pty(&mut self.pty, &mut buffer) => match read {
                    Ok(n) => self.modem.receive(&buffer[..n], std::time::Instant::now()),
                    Err(error) => {
                        // Cannot happen while we hold the slave open; if it does, the port
                        // behaves as unplugged rather than spinning on the error.
                        tracing::warn!(port = self.index, %error, "pseudo-terminal read failed");
                        self.unplug();
                    }
                },
                () = sleep_until_or_never(wake) => {}
                request = requests.recv() => match request {
                    Some(request) => self.handle(request),
                    None => break,
                },
            }
            self.flush().await;
        }
        if self.pty.take().is_some()
            && let Err(error) = remove_link(&self.link)
        {
            tracing::warn!(port = self.index, %error, "could not remove the link");
        }
    }

    /// Writes what the modem has due now.
    async fn flush(&mut self) {
        let output = self.modem.poll_output(std::time::Instant::now());
        if output.is_empty() {
            return;
        }
        if let Some(pty) = self.pty.as_mut() {
            let written = tokio::time::timeout(WRITE_LIMIT, pty.master.write_all(&output)).await;
            if !matches!(written, Ok(Ok(()))) {
                tracing::debug!(
                    port = self.index,
                    bytes = output.len(),
                    "nobody reads the port: output dropped"
                );
            }
        }
    }

    fn handle(&mut self, request: PortRequest) {
        match request {
            PortRequest::View(reply) => {
                let _ = reply.send(self.view());
            }
            PortRequest::Send { sms, count, reply } => {
                let _ = reply.send(self.send(&sms, count));
            }
            PortRequest::Fault { fault, reply } => {
                let _ = reply.send(self.fault(fault).map(|()| self.view()));
            }
        }
    }

    fn view(&self) -> PortView {
        let summary = self.modem.summary();
        let mut faults = summary.faults.clone();
        if self.pty.is_none() {
            faults.push("unplugged".to_owned());
        }
        PortView {
            index: self.index,
            link: self.link.clone(),
            tty: self.pty.as_ref().map(|pty| pty.tty.clone()),
            personality: self.personality,
            imei: summary.imei.clone(),
            iccid: summary.iccid.clone(),
            imsi: summary.imsi.clone(),
            msisdn: summary.msisdn.clone(),
            msisdn_on_sim: summary.msisdn_on_sim,
            stored: summary.stored as u32,
            listings: summary.listings,
            faults,
        }
    }

    fn send(&mut self, sms: &IncomingSms, count: u32) -> Result<Vec<String>, SimulatorError> {
        let smsc = self.modem.summary().smsc.clone();
        let mut outcomes = Vec::new();
        let now = time::OffsetDateTime::now_utc();
        for copy in 0..count {
            // A burst is SMS the service centre took over the last `count` seconds and
            // delivers together: each copy has its own time stamp, so each is a distinct
            // SMS (the daemon treats identical PDUs on one SIM as one SMS read twice).
            let stamped = now - time::Duration::seconds(i64::from(count - 1 - copy));
            let pdus = sms::build(sms, &smsc, self.reference, stamped)?;
            self.reference = self.reference.wrapping_add(1);
            if self.pty.is_none() {
                outcomes.extend(pdus.iter().map(|_| "held (unplugged)".to_owned()));
                self.held.push(pdus);
                continue;
            }
            let delivery = self.modem.deliver(pdus, std::time::Instant::now());
            outcomes.extend(delivery.outcomes());
        }
        Ok(outcomes)
    }

    fn fault(&mut self, fault: RackFault) -> Result<(), SimulatorError> {
        let now = std::time::Instant::now();
        let refused = |reason: &str| SimulatorError::Fault {
            index: self.index,
            reason: reason.to_owned(),
        };
        match fault {
            RackFault::Unplug => {
                if self.pty.is_none() {
                    return Err(refused("already unplugged"));
                }
                self.unplug();
            }
            RackFault::Replug => {
                if self.pty.is_some() {
                    return Err(refused("is plugged in; unplug it first"));
                }
                self.pty = Some(Pty::open(self.index, &self.link)?);
                self.modem.power_cycle(now);
                for pdus in std::mem::take(&mut self.held) {
                    self.modem.deliver(pdus, now);
                }
            }
            RackFault::SimSwap => {
                self.swaps += 1;
                let sim = SimIdentity::generate_swapped(self.seed, self.index, self.swaps);
                self.modem
                    .fault(Fault::SimSwap(sim), now)
                    .map_err(|error| refused(&error.to_string()))?;
            }
            RackFault::Modem(fault) => {
                self.modem
                    .fault(fault, now)
                    .map_err(|error| refused(&error.to_string()))?;
            }
        }
        Ok(())
    }

    fn unplug(&mut self) {
        self.pty = None;
        if let Err(error) = remove_link(&self.link) {
            tracing::warn!(port = self.index, %error, "could not remove the link");
        }
    }
}

/// Reads from the pseudo-terminal, or waits for ever while unplugged.
async fn read_pty(pty: &mut Option<Pty>, buffer: &mut [u8]) -> io::Result<usize> {
    match pty {
        Some(pty) => loop {
            match pty.master.read(buffer).await {
                Ok(0) => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "pseudo-terminal closed",
                    ));
                }
                Ok(n) => return Ok(n),
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        },
        None => std::future::pending().await,
    }
}
