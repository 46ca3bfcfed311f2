//! `pledger token add ENTITY --role R` / `pledger token revoke TOKEN`.
//!
//! The token is printed once, alone on the last line of output, and stored
//! only hashed (`tokens.json` in the data directory). A running server
//! picks up new and revoked tokens without a restart.

use crate::{Failure, Format};
use pledger_core::event::EntityKind;
use pledger_server::tokens::{Role, TokenStore};
use pledger_store::keys::DataDir;
use std::path::Path;

#[derive(clap::Subcommand, Debug)]
pub enum TokenCommand {
    /// Print a new token for ENTITY (shown once; stored hashed).
    Add {
        entity: String,
        /// recorder, auditor, reader or admin (repeat for several).
        #[arg(long, required = true, value_delimiter = ',')]
        role: Vec<String>,
    },
    /// Revoke a token (give the token itself, or its id).
    Revoke { token: String },
    /// List issued tokens (ids, entities, roles; never the tokens).
    List,
}

fn now() -> String {
    pledger_core::when::recorded_at_text(time::OffsetDateTime::now_utc())
}

pub fn run(data: &Path, command: TokenCommand, format: Format) -> Result<(), Failure> {
    DataDir::open(data)?;
    let store = TokenStore::new(data);
    match command {
        TokenCommand::Add { entity, role } => {
            pledger_core::ids::check_id(&entity).map_err(|e| Failure::Input(format!("ENTITY: {e}")))?;
            let roles = role
                .iter()
                .map(|r| Role::parse(r.trim()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| Failure::Input(e.to_string()))?;
            let registration = check_entity(data, &entity, &roles)?;
            let issued = store
                .add(&entity, &roles, &now(), registration)
                .map_err(|e| Failure::Input(e.to_string()))?;
            let roles: Vec<&str> = issued.entry.roles.iter().map(|r| r.as_str()).collect();
            if format == Format::Json {
                println!(
                    "{}",
                    serde_json::json!({"id": issued.entry.id, "entity": entity, "roles": roles, "token": issued.token})
                );
            } else {
                println!(
                    "token {} for {entity} ({}); shown once, keep it safe:",
                    issued.entry.id,
                    roles.join(", ")
                );
                println!("{}", issued.token);
            }
        }
        TokenCommand::Revoke { token } => {
            let already = store
                .load()
                .map_err(|e| Failure::Input(e.to_string()))?
                .into_iter()
                .any(|t| {
                    (t.id == token || t.hash == pledger_server::tokens::hash_token(&token)) && t.revoked_at.is_some()
                });
            let entry = store
                .revoke(&token, &now())
                .map_err(|e| Failure::Input(e.to_string()))?;
            if already {
                println!(
                    "token {} of {} was already revoked (at {})",
                    entry.id,
                    entry.entity,
                    entry.revoked_at.unwrap_or_default()
                );
            } else {
                println!("revoked token {} of {}", entry.id, entry.entity);
            }
        }
        TokenCommand::List => {
            let tokens = store.load().map_err(|e| Failure::Input(e.to_string()))?;
            if format == Format::Json {
                println!("{}", serde_json::json!({ "tokens": tokens }));
                return Ok(());
            }
            let mut t = crate::output::Table::new(&["id", "entity", "roles", "created_at", "revoked_at"]);
            for e in tokens {
                t.row(vec![
                    e.id,
                    e.entity,
                    e.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(","),
                    e.created_at,
                    e.revoked_at.unwrap_or_default(),
                ]);
            }
            t.write_aligned(&mut std::io::stdout().lock())?;
        }
    }
    Ok(())
}

/// Checks the entity against the log when the log can be opened. While a
/// server holds the log the check is left to the server, which refuses an
/// append whose actor is not the token's entity and honours the auditor
/// role only for an entity of kind auditor.
/// Checks the entity and returns the seq of its registration in force,
/// which the token is bound to (`None` when it cannot be read now: the
/// token then works only while the entity's first registration does).
fn check_entity(data: &Path, entity: &str, roles: &[Role]) -> Result<Option<u64>, Failure> {
    let Ok((_dir, backend)) = crate::commands::open_backend(data) else {
        eprintln!("pledger: the ledger is in use (a server is running?); {entity:?} is checked when the token is used, and the token works only while the entity's first registration is in force");
        return Ok(None);
    };
    let len = pledger_store::LogBackend::head(backend.as_ref())?.len;
    if len == 0 {
        // The founding record is appended with a token of the entity it registers.
        return Ok(None);
    }
    // The same facts the server checks a token's entity against (through
    // the views snapshot, so this does not replay the whole log).
    let facts = crate::commands::report::load_facts(data, backend.as_ref(), len, pledger_views::Scope::default())?;
    let Some((kind, registration)) = facts
        .entities
        .get(entity)
        .filter(|e| facts.live(e.at.seq))
        .map(|e| (e.data.kind, e.at.seq))
    else {
        return Err(Failure::Input(format!(
            "{entity:?} is not a registered entity; register it (entity.registered) before issuing it a token"
        )));
    };
    if roles.contains(&Role::Auditor) && kind != EntityKind::Auditor {
        return Err(Failure::Input(format!(
            "the auditor role is only for an entity of kind auditor; {entity:?} is registered as {}",
            kind.as_str()
        )));
    }
    Ok(Some(registration))
}
