//! The finding codes of format 3.5, typed: one list ([`FindingCode::ALL`])
//! that the views, the server's `/v1/finding-codes`, the tests and the demo
//! all loop over.
//!
//! Each code is one row of the table in [`finding_codes!`]: its wire string
//! (unchanged from the format), severity, the format version that
//! introduced it, and its labels. A variant cannot be added without all of
//! them, so nothing that describes codes can fall behind the list.

use serde::{Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;

/// A language the labels and the findings' sentences are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English.
    En,
    /// Simplified Chinese.
    ZhCn,
}

impl Lang {
    /// Every language a code has a label in.
    pub const ALL: &'static [Lang] = &[Lang::En, Lang::ZhCn];

    /// The BCP 47 tag: `en`, `zh-CN`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language of a BCP 47 tag or a POSIX locale name, whatever its
    /// case: `zh`, `zh-CN`, `zh-Hans`, `zh_CN.UTF-8` are Chinese (the one
    /// Chinese pledger writes is Simplified); `en`, `en-GB`, `en_US.UTF-8`
    /// English; anything else none.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase();
        let primary = tag.split(['-', '_', '.', '@']).next().unwrap_or_default();
        match primary {
            "zh" => Some(Lang::ZhCn),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language a command line speaks by default: that of the first
    /// of `LC_ALL`, `LC_MESSAGES` and `LANG` that is set and not empty
    /// (the POSIX order), given here as values; Chinese for a `zh` locale,
    /// else English (`C`, `POSIX` and every other language).
    pub fn from_locale(lc_all: Option<&str>, lc_messages: Option<&str>, lang: Option<&str>) -> Lang {
        let locale = [lc_all, lc_messages, lang]
            .into_iter()
            .flatten()
            .find(|v| !v.trim().is_empty());
        match locale.and_then(Lang::from_tag) {
            Some(Lang::ZhCn) => Lang::ZhCn,
            _ => Lang::En,
        }
    }

    /// The language an HTTP `Accept-Language` header prefers among those
    /// pledger writes (RFC 9110 12.5.4: the highest `q`, the first listed
    /// on a tie; `q=0` refuses), or `None` when it accepts neither.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(Lang, u16)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::from_tag) else {
                continue;
            };
            let mut q = 1000;
            for p in parts {
                if let Some(v) = p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")) {
                    q = parse_q(v.trim()).unwrap_or(0);
                }
            }
            if q > 0 && best.is_none_or(|(_, b)| q > b) {
                best = Some((lang, q));
            }
        }
        best.map(|(l, _)| l)
    }
}

/// A quality value (`1`, `0.8`, `0.125`) in thousandths.
fn parse_q(v: &str) -> Option<u16> {
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: u16 = match int {
        "0" => 0,
        "1" => 1000,
        _ => return None,
    };
    let thousandths: u16 = format!("{frac:0<3}").parse().ok()?;
    let q = whole + thousandths;
    (q <= 1000).then_some(q)
}

impl std::str::FromStr for Lang {
    type Err = String;

    /// `en` or `zh-CN` (also `zh`, `zh_CN.UTF-8` and the like).
    fn from_str(s: &str) -> Result<Lang, String> {
        Lang::from_tag(s).ok_or_else(|| format!("{s:?} is not a language pledger writes; use zh-CN or en"))
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// How serious a finding is: 3 serious (money wrongly moved or owed),
/// 2 significant, 1 minor (paperwork).
pub const SERIOUS: u8 = 3;
/// See [`SERIOUS`].
pub const SIGNIFICANT: u8 = 2;
/// See [`SERIOUS`].
pub const MINOR: u8 = 1;

macro_rules! finding_codes {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $code:literal, severity $severity:expr, version $version:literal,
            en $en:literal, zh $zh:literal;
    )*) => {
        /// A code of format 3.5 (and pledger's own additions). Serialises
        /// as its wire string, e.g. `"overdraft"`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum FindingCode {
            $( $(#[$doc])* $variant, )*
        }

        impl FindingCode {
            /// Every code, in the order of the format's table.
            pub const ALL: &'static [FindingCode] = &[$(FindingCode::$variant),*];

            /// The wire string, as in the JSON of every report.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(FindingCode::$variant => $code,)*
                }
            }

            /// 3 serious, 2 significant, 1 minor.
            pub fn severity(self) -> u8 {
                match self {
                    $(FindingCode::$variant => $severity,)*
                }
            }

            /// The version of the event format that introduced the code.
            pub fn version(self) -> u8 {
                match self {
                    $(FindingCode::$variant => $version,)*
                }
            }

            /// A short name for a person reading a report.
            pub fn label(self, lang: Lang) -> &'static str {
                match lang {
                    Lang::En => match self {
                        $(FindingCode::$variant => $en,)*
                    },
                    Lang::ZhCn => match self {
                        $(FindingCode::$variant => $zh,)*
                    },
                }
            }
        }
    };
}

finding_codes! {
    /// An account's running balance went below zero.
    Overdraft = "overdraft", severity SERIOUS, version 1,
        en "Overdraft", zh "账户透支";
    /// A source account paid out more than its ceiling.
    OverCeiling = "over_ceiling", severity SERIOUS, version 1,
        en "Over ceiling", zh "超出授信额度";
    /// Disbursements against an allocation exceed its amount.
    OverAllocation = "over_allocation", severity SERIOUS, version 1,
        en "Over allocation", zh "超计划拨付";
    /// Money into an internal account never confirmed received.
    UnconfirmedDisbursement = "unconfirmed_disbursement", severity MINOR, version 1,
        en "Unconfirmed disbursement", zh "拨付未确认到账";
    /// Money left an earmarked account for another category.
    EarmarkBreach = "earmark_breach", severity SERIOUS, version 1,
        en "Earmark breach", zh "专户资金改变用途";
    /// A claim better than what was verified.
    OverstatedClaim = "overstated_claim", severity SIGNIFICANT, version 1,
        en "Overstated claim", zh "虚报完成情况";
    /// A target revised after its period ended.
    TargetRevisedAfterPeriod = "target_revised_after_period", severity SIGNIFICANT, version 1,
        en "Target revised after its period", zh "期满后调整目标";
    /// Two or more missed periods in a row.
    ConsecutiveMisses = "consecutive_misses", severity SIGNIFICANT, version 1,
        en "Consecutive misses", zh "连续未完成目标";
    /// A reward paid while its target was not met.
    PaidWithoutMetTarget = "paid_without_met_target", severity SERIOUS, version 1,
        en "Paid without a met target", zh "未完成目标即发放奖励";
    /// A role paid more than its share.
    ShareExceeded = "share_exceeded", severity SERIOUS, version 1,
        en "Share exceeded", zh "超比例发放";
    /// A scheme paid more than its total.
    SchemeOverpaid = "scheme_overpaid", severity SERIOUS, version 1,
        en "Scheme overpaid", zh "奖励超出总额";
    /// A commitment not fulfilled by its due day.
    CommitmentOverdue = "commitment_overdue", severity SIGNIFICANT, version 1,
        en "Commitment overdue", zh "承诺逾期未兑现";
    /// A dispute not followed by fulfilment or waiver.
    CommitmentDisputed = "commitment_disputed", severity SIGNIFICANT, version 1,
        en "Commitment disputed", zh "承诺兑现有争议";
    /// Fulfilled, with an amount, and nothing paid.
    FulfilledWithoutPayment = "fulfilled_without_payment", severity SIGNIFICANT, version 1,
        en "Fulfilled without payment", zh "标记兑现但无资金拨付";
    /// Fulfilled while a condition was unmet.
    FulfilledBeforeConditions = "fulfilled_before_conditions", severity SIGNIFICANT, version 1,
        en "Fulfilled before its conditions", zh "条件未满足即兑现";
    /// More paid against a commitment than its amount.
    CommitmentOverpaid = "commitment_overpaid", severity SERIOUS, version 1,
        en "Commitment overpaid", zh "重复或超额兑付";
    /// A verification, fulfilment or payout with no evidence.
    MissingEvidence = "missing_evidence", severity MINOR, version 1,
        en "Missing evidence", zh "缺少佐证材料";
    /// A fulfilled commitment's clawback target missed: money due back.
    ClawbackDue = "clawback_due", severity SERIOUS, version 1,
        en "Clawback due", zh "应追回优惠";
    /// pledger's own addition: more clawed back from a payout than it paid.
    ClawbackExceedsPayout = "clawback_exceeds_payout", severity SERIOUS, version 1,
        en "Clawback exceeds payout", zh "追回超过发放额";
    /// An internal account holding money it has not paid out for two years.
    IdleBalance = "idle_balance", severity SIGNIFICANT, version 2,
        en "Idle balance", zh "资金闲置沉淀";
    /// An assessed unit failed two or more yearly tasks in a row.
    ConsecutiveFailures = "consecutive_failures", severity SIGNIFICANT, version 2,
        en "Failed yearly tasks in a row", zh "连续未完成年度目标任务";
    /// A consequence a failed task requires was not imposed within 90 days.
    SanctionNotImposed = "sanction_not_imposed", severity SIGNIFICANT, version 2,
        en "Consequence not imposed", zh "考核结果未兑现问责";
    /// A sanction under a task that had passed.
    SanctionWithoutBasis = "sanction_without_basis", severity SIGNIFICANT, version 2,
        en "Sanction without basis", zh "无依据问责";
    /// A reward for a yearly task that had not passed when it was paid.
    RewardForFailedTask = "reward_for_failed_task", severity SERIOUS, version 2,
        en "Reward for a failed task", zh "未完成年度任务即发放奖励";
    /// A counted project that does not qualify for the count.
    CountedNotQualifying = "counted_not_qualifying", severity SIGNIFICANT, version 2,
        en "Counted but not qualifying", zh "不符合条件的项目被计入";
    /// A count that is not the number of projects listed.
    CountMismatch = "count_mismatch", severity SIGNIFICANT, version 2,
        en "Count does not match its projects", zh "上报数与项目清单不符";
    /// One project counted by two units.
    ProjectDoubleCounted = "project_double_counted", severity SIGNIFICANT, version 2,
        en "Project counted twice", zh "项目重复统计";
    /// Land granted and not built on a year after the agreed start.
    LandIdle = "land_idle", severity SIGNIFICANT, version 2,
        en "Idle land", zh "土地闲置";
}

impl FindingCode {
    /// The code with this wire string, if there is one.
    pub fn parse(s: &str) -> Option<FindingCode> {
        FindingCode::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for FindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for FindingCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Codes order by their wire strings, as the bare strings did, so reports
/// sort exactly as before.
impl Ord for FindingCode {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for FindingCode {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq<str> for FindingCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for FindingCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
