//! `s3sim check`: run scenarios and test their expectations, print verdicts, write JUnit.

use crate::{CheckArgs, set_threads};
use anyhow::{Context, Result};
use s3sim_report::RunOptions;
use s3sim_report::check::{FileReport, evaluate, junit_xml};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Replicas per point under `--quick`.
const QUICK_REPLICAS: u32 = 3;

pub(crate) fn run(args: CheckArgs) -> Result<ExitCode> {
    set_threads(args.threads)?;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("scenarios")]
    } else {
        args.paths
    };
    let files = scenario_files(&paths)?;
    let reports: Vec<FileReport> = files
        .iter()
        .map(|file| check_file(file, args.quick))
        .collect();
    if let Some(junit) = &args.junit {
        write_atomically(junit, junit_xml(&reports).as_bytes())?;
        println!("JUnit report: {}", junit.display());
    }
    let verdicts: Vec<_> = reports
        .iter()
        .filter_map(|r| r.outcome.as_ref().ok())
        .flatten()
        .collect();
    let failed = verdicts.iter().filter(|v| !v.passed).count();
    let errors = reports.iter().filter(|r| r.outcome.is_err()).count();
    if errors > 0 {
        println!("{errors} scenario file(s) could not be checked");
    }
    println!("{} passed, {failed} failed", verdicts.len() - failed);
    Ok(if failed > 0 || errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The files named, and the `*.ron` files (sorted) of the directories named.
fn scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("reading {}", path.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "ron"))
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn check_file(file: &Path, quick: bool) -> FileReport {
    let name = file.display().to_string();
    let loaded = match s3sim_scenario::load(file) {
        Ok(loaded) => loaded,
        Err(error) => {
            println!("ERROR {name}: {error}");
            return FileReport {
                file: name.clone(),
                scenario: name,
                outcome: Err(error.to_string()),
            };
        }
    };
    let scenario = loaded.scenario.name.clone();
    if loaded.scenario.expect.is_empty() {
        println!("{name}: no expectations");
        return FileReport {
            file: name,
            scenario,
            outcome: Ok(Vec::new()),
        };
    }
    let replicas = if quick {
        QUICK_REPLICAS.min(loaded.scenario.replicas)
    } else {
        loaded.scenario.replicas
    };
    let options = RunOptions {
        seed: loaded.scenario.seed,
        replicas,
        progress: false,
    };
    let worlds: Vec<_> = loaded.points.iter().map(|p| &p.world).collect();
    let results = s3sim_report::run_points(&worlds, options);
    let verdicts = evaluate(&loaded, &results);
    println!(
        "{name} ({} point(s) x {replicas} replicas):",
        loaded.points.len()
    );
    verdicts.iter().for_each(|v| println!("  {}", v.line()));
    FileReport {
        file: name,
        scenario,
        outcome: Ok(verdicts),
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let mut temp = tempfile::NamedTempFile::new_in(parent)
        .with_context(|| format!("writing {}", path.display()))?;
    std::io::Write::write_all(&mut temp, bytes)
        .with_context(|| format!("writing {}", path.display()))?;
    temp.persist(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
