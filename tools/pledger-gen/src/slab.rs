//! A slab of slots with reuse: the open targets and commitments, picked at
//! random and addressed by slot from the agenda.

use crate::util::Rng;

/// A slab of slots with reuse, for open targets and commitments.
pub(crate) struct Slab<T> {
    items: Vec<Option<T>>,
    free: Vec<u32>,
    live: usize,
}

impl<T> Slab<T> {
    pub(crate) fn new() -> Self {
        Slab {
            items: Vec::new(),
            free: Vec::new(),
            live: 0,
        }
    }
    pub(crate) fn insert(&mut self, t: T) -> u32 {
        self.live += 1;
        if let Some(i) = self.free.pop() {
            self.items[i as usize] = Some(t);
            i
        } else {
            self.items.push(Some(t));
            (self.items.len() - 1) as u32
        }
    }
    pub(crate) fn remove(&mut self, i: u32) -> Option<T> {
        let t = self.items.get_mut(i as usize)?.take();
        if t.is_some() {
            self.live -= 1;
            self.free.push(i);
        }
        t
    }
    /// The item in slot `i`, if it holds one.
    pub(crate) fn get(&self, i: u32) -> Option<&T> {
        self.items[i as usize].as_ref()
    }
    /// The item in slot `i`, to change, if it holds one.
    pub(crate) fn get_mut(&mut self, i: u32) -> Option<&mut T> {
        self.items[i as usize].as_mut()
    }
    /// Takes the item out without freeing its slot; give it back with `put`.
    pub(crate) fn take(&mut self, i: u32) -> Option<T> {
        self.items.get_mut(i as usize)?.take()
    }
    pub(crate) fn put(&mut self, i: u32, t: T) {
        self.items[i as usize] = Some(t);
    }
    /// Frees a slot whose item was taken.
    pub(crate) fn release(&mut self, i: u32) {
        self.live -= 1;
        self.free.push(i);
    }
    pub(crate) fn pick(&self, rng: &mut Rng) -> Option<u32> {
        if self.live == 0 {
            return None;
        }
        for _ in 0..16 {
            let i = rng.index(self.items.len());
            if self.items[i].is_some() {
                return Some(i as u32);
            }
        }
        None
    }
}
