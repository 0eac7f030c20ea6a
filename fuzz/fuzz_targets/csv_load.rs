//! Fuzzes the CSV loader: any bytes, as a file, must load or give an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("slicewise-fuzz-{}.csv", std::process::id()));
    if std::fs::write(&path, data).is_ok() {
        let _ = slicewise::core::load::load(&path, &slicewise::core::load::LoadOptions::default());
    }
});
