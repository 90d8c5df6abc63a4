//! The pool: the rules for renting SIMs out (allocation, release, extension, expiry) and
//! what an allocation is shown of its SMS (attribution, one-time codes). The SQL is the
//! store's; the wire format is the API's.

pub mod otp;
