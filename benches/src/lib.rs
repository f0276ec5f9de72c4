//! Benchmarks for s3sim; see benches/README.md.
