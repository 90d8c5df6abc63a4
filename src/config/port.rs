//! `[[port]]`: settings for single ports, matched by exact path, and the modem model names
//! such a setting may give. What each model does differently is the simulator's and the
//! port task's business; the names are defined here, once.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{IngestMode, KeyPath};

/// `[[port]]`: settings for one port, matched by its exact path as discovery reports it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PortOverride {
    /// `port[].path`: the port's path, e.g. `/dev/modempool/slot03`. Required.
    pub path: PathBuf,
    /// `port[].personality`: the modem model, when probing guesses wrong: `generic`,
    /// `quectel-ec25`, `sim800`, `sim7600`, `huawei-e3372`, `huawei-e173`. Default: probed.
    #[serde(default)]
    pub personality: Option<ModemModel>,
    /// `port[].reset_command`: the AT command that restarts this modem, e.g. `AT+CFUN=1,1`.
    /// Default: the model's own.
    #[serde(default)]
    pub reset_command: Option<String>,
    /// `port[].ingest`: overrides `ports.ingest` for this port. Default: `ports.ingest`.
    #[serde(default)]
    pub ingest: Option<IngestMode>,
}

/// A modem model by the name the config file, the command line and the simulator's
/// control endpoint use for it.
///
/// Why here: these names are part of the file format, so they are defined where the file
/// is read; the simulator's personalities convert from and to this enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModemModel {
    /// `generic`: a plain TS 27.007 / 27.005 modem with no vendor extension.
    Generic,
    /// `quectel-ec25`: Quectel EC25 (EC2x family, LTE Cat 4).
    QuectelEc2x,
    /// `sim800`: SIMCom SIM800 (2G only).
    SimcomSim800,
    /// `sim7600`: SIMCom SIM7600 (LTE Cat 1/4).
    SimcomSim7600,
    /// `huawei-e3372`: Huawei E3372 USB stick in "stick" (serial AT port) firmware.
    HuaweiE3372,
    /// `huawei-e173`: Huawei E173 USB stick, 3G.
    HuaweiE173,
    /// `terse`: a minimal 27.005 modem that answers a plain `AT` with `ERROR`, never
    /// echoes, lists an empty store as `+CMS ERROR: 321` and answers unknown commands with
    /// `COMMAND NOT SUPPORT`.
    Terse,
    /// `stubborn`: a modem whose echo ignores `ATE0`, is printed twice, and has unsolicited
    /// lines glued in front of it; it boots with `*ATREADY: 1`.
    Stubborn,
    /// `cluttered`: a modem whose listings write `""` for an empty alpha, a space after each
    /// comma, a URC after every entry, and a bare `OK` at the first read of a new message.
    Cluttered,
}

impl ModemModel {
    /// Every model, in the order their names are listed.
    pub const ALL: [ModemModel; 9] = [
        ModemModel::Generic,
        ModemModel::QuectelEc2x,
        ModemModel::SimcomSim800,
        ModemModel::SimcomSim7600,
        ModemModel::HuaweiE3372,
        ModemModel::HuaweiE173,
        ModemModel::Terse,
        ModemModel::Stubborn,
        ModemModel::Cluttered,
    ];

    /// The model's name, as the file writes it.
    pub fn name(self) -> &'static str {
        match self {
            ModemModel::Generic => "generic",
            ModemModel::QuectelEc2x => "quectel-ec25",
            ModemModel::SimcomSim800 => "sim800",
            ModemModel::SimcomSim7600 => "sim7600",
            ModemModel::HuaweiE3372 => "huawei-e3372",
            ModemModel::HuaweiE173 => "huawei-e173",
            ModemModel::Terse => "terse",
            ModemModel::Stubborn => "stubborn",
            ModemModel::Cluttered => "cluttered",
        }
    }
}

impl fmt::Display for ModemModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A modem model name that is none of the known ones; its message lists them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown modem personality '{0}' (known: {known})", known = known_names())]
pub struct UnknownModemModel(pub String);

/// The known names, comma-separated, for [`UnknownModemModel`].
fn known_names() -> String {
    ModemModel::ALL.map(ModemModel::name).join(", ")
}

impl FromStr for ModemModel {
    type Err = UnknownModemModel;

    /// Reads a name as [`ModemModel::name`] writes it, ignoring case and surrounding blanks.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ModemModel::ALL
            .into_iter()
            .find(|model| model.name().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| UnknownModemModel(text.to_owned()))
    }
}

impl<'de> Deserialize<'de> for ModemModel {
    /// Reads a model by name, so that a wrong name is refused with the known ones.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

impl Serialize for ModemModel {
    /// Writes a model by the name it is read by, so that a printed configuration loads
    /// again.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// The problems of the `[[port]]` list.
pub(super) fn port_problems(ports: &[PortOverride], problem: &mut dyn FnMut(KeyPath, String)) {
    for (index, port) in ports.iter().enumerate() {
        let key = KeyPath::key("port").at(index);
        if port.path.as_os_str().is_empty() {
            problem(key.then("path"), "an empty path".to_owned());
        }
        if let Some(first) = ports[..index]
            .iter()
            .position(|other| other.path == port.path)
        {
            problem(
                key.then("path"),
                format!(
                    "'{}' is already configured by port[{first}]",
                    port.path.display()
                ),
            );
        }
        if let Some(command) = &port.reset_command {
            let is_at = command
                .get(..2)
                .is_some_and(|at| at.eq_ignore_ascii_case("AT"));
            if !is_at || command.chars().any(|c| c.is_control()) {
                problem(
                    key.then("reset_command"),
                    format!(
                        "'{}' is not one AT command such as \"AT+CFUN=1,1\"",
                        command.escape_debug()
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::each_names_its_key;
    use super::*;

    #[test]
    fn model_names_round_trip_and_a_wrong_one_lists_the_known_ones() {
        for model in ModemModel::ALL {
            assert_eq!(model.name().parse::<ModemModel>(), Ok(model));
            assert_eq!(model.to_string(), model.name());
        }
        assert_eq!(
            " SIM800 ".parse::<ModemModel>(),
            Ok(ModemModel::SimcomSim800)
        );
        assert_eq!(
            "nokia".parse::<ModemModel>().unwrap_err().to_string(),
            "unknown modem personality 'nokia' (known: generic, quectel-ec25, sim800, sim7600, huawei-e3372, huawei-e173, terse, stubborn, cluttered)"
        );
    }

    #[test]
    fn each_bad_value_names_its_key() {
        each_names_its_key(&[
            ("[[port]]\npath = \"\"", "port[0].path: an empty path"),
            (
                "[[port]]\npath = \"/dev/a\"\n[[port]]\npath = \"/dev/a\"",
                "port[1].path: '/dev/a' is already configured by port[0]",
            ),
            (
                "[[port]]\npath = \"/dev/a\"\nreset_command = \"CFUN=1,1\"",
                "port[0].reset_command: 'CFUN=1,1' is not one AT command",
            ),
            (
                "[[port]]\npath = \"/dev/a\"\nreset_command = \"AT+CFUN=1,1\\r\\nATZ\"",
                "port[0].reset_command: ",
            ),
        ]);
    }
}
