//! `usos-sim`: starts the stand-in. `usos-sim --help` lists the options.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use usos_sim::faults::Fault;
use usos_sim::installations::SimInstallation;
use usos_sim::oauth::Consumer;
use usos_sim::profiles::Profile;
use usos_sim::server::{multi_router, router, ServerOptions};
use usos_sim::shape::Shape;
use usos_sim::sim::Delays;
use usos_sim::world::SharedWorld;

struct Options {
    addr: SocketAddr,
    server: ServerOptions,
    profile: Profile,
    delays: Delays,
    mcards_support: bool,
    faults: Vec<Fault>,
    shape: Shape,
    many_students: bool,
    /// `--installations N|FILE`, as given (read once every option is in).
    installations: Option<String>,
    /// `--ministry-per-minute`, `--ministry-errors`.
    ministry: Option<usos_sim::sim::Ministry>,
}

fn help() -> String {
    let defaults = Delays::default();
    let mut text = format!(
        "usos-sim: a local stand-in for USOS API's mLegitymacja methods\n\n\
         Usage: usos-sim [options]\n\n\
         Options:\n\
         \x20 --addr HOST:PORT      where to listen (default 127.0.0.1:8080)\n\
         \x20 --dist DIR            the built widget to serve at / (default dist)\n\
         \x20 --profile NAME        the signed-in student (default eligible)\n\
         \x20 --pending-ms N        time an order waits for the university (default {})\n\
         \x20 --processing-ms N     time the ministry takes (default {})\n\
         \x20 --no-mcards           the installation does not offer mLegitymacja\n\
         \x20 --fault SPEC          inject a fault, e.g. all:latency=500, cards/mcard:status=503/5\n\
         \x20                       (repeatable; see docs/usos-sim.md, \"Fault injection\")\n\
         \x20 --control             simulation mode: serve the /_sim/ control endpoints\n\
         \x20 --no-csp              do not send the strict Content-Security-Policy header\n\
         \x20 --oauth KEY:SECRET    OAuth 1.0a mode: services/cards/* only for requests signed with\n\
         \x20                       this consumer and a token issued by services/oauth/*\n\
         \x20 --no-field NAME       the installation has no such field: asking for it is\n\
         \x20                       field_not_found (repeatable; e.g. planned_expiration_date)\n\
         \x20 --user-messages       error answers carry user_messages (pl and en) for the student\n\
         \x20 --status-codes JSON   the installation's own status codes, e.g. '{{\"ready\": \"do_odbioru\"}}'\n\
         \x20 --many-students       with --oauth: each signed-in student is a student of their own,\n\
         \x20                       with their own orders (for many gateway copies and benchmarks)\n\
         \x20 -h, --help            this text\n\nProfiles:\n",
        defaults.pending_ms, defaults.processing_ms
    );
    for p in Profile::ALL {
        text.push_str(&format!("  {:<16} {}\n", p.name(), p.description()));
    }
    text
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut options = Options {
        addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
        server: ServerOptions {
            dist: PathBuf::from("dist"),
            control: false,
            csp: true,
            oauth: None,
        },
        profile: Profile::Eligible,
        delays: Delays::default(),
        mcards_support: true,
        faults: Vec::new(),
        shape: Shape::default(),
        many_students: false,
        installations: None,
        ministry: None,
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--addr" => {
                let v = value("--addr")?;
                options.addr = v
                    .parse()
                    .map_err(|_| format!("--addr: not HOST:PORT: {v}"))?;
            }
            "--dist" => options.server.dist = PathBuf::from(value("--dist")?),
            "--profile" => {
                let v = value("--profile")?;
                options.profile =
                    Profile::from_name(&v).ok_or(format!("--profile: unknown profile {v}"))?;
            }
            "--pending-ms" => {
                let v = value("--pending-ms")?;
                options.delays.pending_ms = v.parse().map_err(|_| format!("--pending-ms: {v}"))?;
            }
            "--processing-ms" => {
                let v = value("--processing-ms")?;
                options.delays.processing_ms =
                    v.parse().map_err(|_| format!("--processing-ms: {v}"))?;
            }
            "--no-mcards" => options.mcards_support = false,
            "--fault" => options.faults.push(Fault::parse(&value("--fault")?)?),
            "--control" => options.server.control = true,
            "--no-csp" => options.server.csp = false,
            "--oauth" => options.server.oauth = Some(Consumer::parse(&value("--oauth")?)?),
            "--no-field" => options.shape.missing_fields.push(value("--no-field")?),
            "--user-messages" => options.shape.user_messages = true,
            "--many-students" => options.many_students = true,
            "--installations" => options.installations = Some(value("--installations")?),
            "--ministry-per-minute" => {
                let v = value("--ministry-per-minute")?;
                let per_minute: f64 = v
                    .parse()
                    .ok()
                    .filter(|n: &f64| *n > 0.0)
                    .ok_or(format!("--ministry-per-minute: not a positive number: {v}"))?;
                let ministry = options.ministry.get_or_insert(usos_sim::sim::Ministry {
                    per_minute,
                    error_percent: 0,
                    free_at: None,
                });
                ministry.per_minute = per_minute;
            }
            "--ministry-errors" => {
                let v = value("--ministry-errors")?;
                let percent: u32 = v
                    .parse()
                    .ok()
                    .filter(|p| *p <= 100)
                    .ok_or(format!("--ministry-errors: not a percent: {v}"))?;
                options
                    .ministry
                    .as_mut()
                    .ok_or("--ministry-errors needs --ministry-per-minute first")?
                    .error_percent = percent;
            }
            "--status-codes" => {
                options.shape.status_codes = Shape::parse_status_codes(&value("--status-codes")?)?
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(Some(options))
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            print!("{}", help());
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("usos-sim: {message}\n\n{}", help());
            return ExitCode::from(2);
        }
    };
    let app = match &options.installations {
        None => {
            let world = SharedWorld::new(
                options.profile,
                options.delays,
                options.mcards_support,
                options.faults.clone(),
            );
            world.set_start_shape(options.shape.clone());
            world.lock().many_students = options.many_students;
            world.lock().ministry = options.ministry;
            router(world, &options.server)
        }
        Some(spec) => match several(spec, &options) {
            Ok(installations) => {
                for (installation, _) in &installations {
                    println!(
                        "usos-sim: installation {} at http://{}/{}/ ({}{})",
                        installation.id,
                        options.addr,
                        installation.id,
                        installation.name.pl,
                        if installation.mcards_support {
                            ""
                        } else {
                            "; no mLegitymacja"
                        }
                    );
                }
                multi_router(installations, &options.server)
            }
            Err(message) => {
                eprintln!("usos-sim: {message}");
                return ExitCode::from(2);
            }
        },
    };
    let listener = match tokio::net::TcpListener::bind(options.addr).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("usos-sim: cannot listen on {}: {e}", options.addr);
            return ExitCode::FAILURE;
        }
    };
    println!(
        "usos-sim: http://{} (student: {}; OAuth {}; controls {})",
        options.addr,
        options.profile.name(),
        if options.server.oauth.is_some() {
            "required for services/cards/*"
        } else {
            "off"
        },
        if options.server.control {
            "on at /_sim/"
        } else {
            "off"
        }
    );
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
    {
        eprintln!("usos-sim: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// The installations `--installations N|FILE` names, each with its own
/// world built from the other options (profile, delays, shape).
fn several(spec: &str, options: &Options) -> Result<Vec<(SimInstallation, SharedWorld)>, String> {
    let list = match spec.parse::<usize>() {
        Ok(n) => usos_sim::installations::generated(n, options.server.oauth.as_ref())?,
        Err(_) => {
            let text = std::fs::read_to_string(spec)
                .map_err(|e| format!("--installations: cannot read {spec}: {e}"))?;
            usos_sim::installations::from_file(&text, options.server.oauth.as_ref())?
        }
    };
    list.into_iter()
        .map(|installation| {
            let mut faults = options.faults.clone();
            for spec in &installation.faults {
                faults.push(Fault::parse(spec)?);
            }
            let world = SharedWorld::new(
                options.profile,
                options.delays,
                options.mcards_support && installation.mcards_support,
                faults,
            );
            let mut shape = options.shape.clone();
            if let Some(codes) = &installation.status_codes {
                shape.status_codes = Shape::parse_status_codes(codes)?;
            }
            world.set_start_shape(shape);
            world.lock().many_students = options.many_students;
            world.lock().ministry = options.ministry;
            Ok((installation, world))
        })
        .collect()
}
