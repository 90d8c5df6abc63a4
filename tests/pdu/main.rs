//! The PDU codec's tests, in one binary so the crate is linked once for all of them: the
//! decoder against other projects' vectors and the specifications, the encoder and decoder
//! against each other, the decoder against arbitrary octets, and the `modempool pdu`
//! commands.

mod pdu_cli; // `modempool pdu` as a script runs it: JSON contract, exit status, stdin
mod pdu_properties; // encode → decode round trips for every alphabet, sender and length
mod pdu_robustness; // the decoder never panics and its errors point inside the input
mod pdu_spec; // vectors written from TS 23.040 / TS 23.038, one test per feature
mod pdu_streaming; // `pdu decode -` writes each result before reading on, in constant memory
mod pdu_vectors; // oFono, ModemManager and warthog618/sms vectors (tests/fixtures)
