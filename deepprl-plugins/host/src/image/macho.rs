//! Mach-O: the header, the load commands and every segment within the image; a universal (fat)
//! file, every slice.

use super::{Endian, Fault, Source, bad, extent, truncated, within};

const MH_DYLIB: u64 = 6;
const MH_BUNDLE: u64 = 8;
const LC_SEGMENT: u64 = 0x1;
const LC_SEGMENT_64: u64 = 0x19;

/// The Mach-O image of `size` bytes at `base` (the whole file, or one slice of a fat file).
pub(super) fn check(src: &mut dyn Source, base: u64, size: u64) -> Result<(), Fault> {
    let magic = within(src, base, 4, "the Mach-O magic")?;
    let (wide, e) = match magic.as_slice() {
        [0xce, 0xfa, 0xed, 0xfe] => (false, Endian { big: false }),
        [0xcf, 0xfa, 0xed, 0xfe] => (true, Endian { big: false }),
        [0xfe, 0xed, 0xfa, 0xce] => (false, Endian { big: true }),
        _ => (true, Endian { big: true }),
    };
    let hsize = if wide { 32 } else { 28 };
    if size < hsize {
        return bad(format!("the Mach-O header needs {hsize} bytes, the image has {size}"));
    }
    let h = within(src, base, hsize, "the Mach-O header")?;
    let filetype = e.u32(&h, 12);
    if !matches!(filetype, MH_DYLIB | MH_BUNDLE) {
        return bad(format!(
            "Mach-O file type {filetype}, not a dylib ({MH_DYLIB}) or bundle ({MH_BUNDLE})"
        ));
    }
    let (ncmds, sizeofcmds) = (e.u32(&h, 16), e.u32(&h, 20));
    if hsize + sizeofcmds > size {
        return bad(truncated("the load commands", base + hsize, sizeofcmds, base + size));
    }
    let cmds = within(src, base + hsize, sizeofcmds, "the load commands")?;
    let mut at = 0u64;
    for i in 0..ncmds {
        if at + 8 > sizeofcmds {
            return bad(format!("load command {i} starts past the {sizeofcmds} bytes of commands"));
        }
        let c = &cmds[at as usize..];
        let (cmd, cmdsize) = (e.u32(c, 0), e.u32(c, 4));
        let need = match cmd {
            LC_SEGMENT => 40,
            LC_SEGMENT_64 => 56,
            _ => 8,
        };
        if cmdsize < need || at + cmdsize > sizeofcmds {
            return bad(format!("load command {i} has a bad size {cmdsize}"));
        }
        let (fileoff, filesize) = match cmd {
            LC_SEGMENT => (e.u32(c, 32), e.u32(c, 36)),
            LC_SEGMENT_64 => (e.u64(c, 40), e.u64(c, 48)),
            _ => (0, 0),
        };
        extent(size, fileoff, filesize, &format!("segment of load command {i}"))?;
        at += cmdsize;
    }
    Ok(())
}

/// A universal (fat) Mach-O file: every slice.
pub(super) fn check_fat(src: &mut dyn Source) -> Result<(), Fault> {
    let len = src.len();
    let h = within(src, 0, 8, "the fat header")?;
    let e = Endian { big: true };
    let (wide, n) = (h[3] == 0xbf, e.u32(&h, 4));
    let entry = if wide { 32 } else { 20 };
    let table = within(src, 8, n * entry, "the fat architecture table")?;
    for i in 0..n {
        let a = &table[(i * entry) as usize..];
        let (offset, size) =
            if wide { (e.u64(a, 8), e.u64(a, 16)) } else { (e.u32(a, 8), e.u32(a, 12)) };
        extent(len, offset, size, &format!("slice {i}"))?;
        check(src, offset, size)?;
    }
    Ok(())
}
