//! `port[].personality`: the modem models a port may be declared as, by name. The names
//! are defined here, once: the simulator's personalities are these models (it converts
//! from them), so a name the config accepts is one the simulator knows.

use std::fmt;
use std::str::FromStr;

/// A modem model, as a port override or the simulator names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModemModel {
    /// A plain TS 27.007 / 27.005 modem with no vendor extension.
    Generic,
    /// Quectel EC25 (EC2x family).
    QuectelEc25,
    /// SIMCom SIM800.
    Sim800,
    /// SIMCom SIM7600.
    Sim7600,
    /// Huawei E3372 in stick firmware.
    HuaweiE3372,
    /// Huawei E173.
    HuaweiE173,
}

impl ModemModel {
    /// Every model, in the order the error for an unknown name lists them.
    pub const ALL: [ModemModel; 6] = [
        ModemModel::Generic,
        ModemModel::QuectelEc25,
        ModemModel::Sim800,
        ModemModel::Sim7600,
        ModemModel::HuaweiE3372,
        ModemModel::HuaweiE173,
    ];

    /// The model's name in the config and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ModemModel::Generic => "generic",
            ModemModel::QuectelEc25 => "quectel-ec25",
            ModemModel::Sim800 => "sim800",
            ModemModel::Sim7600 => "sim7600",
            ModemModel::HuaweiE3372 => "huawei-e3372",
            ModemModel::HuaweiE173 => "huawei-e173",
        }
    }
}

impl fmt::Display for ModemModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is no known model; the message lists the known ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown modem personality '{0}' (known: generic, quectel-ec25, sim800, sim7600, huawei-e3372, huawei-e173)"
)]
pub struct UnknownModel(pub String);

impl FromStr for ModemModel {
    type Err = UnknownModel;

    /// Reads a name as [`ModemModel::name`] writes it, ignoring case.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ModemModel::ALL
            .into_iter()
            .find(|model| model.name().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| UnknownModel(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_lists_every_model_in_order() {
        let message = UnknownModel("x".to_owned()).to_string();
        let known: Vec<&str> = ModemModel::ALL.iter().map(|model| model.name()).collect();
        assert!(
            message.ends_with(&format!("(known: {})", known.join(", "))),
            "{message}"
        );
    }

    #[test]
    fn names_read_back_ignoring_case() {
        for model in ModemModel::ALL {
            assert_eq!(model.name().to_uppercase().parse::<ModemModel>(), Ok(model));
        }
    }
}
