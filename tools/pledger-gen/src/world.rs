//! Static tables of the simulated city: Changde (常德), its bureaus, counties
//! and parks, and the vocabulary used to make up enterprises, people and
//! documents.

use crate::util::Rng;

pub(crate) struct DeptDef {
    pub id: &'static str,
    pub name: &'static str,
    /// Industrial projects the bureau must bring in each year.
    pub quota: u64,
}

/// City bureaus; quotas as in the 2006 Changde decision (planning, economic
/// and commerce bureaus 2 projects a year, the others 1).
pub(crate) const DEPTS: &[DeptDef] = &[
    DeptDef {
        id: "city-finance",
        name: "常德市财政局",
        quota: 1,
    },
    DeptDef {
        id: "city-planning",
        name: "常德市规划局",
        quota: 2,
    },
    DeptDef {
        id: "city-economic",
        name: "常德市经济委员会",
        quota: 2,
    },
    DeptDef {
        id: "city-commerce",
        name: "常德市商务局",
        quota: 2,
    },
    DeptDef {
        id: "city-land",
        name: "常德市国土资源局",
        quota: 1,
    },
    DeptDef {
        id: "city-party-office",
        name: "中共常德市委办公室",
        quota: 1,
    },
    DeptDef {
        id: "city-gov-office",
        name: "常德市人民政府办公室",
        quota: 1,
    },
    DeptDef {
        id: "city-science",
        name: "常德市科学技术局",
        quota: 1,
    },
    DeptDef {
        id: "city-environment",
        name: "常德市环境保护局",
        quota: 1,
    },
    DeptDef {
        id: "city-labour",
        name: "常德市劳动和社会保障局",
        quota: 1,
    },
];
pub(crate) const D_FINANCE: usize = 0;
pub(crate) const D_ECONOMIC: usize = 2;
pub(crate) const D_COMMERCE: usize = 3;
pub(crate) const D_LAND: usize = 4;
pub(crate) const D_GOV_OFFICE: usize = 6;

pub(crate) const AUDITORS: &[(&str, &str)] = &[
    ("city-audit", "常德市审计局"),
    ("city-discipline", "中共常德市纪律检查委员会"),
    ("city-optimization-office", "常德市优化经济发展环境办公室"),
];

pub(crate) struct CountyDef {
    pub key: &'static str,
    pub county: &'static str,
    pub park: &'static str,
    /// BT financing carried by the county's park, in yuan (0: none).
    pub bt_ceiling: u64,
}

pub(crate) const COUNTIES: &[CountyDef] = &[
    CountyDef {
        key: "dingcheng",
        county: "鼎城区",
        park: "鼎城区灌溪工业园",
        bt_ceiling: 0,
    },
    CountyDef {
        key: "anxiang",
        county: "安乡县",
        park: "安乡县工业园",
        bt_ceiling: 0,
    },
    CountyDef {
        key: "hanshou",
        county: "汉寿县",
        park: "汉寿县高新技术产业园",
        bt_ceiling: 0,
    },
    CountyDef {
        key: "lixian",
        county: "澧县",
        park: "澧县经济开发区",
        bt_ceiling: 600_000_000,
    },
    CountyDef {
        key: "linli",
        county: "临澧县",
        park: "临澧县工业园",
        bt_ceiling: 0,
    },
    CountyDef {
        key: "taoyuan",
        county: "桃源县",
        park: "桃源县创元工业园",
        bt_ceiling: 240_000_000,
    },
    CountyDef {
        key: "shimen",
        county: "石门县",
        park: "石门县工业园",
        bt_ceiling: 0,
    },
    CountyDef {
        key: "jinshi",
        county: "津市市",
        park: "津市市工业园",
        bt_ceiling: 0,
    },
];

/// How a metric accumulates over its period.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Counted up from zero over the period (projects, yuan invested).
    Cumulative,
    /// A rate or level read at a point in time (growth percent, intensity).
    Level,
}

pub(crate) struct MetricDef {
    pub name: &'static str,
    pub unit: &'static str,
    pub at_most: bool,
    pub shape: Shape,
    pub integer: bool,
}

macro_rules! metric {
    ($n:literal, $u:literal, $le:literal, $s:ident, $i:literal) => {
        MetricDef {
            name: $n,
            unit: $u,
            at_most: $le,
            shape: Shape::$s,
            integer: $i,
        }
    };
}

pub(crate) const METRICS: &[MetricDef] = &[
    metric!("new_projects_ge_10m", "count", false, Cumulative, true),
    metric!("new_projects_ge_50m", "count", false, Cumulative, true),
    metric!("new_projects_ge_100m", "count", false, Cumulative, true),
    metric!("new_projects_ge_500m", "count", false, Cumulative, true),
    metric!("new_projects_ge_1b", "count", false, Cumulative, true),
    metric!("sales_growth_percent", "percent", false, Level, false),
    metric!("tax_growth_percent", "percent", false, Level, false),
    metric!("above_scale_enterprises", "count", false, Level, true),
    metric!("infrastructure_investment", "CNY", false, Cumulative, false),
    metric!("industrial_projects_introduced", "count", false, Cumulative, true),
    metric!("fixed_asset_investment", "CNY", false, Cumulative, false),
    metric!("tax_paid", "CNY", false, Cumulative, false),
    metric!("jobs_created", "persons", false, Cumulative, true),
    metric!("energy_intensity", "tce per 10k CNY", true, Level, false),
];
pub(crate) const M_GE_10M: u8 = 0;
pub(crate) const M_GE_50M: u8 = 1;
pub(crate) const M_GE_100M: u8 = 2;
pub(crate) const M_GE_500M: u8 = 3;
pub(crate) const M_GE_1B: u8 = 4;
pub(crate) const M_SALES: u8 = 5;
pub(crate) const M_TAX_GROWTH: u8 = 6;
pub(crate) const M_ABOVE_SCALE: u8 = 7;
pub(crate) const M_INFRA: u8 = 8;
pub(crate) const M_INTRODUCED: u8 = 9;
pub(crate) const M_INVEST: u8 = 10;
pub(crate) const M_TAX_PAID: u8 = 11;
pub(crate) const M_JOBS: u8 = 12;
pub(crate) const M_ENERGY: u8 = 13;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马",
    "罗", "谭", "彭", "曾", "龚",
];
const GIVEN: &[&str] = &[
    "建国", "志强", "海燕", "丽华", "明", "伟", "军", "芳", "勇", "杰", "红梅", "国平", "卫东", "晓峰", "德华", "春生",
    "建华", "秀英", "玉兰", "文斌", "湘平", "澧生", "沅清", "立新",
];
const FIRM_PREFIX: &[&str] = &["湖南", "常德", "德山", "湘北", "中南", "沅澧"];
const FIRM_CORE: &[&str] = &[
    "华鑫",
    "金健",
    "恒安",
    "天利",
    "博雅",
    "鸿运",
    "宏达",
    "新星",
    "正泰",
    "永兴",
    "瑞丰",
    "盛源",
    "龙腾",
    "华升",
    "嘉禾",
    "同力",
    "九鼎",
    "明珠",
    "长岭",
    "桃花源",
];
const INDUSTRIES: &[&str] = &[
    "机械制造",
    "纺织",
    "食品",
    "新材料",
    "电子科技",
    "生物医药",
    "汽车零部件",
    "建材",
    "烟草机械",
    "农产品加工",
    "精细化工",
    "装备制造",
    "纸业",
    "光伏",
];
const CONTRACTOR_KIND: &[&str] = &["建设工程", "路桥建设", "市政工程", "水电安装", "建筑"];
const PROJECT_KIND: &[&str] = &[
    "生产线建设项目",
    "扩能技改项目",
    "产业园项目",
    "标准厂房项目",
    "研发中心项目",
];
pub(crate) const INFRA_WORKS: &[&str] = &[
    "主干道路",
    "供水管网",
    "污水处理厂",
    "标准厂房",
    "供电线路",
    "天然气管网",
    "土地平整",
    "绿化亮化",
];
pub(crate) const EXPENSE_CATEGORIES: &[&str] = &[
    "infrastructure",
    "land_acquisition",
    "utilities",
    "road_construction",
    "public_services",
];

pub(crate) fn person_name(rng: &mut Rng) -> String {
    let mut s = String::with_capacity(12);
    s.push_str(word(rng, SURNAMES));
    s.push_str(word(rng, GIVEN));
    s
}

pub(crate) fn firm_name(rng: &mut Rng) -> String {
    let mut s = String::with_capacity(48);
    s.push_str(word(rng, FIRM_PREFIX));
    s.push_str(word(rng, FIRM_CORE));
    s.push_str(word(rng, INDUSTRIES));
    s.push_str("有限公司");
    s
}

pub(crate) fn contractor_name(rng: &mut Rng) -> String {
    let mut s = String::with_capacity(48);
    s.push_str("常德");
    s.push_str(word(rng, FIRM_CORE));
    s.push_str(word(rng, CONTRACTOR_KIND));
    s.push_str("有限公司");
    s
}

pub(crate) fn project_name(rng: &mut Rng) -> String {
    let mut s = String::with_capacity(48);
    s.push_str(word(rng, FIRM_CORE));
    s.push_str(word(rng, INDUSTRIES));
    s.push_str(word(rng, PROJECT_KIND));
    s
}

fn word(rng: &mut Rng, xs: &[&'static str]) -> &'static str {
    xs[rng.index(xs.len())]
}
