//! The udev rules in `udev/99-modempool.rules`, checked without udev.
//!
//! What this proves:
//!
//! 1. Every line of the file parses under the subset of udev syntax the file uses (comments,
//!    `\` continuations, `KEY=="v"`, `KEY!="v"`, `a|b` alternatives, `*`, `?` and `[...]`
//!    globs, `ATTR{}`, `ATTRS{}`, `ENV{}`, `SUBSYSTEM(S)`, `KERNEL(S)`, `DRIVER(S)`, `ACTION`,
//!    `SYMLINK+=`, `ENV{}=`, `GROUP=`, `MODE=`, `GOTO`/`LABEL`, and the `$env{}`, `$attr{}`,
//!    `$id` substitutions); an unknown key, a bad operator or an unbalanced quote fails with its
//!    line number. Every `GOTO` has its `LABEL`, and every `MODEMPOOL_*` variable that is read
//!    is set somewhere.
//! 2. Evaluated by a small matcher that follows udev's semantics (all matches of a line before
//!    its assignments; `ATTRS`, `SUBSYSTEMS`, `KERNELS` and `DRIVERS` of one line must match on
//!    one device, the event's device or one of its parents; `$attr{}` and `$id` read the device
//!    those matches found), against devices built as sysfs shows them (tty, usb-serial port,
//!    USB interface, USB device, hubs, root hub, PCI controller): the AT port of every model in
//!    the table gets exactly `/dev/modempool/<name>` and `ID_MM_DEVICE_IGNORE=1`; the other
//!    ttys of those modems, their USB device, usb-serial ports, network and QMI ports get
//!    `ID_MM_DEVICE_IGNORE=1` and no name; unrelated devices (a keyboard's hidraw, an unknown
//!    1234:5678 tty, an Arduino, a hub, a built-in serial port) get nothing at all; removal
//!    events and devices a local rule marks `MODEMPOOL_IGNORE=1` get nothing either.
//! 3. Two identical modems in two USB sockets get two distinct names, and no two AT ports of
//!    the table share one.
//! 4. Every model the rules know is in the table here, in `hardware.md` and in `udev/README.md`.
//! 5. If `udevadm verify` exists (systemd 254 or later; `UDEVADM=/path/to/udevadm` picks
//!    another binary), it accepts the file; otherwise the test says `SKIPPED: udevadm verify`
//!    on stderr (and fails under `CI=true`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::PathBuf;
use std::process::Command;

use crate::common::{skip_or_fail, skip_too_old};

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/// A key of a rule, with its `{name}` where it takes one.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    Action,
    Subsystem,
    Kernel,
    Driver,
    Attr(String),
    Env(String),
    Subsystems,
    Kernels,
    Drivers,
    Attrs(String),
    Symlink,
    Group,
    Mode,
    Owner,
    Goto,
    Label,
}

impl Key {
    /// Keys matched against a parent chain: all of them in one line must match one device.
    fn is_parent(&self) -> bool {
        matches!(
            self,
            Key::Subsystems | Key::Kernels | Key::Drivers | Key::Attrs(_)
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Match,
    NoMatch,
    Assign,
    Add,
}

impl Op {
    fn is_match(self) -> bool {
        matches!(self, Op::Match | Op::NoMatch)
    }
}

#[derive(Debug, Clone)]
struct Token {
    key: Key,
    op: Op,
    value: String,
}

#[derive(Debug, Clone)]
struct Rule {
    /// The line the rule starts on (1-based).
    line: usize,
    tokens: Vec<Token>,
}

#[derive(Debug, PartialEq, Eq)]
struct ParseError {
    line: usize,
    message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

fn error(line: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        line,
        message: message.into(),
    }
}

/// Parses a rules file: one rule per logical line, then the checks across lines.
fn parse(text: &str) -> Result<Vec<Rule>, ParseError> {
    let mut rules = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((index, first)) = lines.next() {
        let start = index + 1;
        let mut logical = first.to_owned();
        while logical.trim_end().ends_with('\\') {
            let trimmed = logical.trim_end();
            logical = trimmed[..trimmed.len() - 1].to_owned();
            match lines.next() {
                Some((_, next)) => {
                    logical.push(' ');
                    logical.push_str(next);
                }
                None => return Err(error(start, "continuation at the end of the file")),
            }
        }
        let content = logical.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        rules.push(Rule {
            line: start,
            tokens: parse_line(content, start)?,
        });
    }
    check_across_lines(&rules)?;
    Ok(rules)
}

fn parse_line(content: &str, line: usize) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = content.chars().collect();
    let mut at = 0;
    let mut tokens = Vec::new();
    loop {
        while at < chars.len() && chars[at].is_whitespace() {
            at += 1;
        }
        let name_start = at;
        while at < chars.len() && (chars[at].is_ascii_uppercase() || chars[at] == '_') {
            at += 1;
        }
        let name: String = chars[name_start..at].iter().collect();
        if name.is_empty() {
            return Err(error(line, format!("expected a key at column {}", at + 1)));
        }
        let mut attribute = None;
        if at < chars.len() && chars[at] == '{' {
            let open = at;
            at += 1;
            let attr_start = at;
            while at < chars.len() && chars[at] != '}' {
                let c = chars[at];
                if !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-')) {
                    return Err(error(line, format!("bad character {c:?} in {name}{{...}}")));
                }
                at += 1;
            }
            if at == chars.len() {
                return Err(error(
                    line,
                    format!("unclosed '{{' after {name} at column {}", open + 1),
                ));
            }
            attribute = Some(chars[attr_start..at].iter().collect::<String>());
            at += 1;
        }
        let op_start = at;
        while at < chars.len() && matches!(chars[at], '=' | '!' | '+' | '-' | ':' | '~') {
            at += 1;
        }
        let op_text: String = chars[op_start..at].iter().collect();
        let op = match op_text.as_str() {
            "==" => Op::Match,
            "!=" => Op::NoMatch,
            "=" => Op::Assign,
            "+=" => Op::Add,
            other => {
                return Err(error(line, format!("bad operator {other:?} after {name}")));
            }
        };
        let key = key(&name, attribute, line)?;
        check_operator(&key, op, &name, line)?;
        if at >= chars.len() || chars[at] != '"' {
            return Err(error(
                line,
                format!("the value of {name} must be in double quotes"),
            ));
        }
        at += 1;
        let value_start = at;
        while at < chars.len() && chars[at] != '"' {
            if chars[at] == '\\' {
                return Err(error(
                    line,
                    format!("backslash in the value of {name}: not used here"),
                ));
            }
            at += 1;
        }
        if at == chars.len() {
            return Err(error(
                line,
                format!("unbalanced quote in the value of {name}"),
            ));
        }
        let value: String = chars[value_start..at].iter().collect();
        at += 1;
        check_value(&key, op, &value, &name, line)?;
        tokens.push(Token { key, op, value });
        while at < chars.len() && chars[at].is_whitespace() {
            at += 1;
        }
        if at == chars.len() {
            break;
        }
        if chars[at] != ',' {
            return Err(error(
                line,
                format!("expected ',' after the value of {name}"),
            ));
        }
        at += 1;
        if chars[at..].iter().all(|c| c.is_whitespace()) {
            return Err(error(line, "a comma with no key after it"));
        }
    }
    let labels = tokens.iter().filter(|t| t.key == Key::Label).count();
    if labels > 0 && tokens.len() > 1 {
        return Err(error(line, "LABEL stands alone on its line"));
    }
    Ok(tokens)
}

fn key(name: &str, attribute: Option<String>, line: usize) -> Result<Key, ParseError> {
    let takes_attribute = matches!(name, "ATTR" | "ATTRS" | "ENV");
    match (&attribute, takes_attribute) {
        (None, true) => return Err(error(line, format!("{name} needs {{name}}"))),
        (Some(_), false) => return Err(error(line, format!("{name} takes no {{name}}"))),
        _ => {}
    }
    let attribute = attribute.unwrap_or_default();
    Ok(match name {
        "ACTION" => Key::Action,
        "SUBSYSTEM" => Key::Subsystem,
        "KERNEL" => Key::Kernel,
        "DRIVER" => Key::Driver,
        "ATTR" => Key::Attr(attribute),
        "ENV" => Key::Env(attribute),
        "SUBSYSTEMS" => Key::Subsystems,
        "KERNELS" => Key::Kernels,
        "DRIVERS" => Key::Drivers,
        "ATTRS" => Key::Attrs(attribute),
        "SYMLINK" => Key::Symlink,
        "GROUP" => Key::Group,
        "MODE" => Key::Mode,
        "OWNER" => Key::Owner,
        "GOTO" => Key::Goto,
        "LABEL" => Key::Label,
        other => return Err(error(line, format!("unknown key {other}"))),
    })
}

fn check_operator(key: &Key, op: Op, name: &str, line: usize) -> Result<(), ParseError> {
    let allowed: &[Op] = match key {
        Key::Action
        | Key::Subsystem
        | Key::Kernel
        | Key::Driver
        | Key::Attr(_)
        | Key::Subsystems
        | Key::Kernels
        | Key::Drivers
        | Key::Attrs(_) => &[Op::Match, Op::NoMatch],
        Key::Env(_) => &[Op::Match, Op::NoMatch, Op::Assign],
        Key::Symlink => &[Op::Add, Op::Assign],
        Key::Group | Key::Mode | Key::Owner | Key::Goto | Key::Label => &[Op::Assign],
    };
    if allowed.contains(&op) {
        Ok(())
    } else {
        Err(error(
            line,
            format!("operator {op:?} is not allowed with {name}"),
        ))
    }
}

fn check_value(key: &Key, op: Op, value: &str, name: &str, line: usize) -> Result<(), ParseError> {
    if op.is_match() {
        if value.contains('$') || value.contains('%') {
            return Err(error(
                line,
                format!("{name}: substitutions are not expanded in match values"),
            ));
        }
        return Ok(());
    }
    if matches!(key, Key::Goto | Key::Label) {
        if value.is_empty() || !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(error(line, format!("{name}: bad label {value:?}")));
        }
        return Ok(());
    }
    substitution_names(value).map_err(|message| error(line, format!("{name}: {message}")))?;
    Ok(())
}

/// The `$env{}`/`%E{}` variables a value reads, or why its substitutions are malformed.
fn substitution_names(value: &str) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    let mut rest = value;
    while let Some(position) = rest.find(['$', '%']) {
        let sigil = rest.as_bytes()[position];
        let after = &rest[position + 1..];
        let (word, tail) = if sigil == b'$' {
            let end = after
                .find(|c: char| !c.is_ascii_lowercase())
                .unwrap_or(after.len());
            (&after[..end], &after[end..])
        } else {
            let end = after.char_indices().nth(1).map_or(after.len(), |(i, _)| i);
            (&after[..end], &after[end..])
        };
        let needs_argument = matches!(word, "env" | "attr" | "E" | "s");
        let known = needs_argument
            || matches!(word, "id" | "kernel" | "number" | "b" | "k" | "n" | "%")
            || (sigil == b'$' && word.is_empty() && after.starts_with('$'));
        if !known {
            return Err(format!("unknown substitution {}{word}", char::from(sigil)));
        }
        let mut tail = if word.is_empty() { &after[1..] } else { tail };
        if needs_argument {
            let Some(argument) = tail.strip_prefix('{') else {
                return Err(format!("{}{word} needs {{name}}", char::from(sigil)));
            };
            let Some(close) = argument.find('}') else {
                return Err(format!("unclosed {}{word}{{", char::from(sigil)));
            };
            if matches!(word, "env" | "E") {
                names.push(argument[..close].to_owned());
            }
            tail = &argument[close + 1..];
        }
        rest = tail;
    }
    Ok(names)
}

/// Checks that need the whole file: labels, and the rules' own variables.
fn check_across_lines(rules: &[Rule]) -> Result<(), ParseError> {
    let mut labels = BTreeMap::new();
    for (index, rule) in rules.iter().enumerate() {
        for token in &rule.tokens {
            if token.key == Key::Label && labels.insert(token.value.clone(), index).is_some() {
                return Err(error(rule.line, format!("LABEL {:?} twice", token.value)));
            }
        }
    }
    let mut set = BTreeSet::new();
    for rule in rules {
        for token in &rule.tokens {
            if let (Key::Env(name), Op::Assign) = (&token.key, token.op) {
                set.insert(name.clone());
            }
        }
    }
    for (index, rule) in rules.iter().enumerate() {
        for token in &rule.tokens {
            if token.key == Key::Goto {
                match labels.get(&token.value) {
                    Some(&target) if target > index => {}
                    Some(_) => {
                        return Err(error(
                            rule.line,
                            format!("GOTO {:?} jumps back", token.value),
                        ));
                    }
                    None => {
                        return Err(error(
                            rule.line,
                            format!("GOTO {:?} has no LABEL", token.value),
                        ));
                    }
                }
            }
            let mut read = Vec::new();
            if let (Key::Env(name), true) = (&token.key, token.op.is_match()) {
                read.push(name.clone());
            }
            if !token.op.is_match() {
                read.extend(substitution_names(&token.value).unwrap_or_default());
            }
            for name in read {
                // MODEMPOOL_IGNORE is set by a local rule, outside this file.
                if name.starts_with("MODEMPOOL_")
                    && name != "MODEMPOOL_IGNORE"
                    && !set.contains(&name)
                {
                    return Err(error(rule.line, format!("{name} is read but never set")));
                }
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------

/// A device as sysfs shows it.
#[derive(Debug, Clone)]
struct Device {
    subsystem: String,
    kernel: String,
    driver: Option<String>,
    attrs: BTreeMap<String, String>,
}

/// A uevent: the device and its parents, nearest first, and the properties it comes with.
#[derive(Debug, Clone)]
struct Event {
    action: &'static str,
    chain: Vec<Device>,
    env: BTreeMap<String, String>,
}

/// What the rules did to an event.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    env: BTreeMap<String, String>,
    symlinks: Vec<String>,
    group: Option<String>,
    mode: Option<String>,
}

/// udev's pattern match: `|` alternatives, each a glob with `*`, `?` and `[...]`.
fn pattern_matches(pattern: &str, text: &str) -> bool {
    pattern.split('|').any(|alternative| {
        let pattern: Vec<char> = alternative.chars().collect();
        let text: Vec<char> = text.chars().collect();
        glob(&pattern, &text)
    })
}

fn glob(pattern: &[char], text: &[char]) -> bool {
    match pattern.first() {
        None => text.is_empty(),
        Some('*') => (0..=text.len()).any(|skip| glob(&pattern[1..], &text[skip..])),
        Some('?') => !text.is_empty() && glob(&pattern[1..], &text[1..]),
        Some('[') => {
            let Some(close) = pattern
                .iter()
                .skip(2)
                .position(|&c| c == ']')
                .map(|i| i + 2)
            else {
                return text.first() == Some(&'[') && glob(&pattern[1..], &text[1..]);
            };
            let Some(&c) = text.first() else {
                return false;
            };
            let mut class = &pattern[1..close];
            let negated = matches!(class.first(), Some('!' | '^'));
            if negated {
                class = &class[1..];
            }
            let mut found = false;
            let mut i = 0;
            while i < class.len() {
                if i + 2 < class.len() && class[i + 1] == '-' {
                    found |= class[i] <= c && c <= class[i + 2];
                    i += 3;
                } else {
                    found |= class[i] == c;
                    i += 1;
                }
            }
            found != negated && glob(&pattern[close + 1..], &text[1..])
        }
        Some(&literal) => text.first() == Some(&literal) && glob(&pattern[1..], &text[1..]),
    }
}

fn compare(op: Op, pattern: &str, value: Option<&str>) -> bool {
    match (op, value) {
        (Op::Match, Some(value)) => pattern_matches(pattern, value),
        (Op::NoMatch, Some(value)) => !pattern_matches(pattern, value),
        (Op::Match, None) => false,
        (Op::NoMatch, None) => true,
        _ => unreachable!("compare is only called for match operators"),
    }
}

/// Whether a line's non-parent matches hold for the event.
fn device_matches(token: &Token, event: &Event, env: &BTreeMap<String, String>) -> bool {
    let device = &event.chain[0];
    match &token.key {
        Key::Action => compare(token.op, &token.value, Some(event.action)),
        Key::Subsystem => compare(token.op, &token.value, Some(&device.subsystem)),
        Key::Kernel => compare(token.op, &token.value, Some(&device.kernel)),
        Key::Driver => compare(
            token.op,
            &token.value,
            Some(device.driver.as_deref().unwrap_or("")),
        ),
        Key::Attr(name) => compare(
            token.op,
            &token.value,
            device.attrs.get(name).map(String::as_str),
        ),
        // An unset property matches as the empty string.
        Key::Env(name) => compare(
            token.op,
            &token.value,
            Some(env.get(name).map_or("", String::as_str)),
        ),
        _ => unreachable!("device_matches is only called for device keys"),
    }
}

fn parent_matches(token: &Token, device: &Device) -> bool {
    match &token.key {
        Key::Subsystems => compare(token.op, &token.value, Some(&device.subsystem)),
        Key::Kernels => compare(token.op, &token.value, Some(&device.kernel)),
        Key::Drivers => compare(
            token.op,
            &token.value,
            Some(device.driver.as_deref().unwrap_or("")),
        ),
        Key::Attrs(name) => compare(
            token.op,
            &token.value,
            device.attrs.get(name).map(String::as_str),
        ),
        _ => unreachable!("parent_matches is only called for parent keys"),
    }
}

/// Expands `$env{}`, `$attr{}`, `$id`, `$kernel`, `$number` (and their `%` forms).
fn substitute(value: &str, event: &Event, parent: usize, env: &BTreeMap<String, String>) -> String {
    let device = &event.chain[0];
    let mut out = String::new();
    let mut rest = value;
    while let Some(position) = rest.find(['$', '%']) {
        out.push_str(&rest[..position]);
        let sigil = rest.as_bytes()[position];
        let after = &rest[position + 1..];
        let (word, mut tail) = if sigil == b'$' {
            let end = after
                .find(|c: char| !c.is_ascii_lowercase())
                .unwrap_or(after.len());
            (&after[..end], &after[end..])
        } else {
            (&after[..1], &after[1..])
        };
        let mut argument = "";
        if matches!(word, "env" | "attr" | "E" | "s") {
            let inner = &tail[1..];
            let close = inner.find('}').expect("checked by the parser");
            argument = &inner[..close];
            tail = &inner[close + 1..];
        }
        match word {
            "env" | "E" => out.push_str(env.get(argument).map_or("", String::as_str)),
            "attr" | "s" => out.push_str(
                device
                    .attrs
                    .get(argument)
                    .or_else(|| event.chain[parent].attrs.get(argument))
                    .map_or("", String::as_str),
            ),
            "id" | "b" => out.push_str(&event.chain[parent].kernel),
            "kernel" | "k" => out.push_str(&device.kernel),
            "number" | "n" => {
                let digits = device.kernel.len()
                    - device
                        .kernel
                        .chars()
                        .rev()
                        .take_while(char::is_ascii_digit)
                        .count();
                out.push_str(&device.kernel[digits..]);
            }
            "%" => out.push('%'),
            "" => {
                out.push('$');
                tail = &after[1..];
            }
            other => unreachable!("checked by the parser: {other}"),
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// Runs the rules over one event, as udev does.
fn apply(rules: &[Rule], event: &Event) -> Outcome {
    let labels: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .filter_map(|(index, rule)| {
            rule.tokens
                .iter()
                .find(|t| t.key == Key::Label)
                .map(|t| (t.value.as_str(), index))
        })
        .collect();
    let mut outcome = Outcome {
        env: event.env.clone(),
        symlinks: Vec::new(),
        group: None,
        mode: None,
    };
    let mut index = 0;
    while index < rules.len() {
        let rule = &rules[index];
        index += 1;
        let device_tokens = rule
            .tokens
            .iter()
            .filter(|t| t.op.is_match() && !t.key.is_parent());
        if !device_tokens
            .into_iter()
            .all(|t| device_matches(t, event, &outcome.env))
        {
            continue;
        }
        let parent_tokens: Vec<&Token> = rule.tokens.iter().filter(|t| t.key.is_parent()).collect();
        let parent = if parent_tokens.is_empty() {
            Some(0)
        } else {
            event
                .chain
                .iter()
                .position(|device| parent_tokens.iter().all(|t| parent_matches(t, device)))
        };
        let Some(parent) = parent else {
            continue;
        };
        let mut jump = None;
        for token in rule.tokens.iter().filter(|t| !t.op.is_match()) {
            let value = substitute(&token.value, event, parent, &outcome.env);
            match &token.key {
                Key::Env(name) => {
                    if value.is_empty() {
                        outcome.env.remove(name);
                    } else {
                        outcome.env.insert(name.clone(), value);
                    }
                }
                Key::Symlink => {
                    if token.op == Op::Assign {
                        outcome.symlinks.clear();
                    }
                    outcome
                        .symlinks
                        .extend(value.split_whitespace().map(str::to_owned));
                }
                Key::Group => outcome.group = Some(value),
                Key::Mode => outcome.mode = Some(value),
                Key::Owner => {}
                Key::Goto => jump = Some(labels[token.value.as_str()]),
                Key::Label => {}
                other => unreachable!("not an assignment key: {other:?}"),
            }
        }
        if let Some(target) = jump {
            index = target;
        }
    }
    outcome
}

// ---------------------------------------------------------------------------------------------
// Devices
// ---------------------------------------------------------------------------------------------

fn device(subsystem: &str, kernel: &str, driver: Option<&str>, attrs: &[(&str, &str)]) -> Device {
    Device {
        subsystem: subsystem.to_owned(),
        kernel: kernel.to_owned(),
        driver: driver.map(str::to_owned),
        attrs: attrs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    }
}

/// The USB device at `path` (e.g. "1-1.4.2") and everything above it: the hubs it hangs
/// from (a Genesys Logic hub at each level), the root hub and the PCI host controller.
fn usb_device_chain(path: &str, vid: &str, pid: &str) -> Vec<Device> {
    let (bus, ports) = path.split_once('-').expect("a USB path is <bus>-<ports>");
    let mut chain = vec![device(
        "usb",
        path,
        Some("usb"),
        &[
            ("idVendor", vid),
            ("idProduct", pid),
            ("busnum", bus),
            ("devpath", ports),
            ("bDeviceClass", "00"),
        ],
    )];
    let mut hub = path.to_owned();
    while let Some(dot) = hub.rfind('.') {
        hub.truncate(dot);
        chain.push(device(
            "usb",
            &hub,
            Some("usb"),
            &[
                ("idVendor", "05e3"),
                ("idProduct", "0608"),
                ("bDeviceClass", "09"),
            ],
        ));
    }
    chain.push(device(
        "usb",
        &format!("usb{bus}"),
        Some("usb"),
        &[
            ("idVendor", "1d6b"),
            ("idProduct", "0002"),
            ("bDeviceClass", "09"),
        ],
    ));
    chain.push(device(
        "pci",
        "0000:00:14.0",
        Some("xhci_hcd"),
        &[("vendor", "0x8086"), ("device", "0x8c31")],
    ));
    chain
}

/// A USB interface: number and class/subclass/protocol as sysfs shows them ("02", "ff").
fn usb_interface(path: &str, number: u8, class: &str, driver: &str) -> Device {
    let mut parts = class.split('/');
    let (c, s, p) = (
        parts.next().expect("class"),
        parts.next().expect("subclass"),
        parts.next().expect("protocol"),
    );
    device(
        "usb",
        &format!("{path}:1.{number}"),
        Some(driver),
        &[
            ("bInterfaceNumber", &format!("{number:02x}")),
            ("bInterfaceClass", c),
            ("bInterfaceSubClass", s),
            ("bInterfaceProtocol", p),
            ("bAlternateSetting", " 0"),
        ],
    )
}

fn usb_env(devtype: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("DEVTYPE".to_owned(), devtype.to_owned())])
}

/// The kernel drivers a modem's ttys come from.
#[derive(Debug, Clone, Copy)]
enum Driver {
    Option,
    Ftdi,
    Ch341,
    Cp210x,
    CdcAcm,
}

impl Driver {
    /// (interface driver, usb-serial port driver or None for cdc_acm)
    fn names(self) -> (&'static str, Option<&'static str>) {
        match self {
            Driver::Option => ("option", Some("option1")),
            Driver::Ftdi => ("ftdi_sio", Some("ftdi_sio")),
            Driver::Ch341 => ("ch341", Some("ch341-uart")),
            Driver::Cp210x => ("cp210x", Some("cp210x")),
            Driver::CdcAcm => ("cdc_acm", None),
        }
    }
}

/// The `add` event of the tty on interface `number` of a USB device.
fn tty_event(
    path: &str,
    vid: &str,
    pid: &str,
    number: u8,
    class: &str,
    driver: Driver,
    tty: &str,
) -> Event {
    let (interface_driver, port_driver) = driver.names();
    let mut chain = vec![device("tty", tty, None, &[("dev", "188:0")])];
    if let Some(port_driver) = port_driver {
        chain.push(device(
            "usb-serial",
            tty,
            Some(port_driver),
            &[("port_number", "0")],
        ));
    }
    chain.push(usb_interface(path, number, class, interface_driver));
    chain.extend(usb_device_chain(path, vid, pid));
    Event {
        action: "add",
        chain,
        env: BTreeMap::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Naming {
    /// `usb<path>`: one AT port per USB device.
    Device,
    /// `usb<path>-if<NN>`: one modem per interface (multi-UART chips).
    Interface,
}

/// A model as it shows up on USB, and its ttys: `"<interface> <class/subclass/protocol>
/// <role>"`, separated by `;`, as `usb-devices` shows them. The role `AT` is the port that must
/// get the name; any other role (DM, NMEA, modem...) must not.
struct Model {
    name: &'static str,
    vid: &'static str,
    pid: &'static str,
    driver: Driver,
    naming: Naming,
    ttys: &'static str,
}

/// One tty of a model.
struct Tty<'a> {
    number: u8,
    class: &'a str,
    at: bool,
}

impl Model {
    fn ttys(&self) -> Vec<Tty<'static>> {
        self.ttys
            .split(';')
            .map(|tty| {
                let fields: Vec<&str> = tty.split_whitespace().collect();
                assert_eq!(fields.len(), 3, "{}: bad tty {tty:?}", self.name);
                Tty {
                    number: u8::from_str_radix(fields[0], 16).expect("a hex interface number"),
                    class: fields[1],
                    at: fields[2] == "AT",
                }
            })
            .collect()
    }
}

const fn model(
    name: &'static str,
    vid: &'static str,
    pid: &'static str,
    driver: Driver,
    naming: Naming,
    ttys: &'static str,
) -> Model {
    Model {
        name,
        vid,
        pid,
        driver,
        naming,
        ttys,
    }
}

const QUECTEL: &str = "00 ff/ff/ff DM; 01 ff/00/00 NMEA; 02 ff/00/00 AT; 03 ff/00/00 modem";
const SIM7600: &str =
    "00 ff/ff/ff DIAG; 01 ff/00/00 NMEA; 02 ff/00/00 AT; 03 ff/00/00 modem; 04 ff/00/00 audio";
const SIM7600_RNDIS: &str =
    "02 ff/ff/ff DIAG; 03 ff/00/00 NMEA; 04 ff/00/00 AT; 05 ff/00/00 modem; 06 ff/00/00 audio";
const HUAWEI_1506_PCUI_FIRST: &str = "00 ff/02/12 AT";
const HUAWEI_1506_SUB01: &str = "00 ff/01/01 modem; 03 ff/01/03 diag; 04 ff/01/02 AT";
const HUAWEI_1506_SUB03: &str = "00 ff/03/01 modem; 02 ff/03/03 diag; 03 ff/03/02 AT";
const HUAWEI_1506_LTE: &str = "00 ff/03/10 modem; 01 ff/03/12 AT";
const HUAWEI_1001: &str = "00 ff/ff/ff modem; 01 ff/ff/ff diag; 02 ff/ff/ff AT";
const HUAWEI_1436: &str = "00 ff/ff/ff modem; 03 ff/ff/ff other; 04 ff/ff/ff AT";
const HUAWEI_140C: &str = "00 ff/ff/ff modem; 01 ff/ff/ff other; 02 ff/ff/ff other; 03 ff/ff/ff AT";
const ZTE_AT_03: &str = "00 ff/ff/ff diag; 01 ff/ff/ff AT2; 02 ff/ff/ff modem; 03 ff/ff/ff AT";
const ZTE_AT_02: &str = "00 ff/ff/ff diag; 01 ff/ff/ff AT2; 02 ff/ff/ff AT";
const FT4232H: &str = "00 ff/ff/ff AT; 01 ff/ff/ff AT; 02 ff/ff/ff AT; 03 ff/ff/ff AT";

use Driver::{Ch341, Cp210x, Ftdi, Option as OptionDriver};
use Naming::{Device as ByDevice, Interface as ByInterface};

/// Every model the rules know, with the ttys it has. The same table is in hardware.md.
#[rustfmt::skip]
const MODELS: &[Model] = &[
    model("Quectel EC21", "2c7c", "0121", OptionDriver, ByDevice, QUECTEL),
    model("Quectel EC25/EG25-G", "2c7c", "0125", OptionDriver, ByDevice, QUECTEL),
    model("Quectel EG91", "2c7c", "0191", OptionDriver, ByDevice, QUECTEL),
    model("Quectel EG95", "2c7c", "0195", OptionDriver, ByDevice, QUECTEL),
    model("SIMCom SIM7600", "1e0e", "9001", OptionDriver, ByDevice, SIM7600),
    model("SIMCom SIM7600 RNDIS", "1e0e", "9011", OptionDriver, ByDevice, SIM7600_RNDIS),
    model("Huawei E3372 stick", "12d1", "1506", OptionDriver, ByDevice, HUAWEI_1506_PCUI_FIRST),
    model("Huawei 1506 subclass 01", "12d1", "1506", OptionDriver, ByDevice, HUAWEI_1506_SUB01),
    model("Huawei 1506 subclass 03", "12d1", "1506", OptionDriver, ByDevice, HUAWEI_1506_SUB03),
    model("Huawei 1506 LTE types", "12d1", "1506", OptionDriver, ByDevice, HUAWEI_1506_LTE),
    model("Huawei E1550", "12d1", "1001", OptionDriver, ByDevice, HUAWEI_1001),
    model("Huawei E173/E1750", "12d1", "1436", OptionDriver, ByDevice, HUAWEI_1436),
    model("Huawei E173 (140c)", "12d1", "140c", OptionDriver, ByDevice, HUAWEI_140C),
    model("ZTE MF110/MF112", "19d2", "0031", OptionDriver, ByDevice, ZTE_AT_03),
    model("ZTE MF190 (2003)", "19d2", "2003", OptionDriver, ByDevice, ZTE_AT_03),
    model("ZTE MF190 (0017)", "19d2", "0017", OptionDriver, ByDevice, ZTE_AT_02),
    model("ZTE MF190 (0117)", "19d2", "0117", OptionDriver, ByDevice, ZTE_AT_02),
    model("SIM800 on a CH340", "1a86", "7523", Ch341, ByDevice, "00 ff/01/02 AT"),
    model("SIM800 on a CP2102", "10c4", "ea60", Cp210x, ByDevice, "00 ff/00/00 AT"),
    model("SIM800 on an FT232R", "0403", "6001", Ftdi, ByDevice, "00 ff/ff/ff AT"),
    model("four SIM800 on an FT4232H", "0403", "6011", Ftdi, ByInterface, FT4232H),
];

/// The `add` event of one of a model's ttys in the socket `path`.
fn model_event(model: &Model, path: &str, tty: &Tty<'_>, kernel: &str) -> Event {
    tty_event(
        path,
        model.vid,
        model.pid,
        tty.number,
        tty.class,
        model.driver,
        kernel,
    )
}

/// The name the scheme gives, stated independently of the rules.
fn expected_name(model: &Model, path: &str, number: u8) -> String {
    match model.naming {
        Naming::Device => format!("modempool/usb{path}"),
        Naming::Interface => format!("modempool/usb{path}-if{number:02x}"),
    }
}

fn rules() -> Vec<Rule> {
    let path = rules_path();
    let text = std::fs::read_to_string(&path).expect("the rules file is readable");
    match parse(&text) {
        Ok(rules) => rules,
        Err(error) => panic!("{}: {error}", path.display()),
    }
}

fn rules_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("udev/99-modempool.rules")
}

fn ignored_by_modemmanager(outcome: &Outcome) -> bool {
    outcome.env.get("ID_MM_DEVICE_IGNORE").map(String::as_str) == Some("1")
}

/// A socket per model so that every row has its own path: bus 1, root port 1, hub port k.
fn socket(index: usize) -> String {
    format!("1-1.{}", index + 1)
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[test]
fn every_line_of_the_rules_parses() {
    let rules = rules();
    assert!(rules.len() > 20, "only {} rules parsed", rules.len());
}

#[test]
fn the_parser_refuses_what_udev_would_refuse_with_the_line_number() {
    let cases = [
        (
            "# fine\nKERNEL==\"tty*\", FOO=\"1\"\n",
            2,
            "unknown key FOO",
        ),
        ("\n\nKERNEL=~\"tty*\"\n", 3, "bad operator"),
        ("KERNEL==\"tty*\", SYMLINK+=\"x\n", 1, "unbalanced quote"),
        ("KERNEL==\"tty*\", SYMLINK==\"x\"\n", 1, "not allowed"),
        ("GROUP+=\"dialout\"\n", 1, "not allowed"),
        ("ATTRS==\"x\"\n", 1, "needs {name}"),
        ("KERNEL==\"a\" SYMLINK+=\"b\"\n", 1, "expected ','"),
        ("KERNEL==\"a\",\n", 1, "a comma with no key"),
        ("GOTO=\"nowhere\"\n", 1, "has no LABEL"),
        ("ENV{X}==\"$env{Y}\"\n", 1, "not expanded in match values"),
        ("SYMLINK+=\"$envy{X}\"\n", 1, "unknown substitution"),
        ("SYMLINK+=\"$env{X\"\n", 1, "unclosed"),
        ("SYMLINK+=\"$env{MODEMPOOL_TYPO}\"\n", 1, "never set"),
        ("KERNEL==\"a\", \\\n  FOO=\"b\"\n", 1, "unknown key FOO"),
    ];
    for (text, line, message) in cases {
        match parse(text) {
            Ok(rules) => panic!("{text:?} parsed: {rules:?}"),
            Err(error) => {
                assert_eq!(error.line, line, "{text:?}: {error}");
                assert!(error.message.contains(message), "{text:?}: {error}");
            }
        }
    }
    let continued = parse("KERNEL==\"ttyUSB*\", \\\n  SYMLINK+=\"x\"\n").expect("continuation");
    assert_eq!(continued.len(), 1);
    assert_eq!(continued[0].tokens.len(), 2);
}

#[test]
fn the_matcher_follows_udev() {
    assert!(pattern_matches("ttyUSB[0-9]*|ttyACM[0-9]*", "ttyACM12"));
    assert!(!pattern_matches("ttyUSB[0-9]*", "ttyUSBx"));
    assert!(pattern_matches("?*", "1"));
    assert!(!pattern_matches("?*", ""));
    assert!(pattern_matches("", ""));
    assert!(pattern_matches("ff/0[!3]/02", "ff/01/02"));
    assert!(!pattern_matches("ff/0[!3]/02", "ff/03/02"));
    // Parent keys of one line must match on one device: the interface number and the vendor
    // live on two different devices, so this line can never match.
    let rules = parse(concat!(
        "ATTRS{idVendor}==\"2c7c\", ATTRS{bInterfaceNumber}==\"02\", ENV{SPLIT}=\"1\"\n",
        "SUBSYSTEMS==\"usb\", ATTRS{idVendor}==\"?*\", ENV{PATH_OF}=\"$id\", ENV{IF}=\"$attr{bInterfaceNumber}\"\n",
        "SUBSYSTEMS==\"usb\", ATTRS{bInterfaceNumber}==\"?*\", ENV{IF2}=\"$attr{bInterfaceNumber}\"\n",
        "SUBSYSTEMS!=\"usb\", ENV{NEGATED}=\"$id\"\n",
    ))
    .expect("parses");
    let event = tty_event(
        "1-1.4.2",
        "2c7c",
        "0125",
        2,
        "ff/00/00",
        Driver::Option,
        "ttyUSB2",
    );
    let outcome = apply(&rules, &event);
    assert_eq!(outcome.env.get("SPLIT"), None);
    assert_eq!(
        outcome.env.get("PATH_OF").map(String::as_str),
        Some("1-1.4.2")
    );
    assert_eq!(
        outcome.env.get("IF"),
        None,
        "$attr reads the device the match found"
    );
    assert_eq!(outcome.env.get("IF2").map(String::as_str), Some("02"));
    // A negated parent key holds on the first device that differs: the tty itself.
    assert_eq!(
        outcome.env.get("NEGATED").map(String::as_str),
        Some("ttyUSB2")
    );
}

#[test]
fn the_at_port_of_every_known_model_gets_its_name_and_modemmanager_keeps_away() {
    let rules = rules();
    let mut failures = Vec::new();
    for (index, model) in MODELS.iter().enumerate() {
        let path = socket(index);
        for (tty_index, tty) in model.ttys().iter().enumerate() {
            if !tty.at {
                continue;
            }
            let (number, class) = (tty.number, tty.class);
            let kernel = format!("ttyUSB{}", index * 8 + tty_index);
            let outcome = apply(&rules, &model_event(model, &path, tty, &kernel));
            let expected = vec![expected_name(model, &path, number)];
            if outcome.symlinks != expected
                || !ignored_by_modemmanager(&outcome)
                || outcome.group.as_deref() != Some("dialout")
                || outcome.mode.as_deref() != Some("0660")
            {
                failures.push(format!(
                    "{} ({}:{}) if{number:02x} {class} at {path}: expected {expected:?}, \
                     ID_MM_DEVICE_IGNORE=1, dialout 0660; got {outcome:?}",
                    model.name, model.vid, model.pid
                ));
            }
            for link in &outcome.symlinks {
                assert!(
                    link.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '/')),
                    "{link}: udev would escape some of these characters"
                );
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_other_ttys_of_known_models_are_ignored_by_modemmanager_but_not_named() {
    let rules = rules();
    let mut failures = Vec::new();
    let mut checked = 0;
    for (index, model) in MODELS.iter().enumerate() {
        let path = socket(index);
        for tty in model.ttys() {
            if tty.at {
                continue;
            }
            checked += 1;
            let (number, class) = (tty.number, tty.class);
            let outcome = apply(&rules, &model_event(model, &path, &tty, "ttyUSB9"));
            if !outcome.symlinks.is_empty() || !ignored_by_modemmanager(&outcome) {
                failures.push(format!(
                    "{} ({}:{}) if{number:02x} {class}: expected no link and \
                     ID_MM_DEVICE_IGNORE=1; got {outcome:?}",
                    model.name, model.vid, model.pid
                ));
            }
        }
    }
    assert!(checked > 30, "only {checked} non-AT ttys in the table");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_usb_device_and_network_ports_of_a_modem_are_ignored_by_modemmanager() {
    let rules = rules();
    let path = "1-1.4.2";
    // The USB device itself: ModemManager reads the flag here for every port of the modem.
    let usb = Event {
        action: "add",
        chain: usb_device_chain(path, "2c7c", "0125"),
        env: usb_env("usb_device"),
    };
    // Its QMI control port and network interface, below the QMI interface (if04).
    let qmi_interface = usb_interface(path, 4, "ff/ff/ff", "qmi_wwan");
    let mut cdc_wdm = vec![device("usbmisc", "cdc-wdm0", None, &[("dev", "180:176")])];
    cdc_wdm.push(qmi_interface.clone());
    cdc_wdm.extend(usb_device_chain(path, "2c7c", "0125"));
    let mut wwan = vec![device(
        "net",
        "wwan0",
        None,
        &[("address", "02:50:f4:00:00:00")],
    )];
    wwan.push(qmi_interface);
    wwan.extend(usb_device_chain(path, "2c7c", "0125"));
    // The usb-serial port the AT tty hangs from has an event of its own, named like the tty
    // but without a device node: it must not get the name.
    let mut serial_port = tty_event(
        path,
        "2c7c",
        "0125",
        2,
        "ff/00/00",
        Driver::Option,
        "ttyUSB2",
    );
    serial_port.chain.remove(0);
    for (what, event) in [
        ("usb device", usb),
        ("usb-serial port ttyUSB2", serial_port),
        (
            "cdc-wdm0",
            Event {
                action: "add",
                chain: cdc_wdm,
                env: BTreeMap::new(),
            },
        ),
        (
            "wwan0",
            Event {
                action: "add",
                chain: wwan,
                env: BTreeMap::new(),
            },
        ),
    ] {
        let outcome = apply(&rules, &event);
        assert!(ignored_by_modemmanager(&outcome), "{what}: {outcome:?}");
        assert!(outcome.symlinks.is_empty(), "{what}: {outcome:?}");
        assert_eq!(outcome.group, None, "{what}: only ttys get a group");
        assert_eq!(outcome.mode, None, "{what}: only ttys get a mode");
    }
}

#[test]
fn unrelated_devices_get_nothing_at_all() {
    let rules = rules();
    let keyboard_hidraw = {
        let mut chain = vec![
            device("hidraw", "hidraw0", None, &[("dev", "243:0")]),
            device(
                "hid",
                "0003:046D:C31C.0001",
                Some("hid-generic"),
                &[("country", "00")],
            ),
            usb_interface("1-1.3", 0, "03/01/01", "usbhid"),
        ];
        chain.extend(usb_device_chain("1-1.3", "046d", "c31c"));
        Event {
            action: "add",
            chain,
            env: BTreeMap::new(),
        }
    };
    let keyboard_usb = Event {
        action: "add",
        chain: usb_device_chain("1-1.3", "046d", "c31c"),
        env: usb_env("usb_device"),
    };
    let hub = Event {
        action: "add",
        chain: usb_device_chain("1-1", "05e3", "0608"),
        env: usb_env("usb_device"),
    };
    let builtin_serial = Event {
        action: "add",
        chain: vec![
            device("tty", "ttyS0", None, &[("dev", "4:64")]),
            device("pnp", "00:04", Some("serial"), &[("id", "PNP0501")]),
        ],
        env: BTreeMap::new(),
    };
    let cases = [
        ("a keyboard's hidraw", keyboard_hidraw),
        ("a keyboard's USB device", keyboard_usb),
        ("a hub", hub),
        (
            "an unknown 1234:5678 tty",
            tty_event(
                "1-1.4.2",
                "1234",
                "5678",
                2,
                "ff/00/00",
                Driver::Option,
                "ttyUSB2",
            ),
        ),
        (
            "an Arduino Uno",
            tty_event(
                "1-1.5",
                "2341",
                "0043",
                0,
                "02/02/01",
                Driver::CdcAcm,
                "ttyACM0",
            ),
        ),
        // A CH340-like interface type on a Huawei vendor ID it is not: only known IDs count.
        (
            "a Huawei phone's tty",
            tty_event(
                "1-1.6",
                "12d1",
                "107e",
                1,
                "ff/01/02",
                Driver::Option,
                "ttyUSB3",
            ),
        ),
        ("the built-in serial port", builtin_serial),
    ];
    for (what, event) in cases {
        let outcome = apply(&rules, &event);
        let nothing = Outcome {
            env: event.env.clone(),
            symlinks: Vec::new(),
            group: None,
            mode: None,
        };
        assert_eq!(outcome, nothing, "{what}");
    }
}

#[test]
fn removal_and_local_exclusions_change_nothing() {
    let rules = rules();
    let mut removal = tty_event(
        "1-1.4.2",
        "2c7c",
        "0125",
        2,
        "ff/00/00",
        Driver::Option,
        "ttyUSB2",
    );
    removal.action = "remove";
    let mut excluded = tty_event(
        "1-2",
        "2c7c",
        "0125",
        2,
        "ff/00/00",
        Driver::Option,
        "ttyUSB6",
    );
    excluded
        .env
        .insert("MODEMPOOL_IGNORE".to_owned(), "1".to_owned());
    for (what, event) in [("removal", removal), ("MODEMPOOL_IGNORE=1", excluded)] {
        let outcome = apply(&rules, &event);
        assert_eq!(outcome.env, event.env, "{what}");
        assert!(outcome.symlinks.is_empty(), "{what}: {outcome:?}");
        assert_eq!((outcome.group, outcome.mode), (None, None), "{what}");
    }
}

#[test]
fn two_identical_modems_in_two_sockets_get_two_names() {
    let rules = rules();
    let name = |path: &str, tty: &str| {
        apply(
            &rules,
            &tty_event(path, "2c7c", "0125", 2, "ff/00/00", Driver::Option, tty),
        )
        .symlinks
    };
    let first = name("1-1.4.2", "ttyUSB2");
    let second = name("1-1.4.3", "ttyUSB6");
    assert_eq!(first, ["modempool/usb1-1.4.2"]);
    assert_eq!(second, ["modempool/usb1-1.4.3"]);
    // The same socket number on another bus is another socket.
    assert_eq!(name("3-1.4.2", "ttyUSB10"), ["modempool/usb3-1.4.2"]);
    // The tty number does not matter: a replug that makes it ttyUSB7 keeps the name.
    assert_eq!(name("1-1.4.2", "ttyUSB7"), first);

    // Across the whole table, with every model in its own socket, no name is given twice.
    let mut seen = BTreeMap::new();
    for (index, model) in MODELS.iter().enumerate() {
        let path = socket(index);
        for tty in model.ttys() {
            if !tty.at {
                continue;
            }
            let outcome = apply(&rules, &model_event(model, &path, &tty, "ttyUSB0"));
            for link in outcome.symlinks {
                if let Some(other) = seen.insert(link.clone(), model.name) {
                    panic!("{link} given to {other} and to {}", model.name);
                }
            }
        }
    }
    // The four UARTs of one FT4232H are four modems with four names.
    let ft4232h: Vec<_> = (0..4)
        .map(|number| {
            apply(
                &rules,
                &tty_event(
                    "1-1.7",
                    "0403",
                    "6011",
                    number,
                    "ff/ff/ff",
                    Driver::Ftdi,
                    "ttyUSB0",
                ),
            )
            .symlinks
        })
        .collect();
    assert_eq!(
        ft4232h,
        [
            ["modempool/usb1-1.7-if00"],
            ["modempool/usb1-1.7-if01"],
            ["modempool/usb1-1.7-if02"],
            ["modempool/usb1-1.7-if03"],
        ]
    );
}

/// The VID:PID pairs the rules classify (section 1: the lines that set MODEMPOOL_MODEL).
fn ids_in_rules(rules: &[Rule]) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for rule in rules {
        let sets_model = rule
            .tokens
            .iter()
            .any(|t| t.key == Key::Env("MODEMPOOL_MODEL".to_owned()) && t.op == Op::Assign);
        if !sets_model {
            continue;
        }
        let get = |name: &str| {
            rule.tokens
                .iter()
                .find(|t| t.key == Key::Attrs(name.to_owned()) && t.op == Op::Match)
                .map(|t| t.value.clone())
                .unwrap_or_else(|| panic!("line {}: no ATTRS{{{name}}}", rule.line))
        };
        let vid = get("idVendor");
        for pid in get("idProduct").split('|') {
            ids.insert(format!("{vid}:{pid}"));
        }
    }
    ids
}

#[test]
fn every_model_in_the_rules_is_in_the_table_and_in_hardware_md() {
    let rules = rules();
    let in_rules = ids_in_rules(&rules);
    let in_table: BTreeSet<String> = MODELS
        .iter()
        .map(|m| format!("{}:{}", m.vid, m.pid))
        .collect();
    assert_eq!(
        in_rules, in_table,
        "the rules and this test's table list different models"
    );
    let hardware =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("hardware.md"))
            .expect("hardware.md is readable");
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("udev/README.md"))
            .expect("udev/README.md is readable");
    for id in &in_rules {
        assert!(
            hardware.contains(id.as_str()),
            "{id} is not in hardware.md's model table"
        );
        assert!(
            readme.contains(id.as_str()),
            "{id} is not in udev/README.md"
        );
    }
}

#[test]
fn udevadm_verify_accepts_the_rules() {
    let program = std::env::var("UDEVADM").unwrap_or_else(|_| "udevadm".to_owned());
    let skip = |why: String| skip_or_fail(&format!("udevadm verify: {why}"));
    let help = match Command::new(&program).args(["verify", "--help"]).output() {
        Ok(output) => output,
        Err(error) => return skip(format!("{program} cannot be run ({error})")),
    };
    if !help.status.success() {
        let version = Command::new(&program)
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default();
        skip_too_old(&format!(
            "udevadm verify: {program} {version} has no verify command (systemd 254 or later has)"
        ));
        return;
    }
    let output = Command::new(&program)
        .arg("verify")
        .arg(rules_path())
        .output()
        .expect("udevadm verify runs");
    assert!(
        output.status.success(),
        "udevadm verify failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
