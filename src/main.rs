//! The `modempool` binary: parses the command line and calls the library's commands.

use std::io::{self, IsTerminal};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use modempool::cli::pdu::{self as pdu_cli, EncodeRequest, Output};
use modempool::pdu::{
    Address, Alphabet, DeliverSpec, MessageClass, NationalLanguage, Shift, SubmitSpec,
};

/// Drives a rack of GSM modems and rents their numbers out to receive one-time codes by SMS.
#[derive(Debug, Parser)]
#[command(name = "modempool", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decode or encode SMS PDUs (TS 23.040) as modems print them in PDU mode.
    Pdu {
        #[command(subcommand)]
        command: PduCommand,
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
        self.class.map(|class| match class {
            0 => MessageClass::Class0,
            1 => MessageClass::Class1,
            2 => MessageClass::Class2,
            _ => MessageClass::Class3,
        })
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
        Command::Pdu {
            command: PduCommand::Encode { kind },
        } => {
            let request = encode_request(kind);
            pdu_cli::encode(&request, &mut io::stdout().lock()).context("encoding the message")?;
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
