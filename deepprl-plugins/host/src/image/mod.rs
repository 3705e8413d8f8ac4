//! Checks of a plugin file before `dlopen`: a regular file whose object-file structure lies
//! within the file.
//!
//! `dlopen` maps a library's segments where its program headers say they are in the file; a
//! segment past the end of a truncated file is mapped all the same, and the first touch of it
//! (a relocation, the entry symbol) kills the process with SIGBUS: a copy of a plugin cut at
//! 100 KB in the plugin folder killed `deepprl plugins list` and every `compare`.
//! So the host reads the headers first, without mapping anything, and refuses a file whose
//! header, program headers, segments, section header table or sections end past its end.
//!
//! - ELF (Linux and the BSDs), fully: the header, the program header table and every segment's
//!   file bytes, the section header table and every section's file bytes, and the type (a shared
//!   object).
//! - Mach-O (macOS): the header, the load commands and every segment's file bytes; universal
//!   (fat) files: every slice.
//! - PE (Windows): the DOS and COFF headers, the optional header, the section table and every
//!   section's raw data, and the DLL flag.
//!
//! A file of another platform's format is refused by name (`a PE file; this host loads ELF
//! libraries`); anything else is refused with its first bytes.
//!
//! ```
//! # fn main() -> std::io::Result<()> {
//! let path = std::env::temp_dir().join(format!("deepprl-image-doc-{}.so", std::process::id()));
//! std::fs::write(&path, b"\x7fELF\x02\x01\x01")?;
//! let err = deepprl_plugins::check_plugin_file(&path).unwrap_err();
//! assert!(err.to_string().contains("the ELF identification needs 16 bytes, the file has 7"), "{err}");
//! # std::fs::remove_file(&path) }
//! ```

mod elf;
mod macho;
mod pe;

use crate::error::LoadError;
use std::fmt;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

/// An object-file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Elf,
    MachO,
    Pe,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Elf => "ELF",
            Format::MachO => "Mach-O",
            Format::Pe => "PE",
        })
    }
}

/// The format of this platform's libraries.
pub(crate) const NATIVE: Format = if cfg!(any(target_os = "macos", target_os = "ios")) {
    Format::MachO
} else if cfg!(windows) {
    Format::Pe
} else {
    Format::Elf
};

/// The largest header table read (ELF's 65,535 section headers of 64 bytes fit).
const MAX_TABLE: u64 = 16 << 20;

/// Why a file is refused: it could not be read, or its structure is incomplete or wrong.
#[derive(Debug)]
pub(crate) enum Fault {
    Io(io::Error),
    Bad(String),
}

impl From<io::Error> for Fault {
    fn from(e: io::Error) -> Self {
        Fault::Io(e)
    }
}

pub(crate) fn bad<T>(reason: impl Into<String>) -> Result<T, Fault> {
    Err(Fault::Bad(reason.into()))
}

/// Random access to the bytes of a file (or of a buffer, in tests).
pub(crate) trait Source {
    /// The length in bytes.
    fn len(&self) -> u64;
    /// `n` bytes at `offset`, which the caller has checked lie within [`Source::len`].
    fn read(&mut self, offset: u64, n: u64) -> io::Result<Vec<u8>>;
}

/// A file and its length.
struct FileSource {
    file: std::fs::File,
    len: u64,
}

impl Source for FileSource {
    fn len(&self) -> u64 {
        self.len
    }
    fn read(&mut self, offset: u64, n: u64) -> io::Result<Vec<u8>> {
        let mut buf = vec![0; usize::try_from(n).map_err(io::Error::other)?];
        self.file.seek(SeekFrom::Start(offset))?;
        self.file.read_exact(&mut buf)?;
        Ok(buf)
    }
}

impl Source for Vec<u8> {
    fn len(&self) -> u64 {
        self.as_slice().len() as u64
    }
    fn read(&mut self, offset: u64, n: u64) -> io::Result<Vec<u8>> {
        let (start, end) = (offset as usize, (offset + n) as usize);
        self.get(start..end).map(<[u8]>::to_vec).ok_or_else(|| io::ErrorKind::UnexpectedEof.into())
    }
}

/// `n` bytes at `offset`, or why they are not all in the file (`what` names them).
pub(crate) fn within(
    src: &mut dyn Source,
    offset: u64,
    n: u64,
    what: &str,
) -> Result<Vec<u8>, Fault> {
    let len = src.len();
    match offset.checked_add(n) {
        Some(end) if end <= len => {
            if n > MAX_TABLE {
                return bad(format!("{what} of {n} bytes is implausibly large"));
            }
            Ok(src.read(offset, n)?)
        }
        _ => bad(truncated(what, offset, n, len)),
    }
}

/// Checks that `n` bytes at `offset` lie within the file, without reading them.
pub(crate) fn extent(len: u64, offset: u64, n: u64, what: &str) -> Result<(), Fault> {
    match offset.checked_add(n) {
        Some(end) if end <= len => Ok(()),
        _ => bad(truncated(what, offset, n, len)),
    }
}

pub(crate) fn truncated(what: &str, offset: u64, n: u64, len: u64) -> String {
    format!(
        "{what} (file bytes {offset}..{}) ends past the end of the file ({len} bytes): the file \
         is truncated or corrupt",
        offset.saturating_add(n)
    )
}

/// Little- or big-endian fields of a byte slice.
#[derive(Clone, Copy)]
pub(crate) struct Endian {
    pub(crate) big: bool,
}

impl Endian {
    pub(crate) fn u16(self, b: &[u8], at: usize) -> u64 {
        let v = [b[at], b[at + 1]];
        u64::from(if self.big { u16::from_be_bytes(v) } else { u16::from_le_bytes(v) })
    }
    pub(crate) fn u32(self, b: &[u8], at: usize) -> u64 {
        let v = [b[at], b[at + 1], b[at + 2], b[at + 3]];
        u64::from(if self.big { u32::from_be_bytes(v) } else { u32::from_le_bytes(v) })
    }
    pub(crate) fn u64(self, b: &[u8], at: usize) -> u64 {
        let v: [u8; 8] = b[at..at + 8].try_into().expect("8 bytes");
        if self.big { u64::from_be_bytes(v) } else { u64::from_le_bytes(v) }
    }
    /// An address-sized field: 8 bytes in a 64-bit file, 4 in a 32-bit one.
    pub(crate) fn word(self, b: &[u8], at: usize, wide: bool) -> u64 {
        if wide { self.u64(b, at) } else { self.u32(b, at) }
    }
}

/// The format of `src` after checking its structure.
pub(crate) fn inspect(src: &mut dyn Source) -> Result<Format, Fault> {
    let (len, n) = (src.len(), src.len().min(8));
    let head = src.read(0, n)?;
    match head.as_slice() {
        [0x7f, b'E', b'L', b'F', ..] => elf::check(src).map(|()| Format::Elf),
        [0xfe, 0xed, 0xfa, 0xce | 0xcf, ..] | [0xce | 0xcf, 0xfa, 0xed, 0xfe, ..] => {
            macho::check(src, 0, len).map(|()| Format::MachO)
        }
        [0xca, 0xfe, 0xba, 0xbe | 0xbf, ..] => macho::check_fat(src).map(|()| Format::MachO),
        [b'M', b'Z', ..] => pe::check(src).map(|()| Format::Pe),
        _ => {
            let hex: Vec<String> = head.iter().map(|b| format!("{b:02x}")).collect();
            bad(format!(
                "not an ELF, Mach-O or PE file (it starts with the bytes [{}])",
                hex.join(" ")
            ))
        }
    }
}

/// Checks the file at `path` before it is handed to `dlopen`: that it is a regular file (after
/// following symbolic links), and a complete library of this platform's format.
///
/// # Errors
/// [`LoadError::NotFound`], [`LoadError::NotAFile`] (a directory, a symbolic link loop or a
/// dangling link, a FIFO or device), [`LoadError::Unreadable`], or [`LoadError::Malformed`]
/// with the reason (e.g. a segment past the end of a truncated file).
pub fn check_plugin_file(path: &Path) -> Result<(), LoadError> {
    let path_buf = || path.to_path_buf();
    let link = std::fs::symlink_metadata(path).map_err(|source| match source.kind() {
        io::ErrorKind::NotFound => LoadError::NotFound { path: path_buf() },
        _ => LoadError::Unreadable { path: path_buf(), source },
    })?;
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if link.file_type().is_symlink() => {
            let what = match e.kind() {
                io::ErrorKind::NotFound => match std::fs::read_link(path) {
                    Ok(target) => {
                        format!("a symbolic link to {}, which does not exist", target.display())
                    }
                    Err(_) => "a symbolic link to a file that does not exist".into(),
                },
                _ => format!("a symbolic link that cannot be followed ({e})"),
            };
            return Err(LoadError::NotAFile { path: path_buf(), what });
        }
        Err(source) => return Err(LoadError::Unreadable { path: path_buf(), source }),
    };
    if meta.is_dir() {
        return Err(LoadError::NotAFile { path: path_buf(), what: "a directory".into() });
    }
    if !meta.is_file() {
        let what = "a special file (a FIFO, socket or device)".into();
        return Err(LoadError::NotAFile { path: path_buf(), what });
    }
    let file = std::fs::File::open(path)
        .map_err(|source| LoadError::Unreadable { path: path_buf(), source })?;
    let mut src = FileSource { file, len: meta.len() };
    match inspect(&mut src) {
        Ok(format) if format == NATIVE => Ok(()),
        Ok(format) => Err(LoadError::Malformed {
            path: path_buf(),
            reason: format!("a {format} file; this host loads {NATIVE} libraries"),
        }),
        Err(Fault::Io(source)) => Err(LoadError::Unreadable { path: path_buf(), source }),
        Err(Fault::Bad(reason)) => Err(LoadError::Malformed { path: path_buf(), reason }),
    }
}

#[cfg(test)]
mod tests;
