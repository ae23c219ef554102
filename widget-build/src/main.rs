//! The widget's build tool. `scripts/build-wasm` runs `split` between cargo
//! and wasm-bindgen; `scripts/write-loader` runs `seal` once Trunk has put
//! every file in its staging folder.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod seal;
mod split;

#[derive(Parser)]
#[command(about = "Builds the widget's WebAssembly in parts")]
struct Cli {
    #[command(subcommand)]
    step: Step,
}

#[derive(Subcommand)]
enum Step {
    /// Splits a cargo-built wasm (linked with --emit-relocs) at its split points.
    Split {
        input: PathBuf,
        out_dir: PathBuf,
        /// The parts the widget declares, comma-separated; any difference is an error.
        #[arg(long, value_delimiter = ',')]
        expect: Vec<String>,
    },
    /// Names the wasm-bindgen glue, the main module, the loader of the parts
    /// and the parts by their content, puts each part's hash in the loader's
    /// fetch, and writes widget.js (and index.html's preloads, if present).
    Seal {
        dir: PathBuf,
        /// The push service worker's file name, for widget.js.
        #[arg(long)]
        push_worker: String,
        /// Where the standalone page finds the files (Trunk's public URL).
        #[arg(long, default_value = "/")]
        base: String,
    },
}

fn main() -> ExitCode {
    let result = match Cli::parse().step {
        Step::Split {
            input,
            out_dir,
            expect,
        } => split::split(&input, &out_dir, &expect).map(|files| {
            println!(
                "widget-build: split into the main module and {}",
                files.join(", ")
            );
        }),
        Step::Seal {
            dir,
            push_worker,
            base,
        } => seal::seal_dir(&dir, &push_worker, &base),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("widget-build: {message}");
            ExitCode::FAILURE
        }
    }
}
