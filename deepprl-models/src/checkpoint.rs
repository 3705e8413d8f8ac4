//! The checkpoint layout shared by the in-tree predictors: one tensor file holding the
//! parameters (`param.<path>`) and the optimiser state (`adam.<name>`), written atomically.

use deepprl_core::io::{self, TensorFile};
use deepprl_core::optim::Adam;
use deepprl_core::{Float, Parameterized};
use std::path::Path;

/// Writes `model`'s parameters and `adam`'s state to `path` atomically.
///
/// # Errors
/// If the file cannot be written.
pub fn save<F: Float, P: Parameterized<F>>(
    path: &Path,
    model: &P,
    adam: &Adam<F>,
) -> crate::Result<()> {
    let mut file = TensorFile::new();
    model.visit_params(&mut |name, p| file.push(&format!("param.{name}"), p.to_owned()));
    for (name, t) in adam.export_state().tensors {
        file.push(&format!("adam.{name}"), t);
    }
    io::write_atomic(path, &io::encode(&file))?;
    Ok(())
}

/// Restores a checkpoint written by [`save`] into `model` and `adam`; both are left unchanged
/// unless every check passes.
///
/// # Errors
/// If the file is missing or corrupt, or a tensor is missing, extra or of another shape.
pub fn load<F: Float, P: Parameterized<F> + Clone>(
    path: &Path,
    model: &mut P,
    adam: &mut Adam<F>,
) -> crate::Result<()> {
    let (mut params, mut state) = (TensorFile::new(), TensorFile::new());
    for (name, t) in io::read_tensors::<F>(path)?.tensors {
        if let Some(n) = name.strip_prefix("param.") {
            params.push(n, t);
        } else if let Some(n) = name.strip_prefix("adam.") {
            state.push(n, t);
        } else {
            return Err(deepprl_core::Error::ParamMismatch {
                path: path.to_path_buf(),
                name,
                reason: "is neither a parameter nor optimiser state".into(),
            }
            .into());
        }
    }
    let mut next_model = model.clone();
    io::assign_params(path, &params, &mut next_model)?;
    let mut next_adam = Adam::new(adam.config().clone());
    next_adam.import_state(&state)?;
    (*model, *adam) = (next_model, next_adam);
    Ok(())
}
