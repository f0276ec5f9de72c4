//! The reported metrics, defined beside the counters they derive from in the model.

pub use s3sim_model::metrics::Metric;
