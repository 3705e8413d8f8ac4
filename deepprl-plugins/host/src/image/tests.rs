//! The structure checks on small synthetic images of each format, whole and cut short.

use super::*;

/// Writes the `size`-byte field `v` at `at`, in the byte order `big`.
fn put(buf: &mut [u8], at: usize, size: usize, v: u64, big: bool) {
    let bytes = v.to_le_bytes();
    for i in 0..size {
        buf[at + if big { size - 1 - i } else { i }] = bytes[i];
    }
}

/// An ELF shared object: header, one PT_LOAD segment over bytes `0..256`, data, and a section
/// header table of a null section, a PROGBITS section over the data and a NOBITS section.
fn elf(wide: bool, big: bool) -> Vec<u8> {
    let (ehsize, phentsize, shentsize) = if wide { (64, 56, 64) } else { (52, 32, 40) };
    let (data_end, shoff) = (256usize, 256usize);
    let mut b = vec![0u8; shoff + 3 * shentsize];
    b[..4].copy_from_slice(b"\x7fELF");
    b[4] = if wide { 2 } else { 1 };
    b[5] = if big { 2 } else { 1 };
    b[6] = 1;
    let w = if wide { 8 } else { 4 };
    put(&mut b, 16, 2, 3, big); // ET_DYN
    put(&mut b, 18, 2, 62, big);
    put(&mut b, 20, 4, 1, big);
    let (phoff_at, shoff_at, sizes_at) = if wide { (32, 40, 52) } else { (28, 32, 40) };
    put(&mut b, phoff_at, w, ehsize as u64, big);
    put(&mut b, shoff_at, w, shoff as u64, big);
    for (k, v) in [ehsize, phentsize, 1, shentsize, 3, 0].into_iter().enumerate() {
        put(&mut b, sizes_at + 2 * k, 2, v as u64, big);
    }
    // PT_LOAD over the whole image before the section headers.
    let p = ehsize;
    put(&mut b, p, 4, 1, big);
    let (off_at, filesz_at) = if wide { (8, 32) } else { (4, 16) };
    put(&mut b, p + off_at, w, 0, big);
    put(&mut b, p + filesz_at, w, data_end as u64, big);
    // Section 1: PROGBITS over 128..256; section 2: NOBITS far past the end (takes no bytes).
    let (soff_at, ssize_at) = if wide { (24, 32) } else { (16, 20) };
    for (i, (ty, off, size)) in
        [(1u64, 128u64, 128u64), (8, 1 << 20, 1 << 20)].into_iter().enumerate()
    {
        let s = shoff + (i + 1) * shentsize;
        put(&mut b, s + 4, 4, ty, big);
        put(&mut b, s + soff_at, w, off, big);
        put(&mut b, s + ssize_at, w, size, big);
    }
    b
}

fn reason(mut image: Vec<u8>) -> String {
    match inspect(&mut image) {
        Err(Fault::Bad(reason)) => reason,
        other => panic!("expected a bad image, got {other:?}"),
    }
}

#[test]
fn complete_elf_images_pass_in_both_classes_and_byte_orders() {
    for (wide, big) in [(true, false), (false, false), (true, true), (false, true)] {
        assert_eq!(inspect(&mut elf(wide, big)).unwrap(), Format::Elf, "wide {wide} big {big}");
    }
}

#[test]
fn a_truncated_elf_names_the_first_structure_past_the_end() {
    let full = elf(true, false);
    for (cut, needle) in [
        (10, "the ELF identification needs 16 bytes, the file has 10"),
        (63, "the ELF header needs 64 bytes, the file has 63"),
        (
            100,
            "the program header table (file bytes 64..120) ends past the end of the file (100 bytes)",
        ),
        (200, "segment 0 (file bytes 0..256) ends past the end of the file (200 bytes)"),
        (300, "the first section header"),
        (
            400,
            "the section header table (file bytes 256..448) ends past the end of the file (400 bytes)",
        ),
    ] {
        let r = reason(full[..cut].to_vec());
        assert!(r.contains(needle), "cut at {cut}: {r}");
    }
    // A section whose bytes end past the end, with a complete table.
    let mut b = full.clone();
    put(&mut b, 256 + 64 + 32, 8, 1 << 20, false);
    assert!(reason(b).contains("section 1 (file bytes 128..1048704) ends past the end"));
}

#[test]
fn an_elf_that_is_not_a_shared_object_or_has_bad_fields_is_refused() {
    let mut exec = elf(true, false);
    put(&mut exec, 16, 2, 2, false);
    assert!(reason(exec).contains("ELF type 2, not a shared object (type 3)"));
    let mut class = elf(true, false);
    class[4] = 7;
    assert!(reason(class).contains("unknown ELF class 7"));
    let mut phentsize = elf(true, false);
    put(&mut phentsize, 54, 2, 8, false);
    assert!(reason(phentsize).contains("program headers of 8 bytes, ELF needs 56"));
    // Offsets whose sum overflows are past the end, not a wrap-around.
    let mut huge = elf(true, false);
    put(&mut huge, 64 + 8, 8, u64::MAX - 4, false);
    assert!(reason(huge).contains("segment 0"), "overflow");
}

/// A thin 64-bit little-endian Mach-O dylib of 256 bytes: header, one LC_SEGMENT_64 over the
/// whole image.
fn macho() -> Vec<u8> {
    let mut b = vec![0u8; 256];
    b[..4].copy_from_slice(&[0xcf, 0xfa, 0xed, 0xfe]);
    put(&mut b, 12, 4, 6, false); // MH_DYLIB
    put(&mut b, 16, 4, 1, false);
    put(&mut b, 20, 4, 72, false);
    put(&mut b, 32, 4, 0x19, false);
    put(&mut b, 36, 4, 72, false);
    put(&mut b, 32 + 40, 8, 0, false);
    put(&mut b, 32 + 48, 8, 256, false);
    b
}

#[test]
fn mach_o_images_and_fat_files_are_checked_slice_by_slice() {
    assert_eq!(inspect(&mut macho()).unwrap(), Format::MachO);
    assert!(
        reason(macho()[..200].to_vec()).contains("segment of load command 0 (file bytes 0..256)")
    );
    assert!(reason(macho()[..60].to_vec()).contains("the load commands"));
    let mut exec = macho();
    put(&mut exec, 12, 4, 2, false);
    assert!(reason(exec).contains("Mach-O file type 2, not a dylib"));
    let mut bad_size = macho();
    put(&mut bad_size, 36, 4, 4, false);
    assert!(reason(bad_size).contains("load command 0 has a bad size 4"));
    // A fat file with one slice at byte 64.
    let mut fat = vec![0u8; 64];
    fat[..4].copy_from_slice(&[0xca, 0xfe, 0xba, 0xbe]);
    put(&mut fat, 4, 4, 1, true);
    put(&mut fat, 8 + 8, 4, 64, true);
    put(&mut fat, 8 + 12, 4, 256, true);
    fat.extend(macho());
    assert_eq!(inspect(&mut fat.clone()).unwrap(), Format::MachO);
    assert!(reason(fat[..300].to_vec()).contains("slice 0 (file bytes 64..320)"));
}

/// A PE DLL: DOS header, signature and COFF header at 64, a 240-byte optional header, one
/// section whose raw data is bytes 512..1024.
fn pe() -> Vec<u8> {
    let mut b = vec![0u8; 1024];
    b[..2].copy_from_slice(b"MZ");
    put(&mut b, 0x3c, 4, 64, false);
    b[64..68].copy_from_slice(b"PE\0\0");
    put(&mut b, 64 + 6, 2, 1, false);
    put(&mut b, 64 + 20, 2, 240, false);
    put(&mut b, 64 + 22, 2, 0x2000 | 0x2, false);
    let s = 64 + 24 + 240;
    put(&mut b, s + 16, 4, 512, false);
    put(&mut b, s + 20, 4, 512, false);
    b
}

#[test]
fn pe_images_need_their_headers_sections_and_the_dll_flag() {
    assert_eq!(inspect(&mut pe()).unwrap(), Format::Pe);
    assert!(reason(pe()[..700].to_vec()).contains("section 0 (file bytes 512..1024)"));
    assert!(reason(pe()[..40].to_vec()).contains("the DOS header"));
    assert!(reason(pe()[..200].to_vec()).contains("the optional header"));
    let mut exe = pe();
    put(&mut exe, 64 + 22, 2, 0x2, false);
    assert!(reason(exe).contains("not a DLL"));
    let mut sig = pe();
    sig[65] = b'X';
    assert!(reason(sig).contains("no PE signature at byte 64"));
}

#[test]
fn other_files_are_refused_with_their_first_bytes() {
    let r = reason(b"hello world".to_vec());
    assert_eq!(
        r,
        "not an ELF, Mach-O or PE file (it starts with the bytes [68 65 6c 6c 6f 20 77 6f])"
    );
    assert!(reason(Vec::new()).contains("the bytes []"));
}

#[test]
fn a_complete_library_of_another_platform_is_refused_by_its_format() -> std::io::Result<()> {
    let dir = std::env::temp_dir().join(format!("deepprl-image-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let other = if NATIVE == Format::Pe { elf(true, false) } else { pe() };
    let path = dir.join("other.lib");
    std::fs::write(&path, &other)?;
    let err = check_plugin_file(&path).unwrap_err();
    let found = if NATIVE == Format::Pe { "ELF" } else { "PE" };
    assert!(
        err.to_string().contains(&format!("a {found} file; this host loads {NATIVE} libraries")),
        "{err}"
    );
    std::fs::remove_dir_all(&dir)
}
