//! The end-to-end binary's own check of its layout; the harness itself (libtest's flags
//! and output, what each test needs) is `support/harness.rs`, shared with
//! `tests/release.rs`.

/// Every file of this binary is a module whose tests run: main.rs declares it and collects
/// its `cases()`, and no file holds a libtest attribute, which this harness would never run.
fn every_file_is_a_module_whose_cases_run() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e");
    let main = std::fs::read_to_string(dir.join("main.rs")).expect("main.rs");
    let attrs = [concat!("#[", "test]"), concat!("#[tokio::", "test")];
    let mut files = vec![];
    for sub in [dir.clone(), dir.join("support")] {
        for entry in std::fs::read_dir(&sub).expect("tests/e2e") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut wrong = vec![];
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read");
        let shown = path.strip_prefix(&dir).unwrap().display().to_string();
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect();
        for attr in attrs {
            if code.contains(attr) {
                wrong.push(format!(
                    "{shown} has {attr}: list the function in its cases![] instead"
                ));
            }
        }
        let stem = path.file_stem().unwrap().to_string_lossy();
        let top = path.parent() == Some(dir.as_path());
        if top && !["main", "harness", "support"].contains(&stem.as_ref()) {
            for needed in [format!("mod {stem};"), format!("{stem}::cases()")] {
                if !main.contains(&needed) {
                    wrong.push(format!("main.rs lacks `{needed}` for {shown}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

cases![plain every_file_is_a_module_whose_cases_run];
