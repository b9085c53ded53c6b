//! Issue 15, item 7 (friction), in the app (egui_kittest): the estimate beside Start follows
//! the edits; path prompts start from an absolute path in a folder they name and resolve
//! relative paths against it; every file the app writes gets the usual mode when new and
//! keeps its mode when replaced.

mod common;

use common::ui::{app_with, harness, start_and_finish};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use parlab::gui::ParlabApp;
use parlab::gui::actions::Action;
use parlab::gui::dialogs::Purpose;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

fn field_text(h: &Harness<'_, ParlabApp>, label: &str) -> String {
    let text = h.get_by_label(label).accesskit_node().value();
    text.unwrap_or_default()
}

/// Replaces what `label`'s field holds with `text`, then presses Enter.
fn retype(h: &mut Harness<'_, ParlabApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run_steps(2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label(label).type_text(text);
    h.run_steps(1);
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
}

#[test]
fn the_estimate_beside_start_follows_the_edits() {
    // The case: 20 000 tasks of a 10 ms sleep on one thread, minutes not seconds.
    let profile = common::profile(&[common::run_table(
        "threads",
        "1",
        "tasks = 20000",
        "kind = \"sleep\"\nms = 10",
    )]);
    let mut h = harness(app_with(Some(&profile)));
    h.get_by_label("Takes about 3 min 20 s");
    retype(&mut h, "Tasks", "2000");
    assert_eq!(h.state().editor.profile.runs[0].tasks, Some(2000));
    h.get_by_label("Takes about 20 s");
    retype(&mut h, "Milliseconds", "1");
    h.get_by_label("Takes about 2 s");
    // A kind that cannot be timed is named, not guessed.
    let command = parlab::profile::parse_str(
        &common::profile(&[common::run_table(
            "threads",
            "1",
            "tasks = 10",
            "kind = \"command\"\nargv = [\"/bin/true\"]",
        )]),
        "t",
    )
    .unwrap();
    h.state_mut().open_profile(command);
    h.run_steps(2);
    h.get_by_label("Takes command tasks: unknown");
}

#[test]
fn prompts_start_in_a_named_folder_and_resolve_relative_paths_there() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().to_path_buf();
    let profile = common::profile(&[common::run_table(
        "threads",
        "1",
        "tasks = 20",
        "kind = \"sleep\"\nms = 1",
    )]);
    let path = common::write(&folder, "hand.toml", &profile);
    let mut app = app_with(None);
    app.apply(Action::OpenFile(path.clone()));
    let mut h = harness(app);
    start_and_finish(&mut h, 1);

    // Export: an absolute path in the profile's folder, and that folder named.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    h.run_steps(3);
    let suggested = field_text(&h, "Path");
    assert!(
        suggested.starts_with(&format!("{}/hand-", folder.display()))
            && suggested.ends_with(".png"),
        "{suggested}"
    );
    let resolved = format!("Relative paths are resolved against {}", folder.display());
    h.get_by_label(&resolved);
    // A bare name lands in that folder, whatever the app's current folder.
    retype(&mut h, "Path", "typed.png");
    let ctx = h.ctx.clone();
    h.state_mut().wait_for_export(&ctx);
    assert!(
        folder.join("typed.png").is_file(),
        "{:?}",
        h.state().message()
    );
    assert!(!Path::new("typed.png").exists());

    // Save As offers the profile's own absolute path.
    h.state_mut().apply(Action::SaveAs);
    h.run_steps(3);
    assert_eq!(field_text(&h, "Path"), path.display().to_string());
    h.key_press(egui::Key::Escape);
    h.run_steps(2);

    // The folder last used is where the next prompt starts.
    let other = folder.join("elsewhere");
    std::fs::create_dir(&other).unwrap();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    h.run_steps(3);
    retype(&mut h, "Path", &other.join("a.png").display().to_string());
    h.state_mut().wait_for_export(&ctx);
    assert!(other.join("a.png").is_file());
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Open Results…").click();
    h.run_steps(3);
    assert_eq!(field_text(&h, "Path"), "", "nothing to open is guessed");
    h.get_by_label(&format!(
        "Relative paths are resolved against {}",
        other.display()
    ));
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().mode() & 0o7777
}

/// Each kind of export, with its file name.
const EXPORTS: [(Purpose, &str); 5] = [
    (Purpose::ChartPng, "chart.png"),
    (Purpose::ChartSvg, "chart.svg"),
    (Purpose::ResultsJson, "results.json"),
    (Purpose::ResultsCsv, "results.csv"),
    (Purpose::ReportMarkdown, "report.md"),
];

#[test]
fn every_file_the_app_writes_gets_the_usual_mode_and_a_replaced_one_keeps_its_own() {
    // The usual umask, so that "the usual mode" is 0644 and the 0600 of a temporary file
    // that survived its rename (the issue) would show. Only this test sets it.
    unsafe { libc::umask(0o022) };
    let dir = tempfile::tempdir().unwrap();
    let profile = common::profile(&[common::run_table(
        "threads",
        "1",
        "tasks = 20",
        "kind = \"sleep\"\nms = 1",
    )]);
    let mut h = harness(app_with(Some(&profile)));
    start_and_finish(&mut h, 1);
    let ctx = h.ctx.clone();

    // The profile: Save As a new file, then Save over it after a chmod.
    let saved = dir.path().join("saved.toml");
    h.state_mut().apply(Action::SaveTo(saved.clone()));
    assert_eq!(mode(&saved), 0o644, "{:?}", h.state().message());
    std::fs::set_permissions(&saved, std::fs::Permissions::from_mode(0o640)).unwrap();
    let inode = std::fs::metadata(&saved).unwrap().ino();
    h.state_mut().editor.profile.name = "renamed".into();
    h.state_mut().editor.mark_changed();
    h.state_mut().apply(Action::Save);
    assert!(std::fs::read_to_string(&saved).unwrap().contains("renamed"));
    assert_ne!(std::fs::metadata(&saved).unwrap().ino(), inode, "replaced");
    assert_eq!(mode(&saved), 0o640, "a replaced profile keeps its mode");

    for (purpose, name) in EXPORTS {
        let path = dir.path().join(name);
        h.state_mut().apply(Action::ExportTo(purpose, path.clone()));
        h.state_mut().wait_for_export(&ctx);
        assert_eq!(mode(&path), 0o644, "new {name}: {:?}", h.state().message());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let inode = std::fs::metadata(&path).unwrap().ino();
        h.state_mut().apply(Action::ExportTo(purpose, path.clone()));
        h.state_mut().wait_for_export(&ctx);
        assert_ne!(
            std::fs::metadata(&path).unwrap().ino(),
            inode,
            "{name} replaced"
        );
        assert_eq!(mode(&path), 0o600, "a replaced {name} keeps its mode");
    }
    let folder = dir.path().join("all");
    std::fs::create_dir(&folder).unwrap();
    h.state_mut()
        .apply(Action::ExportTo(Purpose::ChartsFolder, folder.clone()));
    h.state_mut().wait_for_export(&ctx);
    let files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(
        files.len(),
        14,
        "7 charts (no load chart without open-load runs), PNG and SVG"
    );
    for file in files {
        assert_eq!(mode(&file), 0o644, "{}", file.display());
    }
}
