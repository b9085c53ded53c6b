//! The progress display of `parlab run`: a bar on a terminal, a line per run otherwise.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use parlab::exec::Progress;
use parlab::format::printable;
use parlab::profile::Stop;
use parlab::results::RunResult;
use std::io::IsTerminal;

/// Shows a session's progress on stderr.
pub struct ProgressView {
    bar: Option<ProgressBar>,
    lines: bool,
    shown_run: Option<usize>,
    reported: usize,
}

impl ProgressView {
    /// A bar when stderr is a terminal, plain lines when not, nothing when `quiet`.
    pub fn new(quiet: bool) -> Self {
        let terminal = std::io::stderr().is_terminal();
        Self {
            bar: (!quiet && terminal)
                .then(|| ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())),
            lines: !quiet && !terminal,
            shown_run: None,
            reported: 0,
        }
    }

    /// Redraws from `p`.
    pub fn update(&mut self, p: &Progress) {
        for (i, done) in p.finished.iter().enumerate().skip(self.reported) {
            self.finished(i, done, p);
        }
        self.reported = p.finished.len();
        let Some(bar) = &self.bar else { return };
        if p.run_index >= p.run_count {
            return;
        }
        if self.shown_run != Some(p.run_index) {
            self.shown_run = Some(p.run_index);
            let (len, template) = match p.stop {
                Some(Stop::Duration(s)) => {
                    ((s * 10.0) as u64, "{prefix} [{bar:30.cyan/blue}] {msg}")
                }
                _ => (
                    0,
                    "{prefix} [{bar:30.cyan/blue}] {pos}/{len} tasks, {per_sec} ({elapsed})",
                ),
            };
            let len = match p.stop {
                Some(Stop::Tasks(n)) => n,
                _ => len,
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_length(len);
            bar.reset();
            bar.set_prefix(format!(
                "run {}/{}{} {}",
                p.run_index + 1,
                p.run_count,
                round_of(p, p.round),
                printable(&p.label)
            ));
        }
        match p.stop {
            Some(Stop::Duration(total)) => {
                let elapsed = p.live.elapsed.as_secs_f64().min(total);
                bar.set_position((elapsed * 10.0) as u64);
                bar.set_message(format!(
                    "{elapsed:.1}/{total:.1} s, {} tasks",
                    p.live.tasks_done
                ));
            }
            _ => bar.set_position(p.live.tasks_done),
        }
    }

    fn finished(&self, index: usize, run: &RunResult, p: &Progress) {
        let round = p.steps.get(index).map_or(0, |s| s.round);
        let line = format!(
            "run {} of {}{}: {} {} in {:.2} s ({} tasks)",
            index + 1,
            p.run_count,
            round_of(p, round),
            printable(&run.label),
            run.status,
            run.wall_seconds,
            run.tasks_completed
        );
        if let Some(bar) = &self.bar {
            bar.println(line);
        } else if self.lines {
            eprintln!("{line}");
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// ", round 2 of 5" when the session repeats its runs.
fn round_of(p: &Progress, round: usize) -> String {
    if p.rounds > 1 {
        format!(", round {} of {}", round + 1, p.rounds)
    } else {
        String::new()
    }
}
