//! Expand a scenario into the points it runs: one per combination of its `sweep`
//! values, or the scenario itself without a sweep.
//!
//! Expansion is lazy: each point is patched and checked once, at load, and then only
//! its settings are kept; its scenario and compiled world are rebuilt when a job asks
//! for them ([`SweepPoint::scenario`], [`SweepPoint::world`]), so that 10 000 points
//! cost 10 000 small setting lists, not 10 000 worlds.

use crate::compile::compile;
use crate::error::Issue;
use crate::patch;
use crate::schema::{Scenario, SweepMode, SweepSpec};
use crate::units::Dur;
use crate::validate::{self, MAX_RUN_VALUES, Work};
use s3sim_model::WorldConfig;
use std::sync::Arc;

/// Largest number of sweep points.
pub const MAX_POINTS: usize = 10_000;

/// Hold one point of a sweep: the values it sets and the scenario they give.
///
/// A scenario without a sweep has exactly one point that sets nothing.
///
/// ```
/// let text = s3sim_scenario::DEFAULT_SCENARIO.replace(
///     "    clients: [",
///     "    sweep: (fields: [(path: \"resolvers[0].max_ttl\", values: [\"1h\", \"1m\"])]),\n    clients: [",
/// );
/// let loaded = s3sim_scenario::parse(&text, "sweep.ron").unwrap();
/// assert_eq!(loaded.points.len(), 2);
/// assert_eq!(loaded.points[1].label(), "resolvers[0].max_ttl=\"1m\"");
/// assert_eq!(loaded.points[1].dir_name(2), "1-max_ttl-1m");
/// assert_eq!(loaded.points[1].world().resolver_groups[0].config.max_ttl.as_secs_f64(), 60.0);
/// ```
#[derive(Clone, Debug)]
pub struct SweepPoint {
    /// Position in the sweep, from 0.
    pub index: usize,
    /// (field path, RON value) pairs this point sets.
    pub settings: Vec<(String, String)>,
    /// The point's name, when the sweep names its points (variants of a story).
    pub name: Option<String>,
    /// The point's run length (a sweep may set `duration`).
    pub duration: Dur,
    /// The point's metrics bin width (a sweep may set `bin`).
    pub bin: Dur,
    /// The scenario every point patches: without its sweep, description and
    /// expectations, shared by all points.
    base: Arc<Scenario>,
    /// The compiled world, kept only for a scenario without a sweep (its one point).
    world: Option<Arc<WorldConfig>>,
    /// Counters one replica's output holds ([`Work::output_values`]).
    values: u64,
}

impl SweepPoint {
    /// Rebuild the scenario with this point's values set (without the sweep, the
    /// description and the expectations, which belong to the whole file).
    pub fn scenario(&self) -> Scenario {
        let mut scenario = Scenario::clone(&self.base);
        for (path, value) in &self.settings {
            // Every setting was applied to this same base and checked at load.
            patch::set(&mut scenario, path, value).expect("a sweep setting checked at load");
        }
        scenario
    }

    /// Compile this point's model: the one compiled at load for a scenario without a
    /// sweep, else a new one (callers keep it only while they need it).
    pub fn world(&self) -> Arc<WorldConfig> {
        match &self.world {
            Some(world) => Arc::clone(world),
            None => Arc::new(compile(&self.scenario())),
        }
    }

    /// `path=value, path=value`, or `base` for a scenario without a sweep.
    pub fn label(&self) -> String {
        if let Some(name) = &self.name {
            return name.clone();
        }
        if self.settings.is_empty() {
            return "base".into();
        }
        self.settings
            .iter()
            .map(|(p, v)| format!("{p}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A filesystem-safe directory name: index (zero-padded to `points`), then the values.
    pub fn dir_name(&self, points: usize) -> String {
        let width = points.saturating_sub(1).to_string().len();
        let mut name = format!("{:0width$}", self.index);
        if let Some(point) = &self.name {
            name.push('-');
            name.push_str(&safe(point));
            return name.chars().take(120).collect();
        }
        for (path, value) in &self.settings {
            let field = path.rsplit('.').next().unwrap_or(path);
            name.push('-');
            name.push_str(&safe(field));
            name.push('-');
            name.push_str(&safe(value));
        }
        name.chars().take(120).collect()
    }
}

fn safe(text: &str) -> String {
    let mapped: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let collapsed = mapped
        .split('_')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    if collapsed.is_empty() {
        "_".into()
    } else {
        collapsed
    }
}

/// Expand `base` (already checked) into its sweep points, each patched and checked.
///
/// # Errors
///
/// Every [`Issue`] of the sweep: an empty field list or value list, a malformed path,
/// unequal `zip` lists, wrong names, too many points, a value its field cannot take
/// (at `sweep.fields[i]`), a point whose scenario is invalid (at `sweep point k`), or
/// outputs of all points and replicas together over [`MAX_RUN_VALUES`] (at `sweep`).
pub fn expand(base: &Scenario) -> Result<Vec<SweepPoint>, Vec<Issue>> {
    let mut shared = base.clone();
    shared.sweep = None;
    shared.expect = Vec::new();
    shared.description = String::new();
    let shared = Arc::new(shared);
    let Some(sweep) = &base.sweep else {
        let mut point = SweepPoint {
            index: 0,
            settings: Vec::new(),
            name: None,
            duration: base.duration,
            bin: base.bin,
            world: None,
            values: Work::of(base).output_values(),
            base: Arc::clone(&shared),
        };
        check_run_values(std::slice::from_ref(&point), base.replicas)
            .map_err(|e| vec![Issue::new("replicas", e)])?;
        point.world = Some(Arc::new(compile(&shared)));
        return Ok(vec![point]);
    };
    let combos = combinations(sweep)?;
    let mut issues = Vec::new();
    let mut points = Vec::with_capacity(combos.len());
    let mut values = 0u64;
    for (index, settings) in combos.into_iter().enumerate() {
        match point(&shared, index, settings, sweep) {
            Ok((p, work, replicas)) => {
                values = values.saturating_add(work.saturating_mul(u64::from(replicas)));
                points.push(p);
            }
            Err(mut found) => issues.append(&mut found),
        }
    }
    if issues.is_empty() && values > MAX_RUN_VALUES {
        issues.push(Issue::new(
            "sweep",
            format!(
                "{} points × their replicas would hold {values} counters ({} MB) until the \
                 run is aggregated; at most {MAX_RUN_VALUES}: sweep fewer values, use fewer \
                 replicas or a wider bin, or split the sweep into several scenarios",
                points.len(),
                values / 125_000
            ),
        ));
    }
    if issues.is_empty() {
        Ok(points)
    } else {
        Err(issues)
    }
}

/// Check that `replicas` replicas of every point (as `s3sim run --replicas` asks) hold
/// at most [`MAX_RUN_VALUES`] counters together until the run is aggregated.
///
/// ```
/// let loaded = s3sim_scenario::parse(s3sim_scenario::DEFAULT_SCENARIO, "d").unwrap();
/// use s3sim_scenario::points::check_run_values;
/// assert!(check_run_values(&loaded.points, 8).is_ok());
/// let err = check_run_values(&loaded.points, 10_000).unwrap_err();
/// assert!(err.contains("at most 250000000"), "{err}");
/// ```
///
/// # Errors
///
/// A message with the estimate, the bound and the most replicas that fit.
pub fn check_run_values(points: &[SweepPoint], replicas: u32) -> Result<(), String> {
    let per_replica = points
        .iter()
        .fold(0u64, |sum, p| sum.saturating_add(p.values));
    let values = per_replica.saturating_mul(u64::from(replicas));
    if values <= MAX_RUN_VALUES {
        return Ok(());
    }
    Err(format!(
        "{} point(s) × {replicas} replicas would hold {values} counters ({} MB) until the run \
         is aggregated; at most {MAX_RUN_VALUES}: use at most {} replicas, or a wider bin",
        points.len(),
        values / 125_000,
        MAX_RUN_VALUES / per_replica.max(1)
    ))
}

/// Value indices per point, in order.
fn combinations(sweep: &SweepSpec) -> Result<Vec<Vec<(String, String)>>, Vec<Issue>> {
    let mut issues = Vec::new();
    if sweep.fields.is_empty() {
        issues.push(Issue::new(
            "sweep.fields",
            "list at least one field to sweep",
        ));
    }
    for (i, field) in sweep.fields.iter().enumerate() {
        if field.values.is_empty() {
            issues.push(Issue::new(
                format!("sweep.fields[{i}].values"),
                "list at least one value",
            ));
        }
        if let Err(e) = patch::parse_path(&field.path) {
            issues.push(Issue::new(format!("sweep.fields[{i}].path"), e));
        }
    }
    let lengths: Vec<usize> = sweep.fields.iter().map(|f| f.values.len()).collect();
    let count = match sweep.mode {
        SweepMode::Product => lengths
            .iter()
            .try_fold(1usize, |acc, &n| acc.checked_mul(n))
            .unwrap_or(usize::MAX),
        SweepMode::Zip => {
            if lengths.windows(2).any(|w| w[0] != w[1]) {
                issues.push(Issue::new(
                    "sweep.fields",
                    format!("zip needs lists of equal length, not {lengths:?}"),
                ));
            }
            lengths.first().copied().unwrap_or(0)
        }
    };
    if !sweep.names.is_empty() && sweep.names.len() != count {
        issues.push(Issue::new(
            "sweep.names",
            format!("{} names for {count} points", sweep.names.len()),
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, name) in sweep.names.iter().enumerate() {
        if name.is_empty() || !seen.insert(name) {
            let problem = if name.is_empty() {
                "empty name".to_string()
            } else {
                format!("duplicate name \"{name}\"")
            };
            issues.push(Issue::new(format!("sweep.names[{i}]"), problem));
        }
    }
    if count > MAX_POINTS {
        issues.push(Issue::new(
            "sweep",
            format!("{count} points; at most {MAX_POINTS}"),
        ));
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let settings = |indices: &[usize]| -> Vec<(String, String)> {
        sweep
            .fields
            .iter()
            .zip(indices)
            .map(|(f, &i)| (f.path.clone(), f.values[i].ron().to_string()))
            .collect()
    };
    Ok((0..count)
        .map(|n| match sweep.mode {
            SweepMode::Zip => settings(&vec![n; lengths.len()]),
            SweepMode::Product => {
                let mut rest = n;
                let mut indices = vec![0; lengths.len()];
                for (slot, &len) in indices.iter_mut().zip(&lengths).rev() {
                    *slot = rest % len;
                    rest /= len;
                }
                settings(&indices)
            }
        })
        .collect())
}

/// Patch and check one point; its settings, its output size per replica and its
/// replica count. The patched scenario is dropped: jobs rebuild it.
fn point(
    base: &Arc<Scenario>,
    index: usize,
    settings: Vec<(String, String)>,
    sweep: &SweepSpec,
) -> Result<(SweepPoint, u64, u32), Vec<Issue>> {
    let mut scenario = Scenario::clone(base);
    for (path, value) in &settings {
        if let Err(e) = patch::set(&mut scenario, path, value) {
            let field = sweep
                .fields
                .iter()
                .position(|f| &f.path == path)
                .unwrap_or(0);
            // A value its field cannot read gets the forms the field is written in.
            let note = if e.starts_with("value ") {
                crate::hints::forms_note(path)
            } else {
                String::new()
            };
            return Err(vec![Issue::new(
                format!("sweep.fields[{field}] ({path} = {value})"),
                format!("{e}{note}"),
            )]);
        }
    }
    validate::check(&scenario).map_err(|issues| {
        let label = settings
            .iter()
            .map(|(p, v)| format!("{p}={v}"))
            .collect::<Vec<_>>()
            .join(", ");
        issues
            .into_iter()
            .map(|i| {
                Issue::new(
                    format!("sweep point {index} ({label}): {}", i.path),
                    i.message,
                )
            })
            .collect::<Vec<_>>()
    })?;
    let values = Work::of(&scenario).output_values();
    let point = SweepPoint {
        index,
        settings,
        name: sweep.names.get(index).cloned(),
        duration: scenario.duration,
        bin: scenario.bin,
        base: Arc::clone(base),
        world: None,
        values,
    };
    Ok((point, values, scenario.replicas))
}
