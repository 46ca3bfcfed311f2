//! `pledger claim TARGET_ID`: is "target T was met" supported by the
//! evidence? Exit 1 when the records contradict it (contract 3.6).

use crate::{Failure, Format};
use pledger_views::Scope;
use std::path::Path;

pub fn run(data: &Path, target: &str, scope: Scope, format: Format) -> Result<(), Failure> {
    let (facts, now) = crate::commands::report::facts_for(data, scope)?;
    let verdict = pledger_views::targets::claim(&facts, target, now)
        .ok_or_else(|| Failure::Input(format!("no target {target:?} is recorded in this ledger")))?;
    let contradicted = verdict.verdict == pledger_views::targets::Verdict::Contradicted;
    if format == Format::Json {
        println!("{}", serde_json::to_string(&verdict)?);
    } else {
        println!("claim: target {target} was met");
        println!("verdict: {}", verdict.verdict.as_str());
        println!("why: {}", verdict.reason);
        println!("deciding records: {:?}", verdict.deciding_seqs);
    }
    if contradicted {
        return Err(Failure::Check(format!(
            "the claim that target {target} was met is contradicted by the ledger"
        )));
    }
    Ok(())
}
