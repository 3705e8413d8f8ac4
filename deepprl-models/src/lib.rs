//! Multi-objective predictors for deepprl.
//!
//! This crate will hold the predictor trait shared with the plugin baselines, the
//! Self-Attentive Time-LSTM state encoder, the Mixture of HyperNetworks, the supervised
//! trainer and the evaluation metrics (AUC, log-loss, RMSE, NDCG@K).
//! It is filled by the models issue; see `DESIGN.md` §3.1-3.3 and §5.
