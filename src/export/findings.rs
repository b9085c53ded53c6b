//! The findings as text on an image: a page of their own (`--kind findings`) and a panel
//! under the dashboard's charts. Each finding is a coloured mark for its severity, its title
//! in bold and its text wrapped to the width; what does not fit is counted, not cut.

use super::frame::{FONT, Style};
use crate::results::findings::{Finding, Severity, ranked};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The colour of a severity's mark (the same hues the app uses).
pub fn severity_color(severity: Severity) -> RGBColor {
    let (r, g, b) = crate::palette::severity_rgb(severity);
    RGBColor(r, g, b)
}

/// Draws `found` (most severe first) and then `laws` into `area`, as many lines as fit.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    found: &[Finding],
    laws: &[String],
    style: &Style,
) -> Result<(), String> {
    let (width, height) = area.dim_in_pixel();
    let size = 17.0;
    let line = f64::from(style.px(size * 1.45)) as i32;
    let indent = style.px(22.0) as i32;
    let body = (FONT, size * style.scale).into_font().color(&BLACK);
    let bold = (FONT, size * style.scale, FontStyle::Bold)
        .into_font()
        .color(&BLACK);
    let chars = chars_per_line(area, &body, width.saturating_sub(indent as u32));
    let mut blocks: Vec<Block> = ranked(found)
        .into_iter()
        .map(|f| Block {
            mark: Some(severity_color(f.severity)),
            title: format!("{} [{}]", f.title, f.id),
            lines: wrap(&f.text, chars),
        })
        .collect();
    if !laws.is_empty() {
        let lines = laws.iter().flat_map(|l| wrap(l, chars)).collect();
        blocks.push(Block {
            mark: None,
            title: "Scaling laws".into(),
            lines,
        });
    }
    if blocks.is_empty() {
        return super::frame::nothing_to_show(area, NO_FINDINGS, style);
    }
    let fits = (height as i32 / line).max(1);
    let mut y = 0;
    for (i, block) in blocks.iter().enumerate() {
        let needed = 1 + block.lines.len() as i32;
        let last = i + 1 == blocks.len();
        // Keep a line for "… more" unless this is the last block.
        if y / line + needed > fits - i32::from(!last) {
            let more = blocks.len() - i;
            let text = format!("… {more} more: parlab findings RESULTS.json lists them all");
            return text_at(area, &text, &body, (indent, y));
        }
        if let Some(color) = block.mark {
            let r = style.px(6.0) as i32;
            area.draw(&Circle::new((r + 2, y + line / 2), r, color.filled()))
                .map_err(|e| e.to_string())?;
        }
        text_at(area, &block.title, &bold, (indent, y))?;
        y += line;
        for text in &block.lines {
            text_at(area, text, &body, (indent, y))?;
            y += line;
        }
        y += line / 3;
    }
    Ok(())
}

/// What the findings page says when there is nothing to say.
pub const NO_FINDINGS: &str = "No findings: nothing the rules could establish from these runs";

/// One finding (or the laws) as drawn: a mark, a bold title, wrapped lines.
struct Block {
    mark: Option<RGBColor>,
    title: String,
    lines: Vec<String>,
}

fn text_at<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    font: &TextStyle,
    at: (i32, i32),
) -> Result<(), String> {
    area.draw_text(text, font, at).map_err(|e| e.to_string())
}

/// About how many characters of ordinary text fit in `width` pixels.
fn chars_per_line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    font: &TextStyle,
    width: u32,
) -> usize {
    const SAMPLE: &str = "The threads run of 2 workers used 1.98 cores, 99 % of two";
    let sample_width = area
        .estimate_text_size(SAMPLE, font)
        .map_or(8, |(w, _)| w.max(1));
    (width as usize * SAMPLE.chars().count() / sample_width as usize).max(20)
}

/// `text` broken into lines of at most `chars` characters, at spaces where it can be.
pub fn wrap(text: &str, chars: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let needed = current.chars().count() + 1 + word.chars().count();
        if !current.is_empty() && needed > chars {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrapping_keeps_every_word_and_the_width() {
        let text = "throughput fell significantly although each worker had a free core";
        let lines = wrap(text, 20);
        assert!(lines.iter().all(|l| l.chars().count() <= 20), "{lines:?}");
        assert_eq!(lines.join(" "), text);
        assert_eq!(wrap("", 10), Vec::<String>::new());
        // A word longer than the line keeps a line of its own rather than being cut.
        assert_eq!(wrap("a abcdefghijkl b", 5), ["a", "abcdefghijkl", "b"]);
    }
}
