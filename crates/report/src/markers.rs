//! Scenario events to mark on time charts: bucket lifecycle, faults, invalidations.
//!
//! Markers are read off the compiled [`WorldConfig`], not off the simulation, so every
//! replica and every chart of a run shows the same events at the same times.

use s3sim_model::WorldConfig;
use s3sim_model::fault::Fault;
use s3sim_scenario::LoadedScenario;

/// Mark a scenario event on a time axis (bucket created, bucket deleted, ...).
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    /// Seconds since the start of the run.
    pub time_s: f64,
    /// Short label, e.g. `photos created`.
    pub label: String,
}

/// List the scenario events worth marking on time charts: bucket creations, deletions
/// and re-creations, every fault (outages, drains, rotations, resolver outages, DNS
/// changes) and every CDN invalidation request, in time order.
pub fn markers(world: &WorldConfig) -> Vec<Marker> {
    let mut marks: Vec<Marker> = world
        .buckets
        .iter()
        .flat_map(|b| {
            let created = b
                .created_at
                .map(|t| marker(t, format!("{} created", b.name)));
            let deleted = b
                .deleted_at
                .map(|t| marker(t, format!("{} deleted", b.name)));
            let again = b.recreated.map(|r| {
                let region = &world.topology.regions[usize::from(r.region)].name;
                marker(r.at, format!("{} re-created in {region}", b.name))
            });
            created.into_iter().chain(deleted).chain(again)
        })
        .chain(world.faults.iter().flat_map(|f| fault_markers(world, f)))
        .chain(
            world
                .cdn
                .invalidations
                .iter()
                .map(|inv| marker(inv.at, invalidation_label(&inv.paths))),
        )
        .filter(|m| m.time_s > 0.0 && m.time_s < world.duration.as_secs_f64())
        .collect();
    marks.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
    marks
}

/// Most invalidation paths a marker label lists; the rest are counted.
const LABEL_PATHS: usize = 3;

/// `invalidation /a /b /c (+N more)`: a label every chart can draw, however many
/// paths the invalidation has.
fn invalidation_label(paths: &[s3sim_model::cdn::invalidation::PathPattern]) -> String {
    let mut label = String::from("invalidation");
    for p in paths.iter().take(LABEL_PATHS) {
        label.push(' ');
        label.push_str(&p.to_string());
    }
    if paths.len() > LABEL_PATHS {
        label.push_str(&format!(" (+{} more)", paths.len() - LABEL_PATHS));
    }
    label
}

/// A marker at simulated time `t`.
fn marker(t: s3sim_engine::SimTime, label: String) -> Marker {
    Marker {
        time_s: t.as_secs_f64(),
        label,
    }
}

fn fault_markers(world: &WorldConfig, fault: &Fault) -> Vec<Marker> {
    let facility = |f: u16| world.topology.facilities[usize::from(f)].name.as_str();
    match *fault {
        Fault::Outage {
            facility: f,
            at,
            duration,
            ..
        } => vec![
            marker(at, format!("{} down", facility(f))),
            marker(at + duration, format!("{} back", facility(f))),
        ],
        Fault::Drain { facility: f, at } => vec![marker(at, format!("{} drained", facility(f)))],
        Fault::IpRotation {
            facility: f,
            at,
            grace,
            ..
        } => vec![
            marker(at, format!("{} IPs rotated", facility(f))),
            marker(at + grace, format!("old {} IPs retired", facility(f))),
        ],
        Fault::ResolverOutage {
            group,
            at,
            duration,
            ..
        } => {
            let name = &world.resolver_groups[usize::from(group)].name;
            vec![
                marker(at, format!("{name} resolvers cut off")),
                marker(at + duration, format!("{name} resolvers back")),
            ]
        }
        Fault::RecordTtl { at, ttl } => vec![marker(at, format!("record TTL {ttl}"))],
        Fault::EndpointRetired { region, at } => {
            let region = &world.topology.regions[usize::from(region)].name;
            vec![marker(at, format!("{region} redirect endpoint retired"))]
        }
    }
}

/// Merge the markers of every sweep point for the charts they share.
///
/// A marker that not every point has is labelled with the point that has it, so the
/// curves chart of a sweep still says whose event it is.
pub fn sweep_markers(loaded: &LoadedScenario) -> Vec<Marker> {
    let per_point: Vec<Vec<Marker>> = loaded.points.iter().map(|p| markers(&p.world())).collect();
    let mut all: Vec<Marker> = Vec::new();
    for (point, markers) in loaded.points.iter().zip(&per_point) {
        for m in markers {
            let everywhere = per_point.iter().all(|other| other.contains(m));
            let label = if everywhere {
                m.label.clone()
            } else {
                format!("{} ({})", m.label, point.label())
            };
            let marker = Marker {
                time_s: m.time_s,
                label,
            };
            if !all.contains(&marker) {
                all.push(marker);
            }
        }
    }
    all.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use s3sim_model::cdn::invalidation::PathPattern;

    #[test]
    fn an_invalidation_marker_lists_three_paths_and_counts_the_rest() {
        let paths: Vec<PathPattern> = (0..40_000)
            .map(|i| PathPattern::parse(&format!("/p/{i}")).expect("valid"))
            .collect();
        assert_eq!(
            invalidation_label(&paths),
            "invalidation /p/0 /p/1 /p/2 (+39997 more)"
        );
        assert_eq!(invalidation_label(&paths[..2]), "invalidation /p/0 /p/1");
    }
}
