//! Append-only lists shared between a run and its live viewers, so a viewer copies only the
//! points it has not seen: refreshing a live chart costs the new points, not the whole run
//! (a 24-hour run holds about 350 000 timeline points).

use std::sync::{PoisonError, RwLock};

/// A list the run appends to and viewers read the new part of.
#[derive(Debug)]
pub struct LiveList<T> {
    items: RwLock<Vec<T>>,
}

impl<T> Default for LiveList<T> {
    fn default() -> Self {
        Self {
            items: RwLock::new(Vec::new()),
        }
    }
}

impl<T: Clone> LiveList<T> {
    /// Items so far.
    pub fn len(&self) -> usize {
        self.items
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// True while nothing was appended.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends one item.
    pub fn push(&self, item: T) {
        self.items
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .push(item);
    }

    /// Appends the items of `all` beyond those already here (`all` grows the same way).
    pub fn catch_up(&self, all: &[T]) {
        let mut items = self.items.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(new) = all.get(items.len()..) {
            items.extend_from_slice(new);
        }
    }

    /// Appends the items of `all` beyond those already here, each passed through `fill` with
    /// its index first (to add what the run knows about a point besides `all`).
    pub fn catch_up_with(&self, all: &[T], mut fill: impl FnMut(usize, &mut T)) {
        let mut items = self.items.write().unwrap_or_else(PoisonError::into_inner);
        let have = items.len();
        if let Some(new) = all.get(have..) {
            items.extend(new.iter().cloned().enumerate().map(|(i, mut item)| {
                fill(have + i, &mut item);
                item
            }));
        }
    }

    /// Copies of the items from index `start` on.
    pub fn items_from(&self, start: usize) -> Vec<T> {
        let items = self.items.read().unwrap_or_else(PoisonError::into_inner);
        items.get(start..).map(<[T]>::to_vec).unwrap_or_default()
    }

    /// Appends to `into` the items it does not have yet: those from `into.len()` on.
    pub fn copy_new(&self, into: &mut Vec<T>) {
        let items = self.items.read().unwrap_or_else(PoisonError::into_inner);
        if let Some(new) = items.get(into.len()..) {
            into.extend_from_slice(new);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viewers_copy_only_what_is_new() {
        let list = LiveList::default();
        list.catch_up(&[1, 2]);
        let mut seen = Vec::new();
        list.copy_new(&mut seen);
        list.catch_up(&[1, 2, 3]);
        list.push(4);
        list.copy_new(&mut seen);
        assert_eq!(seen, [1, 2, 3, 4]);
        assert_eq!(list.len(), 4);
    }

    #[test]
    fn catching_up_fills_only_the_new_items() {
        let list = LiveList::default();
        list.catch_up_with(&[10, 20], |i, x| *x += i);
        list.catch_up_with(&[10, 20, 30], |i, x| *x += 100 * i);
        assert_eq!(list.items_from(0), [10, 21, 230]);
    }
}
