//! The lock waits a task reports through its [`TaskContext`](super::TaskContext), so that
//! a worker's lane shows them as `waiting` spans (see `metrics::spans`).

use std::time::Instant;

/// Waits a task keeps at most; a later one is merged into the last (from its start to the
/// later one's end), so a task never allocates for its waits.
pub const WAIT_SLOTS: usize = 4;

/// Up to [`WAIT_SLOTS`] lock waits of one task, `(from, to)` each, in the order reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Waits {
    len: u8,
    at: [Option<(Instant, Instant)>; WAIT_SLOTS],
}

impl Waits {
    /// True when the task reported no wait.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds the wait `from .. to`; beyond [`WAIT_SLOTS`] it extends the last one to `to`.
    pub fn push(&mut self, from: Instant, to: Instant) {
        let to = to.max(from);
        let len = usize::from(self.len);
        if len < WAIT_SLOTS {
            self.at[len] = Some((from, to));
            self.len += 1;
        } else if let Some((_, end)) = &mut self.at[WAIT_SLOTS - 1] {
            *end = (*end).max(to);
        }
    }

    /// The waits in the order reported.
    pub fn iter(&self) -> impl Iterator<Item = (Instant, Instant)> + '_ {
        self.at[..usize::from(self.len)].iter().flatten().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn waits_beyond_the_slots_merge_into_the_last() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let mut waits = Waits::default();
        assert!(waits.is_empty());
        for k in 0..6 {
            waits.push(at(10 * k), at(10 * k + 5));
        }
        let seen: Vec<_> = waits.iter().collect();
        assert_eq!(seen.len(), WAIT_SLOTS);
        assert_eq!(seen[2], (at(20), at(25)));
        assert_eq!(seen[3], (at(30), at(55)), "the 5th and 6th extend the 4th");
    }
}
