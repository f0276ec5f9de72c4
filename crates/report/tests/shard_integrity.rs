//! Merge refuses shards of another build, altered payloads and wrong dimensions with an
//! error, never a panic; shards resume after a kill; `status` says what is left.

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use s3sim_model::world::ReplicaOutput;
use s3sim_report::shard::{
    MergeError, decode_payload, encode_payload, merge_shards, run_shard, shard_status,
};
use s3sim_report::{OutDir, RunOptions, Shard, write_results};
use s3sim_scenario::LoadedScenario;
use serde_json::Value;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

fn short_default() -> LoadedScenario {
    let text = s3sim_scenario::DEFAULT_SCENARIO.replace("duration: \"2h\"", "duration: \"75m\"");
    s3sim_scenario::parse(&text, "short.ron").unwrap_or_else(|e| panic!("{e}"))
}

const OPTIONS: RunOptions = RunOptions {
    seed: 5,
    replicas: 2,
    progress: false,
};

/// Run every shard of a `count`-way split into `dir/K-of-N`.
fn shards(dir: &Path, loaded: &LoadedScenario, count: u32) -> Vec<PathBuf> {
    (0..count)
        .map(|index| {
            let out = dir.join(format!("{index}-of-{count}"));
            run_shard(&OutDir::new(&out), loaded, OPTIONS, Shard { index, count }).unwrap();
            out
        })
        .collect()
}

/// A job file's header (as JSON) and payload, decoded and written as JSON to edit.
fn open_job(path: &Path) -> (Value, Vec<u8>) {
    let mut bytes = Vec::new();
    GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_end(&mut bytes)
        .unwrap();
    let split = bytes.iter().position(|&b| b == b'\n').unwrap();
    let payload = bytes.split_off(split + 1);
    let output = decode_payload(&payload).unwrap();
    (
        serde_json::from_slice(&bytes[..split]).unwrap(),
        serde_json::to_vec(&output).unwrap(),
    )
}

/// Write a job file with the JSON `payload` encoded as s3sim encodes it, its checksum
/// fixed when `fix_checksum`.
fn save_job(path: &Path, header: Value, payload: &[u8], fix_checksum: bool) {
    let output: ReplicaOutput = serde_json::from_slice(payload).unwrap();
    save_raw_job(
        path,
        header,
        &encode_payload(&output).unwrap(),
        fix_checksum,
    );
}

/// Write a job file with the raw `payload`, its checksum fixed when `fix_checksum`.
fn save_raw_job(path: &Path, mut header: Value, payload: &[u8], fix_checksum: bool) {
    if fix_checksum {
        header["payload_fnv1a64"] = format!("{:016x}", s3sim_engine::stable_hash(payload)).into();
        header["payload_bytes"] = payload.len().into();
    }
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    serde_json::to_writer(&mut gz, &header).unwrap();
    gz.write_all(b"\n").unwrap();
    gz.write_all(payload).unwrap();
    std::fs::write(path, gz.finish().unwrap()).unwrap();
}

fn edit_json(path: &Path, edit: impl FnOnce(&mut Value)) {
    let mut value: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    edit(&mut value);
    std::fs::write(path, serde_json::to_vec(&value).unwrap()).unwrap();
}

fn merge_error(dirs: &[PathBuf]) -> String {
    match merge_shards(dirs) {
        Ok(_) => panic!("merged"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn merge_refuses_a_shard_of_another_build_or_version() {
    let loaded = short_default();
    let tmp = tempfile::tempdir().unwrap();
    let dirs = shards(tmp.path(), &loaded, 2);
    assert!(merge_shards(&dirs).is_ok());
    edit_json(&dirs[1].join("shard.json"), |m| {
        m["build_id"] = "0.1.0+0000000000000000".into()
    });
    let err = merge_error(&dirs);
    assert!(err.contains("build 0.1.0+0000000000000000"), "{err}");
    assert!(
        err.contains("merge with the binary that ran the shards"),
        "{err}"
    );
    edit_json(&dirs[1].join("shard.json"), |m| {
        m["build_id"] = s3sim_report::shard::build_id().into();
        m["s3sim_version"] = "9.9.9".into();
    });
    let err = merge_error(&dirs);
    assert!(err.contains("written by s3sim 9.9.9"), "{err}");
}

#[test]
fn merge_refuses_raised_counts_and_an_edited_scenario() {
    let loaded = short_default();
    let tmp = tempfile::tempdir().unwrap();
    let dirs = shards(tmp.path(), &loaded, 2);
    let job = dirs[0].join("jobs/0-0.bin.gz");
    let (header, payload) = open_job(&job);
    let text = String::from_utf8(payload).unwrap();
    let raised = text.replacen("\"issued\":", "\"issued\":1", 1);
    save_job(&job, header.clone(), raised.as_bytes(), false);
    let err = merge_error(&dirs);
    assert!(err.contains("0-0.bin.gz: checksum mismatch"), "{err}");
    save_job(&job, header, text.as_bytes(), false);
    assert!(merge_shards(&dirs).is_ok());
    let scenario = dirs[1].join("scenario.ron");
    let edited = std::fs::read_to_string(&scenario).unwrap() + "\n";
    std::fs::write(&scenario, edited).unwrap();
    let err = merge_error(&dirs);
    assert!(err.contains("was changed after the shard ran"), "{err}");
}

#[test]
fn merge_refuses_one_bin_too_many_and_a_cut_facility_list_without_panicking() {
    let loaded = short_default();
    let tmp = tempfile::tempdir().unwrap();
    let dirs = shards(tmp.path(), &loaded, 1);
    let job = dirs[0].join("jobs/0-1.bin.gz");
    let (header, payload) = open_job(&job);
    let original: Value = serde_json::from_slice(&payload).unwrap();
    let bins = original["metrics"]["bins"].as_u64().unwrap();
    let mut more_bins = original.clone();
    more_bins["metrics"]["bins"] = (bins + 1).into();
    save_job(
        &job,
        header.clone(),
        &serde_json::to_vec(&more_bins).unwrap(),
        true,
    );
    let err = merge_error(&dirs);
    assert!(
        err.contains(&format!(
            "metrics.bins: {}, but the scenario gives {bins}",
            bins + 1
        )),
        "{err}"
    );
    let mut cut = original.clone();
    cut["facilities"]["servers"].as_array_mut().unwrap().pop();
    save_job(
        &job,
        header.clone(),
        &serde_json::to_vec(&cut).unwrap(),
        true,
    );
    let err = merge_error(&dirs);
    assert!(err.contains("facilities.servers"), "{err}");
    let mut short_rows = original;
    short_rows["facilities"]["counts"]
        .as_array_mut()
        .unwrap()
        .pop();
    save_job(
        &job,
        header,
        &serde_json::to_vec(&short_rows).unwrap(),
        true,
    );
    let err = merge_error(&dirs);
    assert!(err.contains("rows of counters and of waits"), "{err}");
}

/// Every value of `value` replaced in turn by each of a few wrong ones, arrays also
/// cut short and extended: `(path, mutated document)`.
fn mutations(value: &Value) -> Vec<Value> {
    fn walk(root: &Value, at: &mut Vec<Value>, path: &mut Vec<String>, node: &Value) {
        let wrong = [
            Value::Null,
            0.into(),
            1.into(),
            (-1).into(),
            1.5.into(),
            u64::MAX.into(),
            "x".into(),
            Value::Array(vec![]),
        ];
        for w in wrong {
            if &w != node {
                at.push(replaced(root, path, w));
            }
        }
        match node {
            Value::Array(items) => {
                if let Some((_, rest)) = items.split_last() {
                    at.push(replaced(root, path, Value::Array(rest.to_vec())));
                    let mut longer = items.clone();
                    longer.push(items[0].clone());
                    at.push(replaced(root, path, Value::Array(longer)));
                }
                // Only the first element's insides: the others have the same shape.
                if let Some(first) = items.first() {
                    path.push("0".into());
                    walk(root, at, path, first);
                    path.pop();
                }
            }
            Value::Object(fields) => {
                for (name, inner) in fields {
                    path.push(name.clone());
                    walk(root, at, path, inner);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    fn replaced(root: &Value, path: &[String], with: Value) -> Value {
        let mut copy = root.clone();
        let mut node = &mut copy;
        for key in path {
            node = match node {
                Value::Array(items) => &mut items[key.parse::<usize>().unwrap()],
                other => &mut other[key.as_str()],
            };
        }
        *node = with;
        copy
    }
    let mut at = Vec::new();
    walk(value, &mut at, &mut Vec::new(), value);
    at
}

#[test]
fn no_structural_change_to_a_payload_or_manifest_makes_merge_panic() {
    let loaded = short_default();
    let tmp = tempfile::tempdir().unwrap();
    let dirs = shards(tmp.path(), &loaded, 2);
    let job = dirs[1].join("jobs/0-1.bin.gz");
    let (header, payload) = open_job(&job);
    let original: Value = serde_json::from_slice(&payload).unwrap();
    let (mut refused, mut tried) = (0, 0);
    for mutated in mutations(&original) {
        // Only what the binary payload can hold: a mutation of a field's type has no
        // encoding (the byte mutations below stand for it).
        let Ok(output) = serde_json::from_value::<ReplicaOutput>(mutated) else {
            continue;
        };
        save_raw_job(
            &job,
            header.clone(),
            &encode_payload(&output).unwrap(),
            true,
        );
        tried += 1;
        refused += usize::from(merge_shards(&dirs).is_err());
    }
    // The payload's bytes cut at, flipped at, or doubled at positions across it, the
    // checksum fixed each time: nothing a corrupted or hand-made file holds panics.
    let output: ReplicaOutput = serde_json::from_slice(&payload).unwrap();
    let raw = encode_payload(&output).unwrap();
    let (mut byte_refused, mut byte_tried) = (0, 0);
    for at in (0..raw.len()).step_by(raw.len() / 97 + 1) {
        let mut flipped = raw.clone();
        flipped[at] ^= 0xff;
        let mut doubled = raw.clone();
        doubled.insert(at, raw[at]);
        for bytes in [raw[..at].to_vec(), flipped, doubled] {
            save_raw_job(&job, header.clone(), &bytes, true);
            byte_tried += 1;
            byte_refused += usize::from(merge_shards(&dirs).is_err());
        }
    }
    save_job(&job, header, &payload, false);
    let manifest_path = dirs[0].join("shard.json");
    let manifest: Value = serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    let mut manifest_refused = 0;
    let manifest_mutations = mutations(&manifest);
    for mutated in &manifest_mutations {
        std::fs::write(&manifest_path, serde_json::to_vec(mutated).unwrap()).unwrap();
        manifest_refused += usize::from(merge_shards(&dirs).is_err());
    }
    // Changing a counter's value is not a structural error: those merge. Everything
    // else is refused; no mutation panics (a panic fails this test).
    assert!(tried >= 50, "{tried} payload mutations");
    assert!(refused > tried / 3, "{refused} of {tried} refused");
    assert!(byte_tried > 200, "{byte_tried} byte mutations");
    assert!(
        byte_refused > byte_tried / 3,
        "{byte_refused} of {byte_tried} refused"
    );
    assert_eq!(
        manifest_refused,
        manifest_mutations.len(),
        "every changed manifest field is refused"
    );
}

#[test]
fn a_shard_run_again_after_losing_jobs_runs_only_those_and_merges_identically() {
    let loaded = short_default();
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    let results = s3sim_report::run_points(&loaded, OPTIONS);
    write_results(&OutDir::new(&whole), &loaded, OPTIONS, &results).unwrap();
    let dirs = shards(tmp.path(), &loaded, 1);
    // A kill part-way: one job never written, another's temporary file left behind.
    std::fs::remove_file(dirs[0].join("jobs/0-1.bin.gz")).unwrap();
    std::fs::write(dirs[0].join("jobs/.partial-x"), b"half").unwrap();
    let report = shard_status(&[tmp.path().to_path_buf()]).unwrap();
    assert!(!report.complete());
    let text = report.to_string();
    assert!(text.contains("1 of 2 jobs done"), "{text}");
    assert!(
        text.contains("shard 0/1: 1 of 2 jobs done, missing p0r1"),
        "{text}"
    );
    let err = merge_shards(&dirs).unwrap_err();
    assert!(matches!(err, MergeError::Incomplete(_)), "{err}");
    assert!(
        err.to_string()
            .contains("sbatch --array=0 deploy/slurm/sweep-array.sbatch short.ron 1"),
        "{err}"
    );
    let again = run_shard(
        &OutDir::new(&dirs[0]),
        &loaded,
        OPTIONS,
        Shard { index: 0, count: 1 },
    )
    .unwrap();
    assert_eq!((again.jobs, again.skipped, again.ran), (2, 1, 1));
    assert!(shard_status(&dirs).unwrap().complete());
    let (merged_loaded, options, merged) = merge_shards(&dirs).unwrap();
    let out = tmp.path().join("merged");
    write_results(&OutDir::new(&out), &merged_loaded, options, &merged).unwrap();
    for file in ["summary.json", "timeseries.csv", "facilities.csv"] {
        assert_eq!(
            std::fs::read(whole.join(file)).unwrap(),
            std::fs::read(out.join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn a_shard_of_another_seed_in_the_same_directory_is_started_afresh() {
    let loaded = short_default();
    let tmp = tempfile::tempdir().unwrap();
    let dirs = shards(tmp.path(), &loaded, 1);
    let other = RunOptions { seed: 6, ..OPTIONS };
    let shard = Shard { index: 0, count: 1 };
    let done = run_shard(&OutDir::new(&dirs[0]), &loaded, other, shard).unwrap();
    assert_eq!((done.skipped, done.ran), (0, 2));
    let (_, options, _) = merge_shards(&dirs).unwrap();
    assert_eq!(options.seed, 6);
}

#[test]
fn auto_reads_each_schedulers_index_counting_from_its_first_task() {
    for (name, value, index) in [
        ("SLURM_ARRAY_TASK_ID", "2", 2),
        ("JOB_COMPLETION_INDEX", "0", 0),
        ("AWS_BATCH_JOB_ARRAY_INDEX", "3", 3),
        ("PBS_ARRAY_INDEX", "1", 1),
        ("SGE_TASK_ID", "1", 0),
        ("LSB_JOBINDEX", "4", 3),
    ] {
        let env = |n: &str| (n == name).then(|| value.to_string());
        assert_eq!(
            Shard::parse_with_env("auto/4", env),
            Ok(Shard { index, count: 4 }),
            "{name}={value}"
        );
    }
    let sge_zero = |n: &str| (n == "SGE_TASK_ID").then(|| "0".to_string());
    let err = Shard::parse_with_env("auto/4", sge_zero).unwrap_err();
    assert_eq!(
        err,
        "shard auto/4: SGE_TASK_ID=0, but its tasks count from 1"
    );
    let both = |n: &str| match n {
        "SLURM_ARRAY_TASK_ID" => Some("1".to_string()),
        "LSB_JOBINDEX" => Some("1".to_string()),
        _ => None,
    };
    assert_eq!(
        Shard::parse_with_env("auto/2", both),
        Ok(Shard { index: 1, count: 2 }),
        "Slurm's variable comes first"
    );
}
