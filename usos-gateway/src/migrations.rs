//! The database's migrations, compiled into the gateway: the files of
//! `usos-gateway/migrations/`, read as sqlx reads such a folder.
//!
//! Written here rather than with `sqlx::migrate!`: that macro is sqlx's
//! `macros` feature, which compiles sqlx's SQLite and PostgreSQL drivers (and
//! SQLite's C source) a second time, for the compiler's host. This list is a
//! few lines, and a test keeps it equal to the folder. Each migration is
//! what the macro made of the same file (the version and the description
//! from its name, the checksum over its text): a database migrated by an
//! earlier gateway sees them as applied.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

/// Every file in `migrations/`, by name, oldest first.
const FILES: &[(&str, &str)] = &[
    (
        "20261130000001_watches.sql",
        include_str!("../migrations/20261130000001_watches.sql"),
    ),
    (
        "20261202000001_watches_installation.sql",
        include_str!("../migrations/20261202000001_watches_installation.sql"),
    ),
    (
        "20261202000002_order_journeys.sql",
        include_str!("../migrations/20261202000002_order_journeys.sql"),
    ),
];

/// The migrations, ready to run.
pub async fn migrator() -> Result<Migrator, sqlx::migrate::MigrateError> {
    Migrator::new(Compiled).await
}

/// The files above, as a source sqlx's `Migrator` takes.
#[derive(Debug)]
struct Compiled;

impl MigrationSource<'static> for Compiled {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 'static>> {
        Box::pin(async {
            FILES
                .iter()
                .map(|&(name, sql)| migration(name, sql))
                .collect()
        })
    }
}

/// One file as sqlx reads it: `<version>_<description words>.sql`, the
/// underscores of the description read as spaces; a text that begins with
/// `-- no-transaction` runs outside a transaction.
fn migration(name: &str, sql: &'static str) -> Result<Migration, BoxDynError> {
    let (version, rest) = name
        .split_once('_')
        .ok_or_else(|| format!("migration {name}: no `_` after its version"))?;
    let version: i64 = version
        .parse()
        .map_err(|_| format!("migration {name}: its version is not a number"))?;
    let description = rest
        .strip_suffix(".sql")
        .ok_or_else(|| format!("migration {name}: not a .sql file"))?
        .replace('_', " ");
    Ok(Migration::new(
        version,
        Cow::Owned(description),
        MigrationType::Simple,
        Cow::Borrowed(sql),
        sql.starts_with("-- no-transaction"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn folder() -> &'static Path {
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
    }

    #[test]
    fn the_list_is_the_folder() {
        let mut names: Vec<String> = std::fs::read_dir(folder())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        let listed: Vec<&str> = FILES.iter().map(|&(name, _)| name).collect();
        assert_eq!(names, listed, "list every file of migrations/ in FILES");
    }

    #[tokio::test]
    async fn each_migration_is_what_sqlx_makes_of_its_file() {
        let from_folder = Migrator::new(folder()).await.unwrap();
        let compiled = migrator().await.unwrap();
        assert_eq!(compiled.iter().count(), FILES.len());
        for (ours, theirs) in compiled.iter().zip(from_folder.iter()) {
            assert_eq!(ours.version, theirs.version);
            assert_eq!(ours.description, theirs.description);
            assert_eq!(ours.migration_type, theirs.migration_type);
            assert_eq!(ours.checksum, theirs.checksum);
            assert_eq!(ours.no_tx, theirs.no_tx);
            assert_eq!(ours.sql, theirs.sql);
        }
    }

    #[test]
    fn a_name_without_a_version_is_refused() {
        assert!(migration("watches.sql", "").is_err());
        assert!(migration("x_watches.sql", "").is_err());
        assert!(migration("1_watches.txt", "").is_err());
        let one = migration("7_two_words.sql", "-- no-transaction\nSELECT 1;").unwrap();
        assert_eq!(
            (one.version, &*one.description, one.no_tx),
            (7, "two words", true)
        );
    }
}
