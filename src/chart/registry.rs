//! The chart registry: every chart's `--kind` name, image title, app tab and shortcut, in one
//! list. The export renderer and the app both read it; nothing else lists the charts.

use serde::de::{self, EnumAccess, VariantAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Which chart: one per entry of [`CHARTS`], in the same order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ChartKind {
    /// Tasks per second over time.
    #[default]
    Throughput,
    /// p50/p99 over time and the distribution by percentile.
    Latency,
    /// CPU utilisation per core, one panel per run.
    Cpu,
    /// Speedup and efficiency vs workers.
    Scaling,
    /// The four charts on one page (the app's Summary tab).
    Dashboard,
    /// What the measurements mean: the findings with their evidence, and the scaling laws.
    Findings,
    /// Open-model load: response time against the achieved rate, one curve per model.
    Load,
    /// What every worker did over time (its task spans by state) over the per-core CPU.
    Workers,
}

/// One chart as the app, the command line and an image know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartEntry {
    /// The chart.
    pub kind: ChartKind,
    /// Its `--kind` value and file-name part; also how the app remembers the tab.
    pub name: &'static str,
    /// The title of an exported image.
    pub title: &'static str,
    /// The app's tab title.
    pub tab: &'static str,
    /// The app's shortcut: this key with Ctrl (⌘ on macOS).
    pub shortcut: char,
    /// What it shows, in a line (`parlab chart --help`).
    pub help: &'static str,
}

/// Every chart, in tab order (entry `i` is the kind whose number is `i`).
pub const CHARTS: [ChartEntry; 8] = [
    entry(
        ChartKind::Throughput,
        "throughput",
        "Throughput over time",
        "Throughput",
        '1',
        "Tasks per second over time",
    ),
    entry(
        ChartKind::Latency,
        "latency",
        "Task latency",
        "Latency",
        '2',
        "p50/p99 over time and the distribution by percentile",
    ),
    entry(
        ChartKind::Cpu,
        "cpu",
        "CPU utilisation per core",
        "CPU per core",
        '3',
        "CPU utilisation per core, one panel per run",
    ),
    entry(
        ChartKind::Scaling,
        "scaling",
        "Scaling with workers",
        "Scaling",
        '4',
        "Speedup and efficiency vs workers",
    ),
    entry(
        ChartKind::Dashboard,
        "dashboard",
        "parlab results",
        "Summary",
        '5',
        "The four charts on one page, with the main findings",
    ),
    entry(
        ChartKind::Findings,
        "findings",
        "Findings",
        "Findings",
        '6',
        "What the measurements mean: findings with their evidence, and the scaling laws",
    ),
    entry(
        ChartKind::Load,
        "load",
        "Response time vs achieved rate (open load)",
        "Load",
        '7',
        "Open-load runs: response p50/p99 against the achieved rate, one curve per model swept \
         over arrival rates, saturated points ringed",
    ),
    entry(
        ChartKind::Workers,
        "workers",
        "What each worker did",
        "Workers",
        '8',
        "One lane per worker, each task a span coloured by state, over the per-core CPU lanes",
    ),
];

const fn entry(
    kind: ChartKind,
    name: &'static str,
    title: &'static str,
    tab: &'static str,
    shortcut: char,
    help: &'static str,
) -> ChartEntry {
    ChartEntry {
        kind,
        name,
        title,
        tab,
        shortcut,
        help,
    }
}

// [`ChartKind::entry`] indexes the list by kind: a list out of order does not compile.
const _: () = {
    let mut i = 0;
    while i < CHARTS.len() {
        assert!(CHARTS[i].kind as usize == i, "CHARTS is in ChartKind order");
        i += 1;
    }
};

/// Every chart's name, for serde's messages.
const NAMES: [&str; CHARTS.len()] = {
    let mut names = [""; CHARTS.len()];
    let mut i = 0;
    while i < CHARTS.len() {
        names[i] = CHARTS[i].name;
        i += 1;
    }
    names
};

impl ChartKind {
    /// The four single charts, in order.
    pub const SINGLE: [ChartKind; 4] = [
        ChartKind::Throughput,
        ChartKind::Latency,
        ChartKind::Cpu,
        ChartKind::Scaling,
    ];

    /// Every chart, in tab order.
    pub const ALL: [ChartKind; 8] = [
        ChartKind::Throughput,
        ChartKind::Latency,
        ChartKind::Cpu,
        ChartKind::Scaling,
        ChartKind::Dashboard,
        ChartKind::Findings,
        ChartKind::Load,
        ChartKind::Workers,
    ];

    /// Its registry entry.
    pub fn entry(self) -> &'static ChartEntry {
        &CHARTS[self as usize]
    }

    /// A file-name-friendly name (the `--kind` value).
    pub fn name(self) -> &'static str {
        self.entry().name
    }

    /// The title of an exported image.
    pub fn title(self) -> &'static str {
        self.entry().title
    }

    /// The app's tab title.
    pub fn tab(self) -> &'static str {
        self.entry().tab
    }

    /// The chart called `name`: its `--kind` name or its tab title, in any case (older
    /// versions of the app remembered the tab as `Throughput`, `Cpu`, `Summary`…).
    pub fn from_name(name: &str) -> Option<Self> {
        CHARTS
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name) || c.tab.eq_ignore_ascii_case(name))
            .map(|c| c.kind)
    }
}

/// Stored by name, as a unit variant (what the derived form wrote before).
impl Serialize for ChartKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit_variant("ChartKind", *self as u32, self.name())
    }
}

/// Read by name ([`ChartKind::from_name`]); a name this version does not know (a chart of a
/// newer version) reads as the first chart rather than failing the whole settings file.
impl<'de> Deserialize<'de> for ChartKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_enum("ChartKind", &NAMES, KindVisitor)
    }
}

struct KindVisitor;

impl<'de> Visitor<'de> for KindVisitor {
    type Value = ChartKind;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the name of a chart")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<ChartKind, E> {
        Ok(ChartKind::from_name(name).unwrap_or_default())
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<ChartKind, A::Error> {
        let (kind, variant): (Identifier, _) = data.variant()?;
        variant.unit_variant()?;
        Ok(kind.0)
    }
}

/// A variant's name read as an identifier (a bare word in RON, a string in JSON), as the
/// derived form reads it.
struct Identifier(ChartKind);

impl<'de> Deserialize<'de> for Identifier {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_identifier(KindVisitor)
            .map(Identifier)
    }
}
