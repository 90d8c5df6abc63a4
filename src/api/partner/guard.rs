//! Slowing down key guessing: an address that sends too many requests with a missing or
//! unknown api_key is answered 429 for the rest of the minute, whatever key it sends.
//!
//! Keys are long and random, so guessing one is hopeless anyway; what this stops is a
//! misconfigured client or a scanner hammering the API (every bad key still costs a hash
//! and a log line). Per-key rates are [`governor`]'s, in the API itself; this counts
//! failures per address in fixed one-minute windows, which needs no token bucket per
//! address and forgets an address as soon as its window is over.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Bad-key requests an address may make per window.
pub const BAD_KEYS_PER_WINDOW: u32 = 30;

/// The window.
pub const WINDOW: Duration = Duration::from_secs(60);

/// Addresses remembered at most; beyond it, ended windows are forgotten first.
const MAX_ADDRESSES: usize = 10_000;

/// Failures per address in the current window.
#[derive(Debug, Default)]
pub struct BadKeyGuard {
    windows: Mutex<HashMap<IpAddr, Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

impl BadKeyGuard {
    /// How long `address` must wait before it is heard again; `None` when it may call.
    pub fn blocked(&self, address: IpAddr, now: Instant) -> Option<Duration> {
        let windows = self.windows.lock().ok()?;
        let window = windows.get(&address)?;
        let ends = window.started + WINDOW;
        (window.failures >= BAD_KEYS_PER_WINDOW && now < ends).then(|| ends - now)
    }

    /// `address` sent a missing or unknown key.
    pub fn failed(&self, address: IpAddr, now: Instant) {
        let Ok(mut windows) = self.windows.lock() else {
            return;
        };
        if windows.len() >= MAX_ADDRESSES && !windows.contains_key(&address) {
            windows.retain(|_, window| now < window.started + WINDOW);
        }
        let window = windows.entry(address).or_insert(Window {
            started: now,
            failures: 0,
        });
        if now >= window.started + WINDOW {
            *window = Window {
                started: now,
                failures: 0,
            };
        }
        window.failures = window.failures.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_blocked_after_its_failures_until_its_window_ends() {
        let guard = BadKeyGuard::default();
        let start = Instant::now();
        let address: IpAddr = "192.0.2.7".parse().unwrap();
        let other: IpAddr = "192.0.2.8".parse().unwrap();
        for _ in 0..BAD_KEYS_PER_WINDOW - 1 {
            guard.failed(address, start);
        }
        assert_eq!(guard.blocked(address, start), None);
        guard.failed(address, start);
        let later = start + Duration::from_secs(20);
        assert_eq!(guard.blocked(address, later), Some(Duration::from_secs(40)));
        // Others are not affected.
        assert_eq!(guard.blocked(other, later), None);
        // The next window starts afresh.
        let next = start + WINDOW;
        assert_eq!(guard.blocked(address, next), None);
        guard.failed(address, next);
        assert_eq!(guard.blocked(address, next), None);
    }

    #[test]
    fn ended_windows_are_forgotten_when_many_addresses_fail() {
        let guard = BadKeyGuard::default();
        let start = Instant::now();
        for index in 0..MAX_ADDRESSES as u32 {
            guard.failed(IpAddr::from(index.to_be_bytes()), start);
        }
        let later = start + WINDOW;
        guard.failed("198.51.100.1".parse().unwrap(), later);
        assert_eq!(guard.windows.lock().unwrap().len(), 1);
    }
}
