// Lets this crate's tests find libnpscore_c at run time without
// LD_LIBRARY_PATH: an rpath to the directory npscore-sys linked against
// (DEP_NPSCORE_C_LIB_DIR), for the test binaries only.
fn main() {
    println!("cargo:rerun-if-env-changed=DEP_NPSCORE_C_LIB_DIR");
    if let Ok(dir) = std::env::var("DEP_NPSCORE_C_LIB_DIR") {
        println!("cargo:rustc-link-arg-tests=-Wl,-rpath,{dir}");
    }
}
