//! Voids: the recent progress reports that may be voided, and the voiding,
//! by the reporter or an auditor, once each.

use crate::fields::obj;
use crate::generator::Generator;

/// How many recent voidable events are kept to choose from.
pub(crate) const MAX_VOIDABLE: usize = 64;

impl Generator {
    /// Keeps event `seq`, by `actor`, among the last [`MAX_VOIDABLE`]
    /// voidable events.
    pub(crate) fn remember_voidable(&mut self, seq: u64, actor: u32) {
        if self.voidable.len() >= MAX_VOIDABLE {
            self.voidable.pop_front();
        }
        self.voidable.push_back((seq, actor));
    }

    /// Voids one of the recent progress reports, which is then forgotten.
    pub(crate) fn act_void(&mut self) -> bool {
        if self.voidable.is_empty() {
            return false;
        }
        let i = self.rng.index(self.voidable.len());
        let (seq, actor) = self.voidable.remove(i).expect("in range");
        let actor = if self.rng.chance(650) { actor } else { self.auditor() };
        let data = obj! { "seq": seq, "reason": "上报数据有误(项目重复统计), 予以作废" };
        self.push("event.voided", actor, data);
        true
    }
}
