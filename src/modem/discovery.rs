//! Which serial ports exist: the configured globs expanded, now and every few seconds.
//!
//! udev rules give each modem's AT interface a stable link, `/dev/modempool/<slot>`, named
//! after the physical USB port it sits in. Discovery expands the configured globs over those
//! links and reports paths that appear and disappear, so that the supervisor starts a port
//! task for a plugged modem and notices an unplugged one. Paths are kept as matched, never
//! canonicalised: the link is the port's identity, the `/dev/ttyUSBn` behind it changes at
//! every replug.
//!
//! Discovery only reports paths. Opening them, and telling a hung modem from an unplugged
//! one, is the port task's business; it notices an unplug itself (EOF on the port) long
//! before the next scan.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;

/// A change in the set of ports that exist.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathChange {
    /// A path matched a glob that did not match it at the previous scan (or this is the
    /// first scan): a modem to start a port task for.
    Added(PathBuf),
    /// A path matched at the previous scan and no longer does: its modem is gone.
    Removed(PathBuf),
}

/// Why the globs could not be expanded.
#[derive(Debug, thiserror::Error)]
pub enum DiscoveryError {
    /// A glob is not a valid pattern (`glob` crate syntax, as in the config's
    /// `ports.globs`).
    #[error("invalid port glob '{pattern}': {source}")]
    Pattern {
        /// The glob as configured.
        pattern: String,
        /// Where and why it does not parse.
        #[source]
        source: glob::PatternError,
    },
}

/// The paths the globs match now, sorted and without duplicates.
///
/// Directories are skipped (a glob like `/dev/serial/by-path/*` can match some), and so are
/// dangling links (udev removes a link when its device goes, so one that dangles is a device
/// on its way out). Entries that cannot be read are skipped with a warning: one bad entry
/// must not hide the other ports.
///
/// Why synchronous: glob walks directories with blocking calls; [`spawn`] runs it on the
/// blocking pool.
///
/// # Errors
/// [`DiscoveryError::Pattern`] naming the first glob that is not a valid pattern.
pub fn scan(globs: &[String]) -> Result<BTreeSet<PathBuf>, DiscoveryError> {
    let patterns = compile(globs)?;
    let report = scan_patterns(&patterns);
    for (path, reason) in &report.skipped {
        tracing::warn!(path = %path.display(), %reason, "port path skipped");
    }
    Ok(report.paths)
}

/// What one scan found: the ports, and the entries it had to skip with why.
#[derive(Debug, Default)]
struct ScanReport {
    paths: BTreeSet<PathBuf>,
    skipped: BTreeSet<(PathBuf, String)>,
}

/// Checks every glob, so that a bad one is refused before anything is scanned.
fn compile(globs: &[String]) -> Result<Vec<String>, DiscoveryError> {
    globs
        .iter()
        .map(|pattern| {
            glob::Pattern::new(pattern)
                .map(|_| pattern.clone())
                .map_err(|source| DiscoveryError::Pattern {
                    pattern: pattern.clone(),
                    source,
                })
        })
        .collect()
}

/// Expands already checked globs.
fn scan_patterns(patterns: &[String]) -> ScanReport {
    let mut report = ScanReport::default();
    for pattern in patterns {
        // Checked by `compile`; a pattern that still fails is skipped like a bad entry.
        let entries = match glob::glob(pattern) {
            Ok(entries) => entries,
            Err(error) => {
                report
                    .skipped
                    .insert((PathBuf::from(pattern), error.to_string()));
                continue;
            }
        };
        for entry in entries {
            match entry {
                Ok(path) => match classify(&path) {
                    Ok(true) => {
                        report.paths.insert(path);
                    }
                    Ok(false) => {}
                    Err(error) => {
                        report.skipped.insert((path, error.to_string()));
                    }
                },
                Err(error) => {
                    let reason = error.error().to_string();
                    report.skipped.insert((error.path().to_path_buf(), reason));
                }
            }
        }
    }
    report
}

/// Whether a matched path is a port candidate: `Ok(false)` for directories and dangling
/// links, an error for entries whose type cannot be read.
fn classify(path: &Path) -> io::Result<bool> {
    // `metadata` follows links: a link to a tty is a tty, a link to nothing is gone.
    match std::fs::metadata(path) {
        Ok(metadata) => Ok(!metadata.is_dir()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(error),
    }
}

/// How many changes may wait for the supervisor. A rack has tens of ports and the first
/// scan reports them all at once; when the channel is full the scanner simply waits, which
/// is harmless (the next scan comes no sooner than the supervisor catches up).
const CHANNEL_CAPACITY: usize = 64;

/// The shortest interval between scans, whatever is asked: a zero interval would spin (and
/// tokio refuses it).
const MIN_INTERVAL: Duration = Duration::from_millis(10);

/// Starts a task that scans `globs` at once and then every `interval`, and reports the
/// differences on the returned channel: at the first scan every path is
/// [`PathChange::Added`]; afterwards only paths that came or went. Within one scan, removals
/// come first, then additions, each in sorted path order, so that a consumer frees a slot
/// before it fills one.
///
/// The task stops when the receiver is dropped (the supervisor's shutdown), or can be
/// aborted through the handle. A glob that is not a valid pattern is logged once and ignored
/// (`Config` validation refuses such globs before the daemon starts); entries that cannot be
/// read are logged when they first fail, not at every scan.
///
/// Why a polling task rather than udev events: it needs no libudev, works for any glob
/// (simulator links included) and costs a directory listing every few seconds; the port
/// task notices an unplug itself, at once, from the serial stream.
pub fn spawn(
    globs: Vec<String>,
    interval: Duration,
) -> (mpsc::Receiver<PathChange>, JoinHandle<()>) {
    let (sender, receiver) = mpsc::channel(CHANNEL_CAPACITY);
    let patterns: Vec<String> = globs
        .into_iter()
        .filter(|pattern| match glob::Pattern::new(pattern) {
            Ok(_) => true,
            Err(error) => {
                tracing::error!(%pattern, %error, "invalid port glob ignored");
                false
            }
        })
        .collect();
    let handle = tokio::spawn(run(patterns, interval.max(MIN_INTERVAL), sender));
    (receiver, handle)
}

/// The scanner loop of [`spawn`].
async fn run(patterns: Vec<String>, period: Duration, sender: mpsc::Sender<PathChange>) {
    let mut ticker = tokio::time::interval(period);
    // After a slow scan (a busy disk, a stalled USB hub) wait a full period again rather
    // than scanning in a burst to catch up: only the latest state matters.
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut known = BTreeSet::new();
    let mut skipped = BTreeSet::new();
    loop {
        tokio::select! {
            // The first tick completes at once: the first scan happens at start.
            _ = ticker.tick() => {}
            // Nobody listens any more: stop without waiting for the next tick.
            () = sender.closed() => return,
        }
        let scan_patterns_copy = patterns.clone();
        let report =
            match tokio::task::spawn_blocking(move || scan_patterns(&scan_patterns_copy)).await {
                Ok(report) => report,
                Err(error) => {
                    // A panic inside glob must not end discovery: keep the last known state.
                    tracing::error!(%error, "port scan failed");
                    continue;
                }
            };
        for (path, reason) in report.skipped.difference(&skipped) {
            tracing::warn!(path = %path.display(), %reason, "port path skipped");
        }
        skipped = report.skipped;

        let removed = known
            .difference(&report.paths)
            .cloned()
            .map(PathChange::Removed);
        let added = report
            .paths
            .difference(&known)
            .cloned()
            .map(PathChange::Added);
        for change in removed.chain(added).collect::<Vec<_>>() {
            if sender.send(change).await.is_err() {
                return;
            }
        }
        known = report.paths;
    }
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::os::unix::fs::symlink;

    use super::*;

    /// How long a test waits for an event before it fails: generous, because the machine
    /// running the tests may be busy; a passing test never waits this long.
    const PATIENCE: Duration = Duration::from_secs(10);

    const TICK: Duration = Duration::from_millis(50);

    async fn next(receiver: &mut mpsc::Receiver<PathChange>) -> PathChange {
        tokio::time::timeout(PATIENCE, receiver.recv())
            .await
            .expect("no discovery event in time")
            .expect("discovery stopped")
    }

    fn glob_in(dir: &Path, pattern: &str) -> String {
        dir.join(pattern).to_string_lossy().into_owned()
    }

    #[test]
    fn scan_keeps_files_and_links_as_matched_and_skips_directories() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("ttyUSB0");
        fs::write(&target, b"").unwrap();
        let slots = dir.path().join("slots");
        fs::create_dir(&slots).unwrap();
        symlink(&target, slots.join("slot01")).unwrap();
        fs::write(slots.join("slot02"), b"").unwrap();
        fs::create_dir(slots.join("slot03")).unwrap();
        symlink(dir.path().join("missing"), slots.join("slot04")).unwrap();

        let found = scan(&[glob_in(&slots, "*")]).unwrap();
        let expected: BTreeSet<_> = [slots.join("slot01"), slots.join("slot02")].into();
        assert_eq!(found, expected);
    }

    #[test]
    fn scan_merges_globs_and_matches_nothing_without_error() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a"), b"").unwrap();
        fs::write(dir.path().join("b"), b"").unwrap();
        let found = scan(&[
            glob_in(dir.path(), "a"),
            glob_in(dir.path(), "*"),
            glob_in(dir.path(), "none/*"),
        ])
        .unwrap();
        assert_eq!(found.len(), 2);
        assert!(scan(&[]).unwrap().is_empty());
    }

    #[test]
    fn a_bad_pattern_is_named() {
        let error = scan(&["/dev/ok*".to_owned(), "/dev/[bad".to_owned()]).unwrap_err();
        assert!(error.to_string().contains("'/dev/[bad'"), "{error}");
        let DiscoveryError::Pattern { pattern, .. } = error;
        assert_eq!(pattern, "/dev/[bad");
    }

    #[tokio::test]
    async fn spawn_reports_what_comes_and_goes() {
        let dir = tempfile::tempdir().unwrap();
        let b = dir.path().join("b");
        let a = dir.path().join("a");
        fs::write(&b, b"").unwrap();
        fs::write(&a, b"").unwrap();

        let (mut changes, handle) = spawn(vec![glob_in(dir.path(), "*")], TICK);
        assert_eq!(next(&mut changes).await, PathChange::Added(a.clone()));
        assert_eq!(next(&mut changes).await, PathChange::Added(b.clone()));

        // A link appears: reported by its own path, not its target's.
        let link = dir.path().join("c");
        symlink(&a, &link).unwrap();
        assert_eq!(next(&mut changes).await, PathChange::Added(link.clone()));

        fs::remove_file(&b).unwrap();
        assert_eq!(next(&mut changes).await, PathChange::Removed(b.clone()));

        // A directory is never a port: the next event is the file created after it.
        fs::create_dir(dir.path().join("d")).unwrap();
        let e = dir.path().join("e");
        fs::write(&e, b"").unwrap();
        assert_eq!(next(&mut changes).await, PathChange::Added(e.clone()));

        // The link's target goes: the link dangles, so the port is gone too.
        fs::remove_file(&a).unwrap();
        assert_eq!(next(&mut changes).await, PathChange::Removed(a.clone()));
        assert_eq!(next(&mut changes).await, PathChange::Removed(link.clone()));

        // Dropping the receiver stops the task.
        drop(changes);
        tokio::time::timeout(PATIENCE, handle)
            .await
            .expect("discovery did not stop")
            .unwrap();
    }

    #[tokio::test]
    async fn spawn_reports_removals_before_additions() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("m");
        fs::write(&old, b"").unwrap();
        let (mut changes, handle) = spawn(vec![glob_in(dir.path(), "*")], TICK);
        assert_eq!(next(&mut changes).await, PathChange::Added(old.clone()));
        let new = dir.path().join("a");
        fs::rename(&old, &new).unwrap();
        // A rename is atomic: the next scan sees it whole, "a" sorts before "m", and still
        // the removal comes first.
        assert_eq!(next(&mut changes).await, PathChange::Removed(old));
        assert_eq!(next(&mut changes).await, PathChange::Added(new));
        handle.abort();
    }

    #[tokio::test]
    async fn an_invalid_glob_is_ignored_and_the_others_still_scanned() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        fs::write(&a, b"").unwrap();
        let (mut changes, handle) = spawn(
            vec!["/dev/[bad".to_owned(), glob_in(dir.path(), "*")],
            Duration::ZERO,
        );
        assert_eq!(next(&mut changes).await, PathChange::Added(a));
        handle.abort();
    }
}
