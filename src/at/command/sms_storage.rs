//! Where messages are kept (TS 27.005 §3.2.2 `+CPMS`): the storages, selecting which one is
//! read, written and received into, and how full each is, so that the SIM never fills up.

use super::{Command, Info, ResponseError, ResponseLine, TimeoutClass, single_text};

/// A message storage (TS 27.005 §3.1 `<mem1>`..`<mem3>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Storage {
    /// `SM`: the SIM, where the daemon keeps messages so a SIM moved to another port takes
    /// its unread messages along.
    Sim,
    /// `ME`: the module's own memory.
    Me,
    /// `MT`: SIM and module memory together.
    Mt,
    /// `SR`: status report storage.
    StatusReports,
    /// `BM`: broadcast message storage.
    Broadcast,
    /// Any other name a modem reports.
    Other(String),
}

impl Storage {
    /// The name as written in commands.
    pub fn as_str(&self) -> &str {
        match self {
            Storage::Sim => "SM",
            Storage::Me => "ME",
            Storage::Mt => "MT",
            Storage::StatusReports => "SR",
            Storage::Broadcast => "BM",
            Storage::Other(name) => name,
        }
    }

    /// The storage a name as modems write it (`"SM"`, `"ME"`, ...) stands for.
    pub fn from_name(name: &str) -> Storage {
        match name {
            "SM" => Storage::Sim,
            "ME" => Storage::Me,
            "MT" => Storage::Mt,
            "SR" => Storage::StatusReports,
            "BM" => Storage::Broadcast,
            other => Storage::Other(other.to_owned()),
        }
    }
}

/// How full a storage is: watched so that the SIM never fills up and refuses new messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// Messages stored.
    pub used: u32,
    /// Slots in total.
    pub total: u32,
}

/// The usage of the three storages `+CPMS=` selected, in `<mem1>`, `<mem2>`, `<mem3>` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageUsage {
    /// `<mem1>`: read and delete.
    pub read: Usage,
    /// `<mem2>`: write and send.
    pub write: Usage,
    /// `<mem3>`: where received messages go.
    pub receive: Usage,
}

/// `AT+CPMS="<mem1>","<mem2>","<mem3>"`: selects where messages are read, written and
/// received, and reports how full each is.
//
// 3GPP TS 27.005 §3.2.2 Preferred Message Storage +CPMS: +CPMS=<mem1>[,<mem2>[,<mem3>]]
//   response +CPMS: <used1>,<total1>,<used2>,<total2>,<used3>,<total3>
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreferredStorage {
    /// `<mem1>`.
    pub read: Storage,
    /// `<mem2>`.
    pub write: Storage,
    /// `<mem3>`.
    pub receive: Storage,
}

impl Command for PreferredStorage {
    type Response = StorageUsage;

    fn text(&self) -> String {
        format!(
            "AT+CPMS=\"{}\",\"{}\",\"{}\"",
            self.read.as_str(),
            self.write.as_str(),
            self.receive.as_str()
        )
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Storage
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<StorageUsage, ResponseError> {
        const EXPECTED: &str = "+CPMS: <used1>,<total1>,<used2>,<total2>,<used3>,<total3>";
        let line = single_text("+CPMS", EXPECTED, lines)?;
        let info = Info::parse("+CPMS", EXPECTED, line, "+CPMS:")?;
        info.arity(6, 6)?;
        let usage = |at| -> Result<Usage, ResponseError> {
            Ok(Usage {
                used: info.int(at)?,
                total: info.int(at + 1)?,
            })
        };
        Ok(StorageUsage {
            read: usage(0)?,
            write: usage(2)?,
            receive: usage(4)?,
        })
    }
}

/// One storage selected for a `+CPMS` role, with its usage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageSlot {
    /// Which storage.
    pub storage: Storage,
    /// How full it is.
    pub usage: Usage,
}

/// The three storages `+CPMS?` reports, in `<mem1>`, `<mem2>`, `<mem3>` order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageStatus {
    /// `<mem1>`: read and delete.
    pub read: StorageSlot,
    /// `<mem2>`: write and send.
    pub write: StorageSlot,
    /// `<mem3>`: received messages.
    pub receive: StorageSlot,
}

/// `AT+CPMS?`: which storages are selected and how full they are, polled to delete read
/// messages before the SIM fills.
//
// 3GPP TS 27.005 §3.2.2 +CPMS read command response
//   +CPMS: <mem1>,<used1>,<total1>,<mem2>,<used2>,<total2>,<mem3>,<used3>,<total3>
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreferredStorageQuery;

impl Command for PreferredStorageQuery {
    type Response = StorageStatus;

    fn text(&self) -> String {
        "AT+CPMS?".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Storage
    }

    fn attempts(&self) -> u8 {
        2
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<StorageStatus, ResponseError> {
        const EXPECTED: &str = "+CPMS: <mem1>,<used1>,<total1>,<mem2>,<used2>,<total2>,\
                                <mem3>,<used3>,<total3>";
        let line = single_text("+CPMS", EXPECTED, lines)?;
        let info = Info::parse("+CPMS", EXPECTED, line, "+CPMS:")?;
        info.arity(9, 9)?;
        let slot = |at| -> Result<StorageSlot, ResponseError> {
            Ok(StorageSlot {
                storage: Storage::from_name(info.text(at)?),
                usage: Usage {
                    used: info.int(at + 1)?,
                    total: info.int(at + 2)?,
                },
            })
        };
        Ok(StorageStatus {
            read: slot(0)?,
            write: slot(3)?,
            receive: slot(6)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::at::command::fixtures::text;

    #[test]
    fn command_texts_are_exact() {
        let cpms = PreferredStorage {
            read: Storage::Sim,
            write: Storage::Sim,
            receive: Storage::Sim,
        };
        assert_eq!(cpms.text(), "AT+CPMS=\"SM\",\"SM\",\"SM\"");
        assert_eq!(PreferredStorageQuery.text(), "AT+CPMS?");
    }

    #[test]
    fn cpms_set_reports_usage_of_three_storages() {
        let command = PreferredStorage {
            read: Storage::Sim,
            write: Storage::Sim,
            receive: Storage::Sim,
        };
        let usage = command.parse(&text(&["+CPMS: 3,30,3,30,3,30"])).unwrap();
        let expected = Usage { used: 3, total: 30 };
        assert_eq!(
            usage,
            StorageUsage {
                read: expected,
                write: expected,
                receive: expected,
            }
        );
    }

    #[test]
    fn cpms_query_names_storages_with_usage() {
        let status = PreferredStorageQuery
            .parse(&text(&["+CPMS: \"SM\",3,30,\"SM\",3,30,\"ME\",0,255"]))
            .unwrap();
        assert_eq!(
            status.read,
            StorageSlot {
                storage: Storage::Sim,
                usage: Usage { used: 3, total: 30 },
            }
        );
        assert_eq!(status.write.storage, Storage::Sim);
        assert_eq!(status.receive.storage, Storage::Me);
        assert_eq!(status.receive.usage.total, 255);
        let error = PreferredStorageQuery
            .parse(&text(&["+CPMS: \"SM\",3,30"]))
            .unwrap_err();
        assert_eq!(error.command, "+CPMS");
        assert_eq!(error.line.as_deref(), Some("+CPMS: \"SM\",3,30"));
    }
}
