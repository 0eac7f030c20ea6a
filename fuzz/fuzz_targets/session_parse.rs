//! Fuzzes the session parser: any text must parse or give an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = slicewise::core::session::Session::from_ron(&text, std::path::Path::new("fuzz.ron"));
});
