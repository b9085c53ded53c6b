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

/// Which chart the central area shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChartTab {
    /// Tasks per second over time.
    #[default]
    Throughput,
    /// Latency over time and its distribution.
    Latency,
    /// Per-core CPU utilisation.
    Cpu,
    /// Speedup vs workers.
    Scaling,
    /// The summary table.
    Summary,
}

impl ChartTab {
    /// Every tab, in display order.
    pub const ALL: [ChartTab; 5] = [
        ChartTab::Throughput,
        ChartTab::Latency,
        ChartTab::Cpu,
        ChartTab::Scaling,
        ChartTab::Summary,
    ];

    /// The tab's title.
    pub fn title(self) -> &'static str {
        match self {
            ChartTab::Throughput => "Throughput",
            ChartTab::Latency => "Latency",
            ChartTab::Cpu => "CPU per core",
            ChartTab::Scaling => "Scaling",
            ChartTab::Summary => "Summary",
        }
    }
}

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
