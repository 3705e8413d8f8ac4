//! A macro for layers made of named sub-layers: it writes the `Grads` struct and the
//! [`Parameterized`](crate::Parameterized) impl, naming each tensor `<field>.<child path>`.

/// Declares the gradient struct of a composite layer and implements `Parameterized` for the
/// layer by delegating to each listed field.
///
/// `composite_params!(Layer, LayerGrads { a: Linear<F>, b: Mlp<F> })` gives
/// `LayerGrads<F> { pub a: LinearGrads<F>, pub b: MlpGrads<F> }`.
#[macro_export]
macro_rules! composite_params {
    ($(#[$meta:meta])* $layer:ident, $grads:ident { $($(#[$fmeta:meta])* $field:ident : $ty:ty),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $grads<F: $crate::Float> {
            $($(#[$fmeta])* pub $field: <$ty as $crate::Parameterized<F>>::Grads,)+
        }
        impl<F: $crate::Float> $crate::ParamGrads<F> for $grads<F> {
            fn add_assign(&mut self, other: &Self) {
                $($crate::ParamGrads::add_assign(&mut self.$field, &other.$field);)+
            }
            fn scale(&mut self, factor: F) {
                $($crate::ParamGrads::scale(&mut self.$field, factor);)+
            }
            fn visit<'a>(&'a self, v: &mut dyn FnMut(&str, $crate::GradRef<'a, F>)) {
                $($crate::ParamGrads::visit(&self.$field, &mut |n, g| {
                    v(&$crate::params::join(stringify!($field), n), g)
                });)+
            }
            fn visit_mut<'a>(&'a mut self, v: &mut dyn FnMut(&str, $crate::GradMut<'a, F>)) {
                $($crate::ParamGrads::visit_mut(&mut self.$field, &mut |n, g| {
                    v(&$crate::params::join(stringify!($field), n), g)
                });)+
            }
        }
        impl<F: $crate::Float> $crate::Parameterized<F> for $layer<F> {
            type Grads = $grads<F>;
            fn zero_grads(&self) -> Self::Grads {
                $grads { $($field: $crate::Parameterized::zero_grads(&self.$field),)+ }
            }
            fn visit_params(&self, v: &mut dyn FnMut(&str, ndarray::ArrayViewD<'_, F>)) {
                $($crate::Parameterized::visit_params(&self.$field, &mut |n, p| {
                    v(&$crate::params::join(stringify!($field), n), p)
                });)+
            }
            fn visit_params_mut(&mut self, v: &mut dyn FnMut(&str, ndarray::ArrayViewMutD<'_, F>)) {
                $($crate::Parameterized::visit_params_mut(&mut self.$field, &mut |n, p| {
                    v(&$crate::params::join(stringify!($field), n), p)
                });)+
            }
        }
    };
}
