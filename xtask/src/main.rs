//! Project automation (filled by the next commits).
fn main() {}
