//! Reads one `[run.workload]` table again as its kind's own parameters, so a wrong value
//! inside it is reported at the value. serde reads the kind-tagged
//! [`WorkloadSpec`](crate::workload::WorkloadSpec) through
//! a buffer that forgets where each value was, and would blame the table header instead.

use crate::workload::{KindInfo, KindVisitor, WorkloadSpec};
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

/// The first error in the parameters of run `run`'s workload, with the span of the value
/// (or key) at fault; `None` when the table, its kind or an error cannot be found.
pub fn first_error(doc: &Spanned<DeTable>, run: usize) -> Option<toml::de::Error> {
    let runs = doc.get_ref().get("run")?.get_ref().as_array()?;
    let workload = runs.get(run)?.get_ref().as_table()?.get("workload")?;
    let table = workload.get_ref().as_table()?;
    let kind = table.get("kind")?.get_ref().as_str()?.to_string();
    let mut params: DeTable = table.clone();
    params.remove("kind");
    let value = Spanned::new(workload.span(), DeValue::Table(params));
    check_kind(&kind, ValueDeserializer::from(value))?.err()
}

/// Deserialises the parameters of `kind`; `None` for a kind that does not exist.
fn check_kind(kind: &str, de: ValueDeserializer) -> Option<Result<(), toml::de::Error>> {
    /// Reads the parameters as the kind's own type.
    struct Read<'de>(ValueDeserializer<'de>);
    impl KindVisitor for Read<'_> {
        type Output = Result<(), toml::de::Error>;
        fn visit<K: KindInfo>(self) -> Self::Output {
            K::deserialize(self.0).map(drop)
        }
    }
    WorkloadSpec::visit_kind(kind, Read(de))
}

/// True when every kind of `WorkloadSpec` is known here (checked by a test).
#[cfg(test)]
fn knows_every_kind() -> bool {
    crate::workload::WorkloadSpec::KINDS.iter().all(|kind| {
        let value = Spanned::new(0..0, DeValue::Table(DeTable::default()));
        check_kind(kind, ValueDeserializer::from(value)).is_some()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_kind_is_read_with_positions() {
        assert!(super::knows_every_kind());
    }
}
