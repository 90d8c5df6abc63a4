//! The command line as the modem reads it (ITU-T V.250 §5.2 and §5.4): the `AT` prefix, basic
//! commands (`E0`, `V1`, `&F`, `S3?`, `D...`), extended commands (`+CMGF=0`, `^CURC?`,
//! `+COPS=?`) separated by `;`, and their parameters, quoted or not.
//!
//! Pure functions over `&str`; no state, no I/O. A malformed line is an `Err`, which the modem
//! answers with `ERROR` as V.250 §5.4.1 prescribes for syntax errors.

/// One command of a command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::simulator) struct Command {
    /// The name in upper case: `E`, `&F`, `S`, `D`, `+CMGF`, `^CURC`, ...
    pub name: String,
    /// The number after a basic command (`E0` → 0, `S3` → 3); `None` when absent.
    pub number: Option<u32>,
    /// What the command asks.
    pub op: Op,
}

/// The four forms of V.250 §5.4.2 (extended) and §5.3 (basic, `S`-registers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::simulator) enum Op {
    /// `+CMD` / `E0`: execute.
    Exec,
    /// `+CMD?` / `S3?`: read the current value.
    Read,
    /// `+CMD=?`: list the supported values.
    Test,
    /// `+CMD=<args>` / `S0=2` / `D<dial string>`: set.
    Set(Vec<Arg>),
}

/// One parameter of a set command (V.250 §5.4.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::simulator) enum Arg {
    /// Omitted: `AT+CMGD=1,` or `AT+CNMI=2,,0`.
    Empty,
    /// A numeric or bare constant, spaces trimmed.
    Bare(String),
    /// A string constant, quotes removed.
    Quoted(String),
}

impl Arg {
    /// The text of the parameter, quoted or not; `None` when omitted.
    pub fn text(&self) -> Option<&str> {
        match self {
            Arg::Empty => None,
            Arg::Bare(text) | Arg::Quoted(text) => Some(text),
        }
    }
}

/// The body of a command line after `AT`, or `None` when the line holds no `AT`: a DCE
/// ignores everything before the `AT` prefix (V.250 §5.2.1), and a line without one.
pub(in crate::simulator) fn after_prefix(line: &str) -> Option<&str> {
    let bytes = line.as_bytes();
    let start = bytes.windows(2).position(|pair| {
        pair[0].eq_ignore_ascii_case(&b'A') && pair[1].eq_ignore_ascii_case(&b'T')
    })?;
    line.get(start + 2..)
}

/// Whether the line is the repeat command `A/` (V.250 §6.2.11), which needs no CR.
pub(super) fn is_repeat(line: &[u8]) -> bool {
    matches!(line, [a, b'/'] if a.eq_ignore_ascii_case(&b'A'))
}

/// Splits the body of a command line into commands.
pub(in crate::simulator) fn commands(body: &str) -> Result<Vec<Command>, ()> {
    let chars: Vec<char> = body.chars().collect();
    let mut commands = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let ch = chars[at];
        if ch.is_whitespace() || ch == ';' {
            at += 1;
            continue;
        }
        // `_`: Option's extended commands (`AT_OSSYS?`).
        if matches!(ch, '+' | '^' | '*' | '$' | '#' | '%' | '!' | '_') {
            let (command, next) = extended(&chars, at)?;
            commands.push(command);
            at = next;
        } else if ch == '&' {
            let letter = chars
                .get(at + 1)
                .filter(|c| c.is_ascii_alphabetic())
                .ok_or(())?;
            let (number, next) = digits(&chars, at + 2)?;
            commands.push(Command {
                name: format!("&{}", letter.to_ascii_uppercase()),
                number,
                op: Op::Exec,
            });
            at = next;
        } else if ch.is_ascii_alphabetic() {
            let letter = ch.to_ascii_uppercase();
            match letter {
                // V.250 §6.3.1: the dial string runs to the end of the line.
                'D' => {
                    let rest: String = chars[at + 1..].iter().collect();
                    commands.push(Command {
                        name: "D".to_owned(),
                        number: None,
                        op: Op::Set(vec![Arg::Bare(rest.trim().to_owned())]),
                    });
                    at = chars.len();
                }
                // V.250 §5.3.2: S<n>?, S<n>=<value>.
                'S' => {
                    let (number, mut next) = digits(&chars, at + 1)?;
                    let number = number.ok_or(())?;
                    let op = match chars.get(next) {
                        Some('?') => {
                            next += 1;
                            Op::Read
                        }
                        Some('=') => {
                            let (value, after) = digits(&chars, next + 1)?;
                            next = after;
                            Op::Set(vec![value.map_or(Arg::Empty, |v| Arg::Bare(v.to_string()))])
                        }
                        _ => Op::Exec,
                    };
                    commands.push(Command {
                        name: "S".to_owned(),
                        number: Some(number),
                        op,
                    });
                    at = next;
                }
                _ => {
                    let (number, next) = digits(&chars, at + 1)?;
                    commands.push(Command {
                        name: letter.to_string(),
                        number,
                        op: Op::Exec,
                    });
                    at = next;
                }
            }
        } else {
            return Err(());
        }
    }
    Ok(commands)
}

/// An optional decimal number at `at`; fails on overflow.
fn digits(chars: &[char], at: usize) -> Result<(Option<u32>, usize), ()> {
    let mut end = at;
    while chars.get(end).is_some_and(char::is_ascii_digit) {
        end += 1;
    }
    if end == at {
        return Ok((None, at));
    }
    let text: String = chars[at..end].iter().collect();
    text.parse().map(|n| (Some(n), end)).map_err(|_| ())
}

/// One extended command starting at its prefix character, up to the `;` that ends it.
fn extended(chars: &[char], at: usize) -> Result<(Command, usize), ()> {
    let mut end = at + 1;
    while chars
        .get(end)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
    {
        end += 1;
    }
    if end == at + 1 {
        return Err(());
    }
    let name: String = chars[at..end]
        .iter()
        .collect::<String>()
        .to_ascii_uppercase();
    let (op, next) = match (chars.get(end), chars.get(end + 1)) {
        (Some('='), Some('?')) => (Op::Test, end + 2),
        (Some('?'), _) => (Op::Read, end + 1),
        (Some('='), _) => {
            let mut stop = end + 1;
            let mut quoted = false;
            while let Some(&c) = chars.get(stop) {
                if c == '"' {
                    quoted = !quoted;
                } else if c == ';' && !quoted {
                    break;
                }
                stop += 1;
            }
            if quoted {
                return Err(());
            }
            let text: String = chars[end + 1..stop].iter().collect();
            (Op::Set(args(&text)?), stop)
        }
        _ => (Op::Exec, end),
    };
    // An extended command ends the line or is followed by `;` (V.250 §5.4.1); spaces pass.
    let mut after = next;
    while chars.get(after).is_some_and(|c| c.is_whitespace()) {
        after += 1;
    }
    match chars.get(after) {
        None => Ok((
            Command {
                name,
                number: None,
                op,
            },
            after,
        )),
        Some(';') => Ok((
            Command {
                name,
                number: None,
                op,
            },
            after + 1,
        )),
        Some(_) => Err(()),
    }
}

/// The comma-separated parameters of a set command.
fn args(text: &str) -> Result<Vec<Arg>, ()> {
    let mut parsed = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    for c in text.chars() {
        match c {
            '"' if quoted => quoted = false,
            '"' => {
                // Only white space may precede the opening quote, and one string per field.
                if was_quoted || !current.trim().is_empty() {
                    return Err(());
                }
                current.clear();
                quoted = true;
                was_quoted = true;
            }
            ',' if !quoted => {
                parsed.push(arg(&current, was_quoted));
                current.clear();
                was_quoted = false;
            }
            _ if quoted => current.push(c),
            _ if was_quoted => {
                if !c.is_whitespace() {
                    return Err(());
                }
            }
            _ => current.push(c),
        }
    }
    parsed.push(arg(&current, was_quoted));
    Ok(parsed)
}

fn arg(text: &str, quoted: bool) -> Arg {
    if quoted {
        Arg::Quoted(text.to_owned())
    } else if text.trim().is_empty() {
        Arg::Empty
    } else {
        Arg::Bare(text.trim().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(name: &str, args: Vec<Arg>) -> Command {
        Command {
            name: name.to_owned(),
            number: None,
            op: Op::Set(args),
        }
    }

    fn bare(text: &str) -> Arg {
        Arg::Bare(text.to_owned())
    }

    #[test]
    fn prefix_is_found_anywhere_and_in_any_case() {
        assert_eq!(after_prefix("AT+CSQ"), Some("+CSQ"));
        assert_eq!(after_prefix("at+csq"), Some("+csq"));
        assert_eq!(after_prefix("\0\0xAt"), Some(""));
        assert_eq!(after_prefix("hello"), None);
        assert!(is_repeat(b"a/"));
        assert!(!is_repeat(b"AT"));
    }

    #[test]
    fn basic_commands_run_together() {
        let parsed = commands("E0V1&FZ S0=2 S3?").unwrap();
        let names: Vec<_> = parsed.iter().map(|c| (c.name.as_str(), c.number)).collect();
        assert_eq!(
            names,
            vec![
                ("E", Some(0)),
                ("V", Some(1)),
                ("&F", None),
                ("Z", None),
                ("S", Some(0)),
                ("S", Some(3))
            ]
        );
        assert_eq!(parsed[4].op, Op::Set(vec![bare("2")]));
        assert_eq!(parsed[5].op, Op::Read);
    }

    #[test]
    fn extended_commands_with_each_form() {
        let parsed = commands("+CMGF=0;+CNMI=2,1,,0;+cpms?;+COPS=?;^CURC=0;+CMGL").unwrap();
        assert_eq!(parsed[0], set("+CMGF", vec![bare("0")]));
        assert_eq!(
            parsed[1],
            set("+CNMI", vec![bare("2"), bare("1"), Arg::Empty, bare("0")])
        );
        assert_eq!(parsed[2].name, "+CPMS");
        assert_eq!(parsed[2].op, Op::Read);
        assert_eq!(parsed[3].op, Op::Test);
        assert_eq!(parsed[4], set("^CURC", vec![bare("0")]));
        assert_eq!(parsed[5].op, Op::Exec);
    }

    #[test]
    fn quoted_parameters_keep_commas_and_case() {
        let parsed = commands("+CUSD=1,\"*111*0887#\",15;+CPMS=\"SM\",\"me\"").unwrap();
        assert_eq!(
            parsed[0],
            set(
                "+CUSD",
                vec![bare("1"), Arg::Quoted("*111*0887#".into()), bare("15")]
            )
        );
        assert_eq!(
            parsed[1],
            set(
                "+CPMS",
                vec![Arg::Quoted("SM".into()), Arg::Quoted("me".into())]
            )
        );
        assert_eq!(
            commands("+CMGW=\"a;b\"").unwrap()[0],
            set("+CMGW", vec![Arg::Quoted("a;b".into())])
        );
    }

    #[test]
    fn malformed_lines_are_errors() {
        for body in [
            "+",
            "+CSQ?X",
            "+CUSD=1,\"*100#",
            "+CPMS=\"SM\"x",
            "+CPMS=x\"SM\"",
            "&",
            "S=1",
            "E99999999999",
            "\u{0}",
        ] {
            assert_eq!(commands(body), Err(()), "{body:?}");
        }
        assert_eq!(commands(""), Ok(vec![]));
    }

    #[test]
    fn dial_takes_the_rest_of_the_line() {
        let parsed = commands("D*100#;").unwrap();
        assert_eq!(parsed, vec![set("D", vec![bare("*100#;")])]);
    }
}
