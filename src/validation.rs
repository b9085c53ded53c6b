//! The vocabulary of validation shared by profiles and workloads: where a value sits
//! ([`FieldPath`]), what is wrong with it ([`ValidationError`]) and the common range check.
//! A leaf module: it imports nothing from the rest of the crate, so a workload names the
//! field an error is about without importing `profile` (which holds the workloads).

/// One step of a path into the profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A table key.
    Key(String),
    /// An index into an array (`[[run]]` tables, list elements).
    Index(usize),
}

/// Where a value sits in the profile, e.g. `run[0].workload.iterations`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(pub Vec<Segment>);

impl FieldPath {
    /// The document root.
    pub fn root() -> Self {
        Self::default()
    }

    /// This path extended by a key.
    pub fn key(&self, key: &str) -> Self {
        let mut p = self.clone();
        p.0.push(Segment::Key(key.to_string()));
        p
    }

    /// This path extended by an index.
    pub fn index(&self, index: usize) -> Self {
        let mut p = self.clone();
        p.0.push(Segment::Index(index));
        p
    }

    /// The last key of the path (the field name), if any.
    pub fn leaf(&self) -> Option<&str> {
        self.0.iter().rev().find_map(|s| match s {
            Segment::Key(k) => Some(k.as_str()),
            Segment::Index(_) => None,
        })
    }
}

impl std::fmt::Display for FieldPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Segment::Key(k) if i == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A value outside its allowed range, or a missing or contradictory setting.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ValidationError {
    /// The field concerned.
    pub path: FieldPath,
    /// A sentence naming the field, what is allowed and what was found.
    pub message: String,
}

impl ValidationError {
    /// An error about `path`.
    pub fn new(path: FieldPath, message: impl Into<String>) -> Self {
        Self {
            path,
            message: message.into(),
        }
    }
}

/// A range check with the message every range error uses: `bytes must be between 1 and
/// 1073741824 (1 GiB), got 0`. `note` follows the upper bound when not empty.
pub fn check_range(
    at: &FieldPath,
    key: &str,
    value: u64,
    range: std::ops::RangeInclusive<u64>,
    note: &str,
) -> Vec<ValidationError> {
    if range.contains(&value) {
        return Vec::new();
    }
    let note = if note.is_empty() {
        String::new()
    } else {
        format!(" ({note})")
    };
    vec![ValidationError::new(
        at.key(key),
        format!(
            "{key} must be between {} and {}{note}, got {value}",
            range.start(),
            range.end()
        ),
    )]
}
