//! Writing profiles: atomically, and keeping the comments, key order and number formatting
//! of a file a person edited by hand (toml_edit), so parlab and a text editor can share it.

use super::Profile;
use std::path::Path;
use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

/// Why a profile could not be saved.
#[derive(Debug, thiserror::Error)]
#[error("cannot save the profile to {path}: {source}")]
pub struct SaveError {
    /// Where it was to go.
    pub path: String,
    /// The operating system's reason.
    pub source: std::io::Error,
}

/// The TOML text for `profile`. With `original` (the text the profile was read from), the
/// original document is updated in place: comments, blank lines, key order and the way
/// unchanged values were written (`2_000_000`) survive.
pub fn render(profile: &Profile, original: Option<&str>) -> String {
    let fresh = profile.to_toml();
    let (Some(original), Ok(new)) = (original, fresh.parse::<DocumentMut>()) else {
        return fresh;
    };
    let Ok(mut old) = original.parse::<DocumentMut>() else {
        return fresh;
    };
    merge_table(old.as_table_mut(), new.as_table());
    old.to_string()
}

/// Writes `profile` to `path` atomically (see [`render`] for `original`) and returns the text written.
pub fn save_file(
    profile: &Profile,
    path: &Path,
    original: Option<&str>,
) -> Result<String, SaveError> {
    let text = render(profile, original);
    crate::fsutil::write_output(path, text.as_bytes()).map_err(|source| SaveError {
        path: path.display().to_string(),
        source,
    })?;
    Ok(text)
}

fn merge_table(old: &mut Table, new: &Table) {
    let stale: Vec<String> = old
        .iter()
        .map(|(k, _)| k.to_string())
        .filter(|k| !new.contains_key(k))
        .collect();
    for key in stale {
        old.remove(&key);
    }
    for (key, new_item) in new.iter() {
        match old.get_mut(key) {
            Some(old_item) => merge_item(old_item, new_item),
            None => {
                old.insert(key, new_item.clone());
            }
        }
    }
}

fn merge_item(old: &mut Item, new: &Item) {
    match (old, new) {
        (Item::Table(o), Item::Table(n)) => merge_table(o, n),
        (Item::ArrayOfTables(o), Item::ArrayOfTables(n)) => {
            while o.len() > n.len() {
                o.remove(o.len() - 1);
            }
            for (i, table) in n.iter().enumerate() {
                match o.get_mut(i) {
                    Some(existing) => merge_table(existing, table),
                    None => o.push(table.clone()),
                }
            }
        }
        (Item::Value(Value::InlineTable(o)), Item::Table(n)) => {
            merge_inline(o, &n.clone().into_inline_table())
        }
        (Item::Value(o), Item::Value(n)) => merge_value(o, n),
        (old, new) => *old = new.clone(),
    }
}

fn merge_inline(old: &mut InlineTable, new: &InlineTable) {
    let stale: Vec<String> = old
        .iter()
        .map(|(k, _)| k.to_string())
        .filter(|k| !new.contains_key(k))
        .collect();
    for key in stale {
        old.remove(&key);
    }
    for (key, value) in new.iter() {
        match old.get_mut(key) {
            Some(existing) => merge_value(existing, value),
            None => {
                old.insert(key, value.clone());
            }
        }
    }
}

fn merge_value(old: &mut Value, new: &Value) {
    if let (Value::InlineTable(o), Value::InlineTable(n)) = (&mut *old, new) {
        return merge_inline(o, n);
    }
    if !same_value(old, new) {
        let decor = old.decor().clone();
        *old = new.clone();
        *old.decor_mut() = decor;
    }
}

/// True when two values mean the same, however they are written (`2_000_000` = `2000000`,
/// `20` = `20.0`).
fn same_value(a: &Value, b: &Value) -> bool {
    let number = |v: &Value| match v {
        Value::Integer(i) => Some(*i.value() as f64),
        Value::Float(f) => Some(*f.value()),
        _ => None,
    };
    if let (Some(x), Some(y)) = (number(a), number(b)) {
        return x == y;
    }
    let parse = |v: &Value| {
        let mut v = v.clone();
        v.decor_mut().clear();
        format!("v = {v}").parse::<toml::Table>().ok()
    };
    matches!((parse(a), parse(b)), (Some(x), Some(y)) if x == y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::parse_str;

    const HAND_WRITTEN: &str = r#"# My experiment, written by hand.
name = "hand"   # keep this comment

[[run]]
# the baseline
model = "threads"
workers = [1, 2]
tasks = 2_000_000

[run.workload]
kind = "cpu"
iterations = 1_000   # small
"#;

    #[test]
    fn an_unchanged_profile_is_written_back_byte_for_byte() {
        let profile = parse_str(HAND_WRITTEN, "h.toml").unwrap();
        assert_eq!(render(&profile, Some(HAND_WRITTEN)), HAND_WRITTEN);
    }

    #[test]
    fn edits_keep_comments_order_and_formatting() {
        let mut profile = parse_str(HAND_WRITTEN, "h.toml").unwrap();
        profile.name = "renamed".into();
        profile.runs[0].workload = crate::workload::WorkloadSpec::Cpu(crate::workload::Cpu {
            iterations: 5000,
            sizes: Default::default(),
            run_tasks: None,
        });
        let mut second = profile.runs[0].clone();
        second.model = crate::profile::Model::Pool;
        profile.runs.push(second);
        let text = render(&profile, Some(HAND_WRITTEN));
        assert!(
            text.starts_with(
                "# My experiment, written by hand.\nname = \"renamed\"   # keep this comment\n"
            ),
            "{text}"
        );
        assert!(text.contains("# the baseline"));
        assert!(
            text.contains("tasks = 2_000_000"),
            "unchanged numbers keep their underscores"
        );
        assert!(text.contains("iterations = 5000   # small"), "{text}");
        assert_eq!(parse_str(&text, "h.toml").unwrap(), profile);
    }

    #[test]
    fn removed_runs_and_keys_disappear() {
        let mut profile = parse_str(HAND_WRITTEN, "h.toml").unwrap();
        profile.runs[0].tasks = None;
        profile.runs[0].duration_s = Some(2.0);
        let text = render(&profile, Some(HAND_WRITTEN));
        assert!(!text.contains("tasks"));
        assert_eq!(parse_str(&text, "h.toml").unwrap(), profile);
        profile.runs.clear();
        let text = render(&profile, Some(HAND_WRITTEN));
        assert!(!text.contains("[[run]]"), "{text}");
    }

    #[test]
    fn inline_workload_tables_are_updated_in_place() {
        let text = "name = \"x\"\n[[run]]\nmodel = \"pool\"\nworkers = 1\ntasks = 3\nworkload = { kind = \"sleep\", ms = 5 }\n";
        let mut profile = parse_str(text, "x.toml").unwrap();
        profile.runs[0].workload =
            crate::workload::WorkloadSpec::Sleep(crate::workload::Sleep { ms: 7.5 });
        let out = render(&profile, Some(text));
        assert!(
            out.contains("workload = { kind = \"sleep\", ms = 7.5 }"),
            "{out}"
        );
    }
}
