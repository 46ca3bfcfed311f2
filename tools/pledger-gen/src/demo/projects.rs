//! The project register (招商项目与用地, format 2.2): the projects the zone
//! and the county parks signed, 2007–2010, their land and their stages;
//! and which of them the counting targets list.
//!
//! From 2008 the city's responsibility letters ask for a project list
//! (项目清单) behind the parks' "≥50m" counts and the zone's "≥50m" and
//! "≥100m" counts: a project counts in the year it started (开工) with that
//! much money in place (到位资金) by the date reported. The lists are
//! worked out here from the register, so every number claimed and verified
//! is the number of projects that qualify — but where the story plants a
//! discrepancy:
//!
//! - 沅澧机电's plant in 鼎城's 灌溪 park is counted by 鼎城 and, because
//!   the company is registered in 武陵, by 武陵 too, both for 2009
//!   (`project_double_counted`);
//! - 临澧 lists its 2008 cement grinding station again for 2009
//!   (`counted_not_qualifying`, outside the period), and 桃源 for 2010 a
//!   plant extract project signed in October and never started
//!   (`counted_not_qualifying`, only signed); the audits take both lists
//!   over;
//! - the zone's 2010 mid-year report gives 4 projects and names the 3 it
//!   has (`count_mismatch`);
//! - 洞庭水产 in 澧县 starts on its 180 mu 17 months late, and 宏达化纤
//!   in 津市 never starts on its 260 mu (`land_idle`, the second past two
//!   years: the land may be taken back).

use super::data::{STORY_PROJECTS, WAN, ZONE};
use super::{amt, day, ds, Demo};
use crate::util::{business_day, year_of};
use serde_json::{json, Value};

/// The first year whose project counts are counting targets.
pub(super) const COUNTING_FROM: i32 = 2008;

/// The zone's investment-promotion bureau (招商合作局): an office of the
/// zone that signs its projects.
pub(super) const ZONE_BUREAU: &str = "deshan-invest-bureau";

/// Who invests: an enterprise of the stories, or one registered with the
/// signing — by the park (`home`, a county key or `deshan`) it belongs to.
enum Investor {
    Known(&'static str),
    New {
        id: &'static str,
        name: &'static str,
        home: &'static str,
    },
}

use Investor::{Known, New};

/// A stage report: stage, `as_of`, money in place (万元).
type Report = (&'static str, i32, u64);

struct Project {
    id: &'static str,
    /// `deshan` or a county key.
    host: &'static str,
    name: &'static str,
    investor: Investor,
    /// Planned investment, 万元.
    planned: u64,
    signed: i32,
    /// Parcel, area in mu, agreed start of construction.
    land: Option<(&'static str, &'static str, i32)>,
    reports: &'static [Report],
    basis: Option<&'static str>,
}

const S: &str = "started";
const P: &str = "producing";
const STALLED: &str = "stalled";
const CANCELLED: &str = "cancelled";

/// The register, by host and year of signing.
const PROJECTS: &[Project] = &[
    // ----- 德山 (the zone) -------------------------------------------------------
    Project {
        id: "prj-huaxin-line",
        host: "deshan",
        name: "",
        investor: Known("ent-huaxin"),
        planned: 30_000,
        signed: day(2007, 4, 2),
        land: Some(("CD2007-DS-03", "150", day(2007, 9, 30))),
        reports: &[
            (S, day(2007, 7, 16), 3_500),
            (S, day(2007, 12, 31), 6_800),
            (P, day(2008, 9, 5), 9_000),
            (P, day(2009, 12, 31), 12_000),
        ],
        basis: Some("德开投〔2007〕15号 投资合同"),
    },
    Project {
        id: "prj-hengan-base",
        host: "deshan",
        name: "",
        investor: Known("ent-hengan"),
        planned: 105_000,
        signed: day(2008, 2, 18),
        land: Some(("CD2008-DS-01", "620", day(2008, 5, 31))),
        reports: &[
            (S, day(2008, 4, 28), 18_000),
            (S, day(2008, 12, 31), 56_000),
            (P, day(2009, 10, 19), 82_000),
            (P, day(2010, 12, 31), 105_000),
        ],
        basis: Some("市政府常务会议纪要〔2008〕3号(一事一议)"),
    },
    Project {
        id: "prj-ds-dechang",
        host: "deshan",
        name: "德昌精密工程机械液压件项目",
        investor: New {
            id: "ent-ds-dechang",
            name: "湖南德昌精密机械有限公司",
            home: "deshan",
        },
        planned: 12_000,
        signed: day(2008, 3, 11),
        land: Some(("CD2008-DS-02", "95", day(2008, 6, 30))),
        reports: &[
            (S, day(2008, 5, 20), 6_000),
            (S, day(2008, 12, 31), 9_500),
            (P, day(2009, 8, 26), 12_000),
        ],
        basis: None,
    },
    Project {
        id: "prj-ds-huacai",
        host: "deshan",
        name: "华彩烟用包装新材料项目",
        investor: New {
            id: "ent-ds-huacai",
            name: "常德华彩包装材料有限公司",
            home: "deshan",
        },
        planned: 8_000,
        signed: day(2008, 4, 15),
        land: Some(("CD2008-DS-04", "60", day(2008, 8, 31))),
        reports: &[
            (S, day(2008, 8, 12), 5_200),
            (S, day(2008, 12, 31), 6_400),
            (P, day(2009, 6, 18), 8_000),
        ],
        basis: None,
    },
    Project {
        id: "prj-ds-xiangde",
        host: "deshan",
        name: "湘德高档面料织造项目",
        investor: New {
            id: "ent-ds-xiangde",
            name: "湖南湘德纺织科技有限公司",
            home: "deshan",
        },
        planned: 6_500,
        signed: day(2008, 5, 8),
        land: Some(("CD2008-DS-05", "80", day(2008, 9, 30))),
        reports: &[
            (S, day(2008, 9, 22), 5_100),
            (S, day(2008, 12, 31), 5_400),
            // Export orders collapse after the financial crisis.
            (STALLED, day(2009, 6, 30), 5_600),
        ],
        basis: None,
    },
    Project {
        id: "prj-ds-changyan",
        host: "deshan",
        name: "常烟精工烟草机械零部件项目",
        investor: New {
            id: "ent-ds-changyan",
            name: "湖南常烟精工机械有限公司",
            home: "deshan",
        },
        planned: 28_000,
        signed: day(2008, 12, 8),
        land: Some(("CD2008-DS-09", "160", day(2009, 3, 31))),
        reports: &[
            (S, day(2009, 3, 16), 9_000),
            (S, day(2009, 12, 31), 16_000),
            (P, day(2010, 9, 10), 26_000),
        ],
        basis: None,
    },
    Project {
        id: "prj-ds-kaite",
        host: "deshan",
        name: "凯特锂电池隔膜新材料项目",
        investor: New {
            id: "ent-ds-kaite",
            name: "湖南凯特新材料科技有限公司",
            home: "deshan",
        },
        planned: 50_000,
        signed: day(2009, 2, 16),
        land: Some(("CD2009-DS-02", "300", day(2009, 6, 30))),
        reports: &[
            (S, day(2009, 5, 25), 12_000),
            (S, day(2009, 12, 31), 21_000),
            (P, day(2010, 11, 18), 38_000),
        ],
        basis: None,
    },
    Project {
        id: "prj-ds-boan",
        host: "deshan",
        name: "博安生物医药产业园项目",
        investor: New {
            id: "ent-ds-boan",
            name: "湖南博安生物制药有限公司",
            home: "deshan",
        },
        planned: 15_000,
        signed: day(2009, 3, 9),
        land: Some(("CD2009-DS-03", "110", day(2009, 7, 31))),
        reports: &[
            (S, day(2009, 6, 15), 5_500),
            (S, day(2009, 12, 31), 8_800),
            (P, day(2010, 12, 8), 13_500),
        ],
        basis: None,
    },
    Project {
        id: "prj-ds-xinghe",
        host: "deshan",
        name: "兴和LED封装及显示模组项目(租用标准厂房)",
        investor: New {
            id: "ent-ds-xinghe",
            name: "常德兴和电子科技有限公司",
            home: "deshan",
        },
        planned: 20_000,
        signed: day(2009, 5, 18),
        land: None,
        reports: &[
            (S, day(2009, 8, 17), 7_000),
            (S, day(2009, 12, 31), 11_000),
            (P, day(2010, 6, 28), 16_000),
        ],
        basis: None,
    },
    Project {
        id: "prj-ds-jinlun",
        host: "deshan",
        name: "金轮汽车制动系统项目",
        investor: New {
            id: "ent-ds-jinlun",
            name: "常德金轮汽车零部件有限公司",
            home: "deshan",
        },
        planned: 9_000,
        signed: day(2009, 6, 22),
        land: Some(("CD2009-DS-06", "70", day(2009, 10, 31))),
        reports: &[
            (S, day(2009, 9, 28), 5_300),
            (S, day(2009, 12, 31), 6_800),
            (P, day(2010, 10, 15), 9_000),
        ],
        basis: None,
    },
    Project {
        id: "prj-ds-lvyuan",
        host: "deshan",
        name: "绿源饮料灌装生产线项目",
        investor: New {
            id: "ent-ds-lvyuan",
            name: "湖南绿源食品有限公司",
            home: "deshan",
        },
        planned: 7_500,
        signed: day(2009, 7, 20),
        land: Some(("CD2009-DS-07", "55", day(2009, 11, 30))),
        reports: &[
            (S, day(2009, 10, 19), 5_200),
            (S, day(2009, 12, 31), 6_000),
            (P, day(2010, 8, 30), 7_500),
        ],
        basis: None,
    },
    Project {
        id: "prj-ds-heavy",
        host: "deshan",
        name: "德山重工起重机械产业园项目",
        investor: New {
            id: "ent-ds-heavy",
            name: "湖南德山重工机械有限公司",
            home: "deshan",
        },
        planned: 80_000,
        signed: day(2009, 11, 23),
        land: Some(("CD2009-DS-11", "480", day(2010, 3, 31))),
        reports: &[(S, day(2010, 3, 22), 15_000), (S, day(2010, 12, 31), 36_000)],
        basis: None,
    },
    Project {
        id: "prj-ds-tianyi",
        host: "deshan",
        name: "天翼光纤预制棒项目",
        investor: New {
            id: "ent-ds-tianyi",
            name: "湖南天翼光电科技有限公司",
            home: "deshan",
        },
        planned: 30_000,
        signed: day(2010, 1, 18),
        land: Some(("CD2010-DS-01", "150", day(2010, 5, 31))),
        reports: &[
            (S, day(2010, 5, 10), 8_000),
            (S, day(2010, 12, 31), 13_500),
            (P, day(2011, 5, 20), 21_000),
        ],
        basis: None,
    },
    Project {
        id: "prj-ds-kangyuan",
        host: "deshan",
        name: "康源一次性医疗器械项目",
        investor: New {
            id: "ent-ds-kangyuan",
            name: "常德康源医疗器械有限公司",
            home: "deshan",
        },
        planned: 8_000,
        signed: day(2010, 2, 22),
        land: Some(("CD2010-DS-02", "45", day(2010, 6, 30))),
        reports: &[
            (S, day(2010, 6, 8), 5_200),
            (S, day(2010, 12, 31), 7_200),
            (P, day(2011, 3, 28), 8_000),
        ],
        basis: None,
    },
    Project {
        id: "prj-ds-huafeng",
        host: "deshan",
        name: "华丰新型纺织机械项目",
        investor: New {
            id: "ent-ds-huafeng",
            name: "湖南华丰纺机有限公司",
            home: "deshan",
        },
        planned: 12_000,
        signed: day(2010, 3, 15),
        land: Some(("CD2010-DS-03", "85", day(2010, 7, 31))),
        reports: &[(S, day(2010, 7, 12), 5_500), (S, day(2010, 12, 31), 9_200)],
        basis: None,
    },
    Project {
        id: "prj-ds-yuantong",
        host: "deshan",
        name: "远通智能仓储物流装备项目",
        investor: New {
            id: "ent-ds-yuantong",
            name: "常德远通物流装备有限公司",
            home: "deshan",
        },
        planned: 6_000,
        signed: day(2010, 4, 19),
        land: Some(("CD2010-DS-04", "40", day(2010, 8, 31))),
        reports: &[(S, day(2010, 8, 16), 5_100), (S, day(2010, 12, 31), 5_800)],
        basis: None,
    },
    Project {
        id: "prj-ds-xiangyun",
        host: "deshan",
        name: "湘韵休闲食品项目",
        investor: New {
            id: "ent-ds-xiangyun",
            name: "湖南湘韵食品有限公司",
            home: "deshan",
        },
        planned: 6_800,
        signed: day(2010, 5, 10),
        land: Some(("CD2010-DS-05", "50", day(2010, 9, 30))),
        reports: &[(S, day(2010, 9, 13), 5_300), (S, day(2010, 12, 31), 6_100)],
        basis: None,
    },
    Project {
        id: "prj-ds-ruixin",
        host: "deshan",
        name: "瑞芯智能电表及电子元器件项目(租用标准厂房)",
        investor: New {
            id: "ent-ds-ruixin",
            name: "常德瑞芯电子有限公司",
            home: "deshan",
        },
        planned: 9_500,
        signed: day(2010, 6, 21),
        land: None,
        reports: &[(S, day(2010, 8, 30), 5_600), (S, day(2010, 12, 31), 7_400)],
        basis: None,
    },
    Project {
        id: "prj-ds-yaxin",
        host: "deshan",
        name: "亚新新型墙体材料项目",
        investor: New {
            id: "ent-ds-yaxin",
            name: "湖南亚新建材科技有限公司",
            home: "deshan",
        },
        planned: 7_000,
        signed: day(2010, 7, 12),
        land: Some(("CD2010-DS-06", "65", day(2010, 11, 30))),
        reports: &[(S, day(2010, 10, 25), 5_200), (S, day(2010, 12, 31), 5_900)],
        basis: None,
    },
    // ----- 武陵 -----------------------------------------------------------------
    Project {
        id: "prj-wl-hongyun2",
        host: "wuling",
        name: "鸿运食品二期速冻食品项目",
        investor: Known("ent-wl-hongyun"),
        planned: 6_000,
        signed: day(2008, 3, 20),
        land: Some(("CD2008-WL-03", "40", day(2008, 7, 31))),
        reports: &[
            (S, day(2008, 7, 8), 3_000),
            (S, day(2008, 12, 31), 5_400),
            (P, day(2009, 5, 20), 6_000),
        ],
        basis: None,
    },
    Project {
        id: "prj-wl-furong",
        host: "wuling",
        name: "芙蓉电子变压器及线圈项目(租用标准厂房)",
        investor: New {
            id: "ent-wl-furong",
            name: "常德芙蓉电子有限公司",
            home: "wuling",
        },
        planned: 7_200,
        signed: day(2009, 2, 23),
        land: None,
        reports: &[
            (S, day(2009, 4, 13), 3_000),
            (S, day(2009, 12, 31), 5_600),
            (P, day(2010, 4, 26), 7_200),
        ],
        basis: None,
    },
    Project {
        id: "prj-wl-jinye",
        host: "wuling",
        name: "金叶烟机配件精密加工项目",
        investor: New {
            id: "ent-wl-jinye",
            name: "常德金叶烟机配件有限公司",
            home: "wuling",
        },
        planned: 8_500,
        signed: day(2010, 3, 8),
        land: Some(("CD2010-WL-02", "50", day(2010, 6, 30))),
        reports: &[
            (S, day(2010, 5, 24), 4_000),
            (S, day(2010, 12, 31), 6_300),
            (P, day(2011, 4, 18), 8_500),
        ],
        basis: None,
    },
    // ----- 鼎城 -----------------------------------------------------------------
    Project {
        id: "prj-dc-zhengtai2",
        host: "dingcheng",
        name: "正泰新型干混砂浆二期项目",
        investor: Known("ent-dc-zhengtai"),
        planned: 9_000,
        signed: day(2008, 1, 28),
        land: Some(("CD2008-DC-01", "75", day(2008, 4, 30))),
        reports: &[
            (S, day(2008, 4, 21), 3_500),
            (S, day(2008, 12, 31), 7_600),
            (P, day(2009, 7, 15), 9_000),
        ],
        basis: None,
    },
    Project {
        id: "prj-dc-xinglong",
        host: "dingcheng",
        name: "兴隆棉纺十万锭项目",
        investor: New {
            id: "ent-dc-xinglong",
            name: "常德兴隆纺织有限公司",
            home: "dingcheng",
        },
        planned: 16_000,
        signed: day(2008, 4, 7),
        land: Some(("CD2008-DC-02", "130", day(2008, 7, 31))),
        reports: &[
            (S, day(2008, 7, 14), 5_000),
            (S, day(2008, 12, 31), 9_800),
            // Orders too thin to finish the second workshop.
            (STALLED, day(2009, 9, 30), 11_000),
        ],
        basis: None,
    },
    Project {
        id: "prj-dc-yuanli",
        host: "dingcheng",
        name: "沅澧机电灌溪生产基地项目",
        // Registered in 武陵 (its headquarters), building in 灌溪.
        investor: New {
            id: "ent-wl-yuanli",
            name: "湖南沅澧机电有限公司",
            home: "wuling",
        },
        planned: 12_000,
        signed: day(2009, 3, 30),
        land: Some(("CD2009-DC-03", "90", day(2009, 7, 31))),
        reports: &[
            (S, day(2009, 7, 6), 5_000),
            (S, day(2009, 12, 31), 8_200),
            (P, day(2010, 9, 20), 12_000),
        ],
        basis: None,
    },
    Project {
        id: "prj-dc-jianxin",
        host: "dingcheng",
        name: "建新PE给排水管材项目",
        investor: New {
            id: "ent-dc-jianxin",
            name: "常德建新管业有限公司",
            home: "dingcheng",
        },
        planned: 6_500,
        signed: day(2010, 1, 25),
        land: Some(("CD2010-DC-01", "48", day(2010, 5, 31))),
        reports: &[(S, day(2010, 4, 19), 3_200), (S, day(2010, 12, 31), 5_600)],
        basis: None,
    },
    Project {
        id: "prj-dc-haoyun",
        host: "dingcheng",
        name: "浩运汽车座椅骨架项目",
        investor: New {
            id: "ent-dc-haoyun",
            name: "湖南浩运汽车零部件有限公司",
            home: "dingcheng",
        },
        planned: 11_000,
        signed: day(2010, 4, 12),
        land: Some(("CD2010-DC-02", "70", day(2010, 8, 31))),
        reports: &[(S, day(2010, 8, 9), 4_800), (S, day(2010, 12, 31), 7_300)],
        basis: None,
    },
    // ----- 津市 -----------------------------------------------------------------
    Project {
        id: "prj-js-hongda",
        host: "jinshi",
        name: "宏达粘胶短纤维项目",
        investor: New {
            id: "ent-js-hongda",
            name: "津市宏达化纤有限公司",
            home: "jinshi",
        },
        planned: 18_000,
        signed: day(2008, 1, 22),
        // Never built on: idle since July 2009, reclaimable since July 2010.
        land: Some(("CD2008-JS-01", "260", day(2008, 6, 30))),
        reports: &[(STALLED, day(2009, 3, 31), 800)],
        basis: None,
    },
    Project {
        id: "prj-js-mingzhu",
        host: "jinshi",
        name: "明珠生物原料药生产线项目",
        investor: Known("ent-js-mingzhu"),
        planned: 7_800,
        signed: day(2008, 7, 8),
        land: Some(("CD2008-JS-04", "60", day(2008, 10, 31))),
        reports: &[
            (S, day(2008, 9, 16), 3_000),
            (S, day(2008, 12, 31), 5_200),
            (P, day(2009, 11, 25), 7_800),
        ],
        basis: None,
    },
    Project {
        id: "prj-js-niurou",
        host: "jinshi",
        name: "津市牛肉粉方便食品项目(租用标准厂房)",
        investor: New {
            id: "ent-js-xiangli",
            name: "津市湘澧食品有限公司",
            home: "jinshi",
        },
        planned: 2_800,
        signed: day(2009, 4, 6),
        land: None,
        reports: &[
            (S, day(2009, 6, 1), 1_200),
            (S, day(2009, 12, 31), 2_100),
            (P, day(2010, 3, 15), 2_800),
        ],
        basis: None,
    },
    Project {
        id: "prj-js-kangpu",
        host: "jinshi",
        name: "康普中药提取物项目",
        investor: New {
            id: "ent-js-kangpu",
            name: "湖南康普药业有限公司",
            home: "jinshi",
        },
        planned: 9_000,
        signed: day(2010, 2, 8),
        land: Some(("CD2010-JS-01", "70", day(2010, 6, 30))),
        reports: &[(S, day(2010, 6, 21), 3_500), (S, day(2010, 12, 31), 6_200)],
        basis: None,
    },
    // ----- 澧县 -----------------------------------------------------------------
    Project {
        id: "prj-lx-jiuding",
        host: "lixian",
        name: "九鼎纸业高档生活用纸项目",
        investor: Known("ent-lx-jiuding"),
        planned: 6_800,
        signed: day(2008, 5, 12),
        land: Some(("CD2008-LX-02", "80", day(2008, 9, 30))),
        reports: &[
            (S, day(2008, 8, 25), 2_200),
            (S, day(2008, 12, 31), 3_800),
            (P, day(2009, 9, 28), 6_800),
        ],
        basis: None,
    },
    Project {
        id: "prj-lx-xiangtai",
        host: "lixian",
        name: "湘泰棉纺织项目",
        investor: New {
            id: "ent-lx-xiangtai",
            name: "澧县湘泰棉业有限公司",
            home: "lixian",
        },
        planned: 8_800,
        signed: day(2009, 3, 2),
        land: Some(("CD2009-LX-01", "75", day(2009, 6, 30))),
        reports: &[
            (S, day(2009, 6, 8), 3_600),
            (S, day(2009, 12, 31), 6_100),
            (P, day(2010, 7, 19), 8_800),
        ],
        basis: None,
    },
    Project {
        id: "prj-lx-dongting",
        host: "lixian",
        name: "洞庭水产品精深加工项目",
        investor: New {
            id: "ent-lx-dongting",
            name: "澧县洞庭水产食品有限公司",
            home: "lixian",
        },
        planned: 5_600,
        signed: day(2009, 4, 16),
        // Started 17 months after the agreed start: idle from November 2010.
        land: Some(("CD2009-LX-05", "180", day(2009, 10, 31))),
        reports: &[(S, day(2011, 3, 18), 1_500)],
        basis: None,
    },
    Project {
        id: "prj-lx-jinlong",
        host: "lixian",
        name: "金龙高强瓦楞纸项目",
        investor: New {
            id: "ent-lx-jinlong",
            name: "湖南金龙纸业有限公司",
            home: "lixian",
        },
        planned: 15_000,
        signed: day(2010, 1, 11),
        land: Some(("CD2010-LX-01", "140", day(2010, 5, 31))),
        reports: &[(S, day(2010, 5, 17), 5_200), (S, day(2010, 12, 31), 9_800)],
        basis: None,
    },
    Project {
        id: "prj-lx-yufeng",
        host: "lixian",
        name: "裕丰粮油精深加工项目",
        investor: New {
            id: "ent-lx-yufeng",
            name: "澧县裕丰米业有限公司",
            home: "lixian",
        },
        planned: 6_200,
        signed: day(2010, 3, 29),
        land: Some(("CD2010-LX-02", "55", day(2010, 7, 31))),
        reports: &[
            (S, day(2010, 7, 5), 2_800),
            (S, day(2010, 12, 31), 5_300),
            (P, day(2011, 5, 9), 6_200),
        ],
        basis: None,
    },
    // ----- 临澧 -----------------------------------------------------------------
    Project {
        id: "prj-ll-yongxing2",
        host: "linli",
        name: "永兴新型干法水泥粉磨站项目",
        investor: Known("ent-ll-yongxing"),
        planned: 12_000,
        signed: day(2008, 2, 25),
        land: Some(("CD2008-LL-01", "110", day(2008, 5, 31))),
        reports: &[
            (S, day(2008, 5, 12), 4_500),
            (S, day(2008, 12, 31), 8_600),
            (P, day(2009, 6, 30), 12_000),
        ],
        basis: None,
    },
    Project {
        id: "prj-ll-anfu",
        host: "linli",
        name: "安福脱硫石膏综合利用项目",
        investor: New {
            id: "ent-ll-anfu",
            name: "湖南安福环保科技有限公司",
            home: "linli",
        },
        planned: 7_000,
        signed: day(2009, 4, 20),
        land: Some(("CD2009-LL-02", "60", day(2009, 8, 31))),
        reports: &[
            (S, day(2009, 8, 10), 3_000),
            (S, day(2009, 12, 31), 5_400),
            (P, day(2010, 8, 23), 7_000),
        ],
        basis: None,
    },
    Project {
        id: "prj-ll-hongxiang",
        host: "linli",
        name: "鸿翔化纤纺纱项目",
        investor: New {
            id: "ent-ll-hongxiang",
            name: "临澧鸿翔纺织有限公司",
            home: "linli",
        },
        planned: 7_600,
        signed: day(2010, 3, 22),
        land: Some(("CD2010-LL-01", "65", day(2010, 7, 31))),
        reports: &[(S, day(2010, 6, 28), 3_300), (S, day(2010, 12, 31), 5_500)],
        basis: None,
    },
    // ----- 石门 -----------------------------------------------------------------
    Project {
        id: "prj-sm-longteng",
        host: "shimen",
        name: "龙腾精细化工医药中间体项目",
        investor: Known("ent-sm-longteng"),
        planned: 9_500,
        signed: day(2008, 2, 25),
        land: Some(("CD2008-SM-01", "90", day(2008, 6, 30))),
        reports: &[
            (S, day(2008, 6, 16), 3_800),
            (S, day(2008, 12, 31), 6_500),
            (P, day(2009, 8, 10), 9_500),
        ],
        basis: None,
    },
    Project {
        id: "prj-sm-kunda",
        host: "shimen",
        name: "坤达新型干法水泥熟料生产线项目",
        investor: New {
            id: "ent-sm-kunda",
            name: "湖南石门坤达建材有限公司",
            home: "shimen",
        },
        planned: 48_000,
        signed: day(2008, 4, 14),
        land: Some(("CD2008-SM-02", "320", day(2008, 8, 31))),
        reports: &[
            (S, day(2008, 8, 18), 12_000),
            (S, day(2008, 12, 31), 21_000),
            (P, day(2010, 3, 29), 46_000),
        ],
        basis: None,
    },
    Project {
        id: "prj-sm-yunhe",
        host: "shimen",
        name: "云鹤茶叶精深加工项目",
        investor: New {
            id: "ent-sm-yunhe",
            name: "石门云鹤茶业有限公司",
            home: "shimen",
        },
        planned: 6_000,
        signed: day(2009, 3, 16),
        land: Some(("CD2009-SM-01", "50", day(2009, 6, 30))),
        reports: &[
            (S, day(2009, 6, 22), 2_600),
            (S, day(2009, 12, 31), 5_200),
            (P, day(2010, 5, 17), 6_000),
        ],
        basis: None,
    },
    Project {
        id: "prj-sm-xiangfeng",
        host: "shimen",
        name: "湘峰输变电设备项目",
        investor: New {
            id: "ent-sm-xiangfeng",
            name: "湖南湘峰电力设备有限公司",
            home: "shimen",
        },
        planned: 10_500,
        signed: day(2010, 1, 20),
        land: Some(("CD2010-SM-01", "80", day(2010, 5, 31))),
        reports: &[(S, day(2010, 5, 6), 4_200), (S, day(2010, 12, 31), 6_900)],
        basis: None,
    },
    Project {
        id: "prj-sm-huping",
        host: "shimen",
        name: "壶瓶山有机茶加工项目",
        investor: New {
            id: "ent-sm-huping",
            name: "石门壶瓶山茶业有限公司",
            home: "shimen",
        },
        planned: 2_500,
        signed: day(2010, 3, 1),
        land: Some(("CD2010-SM-03", "20", day(2010, 6, 30))),
        reports: &[
            (S, day(2010, 5, 10), 900),
            (S, day(2010, 12, 31), 1_800),
            (P, day(2011, 4, 18), 2_500),
        ],
        basis: None,
    },
    Project {
        id: "prj-sm-tianyuan",
        host: "shimen",
        name: "天源超细钾长石粉体材料项目",
        investor: New {
            id: "ent-sm-tianyuan",
            name: "石门天源矿业新材料有限公司",
            home: "shimen",
        },
        planned: 8_200,
        signed: day(2010, 4, 26),
        land: Some(("CD2010-SM-02", "70", day(2010, 9, 30))),
        reports: &[(S, day(2010, 9, 6), 3_500), (S, day(2010, 12, 31), 5_400)],
        basis: None,
    },
    // ----- 桃源 -----------------------------------------------------------------
    Project {
        id: "prj-ty-yuanjiang",
        host: "taoyuan",
        name: "沅江铝型材精深加工项目",
        investor: New {
            id: "ent-ty-yuanjiang",
            name: "湖南沅江铝材有限公司",
            home: "taoyuan",
        },
        planned: 22_000,
        signed: day(2008, 3, 24),
        land: Some(("CD2008-TY-01", "150", day(2008, 7, 31))),
        reports: &[
            (S, day(2008, 7, 21), 7_000),
            (S, day(2008, 12, 31), 13_000),
            (P, day(2009, 10, 12), 21_000),
        ],
        basis: None,
    },
    Project {
        id: "prj-ty-yecha",
        host: "taoyuan",
        name: "桃源红茶加工项目(租用标准厂房)",
        investor: New {
            id: "ent-ty-yecha",
            name: "桃源县野茶王茶业有限公司",
            home: "taoyuan",
        },
        planned: 1_200,
        signed: day(2008, 6, 10),
        land: None,
        reports: &[(S, day(2008, 8, 4), 600), (P, day(2009, 3, 30), 1_200)],
        basis: None,
    },
    Project {
        id: "prj-ty-taohuayuan",
        host: "taoyuan",
        name: "桃花源农产品加工园项目",
        investor: Known("ent-ty-taohuayuan"),
        planned: 6_500,
        signed: day(2009, 3, 9),
        land: Some(("CD2009-TY-01", "70", day(2009, 5, 31))),
        reports: &[
            (S, day(2009, 3, 23), 2_800),
            (S, day(2009, 12, 31), 5_300),
            (P, day(2010, 4, 12), 6_500),
        ],
        basis: None,
    },
    Project {
        id: "prj-ty-shengtai",
        host: "taoyuan",
        name: "盛泰电子线路板项目(租用标准厂房)",
        investor: New {
            id: "ent-ty-shengtai",
            name: "湖南盛泰电子科技有限公司",
            home: "taoyuan",
        },
        planned: 9_000,
        signed: day(2009, 5, 4),
        land: None,
        reports: &[
            (S, day(2009, 7, 13), 4_200),
            (S, day(2009, 12, 31), 6_000),
            (P, day(2010, 8, 16), 9_000),
        ],
        basis: None,
    },
    Project {
        id: "prj-ty-lvjian",
        host: "taoyuan",
        name: "绿健植物提取物项目",
        investor: New {
            id: "ent-ty-lvjian",
            name: "湖南绿健生物科技有限公司",
            home: "taoyuan",
        },
        planned: 12_000,
        // Signed in October 2010, never started; counted for 2010 all the same.
        signed: day(2010, 10, 25),
        land: None,
        reports: &[],
        basis: None,
    },
    // ----- 汉寿 -----------------------------------------------------------------
    Project {
        id: "prj-hs-boya",
        host: "hanshou",
        name: "博雅汽车零部件生产基地项目",
        investor: Known("ent-hs-boya"),
        planned: 8_000,
        signed: day(2008, 3, 10),
        land: Some(("CD2008-HS-01", "70", day(2008, 7, 31))),
        reports: &[
            (S, day(2008, 6, 23), 3_600),
            (S, day(2008, 12, 31), 6_100),
            (P, day(2009, 11, 16), 8_000),
        ],
        basis: None,
    },
    Project {
        id: "prj-hs-dongtingchun",
        host: "hanshou",
        name: "洞庭春甲鱼及水产品深加工项目",
        investor: New {
            id: "ent-hs-dongtingchun",
            name: "湖南洞庭春食品有限公司",
            home: "hanshou",
        },
        planned: 6_000,
        signed: day(2008, 5, 19),
        land: Some(("CD2008-HS-02", "45", day(2008, 9, 30))),
        reports: &[
            (S, day(2008, 9, 8), 3_000),
            (S, day(2008, 12, 31), 5_200),
            (P, day(2009, 9, 21), 6_000),
        ],
        basis: None,
    },
    Project {
        id: "prj-hs-xinke",
        host: "hanshou",
        name: "新科特种电缆项目",
        investor: New {
            id: "ent-hs-xinke",
            name: "湖南新科电缆有限公司",
            home: "hanshou",
        },
        planned: 9_800,
        signed: day(2009, 2, 16),
        land: Some(("CD2009-HS-01", "75", day(2009, 6, 30))),
        reports: &[
            (S, day(2009, 5, 25), 4_000),
            (S, day(2009, 12, 31), 6_600),
            (P, day(2010, 10, 25), 9_800),
        ],
        basis: None,
    },
    Project {
        id: "prj-hs-huaxia",
        host: "hanshou",
        name: "华夏多晶硅切片项目",
        investor: New {
            id: "ent-hs-huaxia",
            name: "湖南华夏光伏科技有限公司",
            home: "hanshou",
        },
        planned: 15_000,
        signed: day(2010, 3, 15),
        land: None,
        // The investor withdrew before any land was granted: 汉寿's 2010 of no ≥50m project.
        reports: &[(CANCELLED, day(2010, 9, 30), 0)],
        basis: None,
    },
    // ----- 安乡 -----------------------------------------------------------------
    Project {
        id: "prj-ax-xiangmian",
        host: "anxiang",
        name: "湘棉精梳纱项目",
        investor: New {
            id: "ent-ax-xiangmian",
            name: "安乡湘棉纺织有限公司",
            home: "anxiang",
        },
        planned: 7_000,
        signed: day(2008, 3, 17),
        land: Some(("CD2008-AX-01", "65", day(2008, 7, 31))),
        reports: &[
            (S, day(2008, 7, 14), 3_000),
            (S, day(2008, 12, 31), 5_300),
            (P, day(2009, 9, 7), 7_000),
        ],
        basis: None,
    },
    Project {
        id: "prj-ax-jiahe",
        host: "anxiang",
        name: "嘉禾纺织新建纺纱生产线项目",
        investor: Known("ent-ax-jiahe"),
        planned: 8_000,
        signed: day(2009, 2, 23),
        land: Some(("CD2009-AX-01", "70", day(2009, 6, 30))),
        reports: &[
            (S, day(2009, 5, 18), 3_500),
            (S, day(2009, 12, 31), 5_600),
            (P, day(2010, 6, 28), 7_200),
        ],
        basis: None,
    },
    Project {
        id: "prj-ax-dongtinghu",
        host: "anxiang",
        name: "洞庭湖优质稻米加工项目",
        investor: New {
            id: "ent-ax-dongtinghu",
            name: "湖南洞庭湖米业有限公司",
            home: "anxiang",
        },
        planned: 6_300,
        signed: day(2009, 4, 13),
        land: Some(("CD2009-AX-02", "60", day(2009, 8, 31))),
        reports: &[
            (S, day(2009, 8, 3), 3_100),
            (S, day(2009, 12, 31), 5_200),
            (P, day(2010, 9, 13), 6_300),
        ],
        basis: None,
    },
    Project {
        id: "prj-ax-hengji",
        host: "anxiang",
        name: "恒基农机装备项目",
        investor: New {
            id: "ent-ax-hengji",
            name: "安乡恒基机械制造有限公司",
            home: "anxiang",
        },
        planned: 7_500,
        signed: day(2010, 2, 22),
        land: Some(("CD2010-AX-01", "60", day(2010, 6, 30))),
        reports: &[(S, day(2010, 6, 14), 3_000), (S, day(2010, 12, 31), 5_400)],
        basis: None,
    },
];

/// Listings beyond what qualifies, by target id: the plants.
const PLANTED_LISTINGS: [(&str, &str); 3] = [
    // Counted by 武陵 as well as by its host, 鼎城.
    ("wuling-2009-ge50m", "prj-dc-yuanli"),
    // Started in 2008, counted again for 2009.
    ("linli-2009-ge50m", "prj-ll-yongxing2"),
    // Signed in October 2010, never started.
    ("taoyuan-2010-ge50m", "prj-ty-lvjian"),
];

/// The entity id of a host key.
fn host_entity(host: &str) -> String {
    if host == "deshan" {
        ZONE.to_string()
    } else {
        format!("{host}-park")
    }
}

/// Who signs for a host: the zone's bureau, or the park itself.
fn host_actor(host: &str) -> String {
    if host == "deshan" {
        ZONE_BUREAU.to_string()
    } else {
        format!("{host}-park")
    }
}

/// The short name used in a host's document numbers.
fn host_abbr(host: &str) -> &'static str {
    match host {
        "deshan" => "德开",
        "wuling" => "武",
        "dingcheng" => "鼎",
        "jinshi" => "津",
        "lixian" => "澧",
        "linli" => "临",
        "shimen" => "石",
        "taoyuan" => "桃",
        "hanshou" => "汉",
        _ => "安",
    }
}

impl Project {
    fn name(&self) -> &'static str {
        if self.name.is_empty() {
            STORY_PROJECTS
                .iter()
                .find(|(_, id, ..)| *id == self.id)
                .map_or(self.id, |(_, _, name, _)| name)
        } else {
            self.name
        }
    }

    fn investor_id(&self) -> &'static str {
        match self.investor {
            Known(id) | New { id, .. } => id,
        }
    }

    /// The first date it started (or produced).
    fn first_start(&self) -> Option<i32> {
        self.reports.iter().filter(|r| r.0 == S || r.0 == P).map(|r| r.1).min()
    }

    /// Its latest report as of `d` (the reports are in `as_of` order).
    fn latest(&self, d: i32) -> Option<&Report> {
        self.reports.iter().rev().find(|r| r.1 <= d)
    }

    /// Does it qualify, as of `d`, for a count of projects that started in
    /// year `y` with `min` 万元 in place (format 2.2)?
    fn qualifies(&self, y: i32, d: i32, min: u64) -> bool {
        let Some(first) = self.first_start() else {
            return false;
        };
        let Some(latest) = self.latest(d) else {
            return false;
        };
        first <= d && year_of(first) == y && latest.0 != STALLED && latest.0 != CANCELLED && latest.2 >= min
    }
}

/// The projects a counting target of `assignee` (entity id) lists for year
/// `y` as of `as_of`: those of its own that qualify with `min` 万元 in place,
/// then the plants named for `target`.
pub(super) fn listed(assignee: &str, target: &str, y: i32, as_of: i32, min: u64) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = PROJECTS
        .iter()
        .filter(|p| host_entity(p.host) == assignee && p.qualifies(y, as_of, min))
        .map(|p| p.id)
        .collect();
    out.extend(PLANTED_LISTINGS.iter().filter(|(t, _)| *t == target).map(|(_, p)| *p));
    out
}

/// `counts` of a counting target: projects started, with `min` 万元 in place.
pub(super) fn counts(min: u64) -> Value {
    json!({"stage": S, "min_investment": amt(min * WAN)})
}

impl Demo {
    /// The register: the zone's bureau, then per project its investor (when
    /// new), its entity (unless a story registered it), the signing and the
    /// stage reports.
    pub(super) fn projects(&mut self) {
        self.entity(
            day(2006, 1, 4),
            super::data::GOV,
            ZONE_BUREAU,
            "department",
            "常德经济技术开发区招商合作局",
            Some(ZONE),
        );
        for (n, p) in PROJECTS.iter().enumerate() {
            self.project(n, p);
        }
    }

    fn project(&mut self, n: usize, p: &Project) {
        let host = host_entity(p.host);
        let actor = host_actor(p.host);
        let signed = business_day(p.signed);
        if let New { id, name, home } = p.investor {
            let park = host_entity(home);
            self.entity(signed, &park, id, "enterprise", name, Some(&park));
        }
        if !STORY_PROJECTS.iter().any(|(_, id, ..)| *id == p.id) {
            self.entity(signed, &actor, p.id, "project", p.name(), Some(p.investor_id()));
        }
        let y = year_of(signed);
        let basis = p.basis.map_or_else(
            || format!("{}投〔{y}〕{}号 项目投资合同", host_abbr(p.host), 11 + n),
            str::to_string,
        );
        let mut data = json!({
            "project_id": p.id, "host": host, "investor": p.investor_id(),
            "planned_investment": amt(p.planned * WAN), "signed_on": ds(signed), "basis": basis,
        });
        if let Some((parcel, mu, start)) = p.land {
            data["land"] = json!({"parcel_id": parcel, "area_mu": mu, "agreed_start": ds(start)});
        }
        self.push(signed, "project.signed", &actor, data);
        for (k, &(stage, as_of, in_place)) in p.reports.iter().enumerate() {
            self.stage_report(n, k, p, &actor, stage, as_of, in_place);
        }
    }

    /// A stage report: the host reports starts, the year's figures and
    /// halts; the investor its production and its withdrawal.
    #[allow(clippy::too_many_arguments)]
    fn stage_report(
        &mut self,
        n: usize,
        k: usize,
        p: &Project,
        host_actor: &str,
        stage: &str,
        as_of: i32,
        in_place: u64,
    ) {
        let y = year_of(as_of);
        let abbr = host_abbr(p.host);
        let year_end = as_of == day(y, 12, 31);
        let (lag, by_investor, evidence) = match stage {
            S if year_end => (
                6,
                false,
                format!("{abbr}统〔{}〕{}号 {y}年度招商项目资金到位情况统计表", y + 1, 3 + n % 7),
            ),
            S => (
                5,
                false,
                format!("{abbr}建施〔{y}〕{:03}号 建筑工程施工许可证", 20 + n * 3 + k),
            ),
            P => (4, true, format!("{}竣工投产验收备案表", p.name())),
            STALLED => (
                10,
                false,
                format!("{abbr}招〔{y}〕{}号 关于{}停建情况的报告", 40 + n, p.name()),
            ),
            _ => (10, true, format!("{}终止协议(投资方撤资)", p.name())),
        };
        let recorded = business_day(as_of + lag);
        assert!(recorded <= day(2011, 6, 30), "{} reported after the judging date", p.id);
        let actor = if by_investor {
            p.investor_id().to_string()
        } else {
            host_actor.to_string()
        };
        let mut data = json!({"project_id": p.id, "stage": stage, "as_of": ds(as_of),
                              "evidence": self.evidence(&evidence)});
        if in_place > 0 {
            data["investment_in_place"] = json!(amt(in_place * WAN));
        }
        self.push(recorded, "project.stage_reported", &actor, data);
    }
}
