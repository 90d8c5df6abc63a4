//! `database`: the SQLite file, and where it is when the file names none (systemd's state
//! directory, else the working directory).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::KeyPath;

/// The database file's name when `database` is not set, in `$STATE_DIRECTORY` (systemd's
/// `StateDirectory=`) or else the working directory.
pub const DATABASE_FILE_NAME: &str = "modempool.db";

/// The problems of `database`.
pub(super) fn database_problems(database: Option<&Path>, problem: &mut dyn FnMut(KeyPath, String)) {
    if let Some(database) = database
        && database.as_os_str().is_empty()
    {
        problem(KeyPath::key("database"), "an empty path".to_owned());
    }
}

/// The database file: `explicit` if given; else `modempool.db` in the first directory of
/// `state_directory` (systemd sets `$STATE_DIRECTORY` to the `StateDirectory=` paths, joined
/// by ':' when there are several); else `./modempool.db`.
///
/// Pure (the environment value is a parameter) so that tests need not change the
/// environment.
pub fn resolve_database_path(explicit: Option<&Path>, state_directory: Option<&OsStr>) -> PathBuf {
    if let Some(explicit) = explicit {
        return explicit.to_owned();
    }
    let first_state_directory = state_directory
        .map(|value| value.to_string_lossy())
        .and_then(|value| {
            value
                .split(':')
                .next()
                .filter(|first| !first.is_empty())
                .map(PathBuf::from)
        });
    match first_state_directory {
        Some(directory) => directory.join(DATABASE_FILE_NAME),
        None => Path::new(".").join(DATABASE_FILE_NAME),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::each_names_its_key;
    use super::*;

    #[test]
    fn database_path_resolution() {
        let explicit = Path::new("/srv/pool.db");
        assert_eq!(
            resolve_database_path(Some(explicit), Some(OsStr::new("/var/lib/modempool"))),
            PathBuf::from("/srv/pool.db")
        );
        assert_eq!(
            resolve_database_path(None, Some(OsStr::new("/var/lib/modempool"))),
            PathBuf::from("/var/lib/modempool/modempool.db")
        );
        assert_eq!(
            resolve_database_path(None, Some(OsStr::new("/var/lib/a:/var/lib/b"))),
            PathBuf::from("/var/lib/a/modempool.db")
        );
        assert_eq!(
            resolve_database_path(None, Some(OsStr::new(""))),
            PathBuf::from("./modempool.db")
        );
        assert_eq!(
            resolve_database_path(None, None),
            PathBuf::from("./modempool.db")
        );
    }

    #[test]
    fn each_bad_value_names_its_key() {
        each_names_its_key(&[("database = \"\"", "database: an empty path")]);
    }
}
