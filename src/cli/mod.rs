//! The command-line commands. `main.rs` parses arguments with clap and calls one function
//! here; each command does its I/O and returns an exit status, so the binary stays thin and
//! the commands can be tested as library code.

pub mod at;
pub mod check_config;
pub mod pdu;
pub mod serve;
pub mod simulate;
pub mod status;
