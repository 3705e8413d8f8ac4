//! The checkpoint layout shared by the in-tree predictors: one tensor file holding the
//! parameters (`param.<path>`) and the optimiser state (`adam.<name>`).

use deepprl_core::io::TensorFile;
use std::path::Path;

/// Splits a checkpoint into its parameter and optimiser parts.
///
/// # Errors
/// [`deepprl_core::Error::ParamMismatch`] for a tensor that is neither.
pub fn split<F: deepprl_core::Float>(
    path: &Path,
    file: TensorFile<F>,
) -> crate::Result<(TensorFile<F>, TensorFile<F>)> {
    let (mut params, mut adam) = (TensorFile::new(), TensorFile::new());
    for (name, t) in file.tensors {
        if let Some(n) = name.strip_prefix("param.") {
            params.push(n, t);
        } else if let Some(n) = name.strip_prefix("adam.") {
            adam.push(n, t);
        } else {
            return Err(deepprl_core::Error::ParamMismatch {
                path: path.to_path_buf(),
                name,
                reason: "is neither a parameter nor optimiser state".into(),
            }
            .into());
        }
    }
    Ok((params, adam))
}
