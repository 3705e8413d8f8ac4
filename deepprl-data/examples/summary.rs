//! Prints the summary of a dataset config, as `deepprl data summary <config>` does.
//!
//! ```text
//! cargo run --release -p deepprl-data --example summary -- deepprl-data/configs/kuairand-27k-likehate-kcore15.toml
//! ```

use anyhow::Context;

fn main() -> anyhow::Result<()> {
    let path = std::env::args().nth(1).context("usage: summary <dataset config .toml>")?;
    let summary = deepprl_data::summary(path.as_ref())?;
    println!("{summary}");
    Ok(())
}
