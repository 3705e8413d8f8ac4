//! The world's sub-tables: `[items]`, `[response]`, `[dynamics]` and `[log]`, each key with its
//! default.
//!
//! ```
//! use deepprl_data::world::ResponseParams;
//! let r: ResponseParams = toml::from_str("click_clickbait = 2.0").unwrap();
//! assert_eq!((r.click_clickbait, r.watch_clickbait), (2.0, -4.0));
//! ```

use serde::{Deserialize, Serialize};

macro_rules! defaults {
    ($($f:ident: $t:ty = $v:expr;)*) => { $(fn $f() -> $t { $v })* };
}

defaults! {
    d_cb_a: f64 = 0.6;
    d_cb_b: f64 = 1.5;
    d_q_a: f64 = 2.0;
    d_q_b: f64 = 2.0;
    d_len_median: f64 = 30.0;
    d_len_sigma: f64 = 0.6;
    d_click_bias: f64 = -0.8;
    d_click_interest: f64 = 1.0;
    d_click_clickbait: f64 = 1.5;
    d_click_quality: f64 = 0.3;
    d_click_sat: f64 = 0.5;
    d_watch_bias: f64 = 0.9;
    d_watch_interest: f64 = 0.8;
    d_watch_quality: f64 = 2.0;
    d_watch_clickbait: f64 = -4.0;
    d_watch_length: f64 = -0.7;
    d_watch_evening: f64 = 0.8;
    d_watch_sat: f64 = 0.5;
    d_watch_click: f64 = 1.0;
    d_sat_rate: f64 = 0.3;
    d_cb_penalty: f64 = 0.5;
    d_leave_bias: f64 = -2.0;
    d_leave_sat: f64 = 6.0;
    d_return_bias: f64 = 1.0;
    d_return_sat: f64 = 6.0;
    d_sat_decay: f64 = 0.5;
    d_sat_ref: f64 = 0.8;
    d_days: usize = 14;
    d_start: String = "2024-01-01".into();
    d_hour_spread: f64 = 4.0;
    d_slate: usize = 5;
    d_candidates: usize = 50;
    d_max_steps: usize = 20;
    d_weights: Vec<f64> = vec![1.0, 1.0, 1.0];
    d_temperature: f64 = 0.3;
    d_step_secs: i64 = 60;
    d_tenth: f64 = 0.1;
    d_history_len: usize = 20;
    d_window: i64 = 600;
}

/// Item attribute distributions: `[items]`.
#[derive(Deserialize, Serialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ItemParams {
    /// Clickbait-ness ~ Beta(a, b), in [0, 1]: `clickbait_a`. Default `0.6`.
    #[serde(default = "d_cb_a")]
    pub clickbait_a: f64,
    /// Beta `b` of clickbait-ness. Default `1.5`.
    #[serde(default = "d_cb_b")]
    pub clickbait_b: f64,
    /// Quality ~ Beta(a, b), in [0, 1]: `quality_a`. Default `2`.
    #[serde(default = "d_q_a")]
    pub quality_a: f64,
    /// Beta `b` of quality. Default `2`.
    #[serde(default = "d_q_b")]
    pub quality_b: f64,
    /// Median video length in seconds (log-normal). Default `30`.
    #[serde(default = "d_len_median")]
    pub length_median_secs: f64,
    /// Log-normal σ of the length. Default `0.6`.
    #[serde(default = "d_len_sigma")]
    pub length_sigma: f64,
}

/// Coefficients of the click and watch-fraction logits: `[response]` (see `DESIGN-NOTES.md`).
#[derive(Deserialize, Serialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ResponseParams {
    /// Click logit intercept (at the reference satisfaction). Default `-0.8`.
    #[serde(default = "d_click_bias")]
    pub click_bias: f64,
    /// Click logit per unit of topic interest. Default `1.0`.
    #[serde(default = "d_click_interest")]
    pub click_interest: f64,
    /// Click logit per unit of clickbait-ness. Default `1.5`.
    #[serde(default = "d_click_clickbait")]
    pub click_clickbait: f64,
    /// Click logit per unit of quality. Default `0.3`.
    #[serde(default = "d_click_quality")]
    pub click_quality: f64,
    /// Click logit per unit of satisfaction effect (`long_term · (s − reference)`). Default `0.5`.
    #[serde(default = "d_click_sat")]
    pub click_satisfaction: f64,
    /// Watch-fraction logit intercept (at the reference satisfaction). Default `0.9`.
    #[serde(default = "d_watch_bias")]
    pub watch_bias: f64,
    /// Watch logit per unit of topic interest. Default `0.8`.
    #[serde(default = "d_watch_interest")]
    pub watch_interest: f64,
    /// Watch logit per unit of quality. Default `2.0`.
    #[serde(default = "d_watch_quality")]
    pub watch_quality: f64,
    /// Watch logit per unit of clickbait-ness (negative: clickbait is abandoned). Default `-4`.
    #[serde(default = "d_watch_clickbait")]
    pub watch_clickbait: f64,
    /// Watch logit per unit of `ln(length / median length)`. Default `-0.7`.
    #[serde(default = "d_watch_length")]
    pub watch_length: f64,
    /// Watch logit at the user's segment's evening peak hour (scaled by its hour profile). Default `0.8`.
    #[serde(default = "d_watch_evening")]
    pub watch_evening: f64,
    /// Watch logit per unit of satisfaction effect. Default `0.5`.
    #[serde(default = "d_watch_sat")]
    pub watch_satisfaction: f64,
    /// Watch logit added when the impression was clicked. Default `1.0`.
    #[serde(default = "d_watch_click")]
    pub watch_click: f64,
}

/// Satisfaction, leaving and returning: `[dynamics]`.
#[derive(Deserialize, Serialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DynamicsParams {
    /// Rate τ at which satisfaction moves toward the last slate's utility. Default `0.3`.
    #[serde(default = "d_sat_rate")]
    pub satisfaction_rate: f64,
    /// Satisfaction penalty κ per clicked, not long-viewed unit of clickbait. Default `0.5`.
    #[serde(default = "d_cb_penalty")]
    pub clickbait_penalty: f64,
    /// Leave-after-a-step logit at the reference satisfaction. Default `-2`.
    #[serde(default = "d_leave_bias")]
    pub leave_bias: f64,
    /// Leave logit decrease per unit of satisfaction effect. Default `6`.
    #[serde(default = "d_leave_sat")]
    pub leave_satisfaction: f64,
    /// Return (start a session on a day) logit at the reference satisfaction. Default `1`.
    #[serde(default = "d_return_bias")]
    pub return_bias: f64,
    /// Return logit increase per unit of satisfaction effect. Default `6`.
    #[serde(default = "d_return_sat")]
    pub return_satisfaction: f64,
    /// Factor by which satisfaction's distance to the reference shrinks from one day to the
    /// next. Default `0.5`.
    #[serde(default = "d_sat_decay")]
    pub daily_decay: f64,
    /// The reference satisfaction, about what slates ranked by any sensible weights give: the
    /// effect of satisfaction is `long_term · (s − reference)`, so the biases are the logits
    /// there; episodes and the log start there, satisfaction relaxes to it between sessions,
    /// and the population statistics are taken there. Default `0.8`.
    #[serde(default = "d_sat_ref")]
    pub satisfaction_reference: f64,
}

/// How a logged dataset is generated: `[log]`.
#[derive(Deserialize, Serialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LogParams {
    /// Days simulated. Default `14`.
    #[serde(default = "d_days")]
    pub days: usize,
    /// First day (UTC, `YYYY-MM-DD`). Default `"2024-01-01"`.
    #[serde(default = "d_start")]
    pub start_date: String,
    /// Std (hours) of session start around the user's activity peak. Default `4`.
    #[serde(default = "d_hour_spread")]
    pub hour_spread: f64,
    /// Items shown per step (slate size N). Default `5`.
    #[serde(default = "d_slate")]
    pub slate_size: usize,
    /// Candidates drawn uniformly per step for the policy to choose from. Default `50`.
    #[serde(default = "d_candidates")]
    pub candidates: usize,
    /// Most steps in a session. Default `20`.
    #[serde(default = "d_max_steps")]
    pub max_steps: usize,
    /// Logging policy objective weights (normalised to sum 1). Default `[1, 1, 1]`.
    #[serde(default = "d_weights")]
    pub policy_weights: Vec<f64>,
    /// Logging policy temperature: slates are Plackett–Luce draws from softmax(score / T).
    /// Default `0.3` (mostly greedy: at 1, slates were poor enough that users left and stopped
    /// coming back, and the 14-day log held 13,000 rows instead of 45,000).
    #[serde(default = "d_temperature")]
    pub temperature: f64,
    /// Seconds a step (one slate) takes, whatever is watched: time does not depend on
    /// outcomes, so at `long_term = 0` nothing shown changes the future. Default `60`.
    #[serde(default = "d_step_secs")]
    pub step_secs: i64,
    /// Validation fraction of the generated log (rows, time order). Default `0.1`.
    #[serde(default = "d_tenth")]
    pub valid: f64,
    /// Test fraction. Default `0.1`.
    #[serde(default = "d_tenth")]
    pub test: f64,
    /// History length L of the generated dataset. Default `20`.
    #[serde(default = "d_history_len")]
    pub history_len: usize,
    /// Request window of the generated dataset, seconds. Default `600`.
    #[serde(default = "d_window")]
    pub window_secs: i64,
}
