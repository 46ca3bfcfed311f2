//! What gets promised: the everyday commitments to enterprises (tax refunds,
//! service deadlines, subsidies, county funding) and investment deals, with
//! their project, the investor's targets and the city's promises in return.

use crate::commitments::{CSpec, Due};
use crate::generator::{Generator, NONE, Y};
use crate::parties::Kind;
use crate::util::days_from_civil;
use crate::world::{project_name, D_COMMERCE, D_ECONOMIC, D_GOV_OFFICE, M_INVEST, M_JOBS, M_TAX_PAID};

/// An investment deal, as the city's commitments in return need it.
struct Deal {
    park_ent: u32,
    /// The investor, its project, and the accounts paid from and into.
    ent: u32,
    project: u32,
    treasury: u32,
    ent_acct: u32,
    /// The investment promised, in fen.
    invest: u64,
    /// `投资合同 <project id>`: what the targets and commitments cite.
    basis: String,
    /// When the targets are verified.
    verify_day: i32,
    /// Whether the investment target will be met, and what is invested.
    inv_met: bool,
    inv_final: u64,
    /// The targets that claw the land discount back when missed.
    clawback_targets: Vec<String>,
    /// The tax target, if any, and whether it will be met.
    tax: Option<(String, bool)>,
}

impl Generator {
    /// A commitment to an enterprise (or, now and then, a county's to its
    /// park), of a kind drawn by weight.
    pub(crate) fn act_commitment(&mut self) -> bool {
        let e = *self.rng.pick(&self.enterprises);
        let r = self.rng.below(100);
        let spec = if r < 30 {
            self.tax_refund(e)
        } else if r < 60 {
            self.service_promise(e)
        } else if r < 80 {
            self.renovation_reward(e)
        } else if r < 88 {
            self.county_funding()
        } else {
            self.interest_subsidy(e)
        };
        self.make_commitment(spec);
        true
    }

    /// A refund of the local share of enterprise income tax, by the county
    /// (in the zone: the finance bureau), once the tax is in.
    fn tax_refund(&mut self, e: u32) -> CSpec {
        let p = self.ents[e as usize].park as usize;
        let (county, treasury) = (self.parks[p].county, self.parks[p].treasury);
        let ent_acct = self.pay_account(e);
        let promisor = if county == NONE { self.finance() } else { county };
        CSpec {
            promisor,
            beneficiary: e,
            kind: "tax_refund",
            terms: "企业所得税地方留成部分按比例返还".into(),
            amount: Some(self.yuan(200_000, 5_000_000, 1_000)),
            pay_from: treasury,
            pay_to: ent_acct,
            category: "tax_refund",
            purpose: "企业所得税地方留成返还",
            conds: vec![("年度企业所得税地方留成部分已入库", None)],
            due: Due::After {
                working: true,
                days: 20,
                cond: 0,
            },
            basis: Some("常德市招商引资优惠政策".into()),
            clawback_targets: Vec::new(),
            not_before: 0,
            clawback: None,
            stalls: false,
        }
    }

    /// A service deadline: an approval, a licence, or utilities connected.
    fn service_promise(&mut self, e: u32) -> CSpec {
        let p = self.ents[e as usize].park as usize;
        let park_ent = self.parks[p].ent;
        let (promisor, terms, cond, working, days): (u32, &str, &str, bool, u64) = match self.rng.below(3) {
            0 => (
                self.depts[D_GOV_OFFICE].ent,
                "申报材料齐全后一个工作日内办结审批",
                "申报材料齐全",
                true,
                1,
            ),
            1 => (
                self.depts[D_COMMERCE].ent,
                "受理后一周内办结营业执照",
                "营业执照申请受理",
                false,
                7,
            ),
            _ => (
                park_ent,
                "项目竣工后一个月内通水、通电、通气、通电话",
                "项目竣工",
                false,
                30,
            ),
        };
        CSpec {
            promisor,
            beneficiary: e,
            kind: "service_deadline",
            terms: terms.into(),
            amount: None,
            pay_from: NONE,
            pay_to: NONE,
            category: "",
            purpose: "",
            conds: vec![(cond, None)],
            due: Due::After { working, days, cond: 0 },
            basis: Some("常德市优化经济发展环境若干规定".into()),
            clawback_targets: Vec::new(),
            not_before: 0,
            clawback: None,
            stalls: false,
        }
    }

    /// A reward for a technical renovation, once it is accepted.
    fn renovation_reward(&mut self, e: u32) -> CSpec {
        let ent_acct = self.pay_account(e);
        let today = self.day;
        CSpec {
            promisor: self.depts[D_ECONOMIC].ent,
            beneficiary: e,
            kind: "subsidy",
            terms: "企业技术改造项目竣工验收后给予奖励".into(),
            amount: Some(self.yuan(100_000, 3_000_000, 1_000)),
            pay_from: self.treasury,
            pay_to: ent_acct,
            category: "subsidy",
            purpose: "技术改造奖励资金",
            conds: vec![("技改项目竣工验收", None)],
            due: Due::Date(today + 180),
            basis: Some("常德市工业企业技术改造奖励办法".into()),
            clawback_targets: Vec::new(),
            not_before: 0,
            clawback: None,
            stalls: false,
        }
    }

    /// A county's yearly funding of its park's infrastructure.
    fn county_funding(&mut self) -> CSpec {
        let today = self.day;
        let p = 1 + self.rng.index(self.parks.len() - 1);
        let (pe, ce, t, infra) = (
            self.parks[p].ent,
            self.parks[p].county,
            self.parks[p].treasury,
            self.parks[p].infra,
        );
        CSpec {
            promisor: ce,
            beneficiary: pe,
            kind: "funding",
            terms: "县财政每年投入园区基础设施建设资金不少于2000万元".into(),
            amount: Some(self.yuan(20_000_000, 40_000_000, 1_000_000)),
            pay_from: t,
            pay_to: infra,
            category: "infrastructure",
            purpose: "县级园区基础设施建设投入",
            conds: Vec::new(),
            due: Due::Date(days_from_civil(self.year, 12, 31).max(today + 30)),
            basis: Some("常德市加快工业园区建设的决定".into()),
            clawback_targets: Vec::new(),
            not_before: 0,
            clawback: None,
            stalls: false,
        }
    }

    /// Interest on a renovation loan, paid by the economic commission.
    fn interest_subsidy(&mut self, e: u32) -> CSpec {
        let ent_acct = self.pay_account(e);
        let today = self.day;
        CSpec {
            promisor: self.depts[D_ECONOMIC].ent,
            beneficiary: e,
            kind: "other",
            terms: "技术改造项目贷款贴息".into(),
            amount: Some(self.yuan(50_000, 1_500_000, 1_000)),
            pay_from: self.treasury,
            pay_to: ent_acct,
            category: "interest_subsidy",
            purpose: "技改贷款贴息",
            conds: Vec::new(),
            due: Due::Date(today + 90),
            basis: None,
            clawback_targets: Vec::new(),
            not_before: 0,
            clawback: None,
            stalls: false,
        }
    }

    /// An investment deal (招商引资): maybe a new enterprise, a new project
    /// signed by the park, the investor's targets, and the city's
    /// commitments in return.
    pub(crate) fn act_deal(&mut self) -> bool {
        let p = self.rng.index(self.parks.len()) as u16;
        let (ent, project) = self.deal_parties(p);
        let invest = self.deal_size();
        self.sign_project(project, ent, p, invest);
        let deal = self.deal_targets(p, ent, project, invest);
        if self.rng.chance(650) {
            self.land_discount(&deal);
        }
        if self.rng.chance(450) {
            self.approval_promise(project);
        }
        if let Some((tax_id, tax_met)) = &deal.tax {
            if self.rng.chance(300) {
                self.tax_reward(&deal, tax_id.clone(), *tax_met);
            }
        }
        true
    }

    /// The investor (a new enterprise in park `p`, or one already known) and
    /// its new project: `(enterprise, project)`.
    fn deal_parties(&mut self, p: u16) -> (u32, u32) {
        let park_ent = self.parks[p as usize].ent;
        let ent = if self.enterprises.len() < 20 || self.rng.chance(450) {
            self.new_firm(park_ent, p, false)
        } else {
            *self.rng.pick(&self.enterprises)
        };
        self.n_ent += 1;
        let pid = self.numbered("prj", self.n_ent, 6);
        let pname = project_name(&mut self.rng);
        let project = self.register(park_ent, pid, Kind::Project, pname, ent, p);
        (ent, project)
    }

    /// The investment promised, in fen: mostly tens of millions of yuan, now
    /// and then billions.
    fn deal_size(&mut self) -> u64 {
        match self.rng.below(100) {
            0..=54 => self.yuan(10_000_000, 50_000_000, 1_000_000),
            55..=84 => self.yuan(50_000_000, 100_000_000, 1_000_000),
            85..=96 => self.yuan(100_000_000, 500_000_000, 10_000_000),
            _ => self.yuan(500_000_000, 2_000_000_000, 10_000_000),
        }
    }

    /// The investor's targets over two years, set by the park: investment,
    /// often tax paid, sometimes jobs.
    fn deal_targets(&mut self, p: u16, ent: u32, project: u32, invest: u64) -> Deal {
        let park_ent = self.parks[p as usize].ent;
        let from = self.day;
        let to = self.day + 730;
        let mut basis = String::from("投资合同 ");
        basis.push_str(&self.ents[project as usize].id);
        let leader = self.parks[p as usize].park_leaders[0];
        let resp = vec![(leader, "项目责任领导")];
        let t_inv = self.assign_target(
            park_ent,
            ent,
            M_INVEST,
            invest,
            from,
            to,
            basis.clone(),
            resp,
            700,
            None,
        );
        let (inv_id, inv_met, inv_final) = {
            let t = self.targets.get(t_inv).expect("open");
            (t.id.clone(), t.met, t.final_value)
        };
        let mut clawback_targets = vec![inv_id];
        let tax = if self.rng.chance(700) {
            let thr = (invest * self.rng.range(3, 8) / 100 / (10_000 * Y)).max(1) * 10_000 * Y;
            let t = self.assign_target(
                park_ent,
                ent,
                M_TAX_PAID,
                thr,
                from,
                to,
                basis.clone(),
                Vec::new(),
                650,
                None,
            );
            let t = self.targets.get(t).expect("open");
            clawback_targets.push(t.id.clone());
            Some((t.id.clone(), t.met))
        } else {
            None
        };
        if self.rng.chance(400) {
            let thr = self.rng.range(50, 800) * 100;
            self.assign_target(
                park_ent,
                ent,
                M_JOBS,
                thr,
                from,
                to,
                basis.clone(),
                Vec::new(),
                700,
                None,
            );
        }
        Deal {
            park_ent,
            ent,
            project,
            treasury: self.parks[p as usize].treasury,
            ent_acct: self.pay_account(ent),
            invest,
            basis,
            verify_day: to + 80,
            inv_met,
            inv_final,
            clawback_targets,
            tax,
        }
    }

    /// The park's land-price discount to the project, paid back after it
    /// starts production; clawed back in proportion when the investment
    /// falls short.
    fn land_discount(&mut self, d: &Deal) {
        let invest = d.invest;
        let big = invest >= 100_000_000 * Y;
        let amount = (invest * self.rng.range(2, 6) / 100 / (10_000 * Y)).max(1) * 10_000 * Y;
        let clawback = if d.inv_met {
            None
        } else {
            let shortfall = (invest - d.inv_final.min(invest)) as u128;
            let back = (amount as u128 * shortfall / invest as u128) as u64;
            Some((d.verify_day + 30, back.max(Y)))
        };
        let mut terms = String::from("达到投资强度、税收和就业门槛的, 土地出让价格给予优惠(先征后返)");
        if big {
            terms.push_str("; 一事一议");
        }
        self.make_commitment(CSpec {
            promisor: d.park_ent,
            beneficiary: d.project,
            kind: "land_discount",
            terms,
            amount: Some(amount),
            pay_from: d.treasury,
            pay_to: d.ent_acct,
            category: "land_discount",
            purpose: "土地出让金优惠返还",
            conds: vec![("项目竣工投产", None)],
            due: Due::After {
                working: false,
                days: 30,
                cond: 0,
            },
            basis: Some(d.basis.clone()),
            clawback_targets: d.clawback_targets.clone(),
            not_before: 0,
            clawback,
            stalls: false,
        });
    }

    /// The government office's promise to approve the project within a
    /// working day of a complete application.
    fn approval_promise(&mut self, project: u32) {
        self.make_commitment(CSpec {
            promisor: self.depts[D_GOV_OFFICE].ent,
            beneficiary: project,
            kind: "service_deadline",
            terms: "申报材料齐全后一个工作日内办结审批".into(),
            amount: None,
            pay_from: NONE,
            pay_to: NONE,
            category: "",
            purpose: "",
            conds: vec![("申报材料齐全", None)],
            due: Due::After {
                working: true,
                days: 1,
                cond: 0,
            },
            basis: None,
            clawback_targets: Vec::new(),
            not_before: 0,
            clawback: None,
            stalls: false,
        });
    }

    /// A one-off reward once the tax target is met; it never comes due when
    /// the target will be missed.
    fn tax_reward(&mut self, d: &Deal, tax_id: String, tax_met: bool) {
        let amount = self.yuan(200_000, 2_000_000, 10_000);
        self.make_commitment(CSpec {
            promisor: d.park_ent,
            beneficiary: d.ent,
            kind: "subsidy",
            terms: "纳税额达到约定标准后给予一次性奖励".into(),
            amount: Some(amount),
            pay_from: d.treasury,
            pay_to: d.ent_acct,
            category: "subsidy",
            purpose: "纳税达标奖励",
            conds: vec![("年纳税额达到约定标准", Some(tax_id))],
            due: Due::After {
                working: false,
                days: 60,
                cond: 0,
            },
            basis: Some(d.basis.clone()),
            clawback_targets: Vec::new(),
            not_before: d.verify_day + 10,
            clawback: None,
            stalls: !tax_met,
        });
    }
}
