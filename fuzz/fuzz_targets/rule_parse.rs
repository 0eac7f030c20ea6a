//! Fuzzes the rule parser: any text must parse or give an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = slicewise::core::rules::parse(&text);
});
