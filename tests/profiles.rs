//! Profiles on disk: the shipped examples, round trips (also of random profiles), comments
//! kept through a save, atomic saves that fail cleanly.

mod common;

use parlab::profile::examples::EXAMPLES;
use parlab::profile::{Model, Order, Profile, RunSpec, Workers, parse_str, render, save_file};
use parlab::workload::{
    Command, Contention, Cpu, Fault, FaultAction, FileIo, LockKind, Memory, Pattern, Sizes, Sleep,
    Spawn, Transfer, WorkloadSpec,
};
use proptest::prelude::*;

#[test]
fn every_shipped_example_is_built_in_and_round_trips() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/profiles");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    on_disk.sort();
    let mut built_in: Vec<String> = EXAMPLES.iter().map(|e| e.file.to_string()).collect();
    built_in.sort();
    assert_eq!(
        on_disk, built_in,
        "every file in assets/profiles is offered in the app"
    );
    for example in EXAMPLES {
        let profile = example
            .profile()
            .unwrap_or_else(|| panic!("{} is valid", example.file));
        // Saved as it came: byte for byte.
        assert_eq!(
            render(&profile, Some(example.text)),
            example.text,
            "{}",
            example.file
        );
        // Saved fresh: the same profile.
        assert_eq!(
            parse_str(&render(&profile, None), "fresh").unwrap(),
            profile
        );
    }
}

#[test]
fn a_save_keeps_the_comments_of_a_hand_written_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = "# Written by hand\nname = \"mine\" # the title\n\n[[run]]\n# fast one\nmodel = \"threads\"\nworkers = 2\ntasks = 1_000\n\n[run.workload]\nkind = \"sleep\"\nms = 1\n";
    let path = common::write(dir.path(), "mine.toml", text);
    let mut profile = parlab::profile::load_file(&path).unwrap();
    profile.runs[0].workers = Workers::sweep(vec![1, 2, 4]);
    save_file(&profile, &path, Some(text)).unwrap();
    let saved = std::fs::read_to_string(&path).unwrap();
    assert!(
        saved.contains("# Written by hand")
            && saved.contains("# the title")
            && saved.contains("# fast one")
    );
    assert!(saved.contains("tasks = 1_000"));
    assert!(saved.contains("workers = [1, 2, 4]"), "{saved}");
    assert_eq!(parlab::profile::load_file(&path).unwrap(), profile);
}

/// A folder nobody may write to, even root: `/proc` when permissions do not stop us.
fn read_only_folder(base: &std::path::Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = base.join("locked");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::write(dir.join("probe"), b"x").is_ok() {
        // Running as root: permissions do not apply. /proc refuses new files for everyone.
        return std::path::PathBuf::from("/proc");
    }
    dir
}

#[test]
fn a_save_into_a_read_only_folder_fails_clearly_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let locked = read_only_folder(dir.path());
    let profile = EXAMPLES[0].profile().unwrap();
    let target = locked.join("profile.toml");
    let err = save_file(&profile, &target, None).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!(
            "cannot save the profile to {}: ",
            target.display()
        )),
        "{err}"
    );
    assert!(!target.exists());
    // Over an existing file that cannot be replaced, the old content stays whole.
    let existing = common::write(dir.path(), "keep.toml", EXAMPLES[1].text);
    let mut perms = std::fs::metadata(dir.path()).unwrap().permissions();
    use std::os::unix::fs::PermissionsExt;
    perms.set_mode(0o555);
    std::fs::set_permissions(dir.path(), perms.clone()).unwrap();
    let result = save_file(&profile, &existing, None);
    perms.set_mode(0o755);
    std::fs::set_permissions(dir.path(), perms).unwrap();
    if result.is_err() {
        assert_eq!(
            std::fs::read_to_string(&existing).unwrap(),
            EXAMPLES[1].text
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        leftovers
            .iter()
            .all(|n| !n.to_string_lossy().starts_with(".tmp")),
        "no temporary file is left behind: {leftovers:?}"
    );
}

fn workload() -> impl Strategy<Value = WorkloadSpec> {
    let locks = [
        LockKind::Mutex,
        LockKind::Rwlock,
        LockKind::Atomic,
        LockKind::Sharded,
        LockKind::Unsynchronized,
        LockKind::LockOrder,
    ];
    let sizes = proptest::sample::select(vec![
        Sizes::Fixed,
        Sizes::Uniform,
        Sizes::Exponential,
        Sizes::Pareto,
        Sizes::Increasing,
    ]);
    prop_oneof![
        (1u64..1_000_000_000, sizes).prop_map(|(iterations, sizes)| WorkloadSpec::Cpu(Cpu {
            iterations,
            sizes,
            run_tasks: None,
        })),
        (0u32..3_600_000).prop_map(|ms| WorkloadSpec::Sleep(Sleep {
            ms: f64::from(ms) / 4.0
        })),
        proptest::collection::vec("[a-z/._-][a-z/ ._-]{0,11}", 1..4)
            .prop_map(|argv| WorkloadSpec::Command(Command { argv })),
        (0u64..1000).prop_map(|at_task| WorkloadSpec::Fault(Fault {
            action: FaultAction::Panic,
            at_task
        })),
        (4096u64..1 << 30, any::<bool>()).prop_map(|(bytes, random)| WorkloadSpec::Memory(
            Memory {
                bytes,
                pattern: if random {
                    Pattern::Random
                } else {
                    Pattern::Sequential
                },
            }
        )),
        (1u64..1 << 30, any::<bool>())
            .prop_map(|(bytes, fsync)| WorkloadSpec::FileIo(FileIo { bytes, fsync })),
        (0u64..1_000_000, proptest::sample::select(locks.to_vec())).prop_map(
            |(critical_iterations, lock)| {
                WorkloadSpec::Contention(Contention {
                    lock,
                    critical_iterations,
                })
            }
        ),
        Just(WorkloadSpec::Spawn(Spawn {})),
        (1u64..16 << 20).prop_map(|bytes| WorkloadSpec::Transfer(Transfer { bytes })),
    ]
}

fn run() -> impl Strategy<Value = RunSpec> {
    (
        proptest::option::of("[A-Za-z0-9 ×:_-]{1,20}"),
        proptest::sample::select(Model::ALL.to_vec()),
        proptest::collection::vec(1u64..=256, 1..5),
        proptest::option::of(1u64..10_000_000),
        1u32..86_400,
        0u64..1000,
        proptest::option::of(1u32..1000),
        workload(),
    )
        .prop_filter("labels are not blank", |r| {
            r.0.as_ref().is_none_or(|l| !l.trim().is_empty())
        })
        .prop_filter("increasing sizes need tasks", |r| {
            r.3.is_some() || !matches!(&r.7, WorkloadSpec::Cpu(c) if c.sizes == Sizes::Increasing)
        })
        .prop_map(
            |(label, model, workers, tasks, secs, warmup_tasks, stall, workload)| RunSpec {
                label,
                model,
                workers: Workers::sweep(workers),
                duration_s: tasks.is_none().then_some(f64::from(secs) / 8.0 + 0.125),
                tasks,
                warmup_tasks,
                arrival_rate: None,
                arrivals: None,
                max_queue: None,
                stall_timeout_s: stall.map(|s| f64::from(s) / 2.0),
                chunk: None,
                workload,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_valid_profiles_round_trip(
        name in "[A-Za-z0-9 \"'#:\\\\-]{1,30}".prop_filter("not blank", |n| !n.trim().is_empty()),
        description in "[ -~\n]{0,60}",
        runs in proptest::collection::vec(run(), 1..5),
        repetitions in proptest::option::of(1usize..=1000),
        order in proptest::option::of(prop_oneof![Just(Order::Interleaved), Just(Order::Sequential)]),
        seed in proptest::option::of(0u64..(1 << 53)),
    ) {
        let profile = Profile { version: None, name, description, repetitions, order, seed, runs };
        prop_assert!(profile.validate().is_empty(), "{:?}", profile.validate());
        let text = render(&profile, None);
        let back = parse_str(&text, "random.toml").map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&back, &profile);
        // Through the comment-keeping path as well.
        prop_assert_eq!(render(&back, Some(&text)), text);
    }
}
