//! ELF: the header, the program header table and every segment, the section header table and
//! every section within the file, and the type a shared object.

use super::{Endian, Fault, Source, bad, extent, within};

const ET_DYN: u64 = 3;
const PT_NULL: u64 = 0;
const SHT_NULL: u64 = 0;
const SHT_NOBITS: u64 = 8;
const PN_XNUM: u64 = 0xffff;

/// Checks the ELF file of `src`.
pub(super) fn check(src: &mut dyn Source) -> Result<(), Fault> {
    let len = src.len();
    let ident = within(src, 0, len.min(16), "the ELF identification")?;
    if ident.len() < 16 {
        return bad(format!("the ELF identification needs 16 bytes, the file has {len}"));
    }
    let wide = match ident[4] {
        1 => false,
        2 => true,
        c => return bad(format!("unknown ELF class {c}")),
    };
    let e = match ident[5] {
        1 => Endian { big: false },
        2 => Endian { big: true },
        d => return bad(format!("unknown ELF data encoding {d}")),
    };
    let ehsize = if wide { 64 } else { 52 };
    if len < ehsize {
        return bad(format!("the ELF header needs {ehsize} bytes, the file has {len}"));
    }
    let h = src.read(0, ehsize)?;
    let e_type = e.u16(&h, 16);
    if e_type != ET_DYN {
        return bad(format!("ELF type {e_type}, not a shared object (type {ET_DYN})"));
    }
    let (phoff, shoff) =
        if wide { (e.u64(&h, 32), e.u64(&h, 40)) } else { (e.u32(&h, 28), e.u32(&h, 32)) };
    let at = if wide { 54 } else { 42 };
    let (phentsize, mut phnum) = (e.u16(&h, at), e.u16(&h, at + 2));
    let (shentsize, mut shnum) = (e.u16(&h, at + 4), e.u16(&h, at + 6));
    let (ph_min, sh_min) = if wide { (56, 64) } else { (32, 40) };
    // Section header 0 holds the real counts when they overflow the header's 16-bit fields.
    let first_section = |src: &mut dyn Source| -> Result<Option<Vec<u8>>, Fault> {
        if shoff == 0 {
            return Ok(None);
        }
        if shentsize < sh_min {
            return bad(format!("section headers of {shentsize} bytes, ELF needs {sh_min}"));
        }
        within(src, shoff, shentsize, "the first section header").map(Some)
    };
    if phnum == PN_XNUM {
        let s0 = first_section(src)?.ok_or_else(|| {
            Fault::Bad("an extended program header count without a section header table".into())
        })?;
        phnum = e.u32(&s0, if wide { 44 } else { 28 });
    }
    if phnum > 0 {
        if phentsize < ph_min {
            return bad(format!("program headers of {phentsize} bytes, ELF needs {ph_min}"));
        }
        let table =
            within(src, phoff, phnum.saturating_mul(phentsize), "the program header table")?;
        for i in 0..phnum {
            let p = &table[(i * phentsize) as usize..];
            let (offset, filesz) =
                if wide { (e.u64(p, 8), e.u64(p, 32)) } else { (e.u32(p, 4), e.u32(p, 16)) };
            if e.u32(p, 0) != PT_NULL {
                extent(len, offset, filesz, &format!("segment {i}"))?;
            }
        }
    }
    let Some(s0) = first_section(src)? else { return Ok(()) };
    if shnum == 0 {
        shnum = e.word(&s0, if wide { 32 } else { 20 }, wide);
    }
    if shnum > 0 {
        let table =
            within(src, shoff, shnum.saturating_mul(shentsize), "the section header table")?;
        for i in 0..shnum {
            let s = &table[(i * shentsize) as usize..];
            let (offset, size) =
                if wide { (e.u64(s, 24), e.u64(s, 32)) } else { (e.u32(s, 16), e.u32(s, 20)) };
            if !matches!(e.u32(s, 4), SHT_NULL | SHT_NOBITS) {
                extent(len, offset, size, &format!("section {i}"))?;
            }
        }
    }
    Ok(())
}
