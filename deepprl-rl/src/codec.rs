//! Exact storage of integers in `f32` tensor files (which hold floats only): each `u128` becomes
//! eight 16-bit chunks, every one exactly representable as an `f32`.

/// Splits integers into exact 16-bit `f32` chunks, most significant first.
pub(crate) fn to_chunks(values: &[u128]) -> Vec<f32> {
    values
        .iter()
        .flat_map(|&v| (0..8).rev().map(move |i| ((v >> (16 * i)) & 0xFFFF) as f32))
        .collect()
}

/// Inverse of [`to_chunks`]; `None` if the length is not a multiple of 8 or a chunk is not an
/// integer in `0..65536`.
pub(crate) fn from_chunks(chunks: &[f32]) -> Option<Vec<u128>> {
    if !chunks.len().is_multiple_of(8)
        || chunks.iter().any(|&x| !(0.0..65536.0).contains(&x) || x.fract() != 0.0)
    {
        return None;
    }
    Some(
        chunks.chunks(8).map(|c| c.iter().fold(0u128, |acc, &x| (acc << 16) | x as u128)).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_round_trip_and_reject_garbage() {
        let v = [0, 1, u128::from(u64::MAX), u128::MAX, 0x1234_5678_9ABC_DEF0_u128 << 64];
        assert_eq!(from_chunks(&to_chunks(&v)), Some(v.to_vec()));
        assert_eq!(from_chunks(&[1.0; 7]), None);
        assert_eq!(from_chunks(&[0.5; 8]), None);
        assert_eq!(from_chunks(&[65536.0; 8]), None);
    }
}
