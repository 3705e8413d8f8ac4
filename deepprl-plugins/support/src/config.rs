//! Plugin configs: TOML text in, a `#[serde(deny_unknown_fields)]` struct out, with the
//! host's `[schema]` table taken off first for predictors.
//!
//! ```
//! use deepprl_models::network::Training;
//! use deepprl_plugin_support::config::parse;
//! let t: Training = parse("clip_norm = 1.0\n[optimizer]\nlr = 0.01").unwrap();
//! assert_eq!((t.clip_norm, t.optimizer.lr, t.n_shards), (1.0, 0.01, 2));
//! let err = parse::<Training>("clip_nrom = 1.0").unwrap_err();
//! assert!(err.contains("unknown field `clip_nrom`"), "{err}");
//! ```

use deepprl_models::Schema;
use deepprl_plugin_abi::SCHEMA_TABLE;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Parses `text` into `C`; the message of a syntax error names the line and column, that of an
/// unknown key or wrong type names the key.
///
/// # Errors
/// The parser's message.
pub fn parse<C: DeserializeOwned>(text: &str) -> Result<C, String> {
    toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())
}

/// Splits the host's `[schema]` table off `text` and parses the rest into `C`.
///
/// # Errors
/// Bad TOML, a missing or malformed `[schema]`, or a problem with the model's own keys.
pub fn parse_with_schema<C: DeserializeOwned>(text: &str) -> Result<(C, Schema), String> {
    let mut table: toml::Table = parse(text)?;
    let schema = table.remove(SCHEMA_TABLE).ok_or("missing the `[schema]` table the host adds")?;
    let schema: Schema = schema.try_into().map_err(|e| format!("in `[schema]`: {e}"))?;
    let config = toml::Value::Table(table).try_into().map_err(|e| format!("{e}"))?;
    Ok((config, schema))
}

/// The `[schema]` table the host appends to a predictor's config text
/// (`deepprl_plugin_abi::layout`).
///
/// # Errors
/// If the schema cannot be written as TOML (it always can: it is plain data).
pub fn schema_table(schema: &Schema) -> Result<String, String> {
    #[derive(Serialize)]
    struct Wrapper<'a> {
        schema: &'a Schema,
    }
    toml::to_string(&Wrapper { schema }).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use deepprl_models::network::Training;
    use deepprl_models::testing::tiny_schema;
    use deepprl_models::{CatField, FieldRole, ObjectiveKind};

    #[test]
    fn schema_round_trips_through_the_config_text() {
        let schema = tiny_schema(3, 0);
        let text = format!("n_shards = 4\n\n{}", schema_table(&schema).unwrap());
        let (t, back): (Training, Schema) = parse_with_schema(&text).unwrap();
        assert_eq!((t.n_shards, back), (4, schema));
        let err = parse_with_schema::<Training>("n_shards = 4").unwrap_err();
        assert!(err.contains("[schema]"), "{err}");
        let err = parse::<Training>("n_shards = = 4").unwrap_err();
        assert!(err.contains("line 1"), "{err}");
    }

    /// The keys of a TOML table, sorted.
    fn keys(v: &toml::Value) -> Vec<&str> {
        let mut k: Vec<&str> = v.as_table().expect("a table").keys().map(String::as_str).collect();
        k.sort_unstable();
        k
    }

    fn sorted<const N: usize>(mut keys: [&'static str; N]) -> Vec<&'static str> {
        keys.sort_unstable();
        keys.to_vec()
    }

    #[test]
    fn the_schema_table_has_the_keys_the_abi_defines() {
        use deepprl_plugin_abi::{CAT_FIELD_KEYS, FIELD_ROLES, OBJECTIVE_KINDS, SCHEMA_KEYS};
        let mut schema = tiny_schema(3, 2);
        let roles = [FieldRole::User, FieldRole::Item, FieldRole::ItemSide, FieldRole::Context];
        schema.cat_fields.iter_mut().zip(roles).for_each(|(f, r)| f.role = r);
        let other = CatField { name: "x".into(), role: FieldRole::Other, cardinality: 3 };
        schema.cat_fields.push(other);
        schema.objectives =
            vec![("a".into(), ObjectiveKind::Binary), ("b".into(), ObjectiveKind::Continuous)];
        let text = schema_table(&schema).unwrap();
        let table: toml::Value = parse(&text).unwrap();
        assert_eq!(keys(&table), [SCHEMA_TABLE], "{text}");
        let t = &table[SCHEMA_TABLE];
        assert_eq!(keys(t), sorted(SCHEMA_KEYS), "{text}");
        let fields = t["cat_fields"].as_array().unwrap();
        assert_eq!(fields.len(), FIELD_ROLES.len());
        for (f, role) in fields.iter().zip(FIELD_ROLES) {
            assert_eq!(
                (keys(f), f["role"].as_str()),
                (sorted(CAT_FIELD_KEYS), Some(role)),
                "{text}"
            );
        }
        let objectives = t["objectives"].as_array().unwrap();
        let kinds: Vec<_> = objectives.iter().map(|o| o[1].as_str()).collect();
        assert_eq!(kinds, OBJECTIVE_KINDS.map(Some), "{text}");
        assert_eq!(objectives[0][0].as_str(), Some("a"));
        assert!(t["n_numeric"].is_integer() && t["history_len"].is_integer(), "{text}");
    }
}
