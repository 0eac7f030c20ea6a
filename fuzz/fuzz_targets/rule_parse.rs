//! Fuzzes the rule language: any text must parse or give an error, and a
//! rule that parses must evaluate (or give an error) over a small dataset,
//! never overflow the stack however deep or long it is.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use slicewise::core::dataset::Dataset;

/// A small dataset with text, number, class and id columns to evaluate on.
fn dataset() -> &'static Dataset {
    static DS: OnceLock<Dataset> = OnceLock::new();
    DS.get_or_init(|| {
        let path = std::env::temp_dir().join(format!(
            "slicewise-fuzz-rules-{}.csv",
            std::process::id()
        ));
        std::fs::write(
            &path,
            "id,label,pred,score,device,snr\n1,a,a,0.9,car,3.5\n2,b,a,0.4,phone,12\n3,b,b,0.7,car,\n",
        )
        .expect("a temporary file");
        slicewise::core::load::load(&path, &slicewise::core::load::LoadOptions::default())
            .expect("the fuzz dataset loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if slicewise::core::rules::parse(&text).is_ok() {
        let _ = slicewise::core::rules::evaluate(dataset(), &text);
        let _ = slicewise::core::rules::check(dataset(), &text);
    }
});
