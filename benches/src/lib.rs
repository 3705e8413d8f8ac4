//! Benchmarks of deepprl (filled by the next commits).
