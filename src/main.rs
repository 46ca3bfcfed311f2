//! `pledger`: the command line. Thin by design: each verb parses its
//! arguments, calls the crates, and prints. See ARCHITECTURE.md.

mod commands;
mod output;

/// glibc's allocator spent a third of an import in malloc/free under
/// parallel parsing; mimalloc removes most of that.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "pledger",
    version,
    about = "A hash-chained, Merkle-proven ledger of what was promised about industrial parks, and whether it was delivered"
)]
struct Cli {
    /// Data directory (else $PLEDGER_DATA, else ./pledger-data).
    #[arg(long, global = true, env = "PLEDGER_DATA", default_value = "pledger-data")]
    data: PathBuf,

    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    format: Format,

    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Subcommand)]
enum Command {
    /// Create the data directory and the ledger key.
    Init {
        /// Checkpoint origin: names this ledger in its signed checkpoints.
        #[arg(long, default_value = pledger_store::keys::DEFAULT_ORIGIN)]
        origin: String,
    },
    /// Append events: one JSON object per line, or a JSON array; `-` reads stdin.
    /// The whole input is one batch: all of it is recorded, or none.
    Append { input: String },
    /// Print records.
    Log {
        #[arg(long, default_value_t = 0)]
        from: u64,
        #[arg(long)]
        limit: Option<u64>,
    },
    /// Recheck every hash, link and tree node.
    Verify,
}

/// How a command failed, and so which exit status it gets (contract 4).
pub enum Failure {
    /// A check found a problem: exit 1.
    Check(String),
    /// Bad input, bad usage, or the ledger could not do it: exit 2.
    Input(String),
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::Input(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init { origin } => commands::init::run(&cli.data, &origin, cli.format),
        Command::Append { input } => commands::append::run(&cli.data, &input, cli.format),
        Command::Log { from, limit } => commands::log::run(&cli.data, from, limit, cli.format),
        Command::Verify => commands::verify::run(&cli.data, cli.format),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Check(msg)) => {
            eprintln!("pledger: {msg}");
            ExitCode::from(1)
        }
        Err(Failure::Input(msg)) => {
            eprintln!("pledger: {msg}");
            ExitCode::from(2)
        }
    }
}
