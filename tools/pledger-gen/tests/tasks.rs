//! Yearly tasks in the generated stream (format 2.1): every event admitted
//! in order under the ledger's own rules (pledger-core's registry), and the
//! tasks judged by the real views (format 3.7) the way the generator meant
//! them: sanctions follow failed tasks, a due consequence is mostly imposed
//! in time, and each finding of the assessment appears.

use pledger_core::when::Day;
use pledger_core::{Event, Journal, Registry};
use pledger_gen::Generator;
use pledger_views::assessment::{self, TaskStatus};
use pledger_views::FindingCode;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// The plans of 2006–2031 (2031's made in December 2030) at a quick pace.
const YEARS: usize = 26;
const PER_YEAR: u64 = 4_000;
const N: usize = 100_000;
const SEED: u64 = 14;

fn events() -> &'static [Value] {
    static E: OnceLock<Vec<Value>> = OnceLock::new();
    E.get_or_init(|| Generator::with_events_per_year(SEED, PER_YEAR).take(N).collect())
}

fn of_type<'a>(ty: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    events().iter().filter(move |e| e["type"] == ty)
}

#[test]
fn every_event_is_admitted_in_order() {
    let mut registry = Registry::new();
    for (seq, v) in events().iter().enumerate() {
        let e = Event::parse(v).unwrap_or_else(|r| panic!("event {seq} does not parse: {r}\n{v}"));
        let mut journal = Journal::new();
        registry
            .admit(&e, &mut journal)
            .unwrap_or_else(|r| panic!("event {seq} refused: {r}\n{v}"));
    }
    assert_eq!(registry.next_seq(), N as u64);
    // Tasks every year, sanctions, and rewards on tasks, all admitted.
    assert_eq!(of_type("assessment.task_set").count(), YEARS * 19);
    assert!(of_type("sanction.imposed").count() > 100);
    let task_schemes: BTreeSet<&str> = of_type("incentive.scheme_set")
        .filter(|e| e["data"]["task_id"].is_string())
        .map(|e| e["data"]["scheme_id"].as_str().unwrap())
        .collect();
    assert_eq!(task_schemes.len(), YEARS * 8, "one per county park and year");
    assert!(of_type("incentive.paid").any(|e| task_schemes.contains(e["data"]["scheme_id"].as_str().unwrap())));
}

#[test]
fn the_views_judge_the_tasks_as_the_generator_meant() {
    let facts = pledger_views::facts::from_json(events(), None).expect("facts");
    let last = events().last().unwrap()["occurred_at"].as_str().unwrap();
    assert!(last.starts_with("2030-12"), "{last}");
    let now = Day::parse("2031-06-30").unwrap();
    let report = assessment::report(&facts, now);
    assert_eq!(report.tasks.len(), YEARS * 19);

    let mut status: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &report.tasks {
        *status.entry(t.status.as_str()).or_default() += 1;
        // 2030's verifications run into 2031, past the stream; 2031's task
        // has only begun.
        if t.period.to < Day::parse("2030-01-01").unwrap() {
            assert!(
                matches!(t.status, TaskStatus::Passed | TaskStatus::Failed),
                "{} of {} is {:?}",
                t.task_id,
                t.period.to,
                t.status
            );
        }
    }
    let (passed, failed) = (status["passed"], status["failed"]);
    assert!(passed > failed && failed > 50, "{status:?}");
    assert!(report.tasks.iter().any(|t| t.vetoed));
    assert!(report.tasks.iter().any(|t| t.status == TaskStatus::Failed && !t.vetoed));
    let groups: BTreeSet<&str> = report.tasks.iter().map(|t| t.group.as_str()).collect();
    assert_eq!(
        groups,
        BTreeSet::from(["city_departments", "county_parks", "development_zone"])
    );

    // Sanctions come after their task is decided, and only the rare
    // criticism of a passed task lacks a basis: the generator judged each
    // task as the views do.
    for s in &report.sanctions {
        let then = s.task_status_then;
        assert!(
            then == Some(TaskStatus::Failed) || (then == Some(TaskStatus::Passed) && s.kind.as_str() == "criticism"),
            "{} ({}) under {:?}: the task was {then:?}",
            s.sanction_id,
            s.kind.as_str(),
            s.task_id
        );
    }
    // Every sanction under a failed task answers a consequence its rules made
    // due (a run of two for reassignment and warning).
    let due: BTreeSet<(&str, &str)> = report
        .tasks
        .iter()
        .flat_map(|t| {
            t.consequences
                .iter()
                .map(move |c| (t.task_id.as_str(), c.kind.as_str()))
        })
        .collect();
    for s in report
        .sanctions
        .iter()
        .filter(|s| s.task_status_then == Some(TaskStatus::Failed))
    {
        let task = s.task_id.as_deref().unwrap();
        assert!(
            due.contains(&(task, s.kind.as_str())),
            "{} not due under {task}",
            s.kind.as_str()
        );
    }
    let mut consequences: BTreeMap<&str, usize> = BTreeMap::new();
    for c in report.tasks.iter().flat_map(|t| &t.consequences) {
        *consequences.entry(c.status.as_str()).or_default() += 1;
    }
    let imposed = consequences["imposed"];
    let not_imposed = consequences.get("not_imposed").copied().unwrap_or(0);
    assert!(imposed > 5 * not_imposed && not_imposed > 0, "{consequences:?}");
    assert!(report
        .tasks
        .iter()
        .any(|t| t.consequences.iter().any(|c| c.kind.as_str() == "reassignment")));

    // Task-based rewards: paid after the task passed, now and then not.
    let incentives = pledger_views::incentives::report(&facts, now);
    let when_paid: Vec<TaskStatus> = incentives
        .payouts
        .iter()
        .filter_map(|p| p.task_status_when_paid)
        .collect();
    assert!(when_paid
        .iter()
        .all(|s| matches!(s, TaskStatus::Passed | TaskStatus::Failed)));
    assert!(when_paid.iter().filter(|s| **s == TaskStatus::Passed).count() > 10 * when_paid.len() / 11);

    let mut codes: BTreeMap<FindingCode, usize> = BTreeMap::new();
    for f in pledger_views::findings::all(&facts, now) {
        *codes.entry(f.code).or_default() += 1;
    }
    println!("tasks {status:?}; consequences {consequences:?}; findings {codes:?}");
    for code in [
        FindingCode::ConsecutiveFailures,
        FindingCode::SanctionNotImposed,
        FindingCode::SanctionWithoutBasis,
        FindingCode::RewardForFailedTask,
    ] {
        assert!(codes.contains_key(&code), "no {code:?}: {codes:?}");
    }
}
