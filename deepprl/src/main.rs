//! The `deepprl` command-line program (filled by the next commits).
fn main() {}
