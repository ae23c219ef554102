//! `usos-gateway`: starts the gateway. `usos-gateway --help` lists the options.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc rather than the system's allocator: a proxy allocates and frees
/// small buffers on every request on every thread, where glibc's malloc was
/// a fifth of the gateway's time under load (BENCHMARKS.md, "Load").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use usos_gateway::config::{Command, Config, InstallationsCommand, Options};
use usos_gateway::routes::routes;
use usos_gateway::state::AppState;

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
    if let Some(Command::Installations {
        command: InstallationsCommand::Import { from, out },
    }) = options.command
    {
        return match usos_gateway::import::run(&from, out.as_deref()).await {
            Ok(written) => {
                eprintln!("usos-gateway: {written}");
                ExitCode::SUCCESS
            }
            Err(line) => {
                eprintln!("usos-gateway: installations import: {line}");
                ExitCode::FAILURE
            }
        };
    }
    let json_log = options.log_format == "json";
    let config = match Config::from_options(options) {
        Ok(config) => config,
        Err(line) => {
            eprintln!("usos-gateway: {line}");
            return ExitCode::from(2);
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("USOS_GATEWAY_LOG")
        .unwrap_or_else(|_| "info".into());
    if json_log {
        // The same events and fields as the text lines, one JSON object
        // per line; nothing secret in either.
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_target(false)
            .with_current_span(false)
            .init();
    } else {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_target(false)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
            .init();
    }
    if config.session_key.is_none() {
        tracing::warn!(
            "no --session-key-file: a random key for this process; every student is signed out when it restarts, and copies behind a load balancer cannot share sessions"
        );
    }
    let listen = config.listen;
    let public_url = config.public_url.to_string();
    let reloadable = config.installations_file.is_some();
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
    state.start_housekeeping();
    if reloadable {
        reload_on_sighup(state.clone());
    }
    tracing::info!(
        %listen,
        %public_url,
        installations = state.installations().all().len(),
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

/// SIGHUP: reads the installations file again; a university added, changed
/// or removed takes effect for the next requests. A file with a mistake is
/// refused (the log says why) and the running list stays.
fn reload_on_sighup(state: AppState) {
    #[cfg(unix)]
    tokio::spawn(async move {
        let Ok(mut hangups) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        else {
            return;
        };
        while hangups.recv().await.is_some() {
            match state.reload_installations() {
                Ok(count) => {
                    tracing::info!(installations = count, "installations file read again");
                    state.check_installations().await;
                }
                Err(problem) => tracing::warn!(
                    problem = %problem,
                    "installations file not taken; the running list stays"
                ),
            }
        }
    });
    #[cfg(not(unix))]
    let _ = state;
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
