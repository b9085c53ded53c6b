//! The columns of a results table, defined once: the CSV export, the summary `parlab run`
//! prints and the app's summary table all take their columns from here, each choosing which
//! and in what order. A column says its CSV name, its heading for people, its unit, how to get
//! its value from a [`RunResult`] and whether it applies (workload figures only when some run
//! measured them). Tables for people may show a run's repetitions' uncertainty
//! ([`Column::shown_with_spread`]); the CSV never does.

use super::{Host, RunResult};
use crate::format::{mib, si};

mod spread;

pub use spread::{has_spread, one_repetition_note};

/// One run's value in a column.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text: a label, a name, an error message.
    Text(String),
    /// A count or a size in bytes.
    Count(u64),
    /// A measured quantity.
    Real(f64),
    /// Yes or no (`saturated`).
    Flag(bool),
}

/// How a value reads in a table for people; the CSV always writes the value itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// As it is.
    Plain,
    /// Three significant figures with a k/M/G suffix ([`si`]).
    Si,
    /// Two decimals.
    Fixed2,
    /// Bytes as MiB ([`mib`]).
    Mib,
}

/// When a column belongs in a human table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    /// Always.
    Always,
    /// Only when some run has a value (figures only some workload kinds measure).
    WhenMeasured,
}

/// One column of a results table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The name in the CSV header (stable: documented in the README); columns only people
    /// see have a name in the same style.
    pub key: &'static str,
    /// The heading in the CLI and app tables, with the unit shown.
    pub heading: &'static str,
    /// The unit of the value itself (empty for text and plain counts).
    pub unit: &'static str,
    /// How the value reads for people.
    pub shown: Shown,
    /// When the column belongs in a human table.
    pub applies: Applies,
    /// The value, or `None` when the run has none. The host is the results file's, for runs
    /// that do not carry their own.
    value: fn(&RunResult, Option<&Host>) -> Option<Value>,
}

impl Column {
    /// `run`'s value in this column; `host` is the results file's host.
    pub fn value(&self, run: &RunResult, host: Option<&Host>) -> Option<Value> {
        (self.value)(run, host)
    }

    /// `run`'s value as people read it, or `None` when the run has none (each table shows
    /// its own mark for that).
    pub fn shown(&self, run: &RunResult, host: Option<&Host>) -> Option<String> {
        Some(match (self.value(run, host)?, self.shown) {
            (Value::Text(t), _) => t,
            (Value::Count(n), Shown::Mib) => mib(n),
            (Value::Count(n), _) => n.to_string(),
            (Value::Real(v), Shown::Si) => si(v),
            (Value::Real(v), Shown::Fixed2) => format!("{v:.2}"),
            (Value::Real(v), Shown::Plain | Shown::Mib) => v.to_string(),
            (Value::Flag(b), _) => if b { "yes" } else { "no" }.to_string(),
        })
    }

    /// Whether the column belongs in a human table of `runs`.
    pub fn applies_to<'a>(&self, runs: impl IntoIterator<Item = &'a RunResult>) -> bool {
        match self.applies {
            Applies::Always => true,
            Applies::WhenMeasured => runs.into_iter().any(|r| self.value(r, None).is_some()),
        }
    }
}

/// A column shown always.
const fn column(
    key: &'static str,
    heading: &'static str,
    unit: &'static str,
    shown: Shown,
    value: fn(&RunResult, Option<&Host>) -> Option<Value>,
) -> Column {
    Column {
        key,
        heading,
        unit,
        shown,
        applies: Applies::Always,
        value,
    }
}

fn text(s: impl ToString) -> Option<Value> {
    Some(Value::Text(s.to_string()))
}

fn count(n: impl TryInto<u64>) -> Option<Value> {
    n.try_into().ok().map(Value::Count)
}

fn real(v: f64) -> Option<Value> {
    Some(Value::Real(v))
}

/// The host a run was measured on: its own when it carries one, else the file's.
fn host_of<'a>(run: &'a RunResult, host: Option<&'a Host>) -> Option<&'a Host> {
    run.host.as_ref().or(host)
}

/// The run's label.
pub const LABEL: Column = column("label", "run", "", Shown::Plain, |r, _| text(&r.label));
/// The execution model.
pub const MODEL: Column = column("model", "model", "", Shown::Plain, |r, _| text(r.model));
/// The worker count.
pub const WORKERS: Column = column("workers", "workers", "", Shown::Plain, |r, _| {
    count(r.workers)
});
/// The workload as run, as JSON.
pub const WORKLOAD: Column = column("workload", "workload", "", Shown::Plain, |r, _| {
    text(serde_json::to_string(&r.workload).unwrap_or_default())
});
/// The workload's kind and first parameter, `cpu iterations=200k` (tables for people only:
/// the CSV has the whole workload in `workload`).
pub const WORKLOAD_BRIEF: Column =
    column("workload_brief", "workload", "", Shown::Plain, |r, _| {
        text(crate::profile::workload_brief(&r.workload))
    });
/// How the run ended.
pub const STATUS: Column = column("status", "status", "", Shown::Plain, |r, _| text(r.status));
/// Why the run failed, when it did.
pub const ERROR: Column = column("error", "error", "", Shown::Plain, |r, _| {
    r.error.as_deref().and_then(text)
});
/// Tasks completed within the measured part.
pub const TASKS_COMPLETED: Column = column("tasks_completed", "tasks", "", Shown::Plain, |r, _| {
    count(r.tasks_completed)
});
/// Tasks that failed.
pub const TASKS_FAILED: Column = column("tasks_failed", "failed", "", Shown::Plain, |r, _| {
    count(r.tasks_failed)
});
/// Seconds from the start of measuring to the last worker's end.
pub const WALL_SECONDS: Column = column("wall_seconds", "wall s", "s", Shown::Fixed2, |r, _| {
    real(r.wall_seconds)
});
/// Completed tasks per second.
pub const THROUGHPUT: Column = column(
    "throughput_per_sec",
    "tasks/s",
    "tasks/s",
    Shown::Si,
    |r, _| real(r.throughput_per_sec),
);
/// The shortest task.
pub const LATENCY_MIN: Column = column("latency_min_us", "min µs", "µs", Shown::Si, |r, _| {
    real(r.latency_us.min)
});
/// The mean task latency.
pub const LATENCY_MEAN: Column = column("latency_mean_us", "mean µs", "µs", Shown::Si, |r, _| {
    real(r.latency_us.mean)
});
/// The median task latency.
pub const P50: Column = column("p50_us", "p50 µs", "µs", Shown::Si, |r, _| {
    real(r.latency_us.p50)
});
/// The 90th percentile latency.
pub const P90: Column = column("p90_us", "p90 µs", "µs", Shown::Si, |r, _| {
    real(r.latency_us.p90)
});
/// The 99th percentile latency.
pub const P99: Column = column("p99_us", "p99 µs", "µs", Shown::Si, |r, _| {
    real(r.latency_us.p99)
});
/// The 99.9th percentile latency.
pub const P999: Column = column("p999_us", "p99.9 µs", "µs", Shown::Si, |r, _| {
    real(r.latency_us.p999)
});
/// The longest task.
pub const LATENCY_MAX: Column = column("latency_max_us", "max µs", "µs", Shown::Si, |r, _| {
    real(r.latency_us.max)
});
/// What the model itself costs per task.
pub const OVERHEAD: Column = column(
    "overhead_per_task_us",
    "overhead µs",
    "µs",
    Shown::Si,
    |r, _| r.overhead_per_task_us.and_then(real),
);
/// User-mode CPU seconds.
pub const USER_S: Column = column("user_s", "user s", "s", Shown::Fixed2, |r, _| {
    real(r.process.user_s)
});
/// Kernel CPU seconds.
pub const SYS_S: Column = column("sys_s", "sys s", "s", Shown::Fixed2, |r, _| {
    real(r.process.sys_s)
});
/// User plus kernel CPU seconds (tables only; the CSV has both parts).
pub const CPU_SECONDS: Column = column("cpu_seconds", "CPU s", "s", Shown::Fixed2, |r, _| {
    real(r.process.user_s + r.process.sys_s)
});
/// Voluntary context switches.
pub const VOLUNTARY_CTX: Column =
    column("voluntary_ctx", "ctx sw. vol", "", Shown::Plain, |r, _| {
        count(r.process.voluntary_ctx)
    });
/// Involuntary context switches.
pub const INVOLUNTARY_CTX: Column = column(
    "involuntary_ctx",
    "ctx sw. invol",
    "",
    Shown::Plain,
    |r, _| count(r.process.involuntary_ctx),
);
/// Both kinds of context switch, `voluntary / involuntary` (tables only).
pub const CONTEXT_SWITCHES: Column = column(
    "context_switches",
    "ctx sw. vol/invol",
    "",
    Shown::Plain,
    |r, _| {
        let p = &r.process;
        text(format!("{} / {}", p.voluntary_ctx, p.involuntary_ctx))
    },
);
/// Peak resident memory.
pub const PEAK_RSS: Column = column(
    "peak_rss_bytes",
    "peak RSS MiB",
    "bytes",
    Shown::Mib,
    |r, _| count(r.process.peak_rss_bytes),
);
/// The CPU model of the measuring machine.
pub const HOST_CPU: Column = column("host_cpu", "CPU", "", Shown::Plain, |r, h| {
    host_of(r, h).and_then(|h| text(&h.cpu_brand))
});
/// The logical CPUs of the measuring machine.
pub const HOST_LOGICAL_CPUS: Column = column(
    "host_logical_cpus",
    "logical CPUs",
    "",
    Shown::Plain,
    |r, h| host_of(r, h).and_then(|h| count(h.logical_cpus)),
);
/// Increments of a shared counter lost to a race (`contention`).
pub const LOST_UPDATES: Column = Column {
    applies: Applies::WhenMeasured,
    ..column("lost_updates", "lost updates", "", Shown::Plain, |r, _| {
        r.workload_stats.as_ref()?.lost_updates.and_then(count)
    })
};
/// Bytes the tasks read or wrote (`memory`, `file-io`, `transfer`).
pub const BYTES_MOVED: Column = Column {
    applies: Applies::WhenMeasured,
    ..column("bytes_moved", "MiB moved", "bytes", Shown::Mib, |r, _| {
        r.workload_stats.as_ref()?.bytes_moved.and_then(count)
    })
};

/// Time from the run clock's start to the end of the last task span (see
/// [`crate::metrics::balance`]).
pub const MAKESPAN: Column = Column {
    applies: Applies::WhenMeasured,
    ..column("makespan_s", "makespan s", "s", Shown::Fixed2, |r, _| {
        r.balance.as_ref().and_then(|b| real(b.makespan_s))
    })
};
/// Mean busy over max busy of the workers (1 = even; below 0.8 is a problem).
pub const LOAD_BALANCE: Column = Column {
    applies: Applies::WhenMeasured,
    ..column("load_balance", "balance", "", Shown::Fixed2, |r, _| {
        r.balance.as_ref().and_then(|b| real(b.load_balance))
    })
};
/// Total busy time over wall time: workers really working on average.
pub const EFFECTIVE_PARALLELISM: Column = Column {
    applies: Applies::WhenMeasured,
    ..column(
        "effective_parallelism",
        "busy workers",
        "",
        Shown::Fixed2,
        |r, _| {
            r.balance
                .as_ref()
                .and_then(|b| real(b.effective_parallelism))
        },
    )
};

/// A figure of an open-load run (`arrival_rate`); closed-loop runs have none, so these
/// columns show only where some run had an open load.
const fn open_column(
    key: &'static str,
    heading: &'static str,
    unit: &'static str,
    shown: Shown,
    value: fn(&RunResult, Option<&Host>) -> Option<Value>,
) -> Column {
    Column {
        applies: Applies::WhenMeasured,
        ..column(key, heading, unit, shown, value)
    }
}

/// `threads` runs with a `chunk`: tasks per grab, or `static` (shown only when some run has
/// one).
pub const CHUNK: Column = Column {
    applies: Applies::WhenMeasured,
    ..column("chunk", "chunk", "", Shown::Plain, |r, _| {
        text(r.chunk?.describe())
    })
};

/// Open load: tasks per second offered (the arrival rate).
pub const OFFERED_RATE: Column =
    open_column("offered_rate", "offered/s", "tasks/s", Shown::Si, |r, _| {
        real(r.open.as_ref()?.offered_rate)
    });
/// Open load: tasks per second completed.
pub const ACHIEVED_RATE: Column = open_column(
    "achieved_rate",
    "achieved/s",
    "tasks/s",
    Shown::Si,
    |r, _| real(r.open.as_ref()?.achieved_rate),
);
/// Open load: the median response time (end − intended start).
pub const RESPONSE_P50: Column = open_column(
    "response_p50_us",
    "response p50 µs",
    "µs",
    Shown::Si,
    |r, _| real(r.open.as_ref()?.response_us.p50),
);
/// Open load: the 99th percentile response time (end − intended start).
pub const RESPONSE_P99: Column = open_column(
    "response_p99_us",
    "response p99 µs",
    "µs",
    Shown::Si,
    |r, _| real(r.open.as_ref()?.response_us.p99),
);
/// Open load: the 99th percentile wait for a worker (actual − intended start).
pub const QUEUE_P99: Column =
    open_column("queue_p99_us", "queue p99 µs", "µs", Shown::Si, |r, _| {
        real(r.open.as_ref()?.queue_us.p99)
    });
/// Open load: tasks that waited longer than the median service time.
pub const LATE: Column = open_column("late", "late", "", Shown::Plain, |r, _| {
    count(r.open.as_ref()?.late)
});
/// Open load: arrivals that found the queue full.
pub const DROPPED: Column = open_column("dropped", "dropped", "", Shown::Plain, |r, _| {
    count(r.open.as_ref()?.dropped)
});
/// Open load: whether the run fell behind its arrival rate (`yes`/`no`; the CSV writes
/// `true`/`false`, as the results file does).
pub const SATURATED: Column = open_column("saturated", "saturated", "", Shown::Plain, |r, _| {
    r.open.as_ref().map(|o| Value::Flag(o.saturated))
});

/// Open load: the median service time (end − actual start: `p50_us` under the name that
/// tells it from the response time; tables for people only).
pub const SERVICE_P50: Column = open_column(
    "service_p50_us",
    "service p50 µs",
    "µs",
    Shown::Si,
    |r, _| r.open.as_ref().and(real(r.latency_us.p50)),
);

/// The CSV's columns of open-load runs, written after [`CSV`] only when some run had an
/// open load: a file of closed-loop runs keeps exactly the columns it always had.
pub const CSV_OPEN: [&Column; 8] = [
    &OFFERED_RATE,
    &ACHIEVED_RATE,
    &RESPONSE_P50,
    &RESPONSE_P99,
    &QUEUE_P99,
    &LATE,
    &DROPPED,
    &SATURATED,
];

/// The CSV's last column when some run has a `chunk` (after [`CSV_OPEN`] when that is
/// written too): files without one keep exactly the columns they always had.
pub const CSV_CHUNK: [&Column; 1] = [&CHUNK];

/// The columns of `parlab run`'s second table, "Open load", printed when some run had one
/// (the label first).
pub const OPEN_SUMMARY: [&Column; 10] = [
    &LABEL,
    &OFFERED_RATE,
    &ACHIEVED_RATE,
    &RESPONSE_P50,
    &RESPONSE_P99,
    &QUEUE_P99,
    &SERVICE_P50,
    &LATE,
    &DROPPED,
    &SATURATED,
];

/// The CSV's columns, in order: one row per run, every column always (empty when a run has
/// no value). Names never change meaning: `tests/golden/results-v1.csv` holds the header.
pub const CSV: [&Column; 30] = [
    &LABEL,
    &MODEL,
    &WORKERS,
    &WORKLOAD,
    &STATUS,
    &ERROR,
    &TASKS_COMPLETED,
    &TASKS_FAILED,
    &WALL_SECONDS,
    &THROUGHPUT,
    &LATENCY_MIN,
    &LATENCY_MEAN,
    &P50,
    &P90,
    &P99,
    &P999,
    &LATENCY_MAX,
    &OVERHEAD,
    &USER_S,
    &SYS_S,
    &VOLUNTARY_CTX,
    &INVOLUNTARY_CTX,
    &PEAK_RSS,
    &HOST_CPU,
    &HOST_LOGICAL_CPUS,
    &LOST_UPDATES,
    &BYTES_MOVED,
    &MAKESPAN,
    &LOAD_BALANCE,
    &EFFECTIVE_PARALLELISM,
];

/// The columns of `parlab run`'s summary, in order (those that apply).
pub const SUMMARY: [&Column; 17] = [
    &LABEL,
    &MODEL,
    &CHUNK,
    &WORKERS,
    &STATUS,
    &TASKS_COMPLETED,
    &WALL_SECONDS,
    &THROUGHPUT,
    &P50,
    &P99,
    &OVERHEAD,
    &CPU_SECONDS,
    &PEAK_RSS,
    &LOAD_BALANCE,
    &EFFECTIVE_PARALLELISM,
    &LOST_UPDATES,
    &BYTES_MOVED,
];

/// The columns of the app's summary table, in order (those that apply: the open-load
/// figures only when some run had an open load).
pub const APP_SUMMARY: [&Column; 21] = [
    &LABEL,
    &WORKLOAD_BRIEF,
    &STATUS,
    &TASKS_COMPLETED,
    &THROUGHPUT,
    &OFFERED_RATE,
    &ACHIEVED_RATE,
    &RESPONSE_P99,
    &DROPPED,
    &SATURATED,
    &P50,
    &P99,
    &OVERHEAD,
    &CPU_SECONDS,
    &CONTEXT_SWITCHES,
    &PEAK_RSS,
    &WALL_SECONDS,
    &LOAD_BALANCE,
    &EFFECTIVE_PARALLELISM,
    &LOST_UPDATES,
    &BYTES_MOVED,
];

#[cfg(test)]
mod tests;
