//! The run loop: a model handles events and schedules new ones through a [`Scheduler`].

use crate::queue::EventQueue;
use crate::time::{SimDuration, SimTime};

/// React to events; implemented by a simulation model over its own event enum.
///
/// The engine is generic over the model, so dispatch is static and events stay
/// plain values in the queue.
pub trait Model {
    /// The model's event type, usually a small `Copy` enum.
    type Event;

    /// Handle one event at time `sched.now()`, scheduling follow-ups on `sched`.
    fn handle(&mut self, event: Self::Event, sched: &mut Scheduler<Self::Event>);
}

/// Say when a run stops: at a time, when no events remain, or after an event cap.
///
/// ```
/// use s3sim_engine::{SimTime, StopAt};
/// let stop = StopAt::time(SimTime::from_secs(60)).with_event_cap(1_000);
/// assert_eq!(stop.max_events, Some(1_000));
/// assert_eq!(StopAt::queue_empty().until, None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StopAt {
    /// Process events due at or before this time, then stop with the clock here.
    pub until: Option<SimTime>,
    /// Stop after this many events even if more are due.
    pub max_events: Option<u64>,
}

impl StopAt {
    /// Stop once simulated time would pass `until`.
    pub fn time(until: SimTime) -> Self {
        StopAt {
            until: Some(until),
            max_events: None,
        }
    }

    /// Stop only when the queue is empty.
    pub fn queue_empty() -> Self {
        StopAt {
            until: None,
            max_events: None,
        }
    }

    /// Also stop after `max_events` events.
    pub fn with_event_cap(self, max_events: u64) -> Self {
        StopAt {
            max_events: Some(max_events),
            ..self
        }
    }
}

/// Why a run stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// The next event was due after the stop time.
    TimeReached,
    /// No events were left.
    QueueEmpty,
    /// The event cap was reached.
    EventCap,
}

/// Tell how a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunReport {
    /// Why it stopped.
    pub reason: StopReason,
    /// Events handled in this call.
    pub events: u64,
    /// The clock when it stopped.
    pub now: SimTime,
}

/// Own the clock and the pending events of one simulation.
///
/// ```
/// use s3sim_engine::{Model, Scheduler, SimDuration, SimTime, StopAt, StopReason};
///
/// struct Ticker { ticks: u32 }
/// impl Model for Ticker {
///     type Event = ();
///     fn handle(&mut self, _: (), sched: &mut Scheduler<()>) {
///         self.ticks += 1;
///         sched.after(SimDuration::from_secs(10), ());
///     }
/// }
///
/// let mut sched = Scheduler::new();
/// sched.at(SimTime::ZERO, ());
/// let mut model = Ticker { ticks: 0 };
/// let report = sched.run(&mut model, StopAt::time(SimTime::from_secs(60)));
/// assert_eq!(model.ticks, 7); // t = 0, 10, …, 60
/// assert_eq!(report.reason, StopReason::TimeReached);
/// assert_eq!(sched.now(), SimTime::from_secs(60));
/// ```
pub struct Scheduler<E> {
    now: SimTime,
    queue: EventQueue<E>,
}

impl<E> Default for Scheduler<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> Scheduler<E> {
    /// A scheduler at time zero with nothing pending.
    pub fn new() -> Self {
        Scheduler {
            now: SimTime::ZERO,
            queue: EventQueue::new(),
        }
    }

    /// The current simulated time.
    #[inline]
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedule `event` at `time`; a time in the past is treated as now.
    #[inline]
    pub fn at(&mut self, time: SimTime, event: E) {
        self.queue.push(time.max(self.now), event);
    }

    /// Schedule `event` after `delay` from now.
    #[inline]
    pub fn after(&mut self, delay: SimDuration, event: E) {
        self.queue.push(self.now + delay, event);
    }

    /// Number of pending events.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// Handle events in (time, insertion) order until `stop` says to stop.
    pub fn run<M: Model<Event = E>>(&mut self, model: &mut M, stop: StopAt) -> RunReport {
        let until = stop.until.unwrap_or(SimTime::NEVER);
        let cap = stop.max_events.unwrap_or(u64::MAX);
        let mut events = 0;
        let reason = loop {
            if events >= cap {
                break StopReason::EventCap;
            }
            let Some((time, event)) = self.queue.pop_due(until.as_nanos()) else {
                break if self.queue.is_empty() {
                    StopReason::QueueEmpty
                } else {
                    StopReason::TimeReached
                };
            };
            self.now = time;
            model.handle(event, self);
            events += 1;
        };
        if reason == StopReason::TimeReached {
            self.now = until;
        }
        RunReport {
            reason,
            events,
            now: self.now,
        }
    }
}

/// Cancel timers lazily: an event carries the generation it was scheduled under.
///
/// Bumping the generation invalidates every pending event of the old one without
/// searching the queue; the handler drops events whose generation is stale.
///
/// ```
/// use s3sim_engine::Generation;
/// let mut g = Generation::default();
/// let timer = g.current();
/// g.bump(); // cancel
/// assert!(!g.is_current(timer));
/// assert!(g.is_current(g.current()));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Generation(u32);

impl Generation {
    /// The generation to stamp on a newly scheduled event.
    pub fn current(self) -> u32 {
        self.0
    }

    /// Invalidate every event stamped with an earlier generation.
    pub fn bump(&mut self) {
        self.0 = self.0.wrapping_add(1);
    }

    /// Whether an event stamped `stamp` is still live.
    pub fn is_current(self, stamp: u32) -> bool {
        self.0 == stamp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Recorder {
        seen: Vec<(SimTime, u32)>,
    }

    impl Model for Recorder {
        type Event = u32;
        fn handle(&mut self, event: u32, sched: &mut Scheduler<u32>) {
            self.seen.push((sched.now(), event));
            if event < 3 {
                sched.after(SimDuration::ZERO, event + 10);
            }
        }
    }

    #[test]
    fn events_scheduled_for_now_run_after_those_already_queued_for_now() {
        let mut sched = Scheduler::new();
        for e in 0..3 {
            sched.at(SimTime::from_secs(1), e);
        }
        let mut m = Recorder { seen: vec![] };
        let report = sched.run(&mut m, StopAt::queue_empty());
        let order: Vec<u32> = m.seen.iter().map(|&(_, e)| e).collect();
        assert_eq!(order, vec![0, 1, 2, 10, 11, 12]);
        assert_eq!(
            report,
            RunReport {
                reason: StopReason::QueueEmpty,
                events: 6,
                now: SimTime::from_secs(1)
            }
        );
    }

    #[test]
    fn event_cap_stops_the_run_and_a_later_run_resumes_it() {
        let mut sched = Scheduler::new();
        for e in 0..5 {
            sched.at(SimTime::from_secs(u64::from(e)), 100 + e);
        }
        let mut m = Recorder { seen: vec![] };
        let first = sched.run(&mut m, StopAt::queue_empty().with_event_cap(2));
        assert_eq!((first.reason, first.events), (StopReason::EventCap, 2));
        let rest = sched.run(&mut m, StopAt::time(SimTime::from_secs(3)));
        assert_eq!(
            (rest.reason, rest.events, rest.now),
            (StopReason::TimeReached, 2, SimTime::from_secs(3))
        );
        assert_eq!(sched.pending(), 1);
    }

    #[test]
    fn a_run_stopped_at_a_time_accepts_events_before_the_next_pending_one() {
        let mut sched = Scheduler::new();
        sched.at(SimTime::from_secs(10), 1);
        let mut m = Recorder { seen: vec![] };
        let first = sched.run(&mut m, StopAt::time(SimTime::from_secs(4)));
        assert_eq!((first.reason, first.events), (StopReason::TimeReached, 0));
        sched.at(SimTime::from_secs(6), 20);
        sched.at(SimTime::from_secs(4), 21);
        let rest = sched.run(&mut m, StopAt::queue_empty());
        assert_eq!(rest.events, 4);
        assert_eq!(
            m.seen,
            vec![
                (SimTime::from_secs(4), 21),
                (SimTime::from_secs(6), 20),
                (SimTime::from_secs(10), 1),
                (SimTime::from_secs(10), 11),
            ]
        );
    }

    #[test]
    fn past_times_are_clamped_to_now() {
        let mut sched: Scheduler<u32> = Scheduler::new();
        sched.at(SimTime::from_secs(5), 1);
        struct Back;
        impl Model for Back {
            type Event = u32;
            fn handle(&mut self, e: u32, sched: &mut Scheduler<u32>) {
                if e == 1 {
                    sched.at(SimTime::ZERO, 2);
                } else {
                    assert_eq!(sched.now(), SimTime::from_secs(5));
                }
            }
        }
        assert_eq!(sched.run(&mut Back, StopAt::queue_empty()).events, 2);
    }
}
