//! The projects family (招商项目与用地, format 2.2): a project entity is
//! signed once by its host (the park, county or department credited with
//! the deal), and its stages are reported by the host, the investor or an
//! auditor. Counting targets (`counts` on `target.assigned`) and the
//! `projects` their claims and verifications list live with the targets
//! family; their checks against this register are here.
//!
//! Whether a listed project qualifies is the views' judgement (format 3.5,
//! `counted_not_qualifying`): a claim that lists a project only signed is
//! recorded as made, and exposed.

use super::{creates_nothing, Actor, Rules};
use crate::error::{Rejection, RejectionKind};
use crate::fields::{data_structs, object_only, word_enum, Evidence, Text};
use crate::ids::Id;
use crate::money::{Amount, Points};
use crate::registry::{EntityIdx, Entry, Journal, Namespace, Party, Registry};
use crate::when::Day;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::registry::EntityKind;

word_enum!(
    /// A stage a project reports (format 2.2).
    ProjectStage {
        Started => "started",
        Producing => "producing",
        Stalled => "stalled",
        Cancelled => "cancelled",
    }
);

word_enum!(
    /// The stage a counting target counts from.
    CountStage { Signed => "signed", Started => "started", Producing => "producing" }
);

impl serde::Serialize for ProjectStage {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl serde::Serialize for CountStage {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The land a project was granted (供地).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, remote = "Self")]
pub struct Land {
    pub parcel_id: Id,
    /// Area in mu (亩), a decimal above zero.
    pub area_mu: Points,
    /// Start of construction agreed in the land contract.
    pub agreed_start: Day,
}

/// What a counting target counts (on `target.assigned`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, remote = "Self")]
pub struct Counts {
    pub stage: CountStage,
    #[serde(default)]
    pub min_investment: Option<Amount>,
}

object_only! {
    Land: "an object {\"parcel_id\": ..., \"area_mu\": ..., \"agreed_start\": date}",
    Counts: "an object {\"stage\": \"signed\"|\"started\"|\"producing\", \"min_investment\"?: amount}",
}

data_structs! {
    ProjectSigned {
        project_id: Id, host: Id, investor: Id, planned_investment: Amount, signed_on: Day,
        #[serde(default)] land: Option<Land>, #[serde(default)] basis: Option<Text>
    }
    ProjectStageReported {
        project_id: Id, stage: ProjectStage, as_of: Day, #[serde(default)] investment_in_place: Option<Amount>,
        #[serde(default)] evidence: Option<Evidence>
    }
}

/// The host and investor of a signed project.
fn parties(reg: &Registry, project: &str) -> Option<(EntityIdx, EntityIdx)> {
    match reg.get(Namespace::Project, project) {
        Some(Entry::Project { host, investor }) => Some((*host, *investor)),
        _ => None,
    }
}

impl Rules for ProjectSigned {
    const AUDITOR_MAY_RECORD: bool = false;

    /// The signing is kept under the project's entity id, in its own
    /// namespace: a project is signed once.
    fn creates(&self) -> Option<(Namespace, &Id)> {
        Some((Namespace::Project, &self.project_id))
    }

    fn shape(&self) -> Result<(), Rejection> {
        if let Some(land) = &self.land {
            if land.area_mu.0 <= Decimal::ZERO {
                return Err(Rejection::new(
                    RejectionKind::InvalidField,
                    "data.land.area_mu",
                    format!("the parcel's area is {} mu; it must be more than 0", land.area_mu),
                ));
            }
        }
        Ok(())
    }

    fn check(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        let (_, kind) = reg.need_entity(&self.project_id, "data.project_id")?;
        if kind != EntityKind::Project {
            return Err(Rejection::new(
                RejectionKind::InvalidField,
                "data.project_id",
                format!(
                    "{:?} is registered as {}, not as a project; register the project as an entity of kind \"project\" first",
                    self.project_id.as_str(),
                    kind.as_str()
                ),
            ));
        }
        reg.need_new(Namespace::Project, &self.project_id, "data.project_id", by.claimant)?;
        reg.need_entity(&self.host, "data.host")?;
        reg.need_entity(&self.investor, "data.investor")?;
        Ok(())
    }

    /// The host (or an office of it).
    fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        reg.only(
            by,
            &[Party::new(
                format!("the host of project {:?}", self.project_id.as_str()),
                reg.entity_index_of(&self.host),
            )],
            false,
        )
    }

    fn entry(&self, reg: &mut Registry, _: EntityIdx, _: &mut Journal) -> Option<Entry> {
        let host = reg.entity_index_of(&self.host)?;
        let investor = reg.entity_index_of(&self.investor)?;
        Some(Entry::Project { host, investor })
    }
}

impl Rules for ProjectStageReported {
    const AUDITOR_MAY_RECORD: bool = true;

    creates_nothing!();

    fn check(&self, reg: &Registry, _: &Actor) -> Result<(), Rejection> {
        reg.need(Namespace::Project, &self.project_id, "data.project_id")
            .map(|_| ())
    }

    /// The host, the investor, or an auditor.
    fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        let (host, investor) = parties(reg, &self.project_id).unzip();
        reg.only(
            by,
            &[
                Party::new(format!("the host of project {:?}", self.project_id.as_str()), host),
                Party::new("its investor".into(), investor),
            ],
            true,
        )
    }
}

/// The `projects` of a claim or verification: each signed, none twice, and
/// only on a counting target (format 2.2).
pub(crate) fn check_listed(reg: &Registry, target: &Id, projects: &[Id]) -> Result<(), Rejection> {
    if !matches!(
        reg.get(Namespace::Target, target),
        Some(Entry::Target { counting: true, .. })
    ) {
        return Err(Rejection::new(
            RejectionKind::InvalidField,
            "data.projects",
            format!(
                "target {:?} counts no projects (it was assigned without \"counts\"); list projects only for a counting target",
                target.as_str()
            ),
        ));
    }
    for (i, p) in projects.iter().enumerate() {
        reg.need(Namespace::Project, p, &format!("data.projects[{i}]"))?;
    }
    Ok(())
}

/// No project twice in one list.
pub(crate) fn no_repeats(projects: &[Id]) -> Result<(), Rejection> {
    for (i, p) in projects.iter().enumerate() {
        if let Some(first) = projects[..i].iter().position(|o| o == p) {
            return Err(Rejection::new(
                RejectionKind::InvalidField,
                format!("data.projects[{i}]"),
                format!(
                    "project {:?} is listed twice (at {first} and {i}); a project counts once",
                    p.as_str()
                ),
            ));
        }
    }
    Ok(())
}

crate::schema::shaped! {
    Land => crate::schema::FieldShape::Object(&[
        crate::schema::Field { name: "parcel_id", shape: crate::schema::FieldShape::Id, optional: false },
        crate::schema::Field { name: "area_mu", shape: crate::schema::FieldShape::Decimal, optional: false },
        crate::schema::Field { name: "agreed_start", shape: crate::schema::FieldShape::Date, optional: false },
    ]),
    Counts => crate::schema::FieldShape::Object(&[
        crate::schema::Field { name: "stage", shape: crate::schema::FieldShape::Word(CountStage::WORDS), optional: false },
        crate::schema::Field { name: "min_investment", shape: crate::schema::FieldShape::Amount, optional: true },
    ]),
}
