//! Run discrete-event simulations with integer time and reproducible randomness.
//!
//! The engine knows nothing of S3, DNS or HTTP: it owns simulated time ([`SimTime`],
//! [`SimDuration`]), the event queue ([`EventQueue`], ties broken FIFO), the run loop
//! ([`Scheduler`], [`Model`], [`StopAt`]) and named random streams ([`RandomStreams`]).
//! Models plug in through the [`Model`] trait with their own plain event enum, so the
//! queue holds values, not boxed trait objects.

mod queue;
mod random;
mod sim;
mod time;

pub use queue::EventQueue;
pub use random::{RandomStreams, SimRng, stable_hash};
pub use sim::{Generation, Model, RunReport, Scheduler, StopAt, StopReason};
pub use time::{DurationParseError, SimDuration, SimTime};
