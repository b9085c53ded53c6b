//! Stable ids for the editor's fields.
//!
//! egui numbers a widget that has no id of its own by its place in the drawing order, so a
//! line drawn above a field (the "N problem(s) to fix" line, an inline error) renumbers it:
//! the field being typed in then loses the keyboard focus and the next keystrokes go nowhere.
//! Each field is therefore drawn under an id made from what it is: its path in the profile,
//! the same path the validation messages use (`run[1].workers`), so two runs' fields differ.

use crate::validation::FieldPath;
use eframe::egui::{Id, Ui, UiBuilder};

/// The id of the editor field at `path` (nothing else in the window uses it).
pub(super) fn field_id(path: &FieldPath) -> Id {
    Id::unique(("parlab editor field", path.to_string()))
}

/// Draws `add` with ids that derive from `path` alone, not from what was drawn before it.
pub(super) fn keyed<R>(ui: &mut Ui, path: &FieldPath, add: impl FnOnce(&mut Ui) -> R) -> R {
    ui.scope_builder(UiBuilder::new().scope_id(field_id(path)), add)
        .inner
}

/// Draws the whole editor with ids independent of what the panel shows above it.
pub(super) fn editor_scope<R>(ui: &mut Ui, add: impl FnOnce(&mut Ui) -> R) -> R {
    ui.scope_builder(UiBuilder::new().scope_id(Id::unique("parlab editor")), add)
        .inner
}
