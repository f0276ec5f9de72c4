//! Follow one request of a scenario and tell its path: `s3sim trace`.
//!
//! The request is the `nth` of a client class that starts at or after a time, in
//! replica 0 of the seed (the same request a run's replica 0 makes). Its path is a
//! sequence of arrows between lifelines: the client, its DNS cache, the resolver, the
//! authoritative side, and each facility or CDN edge it reached, each arrow labelled
//! with the name asked, the IP or the status, and the time. That is the picture of
//! AWS's "Request routing" page (docs/domain.md §1,
//! <https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingRouting.html>), drawn
//! from the model's own run.

use crate::charts::{ChartError, Sequence, SequenceArrow, sequence_svg};
use s3sim_engine::{RandomStreams, SimTime};
use s3sim_model::WorldConfig;
use s3sim_model::dns::{Answer, Host};
use s3sim_model::response::Status;
use s3sim_model::world::{RequestTrace, trace_request};
use std::fmt::Write;

/// The lifelines every trace has, left to right, before the facilities and edges.
pub const FIXED_LIFELINES: [&str; 4] = ["client", "DNS cache", "resolver", "authoritative"];

/// Say which request to follow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceQuery {
    /// The client class, by name.
    pub class: String,
    /// The earliest start of the request, since the start of the run.
    pub at: SimTime,
    /// Which of the class's requests from `at` on, from 0.
    pub nth: usize,
    /// The master seed (replica 0 of it is followed).
    pub seed: u64,
}

/// Tell why no trace could be made.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// The class is not in the scenario.
    #[error("--class {0:?}: no such client class; the scenario has: {1}")]
    NoClass(String, String),
    /// No matching request completed before the end of the run.
    #[error(
        "no request of class {0:?} started at or after {1} s and completed before the end of the run; try an earlier --at or a smaller --nth"
    )]
    NoRequest(String, f64),
    /// Drawing failed.
    #[error(transparent)]
    Chart(#[from] ChartError),
}

/// Follow the request `query` names through `world`; its path as a sequence.
///
/// # Errors
///
/// [`TraceError::NoClass`] for an unknown class, [`TraceError::NoRequest`] when no
/// such request completed.
pub fn trace(world: &WorldConfig, query: &TraceQuery) -> Result<Sequence, TraceError> {
    let class = world
        .classes
        .iter()
        .position(|c| c.name == query.class)
        .ok_or_else(|| {
            let names: Vec<&str> = world.classes.iter().map(|c| c.name.as_str()).collect();
            TraceError::NoClass(query.class.clone(), names.join(", "))
        })?;
    let streams = RandomStreams::for_replica(query.seed, 0);
    let found = trace_request(world, streams, class as u16, query.at, query.nth)
        .ok_or_else(|| TraceError::NoRequest(query.class.clone(), query.at.as_secs_f64()))?;
    Ok(sequence(world, &query.class, &found))
}

/// `t` as `h:mm:ss.mmm` since the start of the run.
pub fn clock(t: SimTime) -> String {
    let ms = t.as_nanos() / 1_000_000;
    let (h, m, s, ms) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    format!("{h}:{m:02}:{s:02}.{ms:03}")
}

/// The DNS name of `host` in `world`.
pub fn host_name(world: &WorldConfig, host: Host) -> String {
    let bucket = |b: u32| world.buckets[b as usize].name.clone();
    let region = |r| world.topology.regions[usize::from(r)].name.clone();
    match host {
        Host::BucketGlobal(b) => format!("{}.s3.amazonaws.com", bucket(b)),
        Host::BucketRegional(b, r) => format!("{}.s3.{}.amazonaws.com", bucket(b), region(r)),
        Host::PathGlobal => "s3.amazonaws.com".into(),
        Host::PathRegional(r) => format!("s3.{}.amazonaws.com", region(r)),
        Host::RedirectEndpoint(b, r) => format!("{}.s3-{}.amazonaws.com", bucket(b), region(r)),
        Host::Website(b) => format!(
            "{}.s3-website-{}.amazonaws.com",
            bucket(b),
            region(world.buckets[b as usize].region)
        ),
        Host::Distribution(d) => match world.cdn.distributions.get(usize::from(d)) {
            Some(dist) => format!("{}.cloudfront.net", dist.name),
            None => format!("d{d}.cloudfront.net"),
        },
    }
}

/// What a status is called on an arrow: `307 TemporaryRedirect`, `nxdomain`.
fn status_text(status: Status) -> String {
    match status.code() {
        Some(code) => format!("{code} {status:?}"),
        None => status.label().to_string(),
    }
}

/// The arrows of `found`'s hops.
fn sequence(world: &WorldConfig, class: &str, found: &RequestTrace) -> Sequence {
    let mut lifelines: Vec<String> = FIXED_LIFELINES.iter().map(|s| s.to_string()).collect();
    let line =
        |name: String, lifelines: &mut Vec<String>| match lifelines.iter().position(|l| *l == name)
        {
            Some(i) => i,
            None => {
                lifelines.push(name);
                lifelines.len() - 1
            }
        };
    let mut arrows = Vec::new();
    let mut arrow = |from: usize, to: usize, label: String, t: SimTime| {
        arrows.push(SequenceArrow {
            from,
            to,
            label,
            time: clock(t),
        })
    };
    for hop in &found.hops {
        let name = host_name(world, hop.host);
        let Some(lookup) = hop.lookup else {
            let edge = line(format!("edge {name}"), &mut lifelines);
            arrow(0, edge, format!("GET {name}"), hop.sent);
            arrow(edge, 0, status_text(hop.status), hop.answered);
            continue;
        };
        let answered = hop.sent + lookup.latency;
        let answer = match lookup.answer {
            Answer::Ip(ip) => match hop.facility {
                Some(f) => format!(
                    "A ip#{ip} ({})",
                    world.topology.facilities[usize::from(f)].name
                ),
                None => format!("A ip#{ip}"),
            },
            Answer::NxDomain => "NXDOMAIN".into(),
            Answer::ServFail => "SERVFAIL".into(),
        };
        let stale = if lookup.stale { ", stale" } else { "" };
        arrow(0, 1, format!("{name}?"), hop.sent);
        match lookup.resolver_hit {
            None => arrow(1, 0, format!("{answer} (cached{stale})"), answered),
            Some(hit) => {
                arrow(1, 2, format!("{name}?"), hop.sent);
                if !hit {
                    arrow(2, 3, format!("{name}?"), hop.sent);
                    arrow(3, 2, format!("{answer}{stale}"), answered);
                    arrow(2, 0, answer.clone(), answered);
                } else {
                    arrow(2, 0, format!("{answer} (cached{stale})"), answered);
                }
            }
        }
        if let Some(f) = hop.facility {
            let facility = line(
                world.topology.facilities[usize::from(f)].name.clone(),
                &mut lifelines,
            );
            arrow(0, facility, format!("GET {name}"), answered);
            arrow(facility, 0, status_text(hop.status), hop.answered);
        }
    }
    Sequence {
        title: format!(
            "{class}: request of client {} started {} ({} hop(s))",
            found.client,
            clock(found.started),
            found.hops.len()
        ),
        lifelines,
        arrows,
    }
}

/// Write `sequence` as text, one arrow a line: `time  from -> to: label`.
pub fn text(sequence: &Sequence) -> String {
    let mut out = format!("{}\n", sequence.title);
    for a in &sequence.arrows {
        let _ = writeln!(
            out,
            "{}  {} -> {}: {}",
            a.time, sequence.lifelines[a.from], sequence.lifelines[a.to], a.label
        );
    }
    out
}

/// Draw `sequence` as `trace.svg`'s text.
///
/// # Errors
///
/// [`ChartError`] when drawing fails.
pub fn svg(sequence: &Sequence) -> Result<String, ChartError> {
    sequence_svg(sequence)
}
