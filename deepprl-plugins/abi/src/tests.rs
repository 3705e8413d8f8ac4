//! The vtable and glue exercised in-process (no `dlopen`) with a toy predictor and policy.

use super::*;
use core::ffi::c_void;

/// `y = scale · Σ x`, config `scale = <number>`; panics on a non-finite input.
struct Toy {
    scale: f32,
}

impl Plugin for Toy {
    const NAME: &'static str = "toy";
    fn create(config: &str, _seed: u64, _n_threads: u32) -> Result<Self, PluginError> {
        let value = config.trim().strip_prefix("scale =").map(str::trim);
        match value.map(str::parse::<f32>) {
            Some(Ok(scale)) => Ok(Toy { scale }),
            _ => Err(PluginError::invalid_config(format!("bad config: {config:?}"))),
        }
    }
    fn info(&self) -> DpModelInfo {
        DpModelInfo { d_input: 2, d_output: 1, d_inspect: 0, n_params: 1 }
    }
    fn save(&self, _path: &str) -> Result<(), PluginError> {
        Ok(())
    }
    fn load(&mut self, _path: &str) -> Result<(), PluginError> {
        Ok(())
    }
}

impl PredictorPlugin for Toy {
    fn forward(&mut self, x: MatRef<'_>, mut y: MatMut<'_>) -> Result<(), PluginError> {
        assert!(x.data.iter().all(|v| v.is_finite()), "non-finite input");
        for r in 0..x.rows {
            y.row_mut(r)[0] = self.scale * x.row(r).iter().sum::<f32>();
        }
        Ok(())
    }
    fn train_step(&mut self, x: MatRef<'_>, t: MatRef<'_>, w: &[f32]) -> Result<f64, PluginError> {
        self.eval_loss(x, t, w)
    }
    fn eval_loss(&mut self, x: MatRef<'_>, t: MatRef<'_>, w: &[f32]) -> Result<f64, PluginError> {
        let err: f32 = (0..x.rows)
            .map(|r| (self.scale * x.row(r).iter().sum::<f32>() - t.row(r)[0]).powi(2))
            .sum();
        Ok(f64::from(w[0] * err) / x.rows as f64)
    }
    fn set_lr(&mut self, _lr: f64) -> Result<(), PluginError> {
        Ok(())
    }
}

/// Uniform weights over 3 objectives whatever the 1-wide state; the loss is the reward sum.
struct Uniform;

impl Plugin for Uniform {
    const NAME: &'static str = "uniform";
    fn create(_config: &str, _seed: u64, _n_threads: u32) -> Result<Self, PluginError> {
        Ok(Uniform)
    }
    fn info(&self) -> DpModelInfo {
        DpModelInfo { d_input: 1, d_output: 3, d_inspect: 0, n_params: 0 }
    }
    fn save(&self, _path: &str) -> Result<(), PluginError> {
        Ok(())
    }
    fn load(&mut self, _path: &str) -> Result<(), PluginError> {
        Ok(())
    }
}

impl PolicyPlugin for Uniform {
    fn act(&mut self, _s: MatRef<'_>, _explore: bool, w: MatMut<'_>) -> Result<(), PluginError> {
        w.data.fill(1.0 / 3.0);
        Ok(())
    }
    fn update(&mut self, batch: TransitionsRef<'_>) -> Result<f64, PluginError> {
        Ok(batch.rewards.data.iter().map(|&r| f64::from(r)).sum())
    }
}

export_plugin!(predictor: Toy);

/// Calls `f` with a fresh error buffer; returns the status and the message.
fn call(f: impl FnOnce(*mut DpErrBuf) -> DpStatus) -> (DpStatus, String) {
    let mut bytes = [0u8; 256];
    let mut err = DpErrBuf::new(&mut bytes);
    let status = f(&mut err);
    // SAFETY: `err` views `bytes`, still alive.
    (status, unsafe { err.message() })
}

fn create(vt: &DpModelVTable, config: &str) -> (DpStatus, String, *mut c_void) {
    let mut model = core::ptr::null_mut();
    // SAFETY: `config` outlives the call; `model` and the buffer are valid.
    let (s, m) = call(|err| unsafe { (vt.create)(DpStr::borrowed(config), 0, 1, &mut model, err) });
    (s, m, model)
}

#[test]
fn the_export_macro_names_the_entry_symbol_and_fills_the_header() {
    assert_eq!(ENTRY_SYMBOL.to_str(), Ok("deepprl_plugin_entry_v1"));
    // SAFETY: the vtable is a `static`; the pointer is valid for the whole program.
    let vt = unsafe { &*deepprl_plugin_entry_v1() };
    let h = &vt.header;
    assert_eq!((h.magic, h.abi_major, h.abi_minor), (DP_MAGIC, DP_ABI_MAJOR, DP_ABI_MINOR));
    assert_eq!(h.vtable_size, size_of::<DpModelVTable>());
    assert_eq!(h.kind, DP_KIND_PREDICTOR);
    // SAFETY: both strings view `'static` literals.
    unsafe {
        assert_eq!(vt.name.to_str(), Ok("toy"));
        assert_eq!(h.plugin_version.to_str(), Ok(env!("CARGO_PKG_VERSION")));
    }
    assert!(vt.forward.is_some() && vt.inspect.is_none() && vt.act.is_none());
    let policy = DpModelVTable::weight_policy::<Uniform>("1.2.3");
    assert_eq!(policy.header.kind, DP_KIND_WEIGHT_POLICY);
    assert!(policy.act.is_some() && policy.update.is_some() && policy.forward.is_none());
}

#[test]
fn calls_check_shapes_and_report_errors_and_panics() {
    let vt = DpModelVTable::predictor::<Toy>("0.0.0");
    let (status, message, _) = create(&vt, "scale = oops");
    assert_eq!((status, message.as_str()), (DP_ERR_INVALID_CONFIG, "bad config: \"scale = oops\""));
    let (status, _, model) = create(&vt, "scale = 0.5");
    assert_eq!(status, DP_OK);
    let forward = vt.forward.expect("a predictor has forward");
    let x = [1.0, 2.0, 3.0, 4.0];
    let mut y = [0.0; 2];
    let yt = DpTensorMut::new(&mut y, DpShape::matrix(2, 1));
    // SAFETY: `model` is live; `x` and `y` outlive the call and are disjoint.
    let (status, _) =
        call(|err| unsafe { forward(model, DpTensor::new(&x, DpShape::matrix(2, 2)), yt, err) });
    assert_eq!((status, y), (DP_OK, [1.5, 3.5]));
    let mut y4 = [0.0; 4];
    let yt = DpTensorMut::new(&mut y4, DpShape::matrix(4, 1));
    // SAFETY: as above.
    let (status, message) =
        call(|err| unsafe { forward(model, DpTensor::new(&x, DpShape::matrix(4, 1)), yt, err) });
    assert_eq!((status, message.as_str()), (DP_ERR_SHAPE, "x has shape [4, 1], want [batch, 2]"));
    let mut inout = [1.0, 2.0];
    let shared = DpTensorMut::new(&mut inout, DpShape::matrix(1, 2));
    let as_input = DpTensor { data: shared.data, shape: DpShape::matrix(1, 2) };
    let out = DpTensorMut { data: shared.data, shape: DpShape::matrix(1, 1) };
    // SAFETY: both views point into `inout`; the glue must refuse before writing.
    let (status, message) = call(|err| unsafe { forward(model, as_input, out, err) });
    assert_eq!((status, message.as_str()), (DP_ERR_INVALID_INPUT, "y overlaps an input"));
    let train = vt.train_step.expect("a predictor trains");
    let (t, w) = ([0.0, 3.5], [2.0]);
    let mut loss = 0.0;
    // SAFETY: all buffers outlive the call.
    let (status, _) = call(|err| unsafe {
        let x = DpTensor::new(&x, DpShape::matrix(2, 2));
        train(
            model,
            x,
            DpTensor::new(&t, DpShape::matrix(2, 1)),
            DpTensor::new(&w, DpShape::vector(1)),
            &mut loss,
            err,
        )
    });
    assert_eq!((status, loss), (DP_OK, 2.0 * 1.5 * 1.5 / 2.0));
    let bad = [f32::NAN, 0.0];
    let yt = DpTensorMut::new(&mut y[..1], DpShape::matrix(1, 1));
    // SAFETY: as above.
    let (status, message) =
        call(|err| unsafe { forward(model, DpTensor::new(&bad, DpShape::matrix(1, 2)), yt, err) });
    assert_eq!(status, DP_ERR_PANIC);
    assert!(message.ends_with("non-finite input"), "{message}");
    // SAFETY: `model` came from this vtable's `create` and is destroyed once.
    unsafe { (vt.destroy)(model) };
}

#[test]
fn policies_get_checked_transitions() {
    let vt = DpModelVTable::weight_policy::<Uniform>("0.0.0");
    let (_, _, model) = create(&vt, "");
    let (states, weights, rewards, done) = ([0.0; 2], [0.5; 6], [1.0; 6], [0.0; 2]);
    let m = |d: &[f32], c| DpTensor::new(d, DpShape::matrix(d.len() / c, c));
    let batch = DpTransitions {
        states: m(&states, 1),
        weights: m(&weights, 3),
        rewards: m(&rewards, 3),
        next_states: m(&states, 1),
        done: DpTensor::new(&done, DpShape::vector(2)),
    };
    let mut loss = 0.0;
    let update = vt.update.expect("a policy updates");
    // SAFETY: every tensor views a live local array.
    let (status, _) = call(|err| unsafe { update(model, &batch, &mut loss, err) });
    assert_eq!((status, loss), (DP_OK, 6.0));
    let short = DpTransitions { done: DpTensor::new(&done[..1], DpShape::vector(1)), ..batch };
    // SAFETY: as above.
    let (status, message) = call(|err| unsafe { update(model, &short, &mut loss, err) });
    assert_eq!((status, message.as_str()), (DP_ERR_SHAPE, "done has shape [1], want [2]"));
    let mut w = [0.0; 6];
    let act = vt.act.expect("a policy acts");
    let wt = DpTensorMut::new(&mut w, DpShape::matrix(2, 3));
    // SAFETY: as above.
    let (status, _) = call(|err| unsafe { act(model, m(&states, 1), 1, wt, err) });
    assert_eq!(status, DP_OK);
    assert!((w.iter().sum::<f32>() - 2.0).abs() < 1e-6);
    // SAFETY: created above, destroyed once.
    unsafe { (vt.destroy)(model) };
}
