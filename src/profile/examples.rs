//! The example profiles shipped in `assets/profiles/`, built into the binary so the app
//! offers them wherever it is installed.

use super::{Profile, parse_str};

/// One shipped example.
pub struct Example {
    /// Its file name in `assets/profiles/`.
    pub file: &'static str,
    /// Its TOML text.
    pub text: &'static str,
}

macro_rules! examples {
    ($($file:literal),* $(,)?) => {
        /// Every example, in menu order.
        pub const EXAMPLES: &[Example] = &[
            $(Example { file: $file, text: include_str!(concat!("../../assets/profiles/", $file)) }),*
        ];
    };
}

examples![
    "cpu-threads-vs-processes.toml",
    "blocking-io.toml",
    "creation-cost.toml",
    "scaling-sweep.toml",
    "external-command.toml",
    "memory-bandwidth.toml",
    "file-io.toml",
    "contention.toml",
    "deadlock.toml",
    "spawn-cost.toml",
    "transfer.toml",
    "python-gil.toml",
    "load-balance.toml",
    "open-load.toml",
];

impl Example {
    /// The example as a profile (the shipped files are valid; tests check it).
    pub fn profile(&self) -> Option<Profile> {
        parse_str(self.text, self.file).ok()
    }
}
