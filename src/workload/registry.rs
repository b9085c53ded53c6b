//! The catalogue's one list of kinds. Each kind's file declares everything about it
//! ([`KindInfo`]: name, explanation, default parameters, editor fields; [`Kind`]: validation
//! and the running workload); the `kinds!` list in `workload/mod.rs` names each kind once and
//! generates [`WorkloadSpec`](super::WorkloadSpec) and every lookup by kind from it, so the
//! compiler checks that no kind is forgotten anywhere.

use super::Kind;
use super::fields::Field;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What the catalogue, the profile reader and the app know about a kind, declared in the
/// kind's own file.
pub trait KindInfo: Kind + Clone + Serialize + DeserializeOwned + 'static {
    /// The kind's name as written in profiles (`kind = "file-io"`): the variant's name in
    /// kebab-case, which serde writes (a test checks they agree).
    const NAME: &'static str;
    /// One paragraph on what the kind makes measurable (shown in the app).
    const EXPLANATION: &'static str;

    /// The parameters a new workload of this kind starts with (in the app's kind menu).
    fn default_params() -> Self;

    /// The parameters as the app edits them, in display order.
    fn fields(&mut self) -> Vec<Field<'_>>;
}

/// Something done with the parameter type of a kind found by name (see
/// [`WorkloadSpec::visit_kind`](super::WorkloadSpec::visit_kind)).
pub trait KindVisitor {
    /// What the visit gives.
    type Output;
    /// Called with the kind's parameter type.
    fn visit<K: KindInfo>(self) -> Self::Output;
}

/// Generates, from `Variant(module::Type)` lines, the re-export of each type, the
/// kind-tagged [`WorkloadSpec`](super::WorkloadSpec) (serde: `kind = "variant-in-kebab-case"`,
/// then the type's fields) and its lookups by kind.
macro_rules! kinds {
    ($( $(#[$doc:meta])* $variant:ident($module:ident::$ty:ident), )+) => {
        $( pub use $module::$ty; )+

        /// The `[run.workload]` table: a kind and its parameters.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "kind", rename_all = "kebab-case")]
        pub enum WorkloadSpec {
            $( $(#[$doc])* $variant($ty), )+
        }

        impl WorkloadSpec {
            /// Every kind's name, in menu order.
            pub const KINDS: &'static [&'static str] = &[$(<$ty as KindInfo>::NAME),+];

            /// The kind's name as written in profiles.
            pub fn kind(&self) -> &'static str {
                match self {
                    $( WorkloadSpec::$variant(_) => <$ty as KindInfo>::NAME, )+
                }
            }

            /// One paragraph on what this kind makes measurable (shown in the app).
            pub fn explanation(&self) -> &'static str {
                match self {
                    $( WorkloadSpec::$variant(_) => <$ty as KindInfo>::EXPLANATION, )+
                }
            }

            /// The kind's parameters.
            pub fn params(&self) -> &dyn Kind {
                match self {
                    $( WorkloadSpec::$variant(w) => w, )+
                }
            }

            /// The parameters as the app edits them.
            pub fn fields(&mut self) -> Vec<Field<'_>> {
                match self {
                    $( WorkloadSpec::$variant(w) => w.fields(), )+
                }
            }

            /// Default parameters of kind `name` (for editors); `None` for no such kind.
            pub fn default_of(name: &str) -> Option<Self> {
                $(
                    if name == <$ty as KindInfo>::NAME {
                        return Some(WorkloadSpec::$variant(<$ty as KindInfo>::default_params()));
                    }
                )+
                None
            }

            /// Runs `visitor` with the parameter type of kind `name`; `None` for no such kind.
            pub fn visit_kind<V: KindVisitor>(name: &str, visitor: V) -> Option<V::Output> {
                $(
                    if name == <$ty as KindInfo>::NAME {
                        return Some(visitor.visit::<$ty>());
                    }
                )+
                None
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::super::{Value, WorkloadSpec};
    use crate::model::Model;
    use crate::validation::FieldPath;
    use std::collections::HashSet;

    fn defaults() -> Vec<WorkloadSpec> {
        WorkloadSpec::KINDS
            .iter()
            .map(|k| WorkloadSpec::default_of(k).expect("every listed kind has a default"))
            .collect()
    }

    #[test]
    fn every_kind_has_its_serde_name_and_its_own_explanation() {
        let mut explanations = HashSet::new();
        for (spec, &name) in defaults().iter().zip(WorkloadSpec::KINDS) {
            assert!(!name.is_empty());
            assert_eq!(spec.kind(), name);
            let json = serde_json::to_value(spec).expect("serialises");
            assert_eq!(json["kind"], name, "NAME is what serde writes");
            let text = spec.explanation();
            assert!(text.len() > 40, "{name}: {text}");
            assert!(explanations.insert(text), "{name} shares its explanation");
        }
        assert!(WorkloadSpec::default_of("no-such-kind").is_none());
    }

    #[test]
    fn every_default_validates_and_reads_back_as_written() {
        let at = FieldPath::root().key("workload");
        for spec in defaults() {
            assert_eq!(spec.validate(Model::Threads, &at), [], "{}", spec.kind());
            let toml = toml::to_string(&spec).expect("serialises");
            let back: WorkloadSpec = toml::from_str(&toml).expect("reads back");
            assert_eq!(back, spec);
        }
    }

    /// Changes `value` to something else; a choice must offer a second option.
    fn change(value: Value<'_>) {
        match value {
            Value::Integer { value, .. } => *value = value.wrapping_add(1),
            Value::Decimal { value, .. } => *value += 1.0,
            Value::Flag(value) => *value = !*value,
            Value::Line(value) | Value::Code { value, .. } => value.push('x'),
            Value::Lines { value, .. } => value.push("x".into()),
            Value::Choice(mut choose) => {
                let n = choose.names().len();
                assert!(n >= 2, "a choice of {n}");
                let now = choose.selected().expect("the default is an option");
                choose.select((now + 1) % n);
            }
        }
    }

    #[test]
    fn every_field_edits_the_parameter_its_key_names() {
        for spec in defaults() {
            let before = serde_json::to_value(&spec).expect("serialises");
            let mut probe = spec.clone();
            let fields = probe.fields();
            let keys: HashSet<_> = fields.iter().map(|f| f.key).collect();
            assert_eq!(keys.len(), fields.len(), "{}: duplicate keys", spec.kind());
            let lists = fields
                .iter()
                .filter(|f| matches!(f.value, Value::Lines { .. }))
                .count();
            assert!(lists <= 1, "{}: the app keeps one list text", spec.kind());
            for n in 0..fields.len() {
                let mut edited = spec.clone();
                let (key, label) = {
                    let field = edited.fields().swap_remove(n);
                    let (key, label) = (field.key, field.label);
                    change(field.value);
                    (key, label)
                };
                assert!(!label.is_empty());
                let after = serde_json::to_value(&edited).expect("serialises");
                assert!(after.get(key).is_some(), "{}.{key}", spec.kind());
                assert_ne!(before.get(key), after.get(key), "{}.{key}", spec.kind());
                // Nothing else changed.
                let others = |v: &serde_json::Value| {
                    let mut v = v.clone();
                    v.as_object_mut().map(|o| o.remove(key));
                    v
                };
                assert_eq!(others(&before), others(&after), "{}.{key}", spec.kind());
            }
        }
    }
}
