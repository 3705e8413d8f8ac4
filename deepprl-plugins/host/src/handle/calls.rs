//! The typed calls of a [`ModelHandle`]: arrays in, arrays out, each call checked by the plugin.

use super::{ModelHandle, as_tensor, tensor};
use crate::error::{CallError, Error, Result, Status};
use deepprl_models::Transitions;
use deepprl_plugin_abi::{DpShape, DpStr, DpTensor, DpTensorMut, DpTransitions};
use ndarray::{Array2, ArrayView2};
use std::path::Path;

impl ModelHandle {
    fn optional<T>(&self, f: Option<T>, function: &'static str) -> Result<T> {
        f.ok_or_else(|| Error::WrongKind {
            plugin: self.plugin.info().name.clone(),
            expected: if matches!(function, "act" | "update") {
                crate::PluginKind::WeightPolicy
            } else {
                crate::PluginKind::Predictor
            },
            found: self.plugin.info().kind,
        })
    }

    fn map(
        &self,
        function: &'static str,
        f: Option<deepprl_plugin_abi::ForwardFn>,
        x: ArrayView2<'_, f32>,
        width: usize,
    ) -> Result<Array2<f32>> {
        let f = self.optional(f, function)?;
        let (x, shape) = tensor(x);
        let mut y = Array2::<f32>::zeros((x.nrows(), width));
        let y_shape = DpShape::matrix(y.nrows(), y.ncols());
        let y_slice = y.as_slice_mut().expect("fresh arrays are contiguous");
        self.call(function, |m, err| {
            // SAFETY: `m` is live; `x` and `y` are alive, disjoint and of their shapes.
            unsafe { f(m, as_tensor(&x, shape), DpTensorMut::new(y_slice, y_shape), err) }
        })?;
        Ok(y)
    }

    /// Predictions `[batch, d_output]` for `x [batch, d_input]`.
    ///
    /// # Errors
    /// [`Status::Shape`] if `x` has the wrong width, [`Error::Refused`] after a panic.
    pub fn forward(&self, x: ArrayView2<'_, f32>) -> Result<Array2<f32>> {
        self.map("forward", self.plugin.vtable().forward, x, self.info.d_output)
    }

    /// Internals `[batch, d_inspect]`, or `None` when the plugin has none.
    ///
    /// # Errors
    /// As [`ModelHandle::forward`].
    pub fn inspect(&self, x: ArrayView2<'_, f32>) -> Result<Option<Array2<f32>>> {
        match self.plugin.vtable().inspect {
            None => Ok(None),
            f => self.map("inspect", f, x, self.info.d_inspect).map(Some),
        }
    }

    fn supervised(
        &self,
        function: &'static str,
        f: Option<deepprl_plugin_abi::TrainFn>,
        x: ArrayView2<'_, f32>,
        targets: ArrayView2<'_, f32>,
        task_weights: &[f32],
    ) -> Result<f64> {
        let f = self.optional(f, function)?;
        let ((x, xs), (t, ts)) = (tensor(x), tensor(targets));
        let w = DpTensor::new(task_weights, DpShape::vector(task_weights.len()));
        let mut loss = f64::NAN;
        self.call(function, |m, err| {
            // SAFETY: `m` is live; every tensor views a live buffer of its shape.
            unsafe { f(m, as_tensor(&x, xs), as_tensor(&t, ts), w, &mut loss, err) }
        })?;
        Ok(loss)
    }

    /// One optimiser step; the mean loss before it.
    ///
    /// # Errors
    /// As [`ModelHandle::forward`], also for `targets [batch, d_output]` and
    /// `task_weights [d_output]`.
    pub fn train_step(
        &self,
        x: ArrayView2<'_, f32>,
        targets: ArrayView2<'_, f32>,
        task_weights: &[f32],
    ) -> Result<f64> {
        self.supervised("train_step", self.plugin.vtable().train_step, x, targets, task_weights)
    }

    /// The mean loss without a step.
    ///
    /// # Errors
    /// As [`ModelHandle::train_step`].
    pub fn eval_loss(
        &self,
        x: ArrayView2<'_, f32>,
        targets: ArrayView2<'_, f32>,
        task_weights: &[f32],
    ) -> Result<f64> {
        self.supervised("eval_loss", self.plugin.vtable().eval_loss, x, targets, task_weights)
    }

    /// Sets the learning rate.
    ///
    /// # Errors
    /// [`Status::InvalidConfig`] for a negative or non-finite rate.
    pub fn set_lr(&self, lr: f64) -> Result<()> {
        let f = self.optional(self.plugin.vtable().set_lr, "set_lr")?;
        // SAFETY: `m` is live; `err` is valid.
        self.call("set_lr", |m, err| unsafe { f(m, lr, err) })
    }

    /// Weights `[batch, d_output]` for `states [batch, d_input]`.
    ///
    /// # Errors
    /// As [`ModelHandle::forward`].
    pub fn act(&self, states: ArrayView2<'_, f32>, explore: bool) -> Result<Array2<f32>> {
        let f = self.optional(self.plugin.vtable().act, "act")?;
        let (s, shape) = tensor(states);
        let mut w = Array2::<f32>::zeros((s.nrows(), self.info.d_output));
        let w_shape = DpShape::matrix(w.nrows(), w.ncols());
        let w_slice = w.as_slice_mut().expect("fresh arrays are contiguous");
        self.call("act", |m, err| {
            // SAFETY: `m` is live; `s` and `w` are alive, disjoint and of their shapes.
            unsafe {
                f(
                    m,
                    as_tensor(&s, shape),
                    u32::from(explore),
                    DpTensorMut::new(w_slice, w_shape),
                    err,
                )
            }
        })?;
        Ok(w)
    }

    /// One learning update on `batch`; the policy's loss.
    ///
    /// # Errors
    /// As [`ModelHandle::forward`], for every tensor of `batch`.
    pub fn update(&self, batch: &Transitions) -> Result<f64> {
        let f = self.optional(self.plugin.vtable().update, "update")?;
        let parts = [&batch.states, &batch.weights, &batch.rewards, &batch.next_states]
            .map(|a| tensor(a.view()));
        let done = batch.done.as_standard_layout();
        let t = |i: usize| as_tensor(&parts[i].0, parts[i].1);
        let transitions = DpTransitions {
            states: t(0),
            weights: t(1),
            rewards: t(2),
            next_states: t(3),
            done: DpTensor::new(
                done.as_slice().expect("standard layout"),
                DpShape::vector(done.len()),
            ),
        };
        let mut loss = f64::NAN;
        // SAFETY: `m` is live; every tensor of `transitions` views a live buffer of its shape.
        self.call("update", |m, err| unsafe { f(m, &transitions, &mut loss, err) })?;
        Ok(loss)
    }

    /// Writes the model's full training state to `path`.
    ///
    /// # Errors
    /// [`Status::Io`] if the file cannot be written (or the path is not UTF-8).
    pub fn save(&self, path: &Path) -> Result<()> {
        let text = self.utf8(path, "save")?;
        let save = self.plugin.vtable().save;
        // SAFETY: `m` is live; `text` outlives the call.
        self.call("save", |m, err| unsafe { save(m, DpStr::borrowed(&text), err) })
    }

    /// Restores a state written by [`ModelHandle::save`].
    ///
    /// # Errors
    /// [`Status::Io`] if the file is missing, corrupt or of another model shape.
    pub fn load(&self, path: &Path) -> Result<()> {
        let text = self.utf8(path, "load")?;
        let load = self.plugin.vtable().load;
        // SAFETY: `m` is live; `text` outlives the call.
        self.call("load", |m, err| unsafe { load(m, DpStr::borrowed(&text), err) })
    }

    fn utf8(&self, path: &Path, function: &'static str) -> Result<String> {
        path.to_str().map(str::to_owned).ok_or_else(|| {
            let message = format!("{} is not valid utf-8", path.display());
            CallError {
                plugin: self.plugin.info().name.clone(),
                function,
                status: Status::Io,
                message,
            }
            .into()
        })
    }
}
