//! The gateway's one database: the watches of students who asked for a
//! push when their card is ready. An SQLite file by default, PostgreSQL for
//! many copies; one code path for both (sqlx's `Any` driver), with the lease
//! query the one place where the two differ. Handlers and the watcher call
//! the functions here and never write SQL.
//!
//! A lease is a row's claim: a copy takes due rows by setting `lease_holder`
//! and `leased_until`, and changes or deletes a row only `WHERE id = … AND
//! lease_holder = …`, so two workers never act on one row at once.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};

/// Which database is behind the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The pool and what it talks to.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The migrations are applied: the tables are there.
    ready: Arc<AtomicBool>,
    trouble: Arc<Throttle>,
}

/// A watch as the handler makes it.
pub struct NewWatch<'a> {
    pub id: &'a str,
    /// The installation whose student it is.
    pub installation: &'a str,
    pub owner: &'a str,
    pub endpoint: &'a str,
    pub p256dh: &'a str,
    pub auth: &'a str,
    pub lang: &'a str,
    pub open_url: &'a str,
    pub order_id: &'a str,
    pub last_status: &'a str,
    pub sealed_tokens: &'a str,
    pub now_ms: i64,
    pub ends_at: i64,
    pub next_check_at: i64,
    pub check_interval_ms: i64,
}

/// A watch as the watcher takes it.
#[derive(Clone)]
pub struct Watch {
    pub id: String,
    /// The installation whose student it is (`""`: made when the gateway
    /// served one installation, which is it).
    pub installation: String,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub lang: String,
    pub open_url: String,
    pub order_id: String,
    pub last_status: String,
    pub sealed_tokens: String,
    pub created_at: i64,
    pub ends_at: i64,
    pub check_interval_ms: i64,
    pub outcome: Option<String>,
    pub outcome_seen_at: Option<i64>,
    pub failures: i64,
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Watch({})", self.id)
    }
}

const WATCH_COLUMNS: &str =
    "id, installation, endpoint, p256dh, auth, lang, open_url, order_id, last_status, \
     sealed_tokens, created_at, ends_at, check_interval_ms, outcome, outcome_seen_at, failures";

impl Store {
    /// Opens the pool and applies the migrations. An SQLite file is created
    /// when missing, and one that cannot be opened stops the start. A
    /// PostgreSQL server that does not answer yet does not: the gateway
    /// starts (forwarding and sign-in need no database), `/push/*` answers
    /// 503, and the migrations are tried again every 5 s until they apply.
    /// At most `max_connections` connections at once.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store, String> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        let url = match backend {
            Backend::Sqlite if !url.contains('?') => format!("{url}?mode=rwc"),
            _ => url.to_owned(),
        };
        let mut options = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(2));
        if backend == Backend::Sqlite {
            options = options.after_connect(|connection, _| {
                Box::pin(async move {
                    // Writers wait for each other instead of failing, and
                    // readers do not wait for writers.
                    connection.execute("PRAGMA busy_timeout = 5000").await?;
                    connection.execute("PRAGMA journal_mode = WAL").await?;
                    connection.execute("PRAGMA synchronous = NORMAL").await?;
                    Ok(())
                })
            });
        }
        let pool = options
            .connect_lazy(&url)
            .map_err(|e| format!("--database-url: {}", plain(&e)))?;
        let store = Store {
            pool,
            backend,
            ready: Arc::new(AtomicBool::new(false)),
            trouble: Arc::new(Throttle::default()),
        };
        match store.migrate().await {
            Ok(()) => {}
            Err(problem) if backend == Backend::Sqlite => {
                return Err(format!("--database-url: {problem}"));
            }
            Err(problem) => {
                tracing::warn!(
                    problem,
                    "the database does not answer yet; push waits for it (forwarding does not)"
                );
                let store = store.clone();
                tokio::spawn(async move {
                    while store.migrate().await.is_err() {
                        tokio::time::sleep(Duration::from_secs(5)).await;
                    }
                    tracing::info!("the database answers; push is on");
                });
            }
        }
        Ok(store)
    }

    /// Applies the migrations (each once, whichever copy is first).
    async fn migrate(&self) -> Result<(), String> {
        let failed = |e: sqlx::migrate::MigrateError| {
            format!(
                "cannot apply the migrations: {}",
                first_line(&e.to_string())
            )
        };
        crate::migrations::migrator()
            .await
            .map_err(failed)?
            .run(&self.pool)
            .await
            .map_err(failed)?;
        self.ready.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// The tables are there (the database answered since the start).
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Relaxed)
    }

    /// Logs a failed query, once a minute at most: a database that is away
    /// fails every query, and one line says so.
    pub fn note_failure(&self, error: &sqlx::Error) {
        self.trouble.warn(error);
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts a watch, or renews the one this student already has for this
    /// endpoint (a new language, page, token and end; checked again soon).
    pub async fn upsert_watch(&self, watch: &NewWatch<'_>) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO watches (id, owner, endpoint, p256dh, auth, lang, open_url, order_id, \
             last_status, sealed_tokens, created_at, ends_at, next_check_at, check_interval_ms, \
             installation) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
             ON CONFLICT (owner, endpoint) DO UPDATE SET installation = excluded.installation, \
             p256dh = excluded.p256dh, auth = excluded.auth, lang = excluded.lang, \
             open_url = excluded.open_url, order_id = excluded.order_id, \
             last_status = excluded.last_status, sealed_tokens = excluded.sealed_tokens, \
             created_at = excluded.created_at, ends_at = excluded.ends_at, \
             next_check_at = excluded.next_check_at, \
             check_interval_ms = excluded.check_interval_ms, \
             outcome = NULL, outcome_seen_at = NULL, failures = 0",
        )
        .bind(watch.id)
        .bind(watch.owner)
        .bind(watch.endpoint)
        .bind(watch.p256dh)
        .bind(watch.auth)
        .bind(watch.lang)
        .bind(watch.open_url)
        .bind(watch.order_id)
        .bind(watch.last_status)
        .bind(watch.sealed_tokens)
        .bind(watch.now_ms)
        .bind(watch.ends_at)
        .bind(watch.next_check_at)
        .bind(watch.check_interval_ms)
        .bind(watch.installation)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The student turned it off for one device.
    pub async fn delete_watch(&self, owner: &str, endpoint: &str) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM watches WHERE owner = $1 AND endpoint = $2")
            .bind(owner)
            .bind(endpoint)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// The student signed out: every watch of theirs ends.
    pub async fn delete_watches_of(&self, owner: &str) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM watches WHERE owner = $1")
            .bind(owner)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Takes up to `limit` rows of `installations` due by `now_ms` that
    /// nobody holds (or whose holder's lease ran out), for `holder` until
    /// `leased_until`. The lease condition is repeated in the outer
    /// `WHERE`: the sub-select alone would let two copies that read the
    /// same rows both take them. Only installations with room for more
    /// reads are asked for, so that one slow university's rows wait in the
    /// table, not in a copy's hands.
    pub async fn take_due_watches(
        &self,
        holder: &str,
        now_ms: i64,
        leased_until: i64,
        limit: i64,
        installations: &[&str],
    ) -> Result<Vec<Watch>, sqlx::Error> {
        if installations.is_empty() || limit <= 0 {
            return Ok(Vec::new());
        }
        let among: Vec<String> = (0..installations.len())
            .map(|i| format!("${}", i + 5))
            .collect();
        let among = among.join(", ");
        let skip_locked = match self.backend {
            // Rows another copy is taking right now are skipped, not waited for.
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            // SQLite has one writer at a time: the statement is the lock.
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE watches SET lease_holder = $1, leased_until = $2 \
             WHERE id IN (SELECT id FROM watches \
                          WHERE next_check_at <= $3 AND (lease_holder IS NULL OR leased_until < $3) \
                          AND installation IN ({among}) \
                          ORDER BY next_check_at LIMIT $4{skip_locked}) \
             AND (lease_holder IS NULL OR leased_until < $3) \
             RETURNING {WATCH_COLUMNS}"
        );
        let mut query = sqlx::query(&sql)
            .bind(holder)
            .bind(leased_until)
            .bind(now_ms)
            .bind(limit);
        for installation in installations {
            query = query.bind(*installation);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(watch_of).collect()
    }

    /// Plans the next read of USOS and lets go of the row; `false` when
    /// `holder` no longer holds it (nothing changed then).
    pub async fn reschedule(
        &self,
        id: &str,
        holder: &str,
        next_check_at: i64,
        check_interval_ms: i64,
        last_status: &str,
        failures: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE watches SET next_check_at = $3, check_interval_ms = $4, last_status = $5, \
             failures = $6, lease_holder = NULL, leased_until = 0 \
             WHERE id = $1 AND lease_holder = $2",
        )
        .bind(id)
        .bind(holder)
        .bind(next_check_at)
        .bind(check_interval_ms)
        .bind(last_status)
        .bind(failures)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Remembers an outcome whose push is still to be accepted, and when to
    /// try it again; lets go of the row. `false` when no longer held.
    pub async fn keep_outcome(
        &self,
        id: &str,
        holder: &str,
        outcome: &str,
        seen_at: i64,
        next_check_at: i64,
        failures: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE watches SET outcome = $3, outcome_seen_at = $4, next_check_at = $5, \
             failures = $6, lease_holder = NULL, leased_until = 0 \
             WHERE id = $1 AND lease_holder = $2",
        )
        .bind(id)
        .bind(holder)
        .bind(outcome)
        .bind(seen_at)
        .bind(next_check_at)
        .bind(failures)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The watch is over: the row goes. `false` when no longer held.
    pub async fn end_watch(&self, id: &str, holder: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("DELETE FROM watches WHERE id = $1 AND lease_holder = $2")
            .bind(id)
            .bind(holder)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Lets go of one row as it was (taken, but its installation had no
    /// room for another read after all).
    pub async fn release_watch(&self, id: &str, holder: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE watches SET lease_holder = NULL, leased_until = 0 \
             WHERE id = $1 AND lease_holder = $2",
        )
        .bind(id)
        .bind(holder)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Keeps `holder`'s leases until `leased_until` while it works on them.
    pub async fn renew_leases(&self, holder: &str, leased_until: i64) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("UPDATE watches SET leased_until = $2 WHERE lease_holder = $1")
            .bind(holder)
            .bind(leased_until)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Hands back every row `holder` holds, due at once (a copy stopping).
    pub async fn release_leases(&self, holder: &str) -> Result<u64, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE watches SET lease_holder = NULL, leased_until = 0 WHERE lease_holder = $1",
        )
        .bind(holder)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// How many rows each holder holds now (the database's own record of
    /// who works on what).
    pub async fn lease_holders(&self) -> Result<Vec<(String, i64)>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT lease_holder, COUNT(*) AS n FROM watches \
             WHERE lease_holder IS NOT NULL GROUP BY lease_holder",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("lease_holder")?, row.try_get("n")?)))
            .collect()
    }

    /// Notes an order's status (journey.rs): the status it had before, when
    /// this write is the one that changed it (`None` for the first sight,
    /// no change, a late answer behind the status noted, or a change
    /// another copy wrote first).
    pub async fn record_status(
        &self,
        installation: &str,
        order_key: &str,
        status: &str,
        ordered_at: i64,
        now: i64,
    ) -> Result<Option<String>, sqlx::Error> {
        let first = sqlx::query(
            "INSERT INTO order_statuses (installation, order_key, status, ordered_at, changed_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (installation, order_key) DO NOTHING",
        )
        .bind(installation)
        .bind(order_key)
        .bind(status)
        .bind(ordered_at)
        .bind(now)
        .execute(&self.pool)
        .await?;
        if first.rows_affected() == 1 {
            return Ok(None);
        }
        let before: String = sqlx::query(
            "SELECT status FROM order_statuses WHERE installation = $1 AND order_key = $2",
        )
        .bind(installation)
        .bind(order_key)
        .fetch_one(&self.pool)
        .await?
        .try_get("status")?;
        if !crate::journey::moves_on(&before, status) {
            return Ok(None);
        }
        // Only the copy whose write finds the status it read counts the
        // change: two copies seeing one change both try, one wins.
        let changed = sqlx::query(
            "UPDATE order_statuses SET status = $3, changed_at = $4 \
             WHERE installation = $1 AND order_key = $2 AND status = $5",
        )
        .bind(installation)
        .bind(order_key)
        .bind(status)
        .bind(now)
        .bind(&before)
        .execute(&self.pool)
        .await?;
        Ok((changed.rows_affected() == 1).then_some(before))
    }

    /// An order reached an outcome (ready or error) after `wait_s` seconds.
    pub async fn record_outcome(
        &self,
        installation: &str,
        ended_at: i64,
        outcome: &str,
        wait_s: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO order_outcomes (installation, ended_at, outcome, wait_s) VALUES ($1, $2, $3, $4)",
        )
        .bind(installation)
        .bind(ended_at)
        .bind(outcome)
        .bind(wait_s)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The outcomes of `installation` since `since`: (ended_at, outcome, wait_s).
    pub async fn outcomes_since(
        &self,
        installation: &str,
        since: i64,
    ) -> Result<Vec<(i64, String, i64)>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT ended_at, outcome, wait_s FROM order_outcomes \
             WHERE installation = $1 AND ended_at >= $2",
        )
        .bind(installation)
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get("ended_at")?,
                    row.try_get("outcome")?,
                    row.try_get("wait_s")?,
                ))
            })
            .collect()
    }

    /// Forgets orders unchanged since `statuses_before`, and outcomes that
    /// ended before `outcomes_before`.
    pub async fn forget_old_journeys(
        &self,
        statuses_before: i64,
        outcomes_before: i64,
    ) -> Result<u64, sqlx::Error> {
        let statuses = sqlx::query("DELETE FROM order_statuses WHERE changed_at < $1")
            .bind(statuses_before)
            .execute(&self.pool)
            .await?;
        let outcomes = sqlx::query("DELETE FROM order_outcomes WHERE ended_at < $1")
            .bind(outcomes_before)
            .execute(&self.pool)
            .await?;
        Ok(statuses.rows_affected() + outcomes.rows_affected())
    }

    /// Watches due before `due_before` (Unix ms) and not held, by installation.
    pub async fn count_overdue_by_installation(
        &self,
        due_before: i64,
    ) -> Result<Vec<(String, i64)>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT installation, COUNT(*) AS n FROM watches \
             WHERE next_check_at < $1 AND lease_holder IS NULL GROUP BY installation",
        )
        .bind(due_before)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("installation")?, row.try_get("n")?)))
            .collect()
    }

    /// Watches open now, by installation.
    pub async fn count_watches_by_installation(&self) -> Result<Vec<(String, i64)>, sqlx::Error> {
        let rows =
            sqlx::query("SELECT installation, COUNT(*) AS n FROM watches GROUP BY installation")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("installation")?, row.try_get("n")?)))
            .collect()
    }

    /// Watches open now.
    pub async fn count_watches(&self) -> Result<i64, sqlx::Error> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM watches")
            .fetch_one(&self.pool)
            .await?;
        row.try_get::<i64, _>("n")
    }

    /// The database's size on disk, in bytes (for the benchmark).
    pub async fn size_bytes(&self) -> Result<i64, sqlx::Error> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()"
            }
            Backend::Postgres => "SELECT pg_database_size(current_database()) AS n",
        };
        sqlx::query(sql).fetch_one(&self.pool).await?.try_get("n")
    }

    /// Whether the database answers now (within 2 s).
    pub async fn ping(&self) -> bool {
        let asked = sqlx::query("SELECT 1").fetch_one(&self.pool);
        matches!(
            tokio::time::timeout(Duration::from_secs(2), asked).await,
            Ok(Ok(_))
        )
    }

    /// Closes the pool (at shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn watch_of(row: &AnyRow) -> Result<Watch, sqlx::Error> {
    Ok(Watch {
        id: row.try_get("id")?,
        installation: row.try_get("installation")?,
        endpoint: row.try_get("endpoint")?,
        p256dh: row.try_get("p256dh")?,
        auth: row.try_get("auth")?,
        lang: row.try_get("lang")?,
        open_url: row.try_get("open_url")?,
        order_id: row.try_get("order_id")?,
        last_status: row.try_get("last_status")?,
        sealed_tokens: row.try_get("sealed_tokens")?,
        created_at: row.try_get("created_at")?,
        ends_at: row.try_get("ends_at")?,
        check_interval_ms: row.try_get("check_interval_ms")?,
        outcome: row.try_get("outcome")?,
        outcome_seen_at: row.try_get("outcome_seen_at")?,
        failures: row.try_get("failures")?,
    })
}

/// A database error as one line without the URL (which may hold a password).
pub fn plain(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Configuration(_) => "the URL is not one sqlx can use".to_owned(),
        other => first_line(&other.to_string()),
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}

/// One warning a minute at most.
#[derive(Default)]
struct Throttle {
    last_ms: AtomicI64,
}

impl Throttle {
    fn warn(&self, error: &sqlx::Error) {
        let now = now_ms();
        let last = self.last_ms.load(Ordering::Relaxed);
        if now - last >= 60_000
            && self
                .last_ms
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            tracing::warn!(
                problem = plain(error),
                "the database does not answer; push waits for it (said once a minute)"
            );
        }
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}
