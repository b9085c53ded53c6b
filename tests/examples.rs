//! Every profile shipped in assets/profiles validates and says what it shows.

mod common;

#[test]
fn every_example_profile_validates_and_has_a_description() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/profiles");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("assets/profiles exists") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let profile = parlab::profile::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            profile.description.len() > 40,
            "{} explains what to look for",
            path.display()
        );
        assert!(!profile.plan().is_empty());
        assert!(
            profile.rounds() >= 3,
            "{} repeats its runs enough for a verdict",
            path.display()
        );
        common::parlab()
            .arg("validate")
            .arg(&path)
            .assert()
            .success();
        count += 1;
    }
    assert!(count >= 5, "found {count} example profiles");
}
