//! Keep the loader broken-proof (issue 10): thousands of mutated shipped scenarios,
//! from a fixed seed, go through parse → validate → expand. None may panic, every
//! refusal must carry a message, and every accepted one must stay under the work and
//! memory ceilings the validator documents. Deterministic: the same mutants every run.

use s3sim_engine::RandomStreams;
use s3sim_scenario::validate::{
    MAX_FACILITY_VALUES, MAX_METRIC_VALUES, MAX_REQUESTS_PER_REPLICA, MAX_RUN_VALUES, Work,
};
use s3sim_scenario::{ScenarioError, parse};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::AtomicUsize;

/// Accepted mutants with at most this many tries (worst case) are also run.
const SMALL_RUN: f64 = 20_000.0;
/// How many mutants were run.
static RUNS: AtomicUsize = AtomicUsize::new(0);

/// SplitMix64: a tiny, fixed generator, so that the mutants never change.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "-500",
    "1",
    "255",
    "256",
    "65536",
    "4294967296",
    "18446744073709551616",
    "1000000000",
    "1e300",
    "-1e300",
    "0.0",
    "NaN",
    "inf",
    "1.5",
    "99999999999",
];
const STRINGS: &[&str] = &[
    "\"0s\"",
    "\"1ns\"",
    "\"90M\"",
    "\"-1s\"",
    "\"\"",
    "\"100000h\"",
    "\"1000000000000/s\"",
    "\"0/s\"",
    "\"NaN/s\"",
    "\"1/ms\"",
    "\"x.shards\"",
    "\"..\"",
    "\"a/b\"",
    "\"1e9h\"",
    "\"\\u{7}\"",
    "\"30\"",
];
const WORDS: &[&str] = &[
    "none",
    "forever",
    "fixed(\"0s\")",
    "true",
    "[]",
    "()",
    "zipf(-1.0)",
    "poisson(\"1e12/s\")",
    "periodic(\"1ns\")",
    "[[[[[[[[[[]]]]]]]]]]",
];

/// A byte range of `text`.
type Span = (usize, usize);

/// Byte ranges of number and string tokens in `text`.
fn tokens(text: &str) -> (Vec<Span>, Vec<Span>) {
    let bytes = text.as_bytes();
    let (mut numbers, mut strings) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'"' {
            let start = i;
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            strings.push((start, (i + 1).min(bytes.len())));
        } else if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
        } else if b.is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            numbers.push((start, i));
            continue;
        }
        i += 1;
    }
    (numbers, strings)
}

/// One mutant of `text`: one to three edits of values, characters or lines.
fn mutate(text: &str, rng: &mut Mix) -> String {
    let mut out = text.to_string();
    for _ in 0..1 + rng.below(3) {
        let (numbers, strings) = tokens(&out);
        match rng.below(8) {
            0..=2 if !numbers.is_empty() => {
                let (a, b) = numbers[rng.below(numbers.len())];
                out.replace_range(a..b, rng.pick(NUMBERS));
            }
            3..=4 if !strings.is_empty() => {
                let (a, b) = strings[rng.below(strings.len())];
                out.replace_range(a..b, rng.pick(STRINGS));
            }
            5 if !strings.is_empty() => {
                let (a, b) = strings[rng.below(strings.len())];
                out.replace_range(a..b, rng.pick(WORDS));
            }
            6 => {
                // Delete or duplicate one character (on a char boundary).
                let at = rng.below(out.len());
                if out.is_char_boundary(at) && out.is_char_boundary(at + 1) {
                    if rng.below(2) == 0 {
                        out.replace_range(at..at + 1, "");
                    } else {
                        let ch = out[at..at + 1].to_string();
                        out.insert_str(at, &ch);
                    }
                }
            }
            _ => {
                // Duplicate or drop a whole line.
                let lines: Vec<&str> = out.lines().collect();
                let at = rng.below(lines.len());
                let mut edited: Vec<&str> = lines.clone();
                if rng.below(2) == 0 {
                    edited.insert(at, lines[at]);
                } else {
                    edited.remove(at);
                }
                out = edited.join("\n");
            }
        }
    }
    out
}

/// The shipped scenarios, by file name.
fn shipped() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.file_name().unwrap().to_string_lossy().into_owned(), text)
        })
        .collect()
}

/// What went wrong with one mutant, if anything.
fn verdict(text: &str) -> Result<bool, String> {
    let outcome = catch_unwind(AssertUnwindSafe(|| parse(text, "mutant.ron")))
        .map_err(|_| "panicked".to_string())?;
    match outcome {
        Err(ScenarioError::Invalid { issues, .. }) => {
            if issues.is_empty() {
                return Err("refused without an issue".into());
            }
            for issue in &issues {
                if issue.path.trim().is_empty() || issue.message.trim().is_empty() {
                    return Err(format!("an issue without a path or message: {issue:?}"));
                }
            }
            Ok(false)
        }
        Err(other) => {
            if other.to_string().trim().is_empty() {
                return Err("refused with an empty message".into());
            }
            Ok(false)
        }
        Ok(loaded) => {
            let mut run_values = 0u64;
            for point in &loaded.points {
                let s = point.scenario();
                let work = Work::of(&s);
                let ceiling = s
                    .max_requests_per_replica
                    .unwrap_or(MAX_REQUESTS_PER_REPLICA);
                if work.worst_case_tries.is_nan() || work.worst_case_tries > ceiling as f64 {
                    return Err(format!(
                        "accepted {} tries > {ceiling}",
                        work.worst_case_tries
                    ));
                }
                if work.metric_values > MAX_METRIC_VALUES
                    || work.facility_values > MAX_FACILITY_VALUES
                {
                    return Err(format!("accepted {work:?}"));
                }
                run_values += work.output_values() * u64::from(s.replicas);
            }
            if run_values > MAX_RUN_VALUES {
                return Err(format!("accepted {run_values} counters for the run"));
            }
            // A bounded run of the small ones: one replica of the first point, whose
            // requests may not exceed the worst case the validator estimated (twice,
            // plus a margin, for Poisson noise).
            let point = &loaded.points[0];
            let work = Work::of(&point.scenario());
            if work.worst_case_tries <= SMALL_RUN {
                let out = catch_unwind(AssertUnwindSafe(|| {
                    s3sim_model::run_replica(&point.world(), RandomStreams::new(7))
                }))
                .map_err(|_| "the run panicked".to_string())?;
                if out.issued as f64 > 2.0 * work.worst_case_tries + 100.0 {
                    return Err(format!(
                        "ran away: {} requests issued, estimate {work:?}",
                        out.issued
                    ));
                }
                RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            Ok(true)
        }
    }
}

#[test]
fn mutated_shipped_scenarios_never_panic_and_stay_within_the_ceilings() {
    // Release builds (CI) try 1000 mutants per shipped scenario (15 000, ~10 s);
    // debug builds fewer.
    let per_file = if cfg!(debug_assertions) { 50 } else { 1000 };
    let mut rng = Mix(0x5335_1a10);
    let (mut accepted, mut refused) = (0, 0);
    let mut failures = Vec::new();
    // A panic is caught and reported with its mutant; keep the default hook quiet.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for (name, text) in shipped() {
        for n in 0..per_file {
            let mutant = mutate(&text, &mut rng);
            match verdict(&mutant) {
                Ok(true) => accepted += 1,
                Ok(false) => refused += 1,
                Err(why) => failures.push(format!("{name} mutant {n}: {why}\n{mutant}")),
            }
        }
    }
    std::panic::set_hook(hook);
    assert!(
        failures.is_empty(),
        "{} failures; first:\n{}",
        failures.len(),
        failures[0]
    );
    // Both outcomes are exercised: mutants are neither all refused nor all accepted.
    assert!(
        accepted > 100 && refused > 100,
        "{accepted} accepted, {refused} refused"
    );
    let runs = RUNS.load(std::sync::atomic::Ordering::Relaxed);
    assert!(
        runs > 10,
        "only {runs} accepted mutants were small enough to run"
    );
}
