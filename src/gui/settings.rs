//! What the app remembers between launches (through eframe's storage).

use super::document::Document;
use crate::profile::Profile;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The colour theme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Theme {
    /// Follow the desktop's light or dark setting.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// The egui preference for this theme.
    pub fn preference(self) -> eframe::egui::ThemePreference {
        use eframe::egui::ThemePreference;
        match self {
            Theme::System => ThemePreference::System,
            Theme::Light => ThemePreference::Light,
            Theme::Dark => ThemePreference::Dark,
        }
    }
}

/// Which chart the central area shows: a chart of the registry ([`crate::chart::CHARTS`]),
/// remembered by its name (settings of older versions, which wrote the tab's title such as
/// `Summary`, still load; a name this version does not know loads as the first tab).
pub type ChartTab = crate::chart::ChartKind;

/// Remembered settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Colour theme.
    pub theme: Theme,
    /// The chart shown last.
    pub tab: ChartTab,
    /// The profile being edited, as TOML, when it has no file or unsaved edits (settings of
    /// older versions always hold it, with no file).
    pub profile_toml: Option<String>,
    /// Profiles opened or saved lately, newest first.
    pub recent: Vec<std::path::PathBuf>,
    /// The file of the profile being edited, reopened at the next launch.
    pub profile_path: Option<PathBuf>,
    /// `profile_toml` holds edits not saved to `profile_path` (or to any file).
    pub profile_unsaved: bool,
    /// The most MB of history kept between launches (`None`: the default, 200 MB).
    pub history_limit_mb: Option<u64>,
}

/// What the editor opens with at launch.
pub struct Restored {
    /// The profile to edit.
    pub profile: Profile,
    /// Its file, and whether it has unsaved edits.
    pub doc: Document,
    /// Nothing was remembered: show the welcome view.
    pub welcome: bool,
    /// Why the remembered file could not be reopened.
    pub error: Option<String>,
}

impl Settings {
    /// The most MB of history kept between launches.
    pub fn history_limit_mb(&self) -> u64 {
        (self.history_limit_mb).unwrap_or(super::saved_history::DEFAULT_LIMIT_MB)
    }

    /// These settings remembering `profile` in `doc`: its file, and the edits only when they
    /// are unsaved and not `discarded` (then the file opens as saved at the next launch).
    pub fn remembering(&self, doc: &Document, profile: &Profile, discarded: bool) -> Settings {
        let unsaved = doc.dirty && !discarded;
        let toml = match (&doc.path, unsaved, discarded) {
            (_, true, _) => Some(profile.to_toml()),
            (Some(_), false, _) => None,
            // Discarded edits of a profile with no file: what it was opened from, if anything.
            (None, false, true) => doc.original.clone(),
            (None, false, false) => Some(profile.to_toml()),
        };
        Settings {
            profile_toml: toml,
            profile_path: doc.path.clone(),
            profile_unsaved: unsaved,
            ..self.clone()
        }
    }

    /// The profile to edit at launch: the remembered file (with its unsaved edits on top,
    /// marked unsaved), or the remembered profile that has no file, or the default.
    pub fn restore(&self) -> Restored {
        let edits = (self.profile_toml.as_deref())
            .and_then(|t| crate::profile::parse_str(t, "saved profile").ok());
        let welcome = self.profile_toml.is_none() && self.profile_path.is_none();
        let mut restored = Restored {
            profile: super::editor::default_profile(),
            doc: Document::default(),
            welcome,
            error: None,
        };
        let Some(path) = &self.profile_path else {
            if let Some(profile) = edits {
                restored.profile = profile;
                restored.doc.dirty = self.profile_unsaved;
            }
            return restored;
        };
        let opened = Document::open(path);
        match (opened, edits.filter(|_| self.profile_unsaved)) {
            (Ok((doc, profile)), None) => (restored.doc, restored.profile) = (doc, profile),
            (Ok((doc, _)), Some(edits)) => {
                (restored.doc, restored.profile) = (doc, edits);
                restored.doc.dirty = true;
            }
            // The file is gone but the edits are kept: saving writes them to it again.
            (Err(_), Some(edits)) => {
                restored.profile = edits;
                restored.doc.path = Some(path.clone());
                restored.doc.dirty = true;
            }
            (Err(e), None) => {
                restored.error = Some(format!(
                    "The profile open when parlab closed cannot be opened again: {e}"
                ));
            }
        }
        restored
    }
}

/// The storage key.
pub const KEY: &str = "parlab-settings";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::{CHARTS, ChartKind};
    use std::collections::HashMap;

    /// eframe's storage in memory: values go through the same RON text as on disk.
    #[derive(Default)]
    struct Memory(HashMap<String, String>);

    impl eframe::Storage for Memory {
        fn get_string(&self, key: &str) -> Option<String> {
            self.0.get(key).cloned()
        }
        fn set_string(&mut self, key: &str, value: String) {
            self.0.insert(key.into(), value);
        }
        fn remove_string(&mut self, key: &str) {
            self.0.remove(key);
        }
        fn flush(&mut self) {}
    }

    fn load(text: &str) -> Option<Settings> {
        let mut store = Memory::default();
        eframe::Storage::set_string(&mut store, KEY, text.into());
        eframe::get_value(&store, KEY)
    }

    /// Settings written before the tab was a chart of the registry (the tab as the old
    /// `ChartTab` variant) still load, on the same tab.
    #[test]
    fn settings_of_older_versions_keep_their_tab() {
        let old = [
            ("Throughput", ChartKind::Throughput),
            ("Latency", ChartKind::Latency),
            ("Cpu", ChartKind::Cpu),
            ("Scaling", ChartKind::Scaling),
            ("Summary", ChartKind::Dashboard),
        ];
        for (variant, kind) in old {
            let text = format!("(theme:Dark,tab:{variant},profile_toml:None,recent:[])");
            let settings = load(&text).unwrap_or_else(|| panic!("{variant} loads"));
            assert_eq!(settings.tab, kind, "{variant}");
            assert_eq!(settings.theme, Theme::Dark, "{variant}");
            let json = format!("{{\"theme\":\"Dark\",\"tab\":\"{variant}\"}}");
            let settings: Settings = serde_json::from_str(&json).expect("JSON settings load");
            assert_eq!(settings.tab, kind, "{variant} from JSON");
        }
    }

    /// A tab this version does not know (a newer version's chart) loads as the first tab,
    /// keeping the rest of the settings.
    #[test]
    fn an_unknown_tab_loads_as_the_first() {
        let settings = load("(theme:Light,tab:Flamegraph,recent:[])").expect("settings load");
        assert_eq!(settings.tab, CHARTS[0].kind);
        assert_eq!(settings.theme, Theme::Light);
    }

    /// Every tab survives eframe's storage, stored by its registry name.
    #[test]
    fn every_tab_round_trips_by_name() {
        for entry in CHARTS {
            let mut store = Memory::default();
            let settings = Settings {
                tab: entry.kind,
                ..Settings::default()
            };
            eframe::set_value(&mut store, KEY, &settings);
            let text = eframe::Storage::get_string(&store, KEY).unwrap_or_default();
            assert!(text.contains(entry.name), "{text}");
            assert_eq!(eframe::get_value::<Settings>(&store, KEY), Some(settings));
        }
    }

    /// Settings of versions that kept only the editor's TOML (no file) still restore it,
    /// as a profile with no file and no unsaved mark, as those versions did.
    #[test]
    fn settings_with_only_the_profile_text_still_restore_it() {
        let text = r#"(theme:Dark,tab:Latency,profile_toml:Some("name = \"old\"\n[[run]]\nmodel = \"threads\"\nworkers = 1\ntasks = 3\n[run.workload]\nkind = \"sleep\"\nms = 1\n"),recent:[])"#;
        let settings = load(text).expect("old settings load");
        assert_eq!(settings.history_limit_mb(), 200);
        let restored = settings.restore();
        assert_eq!(restored.profile.name, "old");
        assert_eq!(restored.doc.path, None);
        assert!(!restored.doc.dirty && !restored.welcome && restored.error.is_none());
    }

    /// A profile saved to its file is remembered by its path alone; unsaved edits are
    /// remembered with it unless discarded; a file gone since says so.
    #[test]
    fn a_file_is_remembered_by_its_path_and_edits_only_when_unsaved() {
        let profile = crate::gui::editor::default_profile();
        let doc = Document {
            path: Some("/nonexistent/p.toml".into()),
            original: None,
            dirty: false,
        };
        let saved = Settings::default().remembering(&doc, &profile, false);
        assert_eq!(
            (saved.profile_toml.as_deref(), saved.profile_unsaved),
            (None, false)
        );
        let restored = saved.restore();
        let error = restored.error.expect("a file gone is told");
        assert!(error.contains("/nonexistent/p.toml"), "{error}");
        let dirty = Document { dirty: true, ..doc };
        let edited = Settings::default().remembering(&dirty, &profile, false);
        assert!(edited.profile_toml.is_some() && edited.profile_unsaved);
        let restored = edited.restore();
        assert!(restored.doc.dirty && restored.error.is_none());
        assert_eq!(restored.doc.path, dirty.path);
        let discarded = Settings::default().remembering(&dirty, &profile, true);
        assert_eq!(
            (discarded.profile_toml, discarded.profile_unsaved),
            (None, false)
        );
    }
}
