//! (being written)

use crate::facts::Facts;
use crate::Finding;
use pledger_core::when::Day;

pub fn findings(_facts: &Facts, _now: Day, _out: &mut Vec<Finding>) {}
