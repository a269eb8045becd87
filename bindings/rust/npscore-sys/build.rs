// Finds libnpscore_c and checks this crate's declarations against its header.
//
// 1. The library: NPSCORE_LIB_DIR (and NPSCORE_INCLUDE_DIR, default
//    $NPSCORE_LIB_DIR/../include), else `pkg-config npscore_c`.
// 2. The layout check: every `#[repr(C)] pub struct` of src/lib.rs with public
//    fields and every `pub const` is listed in a small C program, compiled with
//    the system's C compiler ($CC or cc) against the header and run; it prints
//    the C sizes, alignments, field offsets and constant values, from which
//    layout_test.rs (in OUT_DIR) is generated: one test per struct comparing
//    them with Rust's size_of / align_of / offset_of, and one for the constants.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn pkg_config_var(var: &str) -> Option<String> {
    let out = Command::new(env::var("PKG_CONFIG").unwrap_or_else(|_| "pkg-config".into()))
        .args([&format!("--variable={var}"), "npscore_c"])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let v = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!v.is_empty()).then_some(v)
}

fn find_library() -> (PathBuf, PathBuf) {
    if let Some(lib) = env::var_os("NPSCORE_LIB_DIR") {
        let lib = PathBuf::from(lib);
        let include = env::var_os("NPSCORE_INCLUDE_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| lib.join("..").join("include"));
        return (lib, include);
    }
    match (pkg_config_var("libdir"), pkg_config_var("includedir")) {
        (Some(lib), Some(include)) => (lib.into(), include.into()),
        _ => panic!(
            "npscore-sys: libnpscore_c not found: set NPSCORE_LIB_DIR (and NPSCORE_INCLUDE_DIR) \
             to an installed npscore, or PKG_CONFIG_PATH so that `pkg-config npscore_c` finds it"
        ),
    }
}

struct Decl {
    name: String,
    fields: Vec<String>,
}

/// The structs with public fields and the constants of src/lib.rs.
fn declarations(src: &str) -> (Vec<Decl>, Vec<String>) {
    let mut structs = Vec::new();
    let mut consts = Vec::new();
    let mut current: Option<Decl> = None;
    for line in src.lines() {
        let t = line.trim();
        if let Some(d) = current.as_mut() {
            if t == "}" {
                let d = current.take().unwrap();
                if !d.fields.is_empty() {
                    structs.push(d);
                }
            } else if let Some(rest) = t.strip_prefix("pub ") {
                d.fields
                    .push(rest.split(':').next().unwrap().trim().to_string());
            }
        } else if let Some(rest) = t.strip_prefix("pub struct ") {
            if rest.ends_with('{') {
                current = Some(Decl {
                    name: rest.trim_end_matches('{').trim().to_string(),
                    fields: Vec::new(),
                });
            }
        } else if let Some(rest) = t.strip_prefix("pub const ") {
            consts.push(rest.split(':').next().unwrap().trim().to_string());
        }
    }
    (structs, consts)
}

/// The C name of a declared type: the Arrow structs are tagged, not typedefs.
fn c_type(name: &str) -> String {
    if name.starts_with("Arrow") {
        format!("struct {name}")
    } else {
        name.to_string()
    }
}

fn layout_program(structs: &[Decl], consts: &[String]) -> String {
    let mut c = String::from(
        "#include <stddef.h>\n#include <stdio.h>\n#include \"npscore/c_api.h\"\n\
         #define ALIGN_OF(T) offsetof(struct { char c; T x; }, x)\n\
         int main(void) {\n",
    );
    for s in structs {
        writeln!(
            c,
            "  printf(\"S {0} %lu %lu\\n\", (unsigned long)sizeof({1}), (unsigned long)ALIGN_OF({1}));",
            s.name,
            c_type(&s.name)
        )
        .unwrap();
        for f in &s.fields {
            writeln!(
                c,
                "  printf(\"F {0} {1} %lu\\n\", (unsigned long)offsetof({2}, {1}));",
                s.name,
                f,
                c_type(&s.name)
            )
            .unwrap();
        }
    }
    for k in consts {
        writeln!(c, "  printf(\"C {0} %lld\\n\", (long long)({0}));", k).unwrap();
    }
    c.push_str("  return 0;\n}\n");
    c
}

fn layout_tests(c_output: &str) -> String {
    let mut rs = String::new();
    let mut consts = String::new();
    let mut open = false;
    for line in c_output.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        match w.as_slice() {
            ["S", name, size, align] => {
                if open {
                    rs.push_str("}\n");
                }
                open = true;
                writeln!(
                    rs,
                    "#[test]\nfn {name}() {{\n    \
                     assert_eq!(core::mem::size_of::<super::{name}>(), {size}, \"sizeof({name})\");\n    \
                     assert_eq!(core::mem::align_of::<super::{name}>(), {align}, \"alignment of {name}\");"
                )
                .unwrap();
            }
            ["F", name, field, offset] => {
                writeln!(
                    rs,
                    "    assert_eq!(core::mem::offset_of!(super::{name}, {field}), {offset}, \
                     \"offsetof({name}, {field})\");"
                )
                .unwrap();
            }
            ["C", name, value] => {
                writeln!(
                    consts,
                    "    assert_eq!(super::{name} as i128, {value}i128, \"{name}\");"
                )
                .unwrap();
            }
            _ => panic!("npscore-sys: unexpected layout line {line:?}"),
        }
    }
    if open {
        rs.push_str("}\n");
    }
    write!(rs, "#[test]\nfn constants() {{\n{consts}}}\n").unwrap();
    rs
}

fn main() {
    let (lib_dir, include_dir) = find_library();
    println!("cargo:rerun-if-env-changed=NPSCORE_LIB_DIR");
    println!("cargo:rerun-if-env-changed=NPSCORE_INCLUDE_DIR");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    println!("cargo:rerun-if-env-changed=CC");
    println!("cargo:rerun-if-changed=src/lib.rs");
    println!(
        "cargo:rerun-if-changed={}",
        include_dir.join("npscore/c_api.h").display()
    );
    println!("cargo:rustc-link-search=native={}", lib_dir.display());
    println!("cargo:rustc-link-lib=dylib=npscore_c");
    // For dependents' build scripts: DEP_NPSCORE_C_LIB_DIR, DEP_NPSCORE_C_INCLUDE.
    println!("cargo:lib_dir={}", lib_dir.display());
    println!("cargo:include={}", include_dir.display());

    let out_dir = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    let src = fs::read_to_string(Path::new("src/lib.rs")).expect("read src/lib.rs");
    let (structs, consts) = declarations(&src);
    let c_file = out_dir.join("layout.c");
    let exe = out_dir.join("layout");
    fs::write(&c_file, layout_program(&structs, &consts)).unwrap();
    let cc = env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(&cc)
        .arg("-I")
        .arg(&include_dir)
        .arg(&c_file)
        .arg("-o")
        .arg(&exe)
        .status()
        .unwrap_or_else(|e| panic!("npscore-sys: cannot run the C compiler {cc:?}: {e}"));
    assert!(
        status.success(),
        "npscore-sys: {cc} failed to compile {}",
        c_file.display()
    );
    let out = Command::new(&exe).output().expect("run the layout program");
    assert!(
        out.status.success(),
        "npscore-sys: the layout program failed"
    );
    let tests = layout_tests(&String::from_utf8(out.stdout).unwrap());
    fs::write(out_dir.join("layout_test.rs"), tests).unwrap();
}
