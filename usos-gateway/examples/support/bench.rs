//! What the load benchmarks that start the servers share (`watch_load`,
//! and the rush's `rush-load`, which includes this file by its path):
//! child processes, their CPU and memory, free ports, percentiles, and a
//! signed-in student's sealed cookie.

use std::process::Child;

use axum_extra::extract::cookie::{Key, PrivateCookieJar};
use usos_gateway::session::{CookiePolicy, Session};

/// The value of `--NAME` on the command line, or `default`.
pub fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_owned())
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process, killed when dropped.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// CPU seconds (user + system) and resident memory (MB) of a process.
pub fn usage(pid: u32) -> (f64, f64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    let cpu = (ticks(11) + ticks(12)) / 100.0;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss_kb = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0);
    (cpu, rss_kb / 1024.0)
}

/// The value below which a share `p` of `sorted` lies (NaN when empty).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// The session cookie a signed-in student of `installation` carries,
/// sealed with the gateway's key as its sign-in would seal it.
pub fn session_cookie(key: &Key, installation: Option<&str>, token: &str, secret: &str) -> String {
    let session = Session {
        installation: installation.map(str::to_owned),
        token: token.to_owned(),
        secret: secret.to_owned(),
        issued: usos_gateway::session::now_s(),
    };
    let jar = PrivateCookieJar::new(key.clone())
        .add(CookiePolicy { secure: false }.session_cookie(&session));
    let response = axum::response::IntoResponse::into_response(jar);
    let line = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    line.split(';').next().unwrap().to_owned()
}

/// Writes the gateway's session key (`session-key`, also returned) and a
/// fresh VAPID key (`vapid.pem`) into `dir`.
pub fn write_gateway_keys(dir: &std::path::Path) -> [u8; 64] {
    let session_key = [7u8; 64];
    std::fs::write(dir.join("session-key"), session_key).unwrap();
    let vapid = p256::SecretKey::random(&mut rand::rngs::OsRng);
    std::fs::write(
        dir.join("vapid.pem"),
        vapid.to_sec1_pem(Default::default()).unwrap().as_bytes(),
    )
    .unwrap();
    session_key
}

pub async fn get_json(client: &reqwest::Client, url: String) -> serde_json::Value {
    let text = client.get(url).send().await.unwrap().text().await.unwrap();
    serde_json::from_str(&text).unwrap()
}

pub async fn post_json(
    client: &reqwest::Client,
    url: String,
    body: serde_json::Value,
) -> serde_json::Value {
    let text = client
        .post(url)
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    serde_json::from_str(&text).unwrap()
}
