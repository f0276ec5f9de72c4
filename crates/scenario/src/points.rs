//! Expand a scenario into the points it runs: one per combination of its `sweep`
//! values (patched, checked and compiled), or the scenario itself without a sweep.

use crate::compile::compile;
use crate::error::Issue;
use crate::patch;
use crate::schema::{Scenario, SweepMode, SweepSpec};
use crate::validate;
use s3sim_model::WorldConfig;

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
/// assert_eq!(loaded.points[1].world.resolver_groups[0].config.max_ttl.as_secs_f64(), 60.0);
/// ```
#[derive(Clone, Debug)]
pub struct SweepPoint {
    /// Position in the sweep, from 0.
    pub index: usize,
    /// (field path, RON value) pairs this point sets.
    pub settings: Vec<(String, String)>,
    /// The point's name, when the sweep names its points (variants of a story).
    pub name: Option<String>,
    /// The scenario with those values set.
    pub scenario: Scenario,
    /// Its compiled model.
    pub world: WorldConfig,
}

impl SweepPoint {
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
/// (at `sweep.fields[i]`), or a point whose scenario is invalid (at `sweep point k`).
pub fn expand(base: &Scenario) -> Result<Vec<SweepPoint>, Vec<Issue>> {
    let Some(sweep) = &base.sweep else {
        return Ok(vec![SweepPoint {
            index: 0,
            settings: Vec::new(),
            name: None,
            scenario: base.clone(),
            world: compile(base),
        }]);
    };
    let combos = combinations(sweep)?;
    let mut issues = Vec::new();
    let mut points = Vec::with_capacity(combos.len());
    for (index, settings) in combos.into_iter().enumerate() {
        match point(base, index, settings, sweep) {
            Ok(p) => points.push(p),
            Err(mut found) => issues.append(&mut found),
        }
    }
    if issues.is_empty() {
        Ok(points)
    } else {
        Err(issues)
    }
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

fn point(
    base: &Scenario,
    index: usize,
    settings: Vec<(String, String)>,
    sweep: &SweepSpec,
) -> Result<SweepPoint, Vec<Issue>> {
    let mut scenario = base.clone();
    for (path, value) in &settings {
        if let Err(e) = patch::set(&mut scenario, path, value) {
            let field = sweep
                .fields
                .iter()
                .position(|f| &f.path == path)
                .unwrap_or(0);
            return Err(vec![Issue::new(
                format!("sweep.fields[{field}] ({path} = {value})"),
                e,
            )]);
        }
    }
    let label = settings
        .iter()
        .map(|(p, v)| format!("{p}={v}"))
        .collect::<Vec<_>>()
        .join(", ");
    validate::check(&scenario).map_err(|issues| {
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
    let world = compile(&scenario);
    Ok(SweepPoint {
        index,
        settings,
        name: sweep.names.get(index).cloned(),
        scenario,
        world,
    })
}
