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

    /// Language of finding sentences and table headers: zh-CN or en
    /// (default: from $LC_ALL, $LC_MESSAGES or $LANG; zh* is zh-CN).
    #[arg(long, global = true, value_name = "zh-CN|en")]
    lang: Option<pledger_views::Lang>,

    /// Keep the ledger in PostgreSQL at this URL (libpq form; several
    /// hosts with target_session_attrs=read-write follow a failover);
    /// `--data` then holds only this node's key, tokens and caches.
    #[arg(long, global = true, env = "PLEDGER_POSTGRES", value_name = "URL")]
    postgres: Option<String>,

    /// The ledger's name in that database (one database holds many).
    #[arg(long, global = true, env = "PLEDGER_LEDGER", value_name = "NAME")]
    ledger: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    /// An Excel workbook (reports and traces): to `--out FILE`, or to
    /// standard output when it is not a terminal.
    Xlsx,
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
    /// Import a spreadsheet (.xlsx, .xls, .ods) or CSV file of one event
    /// type, a row per event: all rows are recorded, or none; --dry-run
    /// lists every bad row (its row, column and reason).
    Import(commands::import::ImportArgs),
    /// Write the import template of an event type: Chinese headers, an
    /// example row, dropdowns for the enumerations.
    Template {
        /// The event type, e.g. fund.disbursed.
        event_type: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Print records.
    Log {
        #[arg(long, default_value_t = 0)]
        from: u64,
        #[arg(long)]
        limit: Option<u64>,
    },
    /// Recheck every hash, link, tree node and stored checkpoint.
    Verify {
        /// A checkpoint kept earlier: also prove the log still extends it.
        #[arg(long, value_name = "CHECKPOINT_FILE")]
        since: Option<PathBuf>,
    },
    /// Print the ledger's public verifier key (C2SP signed-note form).
    Key,
    /// Sign and store a checkpoint of the current tree; print it.
    Checkpoint,
    /// Inclusion proof of record SEQ, or `--consistency M N` (JSON, docs/format.md 1.3).
    #[command(group(clap::ArgGroup::new("what").required(true).args(["seq", "consistency"])))]
    Prove {
        seq: Option<u64>,
        /// Tree size to prove against (default: the whole log).
        #[arg(long, requires = "seq")]
        size: Option<u64>,
        /// Prove that the tree of M records is a prefix of the tree of N.
        #[arg(long, num_args = 2, value_names = ["M", "N"], conflicts_with = "seq")]
        consistency: Option<Vec<u64>>,
    },
    /// Write the log, its checkpoints and the verifier key to one file.
    Export {
        #[arg(long)]
        out: PathBuf,
    },
    /// Check an exported bundle or a claim bundle offline; exit 1 naming what failed.
    VerifyBundle {
        file: PathBuf,
        /// A verifier key the checkpoints must be signed by (repeatable);
        /// default: the key the bundle names.
        #[arg(long = "key", value_name = "KEY")]
        keys: Vec<String>,
        /// A witness verifier key (`pledger witness key`) whose cosignature
        /// the bundle's checkpoint should carry (repeatable).
        #[arg(long = "witness", value_name = "VERIFIER_KEY")]
        witnesses: Vec<String>,
        /// How many of the --witness keys must have validly cosigned the
        /// bundle's checkpoint (default: all of them).
        #[arg(long, value_name = "K", requires = "witnesses")]
        quorum: Option<usize>,
    },
    /// Restore an exported bundle into an empty data directory.
    ImportBundle { file: PathBuf },
    /// A read model: targets, funds, commitments, incentives, assessment, projects or findings.
    Report {
        #[arg(value_enum)]
        view: commands::report::View,
        #[command(flatten)]
        scope: ScopeArgs,
        /// Holiday calendar for working-day deadlines (see docs/views.md).
        #[arg(long)]
        holidays: Option<PathBuf>,
        /// With `changes`: the log position of the last audit; findings
        /// raised and resolved since it are listed.
        #[arg(long)]
        from_seq: Option<u64>,
        /// Write the report to FILE instead of standard output (any
        /// format; `--format xlsx` needs it on a terminal).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Follow an account's money down to final payees (default) or up to sources.
    Trace {
        account: String,
        #[arg(long, conflicts_with = "up")]
        down: bool,
        #[arg(long)]
        up: bool,
        #[command(flatten)]
        scope: ScopeArgs,
        /// Write the trace to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Verdict on "target T was met", with the records that decide it and
    /// their inclusion proofs (signs a checkpoint first if none covers them).
    Claim {
        target: String,
        #[command(flatten)]
        scope: ScopeArgs,
        /// Also write the evidence as a claim bundle for `verify-bundle`.
        #[arg(long, value_name = "OUT")]
        bundle: Option<PathBuf>,
        /// With `--format csv|xlsx`: write the verdict and its evidence
        /// records to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// A witness verifier key whose cosignature the evidence's
        /// checkpoint must carry (repeatable; docs/witness.md).
        #[arg(long = "witness", value_name = "VERIFIER_KEY")]
        witnesses: Vec<String>,
        /// How many of the --witness keys must have cosigned (default: all); exit 1 otherwise.
        #[arg(long, value_name = "K", requires = "witnesses")]
        quorum: Option<usize>,
    },
    /// Create a data directory holding the Changde demo city, then print its findings.
    Demo {
        /// Then serve it (reads public, console at /) until stopped.
        #[arg(long)]
        serve: bool,
        /// Address to serve on, with --serve.
        #[arg(long, default_value = "127.0.0.1:8080", requires = "serve")]
        addr: String,
    },
    /// Serve the HTTP API (docs/format.md section 5) and the console.
    Serve(commands::serve::ServeArgs),
    /// Issue or revoke API tokens.
    Token {
        #[command(subcommand)]
        command: commands::token::TokenCommand,
    },
    /// Sign an NDJSON file of events offline with an entity's Ed25519 key.
    Sign(commands::sign::SignArgs),
    /// Run a witness that cosigns a ledger's checkpoints (docs/witness.md).
    Witness {
        #[command(subcommand)]
        command: commands::witness::WitnessCommand,
    },
}

/// `--as-of DATE` and `--at-seq N` (docs/format.md section 3).
#[derive(clap::Args, Clone, Copy, Debug, Default)]
pub struct ScopeArgs {
    /// Only events that occurred on or before DATE; statuses judged at DATE.
    #[arg(long, value_parser = commands::report::parse_day)]
    as_of: Option<pledger_core::when::Day>,
    /// Only records 0..=N: what the ledger showed at that point.
    #[arg(long)]
    at_seq: Option<u64>,
}

impl ScopeArgs {
    pub fn scope(self) -> pledger_views::Scope {
        pledger_views::Scope {
            as_of: self.as_of,
            at_seq: self.at_seq,
        }
    }
}

/// How a command failed, and so which exit status it gets (docs/format.md 4).
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

/// The language of the environment's locale (docs/format.md 4).
fn locale_lang() -> pledger_views::Lang {
    let var = |name: &str| std::env::var(name).ok();
    pledger_views::Lang::from_locale(
        var("LC_ALL").as_deref(),
        var("LC_MESSAGES").as_deref(),
        var("LANG").as_deref(),
    )
}

fn main() -> ExitCode {
    // `pledger log | head` should stop quietly when the reader goes away,
    // as every Unix tool does, not panic on the broken pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of one signal at start-up,
    // before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let lang = cli.lang.unwrap_or_else(locale_lang);
    if cli.format == Format::Xlsx
        && !matches!(
            cli.command,
            Command::Report { .. } | Command::Trace { .. } | Command::Claim { .. }
        )
    {
        eprintln!("pledger: --format xlsx is for `report`, `trace` and `claim`; use table, json or csv here");
        return ExitCode::from(2);
    }
    match (cli.postgres.clone(), cli.ledger.clone()) {
        (Some(url), Some(ledger)) => commands::set_shared(commands::SharedLedger { url, ledger }),
        (None, None) => {}
        (Some(_), None) => {
            eprintln!("pledger: --postgres needs --ledger NAME (or $PLEDGER_LEDGER): which ledger of the database");
            return ExitCode::from(2);
        }
        (None, Some(_)) => {
            eprintln!(
                "pledger: --ledger needs --postgres URL (or $PLEDGER_POSTGRES): a ledger by name lives in PostgreSQL"
            );
            return ExitCode::from(2);
        }
    }
    let result = match cli.command {
        Command::Init { origin } => commands::init::run(&cli.data, &origin, cli.format),
        Command::Append { input } => commands::append::run(&cli.data, &input, cli.format),
        Command::Import(args) => commands::import::run(&cli.data, args, cli.format, lang),
        Command::Template { event_type, out } => commands::template::run(&event_type, &out, lang),
        Command::Log { from, limit } => commands::log::run(&cli.data, from, limit, cli.format),
        Command::Verify { since } => commands::verify::run(&cli.data, since.as_deref(), cli.format),
        Command::Key => commands::key::run(&cli.data, cli.format),
        Command::Checkpoint => commands::checkpoint::run(&cli.data, cli.format),
        Command::Prove { seq, size, consistency } => commands::prove::run(&cli.data, seq, size, consistency),
        Command::Export { out } => commands::export::run(&cli.data, &out, cli.format),
        Command::VerifyBundle {
            file,
            keys,
            witnesses,
            quorum,
        } => commands::verify_bundle::run(&file, &keys, &witnesses, quorum, cli.format),
        Command::ImportBundle { file } => commands::import_bundle::run(&cli.data, &file, cli.format),
        Command::Report {
            view,
            scope,
            holidays,
            from_seq,
            out,
        } => commands::report::run(
            &cli.data,
            view,
            scope.scope(),
            holidays.as_deref(),
            from_seq,
            cli.format,
            lang,
            out.as_deref(),
        ),
        Command::Trace {
            account,
            up,
            scope,
            out,
            ..
        } => {
            let direction = if up {
                pledger_views::funds::Direction::Up
            } else {
                pledger_views::funds::Direction::Down
            };
            commands::trace::run(
                &cli.data,
                &account,
                direction,
                scope.scope(),
                cli.format,
                lang,
                out.as_deref(),
            )
        }
        Command::Claim {
            target,
            scope,
            bundle,
            out,
            witnesses,
            quorum,
        } => commands::verify_bundle::Policy::parse(&witnesses, quorum).and_then(|policy| {
            commands::claim::run(
                &cli.data,
                &target,
                scope.scope(),
                cli.format,
                lang,
                commands::claim::Outputs {
                    bundle: bundle.as_deref(),
                    out: out.as_deref(),
                    policy: policy.as_ref(),
                },
            )
        }),
        Command::Demo { serve, addr } => commands::demo::run(&cli.data, cli.format, lang, serve.then_some(addr)),
        Command::Serve(args) => commands::serve::run(&cli.data, args),
        Command::Token { command } => commands::token::run(&cli.data, command, cli.format),
        Command::Sign(args) => commands::sign::run(args, cli.format),
        Command::Witness { command } => commands::witness::run(&cli.data, command, cli.format),
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
