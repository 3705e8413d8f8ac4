//! Which kernel runs: detection of the CPU's instruction sets, the `DEEPPRL_KERNEL` override,
//! and the hand-off of a product to the chosen instruction set.

use crate::{Error, Result};
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

/// The environment variable that forces one kernel: `generic`, `avx2` or `avx512`.
pub const KERNEL_ENV: &str = "DEEPPRL_KERNEL";

/// A matrix kernel: one instruction set.
///
/// All kernels compute every output element with the same sequence of fused multiply-adds, so
/// they give the same bits (see the module documentation); they differ only in speed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kernel {
    /// Portable scalar code (`mul_add`), on any CPU.
    Generic,
    /// AVX2 with FMA (x86-64-v3), 256-bit vectors.
    Avx2,
    /// AVX-512 (F, BW, CD, DQ, VL; x86-64-v4), 512-bit vectors.
    Avx512,
}

impl Kernel {
    /// Every kernel, slowest first.
    pub const ALL: [Kernel; 3] = [Kernel::Generic, Kernel::Avx2, Kernel::Avx512];

    /// The name `DEEPPRL_KERNEL` takes.
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Generic => "generic",
            Kernel::Avx2 => "avx2",
            Kernel::Avx512 => "avx512",
        }
    }

    /// Whether this CPU can run the kernel.
    pub fn is_supported(self) -> bool {
        Token::new(self).is_some()
    }

    /// The kernels this CPU can run, slowest first.
    pub fn supported() -> Vec<Kernel> {
        Self::ALL.into_iter().filter(|k| k.is_supported()).collect()
    }

    /// The fastest kernel this CPU can run.
    pub fn detect() -> Kernel {
        *Self::supported().last().unwrap_or(&Kernel::Generic)
    }

    /// The kernel `DEEPPRL_KERNEL` names, or [`Kernel::detect`]'s when it is unset or empty.
    ///
    /// # Errors
    /// If the variable names no kernel, or one this CPU cannot run.
    pub fn from_env() -> Result<Kernel> {
        match std::env::var(KERNEL_ENV) {
            Ok(v) if !v.trim().is_empty() => v.trim().parse(),
            Ok(_) | Err(std::env::VarError::NotPresent) => Ok(Self::detect()),
            Err(std::env::VarError::NotUnicode(v)) => Err(Error::Kernel {
                name: v.to_string_lossy().into_owned(),
                reason: format!("({KERNEL_ENV}) is not valid unicode"),
            }),
        }
    }
}

impl fmt::Display for Kernel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Kernel {
    type Err = Error;

    /// Parses a kernel name and checks that this CPU can run it.
    fn from_str(s: &str) -> Result<Kernel> {
        let kernel =
            Self::ALL.into_iter().find(|k| k.name() == s).ok_or_else(|| Error::Kernel {
                name: s.to_string(),
                reason: format!("is unknown ({KERNEL_ENV} takes generic, avx2 or avx512)"),
            })?;
        kernel.check()?;
        Ok(kernel)
    }
}

impl Kernel {
    /// `Ok` if this CPU can run the kernel.
    ///
    /// # Errors
    /// If it cannot, naming the kernels it can run.
    pub fn check(self) -> Result<()> {
        if self.is_supported() {
            return Ok(());
        }
        let runs: Vec<&str> = Self::supported().iter().map(|k| k.name()).collect();
        Err(Error::Kernel {
            name: self.name().to_string(),
            reason: format!("cannot run on this CPU (it runs: {})", runs.join(", ")),
        })
    }
}

/// The CPU features that matter to the kernels, as `is_x86_feature_detected!` reports them
/// (e.g. `avx2 fma avx512f avx512bw avx512cd avx512dq avx512vl`); empty off x86-64.
pub fn cpu_features() -> String {
    #[cfg(target_arch = "x86_64")]
    {
        let mut out = Vec::new();
        macro_rules! probe {
            ($($f:tt),*) => {$(
                if std::arch::is_x86_feature_detected!($f) {
                    out.push($f);
                }
            )*};
        }
        probe!("avx2", "fma", "avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl");
        out.join(" ")
    }
    #[cfg(not(target_arch = "x86_64"))]
    String::new()
}

/// The kernel of the process, or the name and reason of the error.
static SELECTED: OnceLock<std::result::Result<Kernel, (String, String)>> = OnceLock::new();

/// Reads `DEEPPRL_KERNEL` once for the whole process and returns the kernel every product will
/// use; programs call it at start-up so that a bad value is reported as an error.
///
/// # Errors
/// As [`Kernel::from_env`].
pub fn init_from_env() -> Result<Kernel> {
    let selected = SELECTED.get_or_init(|| {
        Kernel::from_env().map_err(|e| match e {
            Error::Kernel { name, reason } => (name, reason),
            other => (String::new(), other.to_string()),
        })
    });
    selected.clone().map_err(|(name, reason)| Error::Kernel { name, reason })
}

/// The kernel products use: `DEEPPRL_KERNEL`'s, or the fastest this CPU runs.
///
/// # Panics
/// If `DEEPPRL_KERNEL` is invalid and [`init_from_env`] was not called first to report it.
pub fn selected() -> Kernel {
    init_from_env().unwrap_or_else(|e| panic!("{e}"))
}

/// Proof that the CPU runs a kernel's instruction set.
#[derive(Debug, Clone, Copy)]
pub(super) enum Token {
    Scalar,
    #[cfg(target_arch = "x86_64")]
    V3(pulp::x86::V3),
    #[cfg(target_arch = "x86_64")]
    V4(pulp::x86::V4),
}

impl Token {
    /// The token of `kernel`, or `None` if this CPU cannot run it.
    pub(super) fn new(kernel: Kernel) -> Option<Token> {
        match kernel {
            Kernel::Generic => Some(Token::Scalar),
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => pulp::x86::V3::try_new().map(Token::V3),
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => pulp::x86::V4::try_new().map(Token::V4),
            #[cfg(not(target_arch = "x86_64"))]
            _ => None,
        }
    }

    /// The token of [`selected`], found once per process.
    pub(super) fn selected() -> Token {
        static TOKEN: OnceLock<Token> = OnceLock::new();
        *TOKEN.get_or_init(|| Token::new(selected()).unwrap_or(Token::Scalar))
    }
}
