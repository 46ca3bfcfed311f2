//! Record 0 and the initial registry: the city, its bureaus and auditors,
//! the development zone and the county parks with their people, the lenders,
//! the accounts, the money routes, and the first firms.

use crate::generator::{Generator, NONE, Y};
use crate::parties::{AKind, Dept, Kind, Park};
use crate::world::{AUDITORS, COUNTIES, DEPTS, D_LAND};

impl Generator {
    /// Record 0 and the initial registry.
    pub(crate) fn found(&mut self) {
        self.found_city();
        self.found_parks();
        self.found_people();
        let lenders = self.found_lenders();
        self.open_city_accounts(lenders);
        self.open_park_accounts();
        self.lay_routes();
        self.first_firms();
    }

    /// The government (record 0, registering itself), its bureaus, its
    /// auditors.
    fn found_city(&mut self) {
        self.gov = self.register(
            NONE,
            "changde-gov".into(),
            Kind::Government,
            "常德市人民政府".into(),
            NONE,
            0,
        );
        let gov = self.gov;
        for d in DEPTS {
            let e = self.register(gov, d.id.into(), Kind::Department, d.name.into(), gov, 0);
            self.depts.push(Dept {
                ent: e,
                quota: d.quota,
                persons: [NONE; 2],
                task_fails: 0,
            });
        }
        for (id, name) in AUDITORS {
            let e = self.register(gov, (*id).into(), Kind::Auditor, (*name).into(), gov, 0);
            self.auditors.push(e);
        }
    }

    /// The development zone, and each county with its park.
    fn found_parks(&mut self) {
        let gov = self.gov;
        let zone = self.register(gov, "deshan-zone".into(), Kind::Park, "德山开发区".into(), gov, 0);
        self.parks.push(Park::new(zone, NONE, "德山开发区"));
        for (i, c) in COUNTIES.iter().enumerate() {
            let county = self.register(gov, format!("{}-county", c.key), Kind::County, c.county.into(), gov, 0);
            let park = self.register(
                gov,
                format!("{}-park", c.key),
                Kind::Park,
                c.park.into(),
                county,
                (i + 1) as u16,
            );
            self.parks.push(Park::new(park, county, c.park));
        }
    }

    /// The people of each park (its leaders, the park's own leaders, three
    /// contributors) and two of each bureau.
    fn found_people(&mut self) {
        for p in 0..self.parks.len() {
            let (pe, ce) = (self.parks[p].ent, self.parks[p].county);
            let lead_parent = if ce == NONE { pe } else { ce };
            let l0 = self.person(lead_parent, p as u16);
            let l1 = self.person(lead_parent, p as u16);
            let k0 = self.person(pe, p as u16);
            let k1 = self.person(pe, p as u16);
            let c0 = self.person(pe, p as u16);
            let c1 = self.person(pe, p as u16);
            let c2 = self.person(pe, p as u16);
            let park = &mut self.parks[p];
            park.leaders = [l0, l1];
            park.park_leaders = [k0, k1];
            park.contributors = [c0, c1, c2];
        }
        for d in 0..self.depts.len() {
            let de = self.depts[d].ent;
            let a = self.person(de, 0);
            let b = self.person(de, 0);
            self.depts[d].persons = [a, b];
        }
    }

    /// The development bank and the two BT investors: `[bank, bt1, bt2]`.
    fn found_lenders(&mut self) -> [u32; 3] {
        let gov = self.gov;
        let bank = self.register(
            gov,
            "cdb-hunan".into(),
            Kind::Enterprise,
            "国家开发银行湖南省分行".into(),
            NONE,
            0,
        );
        let bt1 = self.register(
            gov,
            "crec5-bt".into(),
            Kind::Enterprise,
            "中铁五局集团有限公司".into(),
            NONE,
            0,
        );
        let bt2 = self.register(
            gov,
            "hunan-construction-bt".into(),
            Kind::Enterprise,
            "湖南建工集团有限公司".into(),
            NONE,
            0,
        );
        [bank, bt1, bt2]
    }

    /// The city's accounts: treasury, construction fund, land income, the
    /// first credit line, the reward fund, and the lenders' accounts.
    fn open_city_accounts(&mut self, [bank, bt1, bt2]: [u32; 3]) {
        let gov = self.gov;
        let fin = self.finance();
        let land = self.depts[D_LAND].ent;
        self.treasury = self.open_account(
            gov,
            "city-treasury".into(),
            fin,
            AKind::Source,
            "常德市本级财政预算资金".into(),
            None,
            None,
        );
        self.construction_fund = self.open_account(
            gov,
            "city-construction-fund".into(),
            fin,
            AKind::Source,
            "常德市城市建设资金".into(),
            None,
            None,
        );
        self.land_income = self.open_account(
            gov,
            "city-land-income".into(),
            land,
            AKind::Source,
            "土地出让收入专户(全额用于园区建设)".into(),
            None,
            Some("infrastructure"),
        );
        self.credit = self.open_account(
            gov,
            "cdb-credit-2006".into(),
            fin,
            AKind::Source,
            "国家开发银行授信额度(市本级,2006)".into(),
            Some(600_000_000 * Y),
            None,
        );
        self.reward_fund = self.open_account(
            gov,
            "city-park-reward-fund".into(),
            fin,
            AKind::Internal,
            "常德市园区考核奖励资金专户".into(),
            None,
            Some("reward"),
        );
        self.bank = self.open_account(
            gov,
            "cdb-hunan-loan-service".into(),
            bank,
            AKind::External,
            "国家开发银行湖南省分行还本付息账户".into(),
            None,
            None,
        );
        let b1 = self.open_account(
            gov,
            "acct-crec5-bt".into(),
            bt1,
            AKind::External,
            "中铁五局BT项目回购款账户".into(),
            None,
            None,
        );
        let b2 = self.open_account(
            gov,
            "acct-hunan-construction-bt".into(),
            bt2,
            AKind::External,
            "湖南建工BT项目回购款账户".into(),
            None,
            None,
        );
        self.bt_investors = vec![b1, b2];
    }

    /// Each park's accounts: the zone's infrastructure account (the city
    /// treasury is its treasury); each county's treasury, its park's
    /// infrastructure account and, where it has one, BT financing.
    fn open_park_accounts(&mut self) {
        let (gov, zone) = (self.gov, self.parks[0].ent);
        let zone_infra = self.open_account(
            gov,
            "deshan-infra".into(),
            zone,
            AKind::Internal,
            "德山开发区基础设施建设资金专户".into(),
            None,
            Some("infrastructure"),
        );
        self.parks[0].infra = zone_infra;
        self.parks[0].treasury = self.treasury;
        for (i, c) in COUNTIES.iter().enumerate() {
            let p = i + 1;
            let (pe, ce) = (self.parks[p].ent, self.parks[p].county);
            let t = self.open_account(
                ce,
                format!("{}-treasury", c.key),
                ce,
                AKind::Source,
                format!("{}财政预算资金", c.county),
                None,
                None,
            );
            let earmark = if i % 2 == 0 { Some("infrastructure") } else { None };
            let infra = self.open_account(
                ce,
                format!("{}-park-infra", c.key),
                pe,
                AKind::Internal,
                format!("{}基础设施建设账户", c.park),
                None,
                earmark,
            );
            let bt = if c.bt_ceiling > 0 {
                self.open_account(
                    ce,
                    format!("{}-bt-financing", c.key),
                    pe,
                    AKind::Source,
                    format!("{}BT融资", c.park),
                    Some(c.bt_ceiling * Y),
                    None,
                )
            } else {
                NONE
            };
            let park = &mut self.parks[p];
            park.treasury = t;
            park.infra = infra;
            park.bt = bt;
        }
    }

    /// Money routes from sources into the parks.
    fn lay_routes(&mut self) {
        let zone_infra = self.parks[0].infra;
        self.routes.push((self.treasury, zone_infra));
        self.routes.push((self.construction_fund, zone_infra));
        self.routes.push((self.credit, zone_infra));
        self.routes.push((self.credit, zone_infra));
        self.routes.push((self.treasury, self.reward_fund));
        for p in 0..self.parks.len() {
            let park = &self.parks[p];
            let (infra, t, bt) = (park.infra, park.treasury, park.bt);
            self.routes.push((self.land_income, infra));
            if p > 0 {
                self.routes.push((t, infra));
                self.routes.push((t, infra));
                if p % 3 == 0 {
                    self.routes.push((self.credit, infra));
                }
                if bt != NONE {
                    self.routes.push((bt, infra));
                }
            }
        }
    }

    /// Firms already at work: six contractors, a dozen enterprises.
    fn first_firms(&mut self) {
        let gov = self.gov;
        for _ in 0..6 {
            self.new_firm(gov, 0, true);
        }
        for i in 0..12 {
            let p = (i % self.parks.len()) as u16;
            let pe = self.parks[p as usize].ent;
            self.new_firm(pe, p, false);
        }
    }
}
