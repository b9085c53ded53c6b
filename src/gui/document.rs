//! The profile file being edited: where it lives, the text it was read from (so a save keeps
//! its comments) and whether there are unsaved edits.

use crate::profile::{Profile, parse_str, read_text, save_file};
use std::path::{Path, PathBuf};

/// The file behind the editor.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Where it was opened from or last saved to; `None` for a new profile or an example.
    pub path: Option<PathBuf>,
    /// The text it was read from or last saved as.
    pub original: Option<String>,
    /// True when the editor holds edits that are not saved.
    pub dirty: bool,
}

impl Document {
    /// Reads and validates the profile at `path`; on error the message names file, line and field.
    pub fn open(path: &Path) -> Result<(Self, Profile), String> {
        // Size-capped and checked for UTF-8, with the line of a bad byte.
        let text = read_text(path).map_err(|e| e.to_string())?;
        let profile = parse_str(&text, &path.display().to_string()).map_err(|e| e.to_string())?;
        Ok((
            Self {
                path: Some(path.to_path_buf()),
                original: Some(text),
                dirty: false,
            },
            profile,
        ))
    }

    /// A document for text that has no file yet (an example): saving asks where.
    pub fn unsaved(text: Option<&str>) -> Self {
        Self {
            path: None,
            original: text.map(str::to_string),
            dirty: false,
        }
    }

    /// Saves `profile` to `path` atomically; on error nothing changes and the edits stay.
    pub fn save_as(&mut self, profile: &Profile, path: &Path) -> Result<(), String> {
        let text = save_file(profile, path, self.original.as_deref()).map_err(|e| e.to_string())?;
        self.path = Some(path.to_path_buf());
        self.original = Some(text);
        self.dirty = false;
        Ok(())
    }

    /// The file name for the title bar.
    pub fn file_name(&self) -> Option<String> {
        self.path
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
    }
}
