//! The network half of a session: which operator the modem is registered with, read as the
//! MCC-MNC (`262-01`, the same on every modem) and the long name, whenever registration
//! changes and at every health poll, so that stock and the operator filter never see a SIM
//! whose operator is empty because it was not registered yet at the first probe.
//!
//! The format of `+COPS?` is set with `AT+COPS=3,<format>`: long name first, numeric last, so
//! that it stays numeric and a health poll reads the code with one `AT+COPS?`; the name is
//! read again only when the code changes. A modem that refuses `+COPS=3` is read in whatever
//! form it answers, and never asked again (its [`Dialect`](super::Dialect)). Where a modem
//! gives only digits, the name comes from the built-in table
//! ([`crate::inventory::operator_name`]).

use crate::at::command::{Operator, OperatorFormat, OperatorQuery, plmn_code};
use crate::inventory;

use super::{Session, Step};

/// The command form the dialect remembers when a modem refuses to change the format.
const FORMAT_COMMAND: &str = "AT+COPS=3,<format>";

/// The operator as one `+COPS?` answer gives it: the code in numeric format, else the name.
fn classify(operator: &Operator) -> (Option<String>, Option<String>) {
    match operator.name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => match plmn_code(name) {
            Some(code) => (Some(code), None),
            None => (None, Some(name.to_owned())),
        },
        _ => (None, None),
    }
}

impl Session<'_> {
    /// Reads the operator again, in full (code and name) when `full` or when the code a
    /// light read finds differs from the one known; records it when it changed. Does
    /// nothing for a modem known not to be registered, or that holds no usable SIM.
    pub(super) async fn refresh_operator(&mut self, full: bool) -> Step<()> {
        if self.sim.is_none() || self.context.status.borrow().registered == Some(false) {
            return Ok(());
        }
        let known_code = self.sim.as_ref().and_then(|sim| sim.operator_code.clone());
        let (mut code, mut name) = (None, None);
        if !full {
            if let Some(operator) = self.read_operator().await? {
                (code, name) = classify(&operator);
            }
            let code_changed = code.is_some() && code != known_code;
            if !code_changed && (code.is_some() || name.is_some()) {
                return self.record_operator(code, name).await;
            }
        }
        // Long name first, numeric last: the format stays numeric for the light reads.
        if !self.dialect.refuses(FORMAT_COMMAND) && self.set_format(0).await? {
            if let Some(operator) = self.read_operator().await? {
                name = classify(&operator).1.or(name);
            }
            if self.set_format(2).await?
                && let Some(operator) = self.read_operator().await?
            {
                code = classify(&operator).0.or(code);
            }
            return self.record_operator(code, name).await;
        }
        if let Some(operator) = self.read_operator().await? {
            let (read_code, read_name) = classify(&operator);
            code = read_code.or(code);
            name = read_name.or(name);
        }
        self.record_operator(code, name).await
    }

    async fn read_operator(&mut self) -> Step<Option<Operator>> {
        let read = self.channel.run(&OperatorQuery).await;
        self.judge_optional(read)
    }

    /// `AT+COPS=3,<format>`; `false` when the modem refuses it (remembered: never asked
    /// again on this port).
    async fn set_format(&mut self, format: u8) -> Step<bool> {
        let set = self.channel.run(&OperatorFormat(format)).await;
        match self.judge_optional(set)? {
            Some(()) => Ok(true),
            None => {
                self.refused(FORMAT_COMMAND).await;
                Ok(false)
            }
        }
    }

    /// Keeps what was read (a code without a name gets the table's name) and, when it
    /// differs from what the SIM's record says, publishes and stores it.
    async fn record_operator(&mut self, code: Option<String>, name: Option<String>) -> Step<()> {
        let Some(sim) = self.sim.as_mut() else {
            return Ok(());
        };
        let code = code.or_else(|| sim.operator_code.clone());
        let name = name
            .or_else(|| {
                code.as_deref()
                    .and_then(inventory::operator_name)
                    .map(str::to_owned)
            })
            .or_else(|| sim.operator.clone());
        if code == sim.operator_code && name == sim.operator {
            return Ok(());
        }
        tracing::info!(
            port = self.context.path,
            code = code.as_deref().unwrap_or(""),
            name = name.as_deref().unwrap_or(""),
            "operator"
        );
        sim.operator_code = code;
        sim.operator = name.clone();
        let sim = sim.clone();
        self.publish(|status| status.operator = name);
        self.record_sim(&sim).await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operator(format: Option<u8>, name: Option<&str>) -> Operator {
        Operator {
            mode: 0,
            format,
            name: name.map(str::to_owned),
            access_technology: Some(7),
        }
    }

    #[test]
    fn a_numeric_answer_is_a_code_and_a_long_one_a_name() {
        assert_eq!(
            classify(&operator(Some(2), Some("26201"))),
            (Some("262-01".to_owned()), None)
        );
        assert_eq!(
            classify(&operator(Some(0), Some("Telekom.de"))),
            (None, Some("Telekom.de".to_owned()))
        );
        // A modem that ignores the format and gives digits in "long" form.
        assert_eq!(
            classify(&operator(Some(0), Some("310260"))),
            (Some("310-260".to_owned()), None)
        );
        // Not registered: `+COPS: 0`.
        assert_eq!(classify(&operator(None, None)), (None, None));
    }
}
