//! `usos-gateway`: starts the gateway. `usos-gateway --help` lists the options.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc rather than the system's allocator: a proxy allocates and frees
/// small buffers on every request on every thread, where glibc's malloc was
/// a fifth of the gateway's time under load (BENCHMARKS.md, "Load").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use usos_gateway::config::{Config, Options};
use usos_gateway::routes::{routes, AppState};

#[tokio::main]
async fn main() -> ExitCode {
    let options = match Options::try_parse() {
        Ok(options) => options,
        Err(error) if !error.use_stderr() => {
            // --help, --version
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            let rendered = error.render().to_string();
            let line = rendered.lines().next().unwrap_or("bad options");
            eprintln!("usos-gateway: {}", line.trim_start_matches("error: "));
            return ExitCode::from(2);
        }
    };
    let config = match Config::from_options(options) {
        Ok(config) => config,
        Err(line) => {
            eprintln!("usos-gateway: {line}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("USOS_GATEWAY_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    if config.session_key.is_none() {
        tracing::warn!(
            "no --session-key-file: a random key for this process; every student is signed out when it restarts, and copies behind a load balancer cannot share sessions"
        );
    }
    let listen = config.listen;
    let public_url = config.public_url.to_string();
    let state = match AppState::start(config).await {
        Ok(state) => state,
        Err(line) => {
            eprintln!("usos-gateway: {line}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("usos-gateway: --listen: cannot listen on {listen}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let watcher = usos_gateway::push::watcher::start(state.clone(), stopping);
    tracing::info!(
        %listen,
        %public_url,
        push = state.push.is_some(),
        "usos-gateway is listening"
    );
    let served = axum::serve(listener, routes(state.clone()))
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            let _ = stop.send(true);
        })
        .await;
    if let Some(watcher) = watcher {
        let _ = watcher.await;
    }
    if let Some(push) = &state.push {
        push.store.close().await;
    }
    if let Err(e) = served {
        eprintln!("usos-gateway: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Ctrl+C or SIGTERM: stop taking connections, let requests under way finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests under way");
}
