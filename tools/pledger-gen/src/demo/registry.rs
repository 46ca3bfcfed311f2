//! The registry: the city's bodies, counties, parks, people and firms, and the founding accounts.

use super::data::{
    AccountRow, AUDIT, BT_ACCOUNTS, CITY_ACCOUNTS, CONTRACTORS, COUNTIES, COUNTY_ROLES, DEPTS, GOV, OPT, ORG, SAFETY,
    STABILITY, STATS, ZONE, ZONE_PEOPLE,
};
use super::{day, Demo};

/// Bodies registered after the bureaus: id, kind, name.
const CITY_BODIES: [(&str, &str, &str); 7] = [
    (STATS, "department", "常德市统计局"),
    ("city-approval-center", "department", "常德市政务服务中心"),
    ("city-aic", "department", "常德市工商行政管理局"),
    (SAFETY, "department", "常德市安全生产监督管理局"),
    (STABILITY, "department", "常德市社会治安综合治理委员会办公室"),
    (ORG, "department", "中共常德市委组织部"),
    (ZONE, "park", "常德经济技术开发区(德山)"),
];

/// The development bank and the build-transfer investors, registered as
/// enterprises without accounts of their own (the city opens theirs).
const LENDERS: [(&str, &str); 3] = [
    ("cdb-hunan", "国家开发银行湖南省分行"),
    ("bt-crec5", "中铁五局集团有限公司"),
    ("bt-hunan-construction", "湖南建工集团有限公司"),
];

impl Demo {
    pub(super) fn registry(&mut self) {
        self.registry_bodies();
        self.registry_people_and_firms();
        self.registry_accounts();
    }

    /// The government, its auditors and bureaus, the zone, counties and parks.
    fn registry_bodies(&mut self) {
        let z = day(2006, 1, 4);
        self.entity(z, GOV, GOV, "government", "常德市人民政府", None);
        self.entity(z, GOV, AUDIT, "auditor", "常德市审计局", Some(GOV));
        self.entity(z, GOV, OPT, "auditor", "常德市优化经济发展环境办公室", Some(GOV));
        for d in DEPTS {
            self.entity(z, GOV, d.id, "department", d.name, Some(GOV));
        }
        for (id, kind, name) in CITY_BODIES {
            self.entity(z, GOV, id, kind, name, Some(GOV));
        }
        for c in COUNTIES {
            let county = format!("{}-county", c.key);
            let park = format!("{}-park", c.key);
            self.entity(z, GOV, &county, "county", c.county, Some(GOV));
            self.entity(z, GOV, &park, "park", c.park, Some(&county));
        }
    }

    /// The zone's and counties' leaders, the bank, the BT investors and the contractors.
    fn registry_people_and_firms(&mut self) {
        let z = day(2006, 1, 4);
        for (id, name) in ZONE_PEOPLE {
            self.entity(z, GOV, id, "person", name, Some(ZONE));
        }
        for c in COUNTIES {
            let county = format!("{}-county", c.key);
            let park = format!("{}-park", c.key);
            for (i, role) in COUNTY_ROLES.iter().enumerate() {
                let parent = if i < 2 { &county } else { &park };
                self.entity(
                    z,
                    GOV,
                    &format!("p-{}-{role}", c.key),
                    "person",
                    c.people[i],
                    Some(parent),
                );
            }
        }
        for (id, name) in LENDERS {
            self.entity(z, GOV, id, "enterprise", name, None);
        }
        for (id, name) in CONTRACTORS {
            self.firm(z, GOV, id, name, None);
        }
    }

    /// Accounts: the four kinds of source, the zone's and parks' accounts.
    fn registry_accounts(&mut self) {
        let z = day(2006, 1, 5);
        for a in CITY_ACCOUNTS {
            self.account_row(z, a);
        }
        for c in COUNTIES {
            let county = format!("{}-county", c.key);
            let park = format!("{}-park", c.key);
            self.account(
                z,
                &county,
                &format!("{}-treasury", c.key),
                &county,
                "source",
                &format!("{}财政预算资金", c.county),
                None,
                None,
            );
            self.account(
                z,
                &county,
                &format!("{}-park-infra", c.key),
                &park,
                "internal",
                &format!("{}基础设施建设资金专户", c.park),
                None,
                Some("infrastructure"),
            );
        }
        for a in BT_ACCOUNTS {
            self.account_row(z, a);
        }
    }

    fn account_row(&mut self, z: i32, a: &AccountRow) {
        self.account(z, a.actor, a.id, a.holder, a.kind, a.name, a.ceiling, a.earmark);
    }
}
