//! What the app remembers between launches (through eframe's storage).

use serde::{Deserialize, Serialize};

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
    /// The profile being edited, as TOML, so edits survive a restart.
    pub profile_toml: Option<String>,
    /// Profiles opened or saved lately, newest first.
    pub recent: Vec<std::path::PathBuf>,
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
}
