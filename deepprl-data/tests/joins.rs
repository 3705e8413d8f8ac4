//! Metadata joins (`[[joins]]`): a ratings log joined to a movies file.
//! Fixtures are tiny files written into a temporary folder.

mod common;

use deepprl_data::{Dataset, DatasetConfig, Error, load};
use std::path::{Path, PathBuf};

const CONFIG: &str = r#"
[source]
file = "ratings.csv"
[ids]
user = "userId"
item = "movieId"
[time]
column = "timestamp"
[[joins]]
file = "movies.csv"
on = "item"
key = "movieId"
categorical = ["genres"]
numeric = ["year"]
[[objectives]]
name = "liked"
expr = "rating >= 4"
kind = "binary"
[split]
valid = 0
test = 0.25
"#;

const RATINGS: &str = "userId,movieId,rating,timestamp\n\
                       1,10,5,100\n\
                       1,20,3,200\n\
                       2,10,4,300\n\
                       2,99,2,400\n\
                       3,30,5,500\n\
                       3,40,1,600\n";

const MOVIES: &str = "movieId,title,genres,year\n\
                      10,\"Toy Story, the film\",Adventure|Animation|Children,1995\n\
                      20,Heat,Action|Crime,1999\n\
                      30,Up,Animation,2009\n\
                      40,Alien,Horror|Sci-Fi,1979\n";

/// Writes the config, ratings and movies into a fresh folder, loads them, and checks that
/// loading wrote nothing.
fn load_in(
    name: &str,
    config: &str,
    movies: Option<&str>,
) -> anyhow::Result<deepprl_data::Result<Dataset>> {
    let dir = common::temp_dir(name)?;
    let path = common::write(&dir, "ratings.toml", config)?;
    common::write(&dir, "ratings.csv", RATINGS)?;
    let mut expected = vec!["ratings.csv", "ratings.toml"];
    if let Some(m) = movies {
        common::write(&dir, "movies.csv", m)?;
        expected.insert(0, "movies.csv");
    }
    let result = DatasetConfig::from_file(&path).and_then(|cfg| load(&cfg));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .map(|e| Ok(e?.file_name().into()))
        .collect::<anyhow::Result<_>>()?;
    files.sort();
    assert_eq!(
        files,
        expected.iter().map(PathBuf::from).collect::<Vec<_>>(),
        "loading wrote nothing"
    );
    Ok(result)
}

#[test]
fn joined_columns_become_side_features_with_unknown_keys_unknown() -> anyhow::Result<()> {
    let ds = load_in("join", CONFIG, Some(MOVIES))?;
    let ds = ds?;
    assert_eq!(ds.meta.categorical.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["genres"]);
    assert_eq!(ds.meta.numeric, ["year"]);
    let genres = &ds.vocabs.categorical[0];
    let got: Vec<&str> = (0..ds.len()).map(|r| genres.name(ds.categorical[[r, 0]])).collect();
    // Movie 99 is not in the file (unknown); 30 and 40 are only in the test slice (their genres
    // unseen in training, so unknown too).
    assert_eq!(ds.rows(deepprl_data::Slice::Test), 4..6);
    let unknown = genres.name(0);
    assert_eq!(
        got,
        [
            "Adventure|Animation|Children",
            "Action|Crime",
            "Adventure|Animation|Children",
            unknown,
            unknown,
            unknown
        ]
    );
    assert_eq!(ds.categorical[[3, 0]], 0);
    assert_eq!(ds.categorical[[4, 0]], 0);
    assert_eq!(ds.categorical[[5, 0]], 0);
    // The absent movie's year is the training mean of the known years: (1995 + 1999 + 1995) / 3.
    let years: Vec<f32> = ds.numeric.column(0).to_vec();
    assert_eq!(years, [1995.0, 1999.0, 1995.0, (5989.0f64 / 3.0) as f32, 2009.0, 1979.0]);
    Ok(())
}

fn error(config: &str, movies: Option<&str>) -> anyhow::Result<Error> {
    Ok(load_in("bad-join", config, movies)?.expect_err("bad input"))
}

fn contains_all(e: &Error, parts: &[&str]) {
    let text = e.to_string();
    for p in parts {
        assert!(text.contains(p), "{text:?} lacks {p:?}");
    }
}

#[test]
fn an_unknown_key_column_names_the_file_and_key() -> anyhow::Result<()> {
    let e = error(&CONFIG.replace("key = \"movieId\"", "key = \"movie\""), Some(MOVIES))?;
    assert!(matches!(e, Error::MissingColumn { .. }), "{e}");
    contains_all(&e, &["movies.csv: line 1", "`movie`", "joins[0].key"]);
    Ok(())
}

#[test]
fn an_unknown_joined_column_names_its_key() -> anyhow::Result<()> {
    let e = error(&CONFIG.replace("[\"genres\"]", "[\"genre\"]"), Some(MOVIES))?;
    contains_all(&e, &["movies.csv: line 1", "`genre`", "joins[0].categorical[0]"]);
    Ok(())
}

#[test]
fn a_duplicated_key_names_the_file_and_both_lines() -> anyhow::Result<()> {
    let movies = format!("{MOVIES}20,Heat again,Action,1995\n");
    let e = error(CONFIG, Some(&movies))?;
    assert!(matches!(e, Error::DuplicateKey { line: 6, first: 3, .. }), "{e}");
    contains_all(&e, &["movies.csv: line 6", "\"20\"", "first on line 3", "joins[0].key"]);
    Ok(())
}

#[test]
fn a_missing_metadata_file_names_the_key() -> anyhow::Result<()> {
    let e = error(CONFIG, None)?;
    assert!(matches!(e, Error::InvalidConfig { .. }), "{e}");
    contains_all(&e, &["ratings.toml", "joins[0].file", "movies.csv"]);
    Ok(())
}

#[test]
fn a_bad_number_in_a_metadata_file_names_the_line_and_column() -> anyhow::Result<()> {
    let e = error(CONFIG, Some(&MOVIES.replace("2009", "soon")))?;
    contains_all(&e, &["movies.csv: line 4", "`year`", "\"soon\""]);
    Ok(())
}

#[test]
fn join_keys_out_of_place_name_the_key() {
    let bad = |text: String, key: &str| {
        let err = DatasetConfig::from_toml_str(&text, Path::new("r.toml"), None).err();
        let err = err.unwrap_or_else(|| panic!("{key}: accepted")).to_string();
        assert!(err.contains(key), "{err} lacks {key}");
    };
    bad(CONFIG.replace("numeric = [\"year\"]", "numeric = [\"genres\"]"), "joins[0].numeric[0]");
    bad(CONFIG.replace("numeric = [\"year\"]", "numeric = [\"movieId\"]"), "joins[0].numeric[0]");
    bad(
        CONFIG.replace("categorical = [\"genres\"]\nnumeric = [\"year\"]", ""),
        "joins[0].categorical",
    );
    bad(CONFIG.replace("on = \"item\"", "on = \"item\"\ndelimiter = \"::\""), "joins[0].delimiter");
    bad(CONFIG.replace("on = \"item\"", "on = \"movie\""), "on");
    bad(
        CONFIG.replace("[time]\ncolumn = \"timestamp\"", "[features]\ncategorical = [\"genres\"]"),
        "joins[0].categorical[0]",
    );
}
