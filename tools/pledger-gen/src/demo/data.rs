//! The scenario's constant tables: ids, bases, bureaus, counties, contractors, accounts, story firms.

use super::day;

pub(super) const GOV: &str = "changde-gov";
pub(super) const FIN: &str = "city-finance";
pub(super) const ECON: &str = "city-economic";
pub(super) const AUDIT: &str = "city-audit";
pub(super) const OPT: &str = "city-optimization-office";
pub(super) const STATS: &str = "city-statistics";
/// The work-safety bureau: verifies the parks' and the zone's safety veto targets.
pub(super) const SAFETY: &str = "city-safety";
/// The office for public order (综治办): verifies the bureaus' stability veto targets.
pub(super) const STABILITY: &str = "city-stability-office";
/// The party's organisation department: records reassignments.
pub(super) const ORG: &str = "city-organization";
pub(super) const ZONE: &str = "deshan-zone";
pub(super) const TREASURY: &str = "city-treasury";
pub(super) const LAND_INCOME: &str = "city-land-income";
pub(super) const CDB_CITY: &str = "cdb-credit-city";
pub(super) const CDB_COUNTIES: &str = "cdb-credit-counties";
pub(super) const ZONE_INFRA: &str = "deshan-infra";
pub(super) const ZONE_FINANCE: &str = "deshan-finance";
pub(super) const REWARD_FUND: &str = "city-reward-fund";
pub(super) const SUPPORT_FUND: &str = "city-industry-support";
pub(super) const BANK_ACCT: &str = "cdb-hunan-loan-service";

pub(super) const PLAN_BASIS: &str = "常发〔2006〕8号《中共常德市委 常德市人民政府关于加快工业园区建设的决定》";
pub(super) const DEPT_BASIS: &str = "常办发〔2006〕15号《市直部门招商引资目标管理考核办法》";
pub(super) const YEARS: std::ops::RangeInclusive<i32> = 2006..=2010;
/// The years judged as yearly tasks (年度目标任务).
pub(super) const TASK_YEARS: std::ops::RangeInclusive<i32> = 2007..=2010;

/// 1 万元 (10,000 yuan) in fen.
pub(super) const WAN: u64 = 1_000_000;

pub(super) struct Dept {
    pub(super) id: &'static str,
    pub(super) name: &'static str,
    pub(super) quota: u64,
}

/// The bureaus with project quotas (2006 decision): planning, economic and
/// commerce 2 a year, the others 1.
pub(super) const DEPTS: &[Dept] = &[
    Dept {
        id: "city-planning",
        name: "常德市规划局",
        quota: 2,
    },
    Dept {
        id: "city-economic",
        name: "常德市经济委员会",
        quota: 2,
    },
    Dept {
        id: "city-commerce",
        name: "常德市商务局",
        quota: 2,
    },
    Dept {
        id: "city-party-office",
        name: "中共常德市委办公室",
        quota: 1,
    },
    Dept {
        id: "city-gov-office",
        name: "常德市人民政府办公室",
        quota: 1,
    },
    Dept {
        id: "city-finance",
        name: "常德市财政局",
        quota: 1,
    },
    Dept {
        id: "city-science",
        name: "常德市科学技术局",
        quota: 1,
    },
    Dept {
        id: "city-land",
        name: "常德市国土资源局",
        quota: 1,
    },
    Dept {
        id: "city-environment",
        name: "常德市环境保护局",
        quota: 1,
    },
    Dept {
        id: "city-labour",
        name: "常德市劳动和社会保障局",
        quota: 1,
    },
];

pub(super) struct County {
    pub(super) key: &'static str,
    pub(super) county: &'static str,
    pub(super) park: &'static str,
    /// County party secretary, county head, park director, park deputy
    /// director, a contributor (招商骨干).
    pub(super) people: [&'static str; 5],
    /// Outcome of the yearly "≥5 projects of ≥10m" target, 2006..2010:
    /// M met, X missed (honest claim), O missed with an overstated claim,
    /// C claimed but never verified, U nothing reported at the year's end.
    pub(super) headline: &'static str,
    /// Projects of ≥500m within the five years (verified).
    pub(super) five_year_500m: u32,
}

pub(super) const COUNTIES: &[County] = &[
    County {
        key: "wuling",
        county: "武陵区",
        park: "武陵区芙蓉工业园",
        people: ["覃建国", "李湘平", "周志强", "黄丽华", "陈卫东"],
        headline: "MMMMM",
        five_year_500m: 1,
    },
    County {
        key: "dingcheng",
        county: "鼎城区",
        park: "鼎城区灌溪工业园",
        people: ["刘国平", "杨德华", "曾晓峰", "胡春生", "彭文斌"],
        headline: "MMMMM",
        five_year_500m: 2,
    },
    County {
        key: "jinshi",
        county: "津市市",
        park: "津市市工业园",
        people: ["谭立新", "龚建华", "孙明", "罗海燕", "朱勇"],
        headline: "MMOXM",
        five_year_500m: 0,
    },
    County {
        key: "lixian",
        county: "澧县",
        park: "澧县经济开发区",
        people: ["王沅清", "赵秀英", "何军", "马玉兰", "郭杰"],
        headline: "MMMMM",
        five_year_500m: 1,
    },
    County {
        key: "linli",
        county: "临澧县",
        park: "临澧县工业园",
        people: ["徐澧生", "高红梅", "林伟", "吴芳", "张建国"],
        headline: "MXMMM",
        five_year_500m: 1,
    },
    County {
        key: "shimen",
        county: "石门县",
        park: "石门县工业园",
        people: ["唐志明", "罗春华", "邓伟民", "钟小兰", "伍建军"],
        headline: "MMMXM",
        five_year_500m: 1,
    },
    County {
        key: "taoyuan",
        county: "桃源县",
        park: "桃源县创元工业园",
        people: ["田桂花", "符国强", "易长青", "文海波", "熊卫平"],
        headline: "MMMMC",
        five_year_500m: 1,
    },
    County {
        key: "hanshou",
        county: "汉寿县",
        park: "汉寿县高新技术产业园",
        people: ["颜世明", "姚建新", "夏志刚", "蔡丽君", "向东"],
        headline: "XMMMM",
        five_year_500m: 1,
    },
    County {
        key: "anxiang",
        county: "安乡县",
        park: "安乡县工业园",
        people: ["汤振华", "贺明亮", "廖国庆", "蒋秀兰", "杜建平"],
        headline: "MMXMU",
        five_year_500m: 0,
    },
];

pub(super) const CONTRACTORS: &[(&str, &str)] = &[
    ("ctr-zhongnan-road", "常德中南路桥建设有限公司"),
    ("ctr-yuanli-municipal", "常德沅澧市政工程有限公司"),
    ("ctr-xiangbei-water", "湘北水电安装工程有限公司"),
    ("ctr-tongli-build", "常德同力建筑有限公司"),
    ("ctr-huasheng-power", "常德华升电力安装有限公司"),
];
pub(super) const WORKS: &[&str] = &[
    "园区主干道路工程",
    "供水管网工程",
    "污水处理厂工程",
    "标准厂房工程",
    "供电线路工程",
    "土地平整工程",
];

/// The zone's people: its party working committee secretary, the
/// administrative committee director and deputy, the head of investment
/// promotion and a contributor (招商骨干).
pub(super) const ZONE_PEOPLE: [(&str, &str); 5] = [
    ("p-deshan-secretary", "戴湘云"),
    ("p-deshan-director", "石建华"),
    ("p-deshan-deputy", "邹立军"),
    ("p-deshan-invest-head", "聂红"),
    ("p-deshan-contributor", "柳青松"),
];

/// The roles of `County::people`, in order: the first two belong to the
/// county, the others to its park.
pub(super) const COUNTY_ROLES: [&str; 5] = ["secretary", "head", "director", "deputy", "contributor"];

/// A park's director and deputy director in year `y` (津市's were replaced
/// in 2010, after two missed years).
pub(super) fn park_leaders(key: &str, y: i32) -> (String, String) {
    if key == "jinshi" && y == 2010 {
        ("p-jinshi-director-2010".to_string(), "p-jinshi-deputy-2010".to_string())
    } else {
        (format!("p-{key}-director"), format!("p-{key}-deputy"))
    }
}

/// An account opened at the founding (2006-01-05).
pub(super) struct AccountRow {
    pub(super) actor: &'static str,
    pub(super) id: &'static str,
    pub(super) holder: &'static str,
    pub(super) kind: &'static str,
    pub(super) name: &'static str,
    pub(super) ceiling: Option<u64>,
    pub(super) earmark: Option<&'static str>,
}

const fn acct(
    actor: &'static str,
    id: &'static str,
    holder: &'static str,
    kind: &'static str,
    name: &'static str,
    ceiling: Option<u64>,
    earmark: Option<&'static str>,
) -> AccountRow {
    AccountRow {
        actor,
        id,
        holder,
        kind,
        name,
        ceiling,
        earmark,
    }
}

/// The city's accounts: the four kinds of source, the funds, the bank's and
/// BT investors' accounts, and the zone's.
pub(super) const CITY_ACCOUNTS: &[AccountRow] = &[
    acct(GOV, TREASURY, FIN, "source", "常德市本级财政预算资金", None, None),
    acct(
        GOV,
        LAND_INCOME,
        "city-land",
        "source",
        "常德市土地出让收入专户(全额用于园区建设)",
        None,
        Some("infrastructure"),
    ),
    acct(
        GOV,
        CDB_CITY,
        FIN,
        "source",
        "国家开发银行授信额度(常德市18.18亿元,其中市本级6亿元)",
        Some(60_000 * WAN),
        None,
    ),
    acct(
        GOV,
        CDB_COUNTIES,
        FIN,
        "source",
        "国家开发银行授信额度(常德市18.18亿元,其中区县12.18亿元)",
        Some(121_800 * WAN),
        None,
    ),
    acct(GOV, REWARD_FUND, FIN, "internal", "常德市园区考核奖励资金", None, None),
    acct(
        GOV,
        SUPPORT_FUND,
        ECON,
        "internal",
        "常德市工业发展专项资金",
        None,
        None,
    ),
    acct(
        GOV,
        BANK_ACCT,
        "cdb-hunan",
        "external",
        "国家开发银行湖南省分行还本付息账户",
        None,
        None,
    ),
    acct(
        GOV,
        "acct-bt-crec5",
        "bt-crec5",
        "external",
        "中铁五局BT项目回购款账户",
        None,
        None,
    ),
    acct(
        GOV,
        "acct-bt-hunan-construction",
        "bt-hunan-construction",
        "external",
        "湖南建工BT项目回购款账户",
        None,
        None,
    ),
    acct(
        GOV,
        ZONE_INFRA,
        ZONE,
        "internal",
        "德山开发区基础设施建设资金专户",
        None,
        Some("infrastructure"),
    ),
    acct(
        GOV,
        ZONE_FINANCE,
        ZONE,
        "internal",
        "德山开发区管委会财政结算账户",
        None,
        None,
    ),
];

/// The build-transfer financing lines, opened by their counties for their parks.
pub(super) const BT_ACCOUNTS: &[AccountRow] = &[
    acct(
        "lixian-county",
        "lixian-bt-financing",
        "lixian-park",
        "source",
        "澧县经济开发区BT融资(中铁五局,上限6亿元)",
        Some(60_000 * WAN),
        None,
    ),
    acct(
        "taoyuan-county",
        "taoyuan-bt-financing",
        "taoyuan-park",
        "source",
        "桃源县创元工业园BT融资(湖南建工,上限2.4亿元)",
        Some(24_000 * WAN),
        None,
    ),
];

/// The enterprises of the commitment stories: registered on, by, id, name, parent.
pub(super) const STORY_FIRMS: &[(i32, &str, &str, &str, &str)] = &[
    (day(2007, 3, 1), ZONE, "ent-huaxin", "常德华鑫机械制造有限公司", ZONE),
    (
        day(2007, 1, 15),
        "dingcheng-park",
        "ent-dc-zhengtai",
        "鼎城正泰新型建材有限公司",
        "dingcheng-park",
    ),
    (
        day(2007, 1, 12),
        "wuling-park",
        "ent-wl-hongyun",
        "常德鸿运食品有限公司",
        "wuling-park",
    ),
    (
        day(2007, 3, 5),
        "linli-park",
        "ent-ll-yongxing",
        "临澧永兴建材有限公司",
        "linli-park",
    ),
    (day(2008, 1, 16), ZONE, "ent-hengan", "湖南恒安新材料有限公司", ZONE),
    (
        day(2008, 2, 15),
        "shimen-park",
        "ent-sm-longteng",
        "石门龙腾精细化工有限公司",
        "shimen-park",
    ),
    (
        day(2008, 3, 3),
        "hanshou-park",
        "ent-hs-boya",
        "汉寿博雅汽车零部件有限公司",
        "hanshou-park",
    ),
    (day(2008, 4, 10), ZONE, "ent-ruifeng", "常德瑞丰电子科技有限公司", ZONE),
    (day(2008, 4, 10), ZONE, "ent-tianli", "湖南天利纺织有限公司", ZONE),
    (
        day(2008, 5, 5),
        "lixian-park",
        "ent-lx-jiuding",
        "澧县九鼎纸业有限公司",
        "lixian-park",
    ),
    (
        day(2008, 6, 30),
        "jinshi-park",
        "ent-js-mingzhu",
        "津市明珠生物医药有限公司",
        "jinshi-park",
    ),
    (
        day(2009, 2, 9),
        "anxiang-park",
        "ent-ax-jiahe",
        "安乡嘉禾纺织有限公司",
        "anxiang-park",
    ),
    (
        day(2009, 3, 2),
        "taoyuan-park",
        "ent-ty-taohuayuan",
        "桃源桃花源农产品加工有限公司",
        "taoyuan-park",
    ),
];

/// The projects of the commitment stories (registered by the city): on, id, name, enterprise.
pub(super) const STORY_PROJECTS: &[(i32, &str, &str, &str)] = &[
    (
        day(2007, 3, 1),
        "prj-huaxin-line",
        "华鑫工程机械生产线项目",
        "ent-huaxin",
    ),
    (
        day(2008, 1, 16),
        "prj-hengan-base",
        "恒安新材料产业基地项目(总投资10.5亿元)",
        "ent-hengan",
    ),
    (
        day(2008, 4, 10),
        "prj-ruifeng-upgrade",
        "瑞丰电子表面贴装生产线技术改造项目",
        "ent-ruifeng",
    ),
    (
        day(2008, 4, 10),
        "prj-tianli-upgrade",
        "天利纺织无梭织机技术改造项目",
        "ent-tianli",
    ),
];
