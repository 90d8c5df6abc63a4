//! One-time codes in SMS text.
