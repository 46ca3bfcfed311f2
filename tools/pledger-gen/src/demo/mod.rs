//! `demo_city`: a hand-shaped (not random) scenario of the city of Changde
//! (常德), 2006–2010, as contract events in log order — what `pledger demo`
//! loads.
//!
//! The city government founds the ledger; its bureaus, auditors, the
//! development zone (德山, 常德经济技术开发区) and nine county parks follow,
//! with their leaders, enterprises, projects (and the register of those
//! signed) and contractors. Every year the
//! city assigns targets (new projects of ≥10m and ≥50m, sales growth ≥30%,
//! tax growth ≥20% per county park; ≥5 projects of ≥50m and ≥1 of ≥100m for
//! the zone; the bureaus' project quotas), sets 40/30/30 reward schemes, and
//! moves money from all four kinds of source: the fiscal budget, the
//! development-bank credit line (18.18亿 to the city, 6亿 of it at city
//! level), land-transfer income and build-transfer (BT) financing repaid
//! later. Parks report, auditors verify, commitments are made, kept, missed,
//! disputed, breached and waived.
//!
//! From 2007 each unit with targets is also judged on a yearly task
//! (年度目标任务, format 2.1 and 3.7), set by the city with the targets as
//! the year's responsibility letter: the zone (group `development_zones`:
//! its two project targets, 45 points each), each county park
//! (`county_parks`: projects ≥10m 30, ≥50m 15, sales 20, tax 25; pass 80)
//! and each bureau (`city_departments`: its quota 60 and a service
//! satisfaction rating 30; pass 60), each with a 10-point one-vote veto
//! (一票否决): no serious work-safety accident (verified by the safety
//! bureau) or no mass incident over a bureau's work (by the public-order
//! office). A failure brings criticism and the loss of award eligibility
//! in the city's March notice, and a second failure in a row the
//! reassignment of the unit's leaders (by the organisation department);
//! from 2009 the county parks' 300k overall reward is a scheme on the
//! task. Of the 80 tasks, 2 stay undecided (a headline target never
//! verified), 2 are vetoed, 11 fail in all.
//!
//! The project register (format 2.2, module `projects`) holds 58 projects
//! signed 2007–2010 by the zone (through its investment-promotion bureau,
//! 招商合作局) and the nine parks — tobacco machinery and packaging,
//! engineering machinery, textiles, food, paper, building materials, new
//! materials, medicine, electronics — from 12m to 1.05bn yuan planned,
//! most with a parcel (`CD2008-DS-01` …, 20 to 620 mu) and an agreed start,
//! their starts, year-end money in place and production reported by the
//! host or the investor; three stall (one never started), one is
//! cancelled, one is only signed.
//! From 2008 the parks' "≥50m" and the zone's "≥50m" and "≥100m" targets
//! are counting targets (projects started in the year with that much in
//! place): each claim and verification lists its projects, the number
//! claimed being the number listed — the values, and so the yearly tasks,
//! are those of the plan above.
//!
//! Discrepancies are planted so that every finding code of contract 3.5,
//! and pledger's own `clawback_exceeds_payout`, shows when the findings are
//! judged at 2011-06-30 (or later):
//!
//! | code | plant |
//! | --- | --- |
//! | `overdraft` | 安乡 park's infrastructure account pays 12m more than it ever received (Dec 2010) |
//! | `over_ceiling` | the city-level credit line (ceiling 600m) is drawn to 645m |
//! | `over_allocation` | 石门 county pays 23m against its 20m allocation for 2009 |
//! | `unconfirmed_disbursement` | 6m of land income to 汉寿 park (Nov 2010) never confirmed |
//! | `overstated_claim` | 津市 park claims 6 projects ≥10m for 2008; the audit finds 4 |
//! | `target_revised_after_period` | 临澧 park's 2009 tax-growth target lowered in Feb 2010 |
//! | `consecutive_misses` | 津市 (projects 2008–09), 石门 (tax 2009–10), the science bureau (2007–08) |
//! | `paid_without_met_target` | 津市 rewards for its missed 2008; 桃源 rewards for 2010 on a claim alone |
//! | `share_exceeded` | 鼎城 2007: the county leaders get 250k of a 200k share |
//! | `scheme_overpaid` | the zone's 2009 scheme pays 1.1m of 1m |
//! | `commitment_overdue` | 桃源 utilities, 汉寿 investment reward, 汉寿 park funding |
//! | `commitment_disputed` | 汉寿 博雅 disputes its unpaid income-tax refund |
//! | `fulfilled_without_payment` | 桃源 marks a 1.5m plant subsidy fulfilled, nothing paid |
//! | `fulfilled_before_conditions` | 澧县 pays a land discount before the project produces |
//! | `commitment_overpaid` | two 8m technical-upgrade subsidies each paid twice (16m); one recovered |
//! | `earmark_breach` | 5m from the zone's infrastructure account to office refitting |
//! | `missing_evidence` | a bureau verification, a subsidy fulfilment and a payout with no evidence |
//! | `clawback_due` | 华鑫 got an 8m land discount, invested 120m of 300m, repaid 2m: 2.8m due |
//! | `clawback_exceeds_payout` | 德山's 2010 reward to 聂红 (150k): 50k clawed back, then the full 150k again (Apr–May 2011) |
//! | `consecutive_failures` | 石门 park fails its 2009 (45 points) and 2010 (75: tax growth 8.3%) tasks; also 津市 2008–09 and the science bureau 2007–08, whose consequences were all imposed |
//! | `sanction_not_imposed` | 石门's 2010 failure: criticism and the reassignment of its park's director and deputy recorded (Mar 2011), its award disqualification never — it is paid its 2010 project reward, the scheme watching only the project count |
//! | `sanction_without_basis` | the 2008 notice criticises 武陵 park for its sales growth (28.6%), though its task passed with 80 points (Mar 2009) |
//! | `reward_for_failed_task` | 鼎城's 2009 task is vetoed by a fatal explosion (verified Jan 2010); its 300k task reward is paid anyway (Mar 2010) |
//! | `idle_balance` | 安乡 park's incubator fund (`anxiang-park-incubator`, earmarked infrastructure): 9m in since Apr 2008, nothing paid out (idle from 2010-04-23) |
//! | `counted_not_qualifying` | 临澧 lists its cement grinding station, started May 2008, again for 2009 (outside the period); 桃源 lists for 2010 a plant-extract project signed in Oct 2010 and never started; the audits take both lists over (claims and verifications, Jan 2010 and Jan 2011) |
//! | `count_mismatch` | the zone's 2010 mid-year report gives 4 projects of ≥50m and names 3 (Jul 2010) |
//! | `project_double_counted` | 沅澧机电's plant in 鼎城's park, counted for 2009 by 鼎城 and by 武陵, where the firm is registered (Jan 2010) |
//! | `land_idle` | 澧县's 洞庭水产 starts on its 180 mu 17 months after the agreed start (idle from 2010-11-01); 津市's 宏达化纤 never starts on its 260 mu (idle from 2009-07-01, two years passed: may be taken back) |
//!
//! No other account lies idle at 2011-06-30: the zone pays its
//! resettlement housing from its own budget each November, and the reward
//! fund pays each year's rewards out (to the banks' payroll account).
//!
//! One erroneous disbursement (a duplicate 150m entry) is voided by its
//! recorder the next day. Business dates fall on working days and never
//! decrease along the log; event ids are `changde-demo:NNNNN` in log order.

mod assessment;
mod commitments;
mod county_money;
mod data;
mod incentives;
mod other_money;
mod projects;
mod registry;
mod targets;
mod zone_money;

use crate::util::{business_day, date_string, days_from_civil, dec, hex64, Rng};
use serde_json::{json, Value};
use std::collections::HashMap;

const fn day(y: i32, m: u32, d: u32) -> i32 {
    days_from_civil(y, m, d)
}

fn ds(z: i32) -> String {
    date_string(z)
}

/// Amount text of a sum held in fen.
fn amt(fen: u64) -> String {
    dec(fen)
}

struct Pending {
    day: i32,
    value: Value,
    /// For an `event.voided`: the disbursement id of the event it voids
    /// (its seq is known only once the log is in order).
    void_of: Option<String>,
}

struct Demo {
    evs: Vec<Pending>,
    holders: HashMap<String, String>,
    rng: Rng,
    /// Reward payouts from the city's reward fund: day, amount in fen.
    rewards_paid: Vec<(i32, u64)>,
}

/// The Changde scenario, 2006–2010, as events in log order. Deterministic:
/// every call returns the same events.
pub fn demo_city() -> Vec<Value> {
    let mut d = Demo {
        evs: Vec::new(),
        holders: HashMap::new(),
        rng: Rng::new(0x0C4A_46DE_2006),
        rewards_paid: Vec::new(),
    };
    // `finish` sorts stably by day: the order of these calls, and of the
    // events each writes, is the order of same-day events in the log.
    d.registry();
    d.projects();
    d.plans_and_reports();
    d.assessment();
    d.zone_money();
    d.county_money();
    d.other_money();
    d.commitments();
    d.incentives();
    d.reward_fund_payouts();
    d.finish()
}

impl Demo {
    // ----- emitting ------------------------------------------------------------

    fn push(&mut self, z: i32, ty: &str, actor: &str, data: Value) {
        let z = business_day(z);
        self.evs.push(Pending {
            day: z,
            value: json!({"type": ty, "actor": actor, "occurred_at": ds(z), "data": data}),
            void_of: None,
        });
    }

    fn entity(&mut self, z: i32, actor: &str, id: &str, kind: &str, name: &str, parent: Option<&str>) {
        let mut data = json!({"entity_id": id, "kind": kind, "name": name});
        if let Some(p) = parent {
            data["parent"] = json!(p);
        }
        self.push(z, "entity.registered", actor, data);
    }

    #[allow(clippy::too_many_arguments)]
    fn account(
        &mut self,
        z: i32,
        actor: &str,
        id: &str,
        holder: &str,
        kind: &str,
        name: &str,
        ceiling: Option<u64>,
        earmark: Option<&str>,
    ) {
        let mut data = json!({"account_id": id, "holder": holder, "name": name, "kind": kind});
        if let Some(c) = ceiling {
            data["ceiling"] = json!(amt(c));
        }
        if let Some(e) = earmark {
            data["earmark"] = json!(e);
        }
        self.holders.insert(id.to_string(), holder.to_string());
        self.push(z, "account.opened", actor, data);
    }

    /// An enterprise (or contractor) and its external account.
    fn firm(&mut self, z: i32, actor: &str, id: &str, name: &str, parent: Option<&str>) {
        self.entity(z, actor, id, "enterprise", name, parent);
        let acct = format!("acct-{id}");
        self.account(z, id, &acct, id, "external", "基本存款账户", None, None);
    }

    fn evidence(&mut self, r: &str) -> Value {
        json!([{"ref": r}])
    }

    /// Evidence with the document's digest (audit reports are filed with it).
    fn evidence_hashed(&mut self, r: &str) -> Value {
        json!([{"ref": r, "blake3": hex64(&mut self.rng)}])
    }

    #[allow(clippy::too_many_arguments)]
    fn target(
        &mut self,
        z: i32,
        actor: &str,
        id: &str,
        assignee: &str,
        metric: &str,
        unit: &str,
        threshold: &str,
        period: (i32, i32),
        basis: &str,
        responsible: &[(&str, &str)],
    ) {
        let mut data = json!({
            "target_id": id, "assignee": assignee, "metric": metric, "unit": unit, "comparator": ">=",
            "threshold": threshold, "period": {"from": ds(period.0), "to": ds(period.1)}, "basis": basis,
        });
        if !responsible.is_empty() {
            data["responsible"] = Value::Array(
                responsible
                    .iter()
                    .map(|(p, r)| json!({"person": p, "role": r}))
                    .collect(),
            );
        }
        self.push(z, "target.assigned", actor, data);
    }

    /// Makes the target just assigned a counting target (format 2.2).
    fn counting(&mut self, counts: Value) {
        if let Some(p) = self.evs.last_mut() {
            p.value["data"]["counts"] = counts;
        }
    }

    /// Lists, on the claim or verification just recorded, the projects it counts.
    fn listing(&mut self, projects: &[&str]) {
        if let Some(p) = self.evs.last_mut() {
            p.value["data"]["projects"] = json!(projects);
        }
    }

    fn claim(&mut self, z: i32, actor: &str, target: &str, value: &str, as_of: i32, evidence: Option<&str>) {
        let mut data = json!({"target_id": target, "value": value, "as_of": ds(as_of)});
        if let Some(e) = evidence {
            data["evidence"] = self.evidence(e);
        }
        self.push(z, "target.progress_reported", actor, data);
    }

    #[allow(clippy::too_many_arguments)]
    fn verify(
        &mut self,
        z: i32,
        actor: &str,
        target: &str,
        value: &str,
        as_of: i32,
        evidence: Option<&str>,
        note: Option<&str>,
    ) {
        let mut data = json!({"target_id": target, "value": value, "as_of": ds(as_of)});
        if let Some(e) = evidence {
            data["evidence"] = self.evidence_hashed(e);
        }
        if let Some(n) = note {
            data["note"] = json!(n);
        }
        self.push(z, "target.verified", actor, data);
    }

    #[allow(clippy::too_many_arguments)]
    fn allocate(
        &mut self,
        z: i32,
        actor: &str,
        id: &str,
        from: &str,
        to: &str,
        amount: u64,
        purpose: &str,
        period: (i32, i32),
        basis: &str,
    ) {
        self.push(
            z,
            "fund.allocated",
            actor,
            json!({
                "allocation_id": id, "from_account": from, "to_account": to, "amount": amt(amount),
                "purpose": purpose, "period": {"from": ds(period.0), "to": ds(period.1)}, "basis": basis,
            }),
        );
    }

    /// A disbursement; `data` holds every field but the amount, given in
    /// fen. With `receipt_lag`, the receiving account's holder confirms
    /// arrival that many days later.
    fn disburse(&mut self, z: i32, actor: &str, mut data: Value, amount: u64, receipt_lag: Option<i32>) {
        data["amount"] = json!(amt(amount));
        let id = data["disbursement_id"].as_str().unwrap_or_default().to_string();
        let to = data["to_account"].as_str().unwrap_or_default().to_string();
        self.push(z, "fund.disbursed", actor, data);
        if let Some(lag) = receipt_lag {
            let holder = self.holders.get(&to).cloned().unwrap_or_default();
            self.push(z + lag, "fund.received", &holder, json!({"disbursement_id": id}));
        }
    }

    fn step(&mut self, z: i32, ty: &str, actor: &str, data: Value) {
        self.push(z, ty, actor, data);
    }

    fn fulfil(&mut self, z: i32, actor: &str, commitment: &str, amount: Option<u64>, evidence: Option<&str>) {
        let mut data = json!({"commitment_id": commitment});
        if let Some(a) = amount {
            data["amount"] = json!(amt(a));
        }
        if let Some(e) = evidence {
            data["evidence"] = self.evidence(e);
        }
        self.push(z, "commitment.fulfilled", actor, data);
    }

    fn condition_met(&mut self, z: i32, actor: &str, commitment: &str, condition: &str, evidence: &str) {
        let ev = self.evidence(evidence);
        self.push(
            z,
            "commitment.condition_met",
            actor,
            json!({"commitment_id": commitment, "condition_id": condition, "evidence": ev}),
        );
    }

    /// Voids the `fund.disbursed` of `disbursement`, whose seq is filled in by
    /// `finish`.
    fn void(&mut self, z: i32, actor: &str, disbursement: &str, reason: &str) {
        let z = business_day(z);
        self.evs.push(Pending {
            day: z,
            value: json!({"type": "event.voided", "actor": actor, "occurred_at": ds(z),
                          "data": {"seq": 0, "reason": reason}}),
            void_of: Some(disbursement.into()),
        });
    }

    /// Puts the events in business-date order (stable: same-day events keep
    /// the order they were written in), gives each its id and resolves voids.
    fn finish(mut self) -> Vec<Value> {
        self.evs.sort_by_key(|p| p.day);
        let mut out: Vec<Value> = Vec::with_capacity(self.evs.len());
        for p in self.evs {
            let mut v = p.value;
            if let Some(target) = p.void_of {
                let seq = out
                    .iter()
                    .position(|e| e["type"] == "fund.disbursed" && e["data"]["disbursement_id"] == target.as_str())
                    .expect("a void names an earlier disbursement");
                v["data"]["seq"] = json!(seq as u64);
            }
            v["id"] = json!(format!("changde-demo:{:05}", out.len()));
            out.push(v);
        }
        out
    }
}
