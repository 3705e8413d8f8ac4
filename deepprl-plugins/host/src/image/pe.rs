//! PE: the DOS and COFF headers, the optional header, the section table and every section's raw
//! data within the file, and the DLL flag.

use super::{Endian, Fault, Source, bad, extent, within};

const IMAGE_FILE_DLL: u64 = 0x2000;

/// Checks the PE file of `src`.
pub(super) fn check(src: &mut dyn Source) -> Result<(), Fault> {
    let len = src.len();
    let dos = within(src, 0, 64, "the DOS header")?;
    let e = Endian { big: false };
    let lfanew = e.u32(&dos, 0x3c);
    let coff = within(src, lfanew, 24, "the PE signature and COFF header")?;
    if coff[..4] != *b"PE\0\0" {
        return bad(format!("no PE signature at byte {lfanew}"));
    }
    let (nsections, opt_size, flags) = (e.u16(&coff, 6), e.u16(&coff, 20), e.u16(&coff, 22));
    if flags & IMAGE_FILE_DLL == 0 {
        return bad("a PE file that is not a DLL");
    }
    extent(len, lfanew + 24, opt_size, "the optional header")?;
    let table = within(src, lfanew + 24 + opt_size, nsections * 40, "the section table")?;
    for i in 0..nsections {
        let s = &table[(i * 40) as usize..];
        let (size, pointer) = (e.u32(s, 16), e.u32(s, 20));
        if size > 0 {
            extent(len, pointer, size, &format!("section {i}"))?;
        }
    }
    Ok(())
}
