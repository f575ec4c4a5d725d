//! The end-to-end binary's test harness: libtest's output and flags (libtest-mimic), with
//! each test saying what it needs. A test that needs Terraform gets it as its argument, so
//! it cannot use one without saying so; when that Terraform is missing the test fails, and
//! when the run skips Terraform on purpose (`ZOOM_TEST_SKIP_TERRAFORM=1`) it is reported as
//! ignored, and the count is printed, rather than passing without having run.

use libtest_mimic::{Arguments, Completion, Failed, Trial};

use crate::support::terraform::{
    find_terraform, find_terraform_1_0, skip_requested, skip_setting, Terraform, SKIP_VAR,
};

/// What a test runs with.
pub enum Body {
    /// Terraform 1.15 (or the user's own, see `support::terraform`).
    Terraform(fn(&Terraform)),
    /// Terraform 1.0.3.
    Terraform10(fn(&Terraform)),
    /// Nothing outside this process.
    Plain(fn()),
}

/// One test: `module::name`, as libtest names them.
pub struct Case {
    pub name: String,
    pub body: Body,
}

impl Case {
    fn new(module: &str, name: &str, body: Body) -> Case {
        // module_path!() starts with the crate's name, which libtest leaves out.
        let module = module.split_once("::").map_or("", |(_, m)| m);
        let name = if module.is_empty() {
            name.to_string()
        } else {
            format!("{module}::{name}")
        };
        Case { name, body }
    }

    pub fn tf(module: &str, name: &str, f: fn(&Terraform)) -> Case {
        Case::new(module, name, Body::Terraform(f))
    }

    pub fn tf_1_0(module: &str, name: &str, f: fn(&Terraform)) -> Case {
        Case::new(module, name, Body::Terraform10(f))
    }

    pub fn plain(module: &str, name: &str, f: fn()) -> Case {
        Case::new(module, name, Body::Plain(f))
    }

    fn needs_terraform(&self) -> bool {
        !matches!(self.body, Body::Plain(_))
    }
}

/// Declares a module's tests for the harness: `cases![tf a, tf_1_0 b, plain c];` defines
/// `pub fn cases()`. Each listed function is used only here, so one left out of the list is
/// dead code, which `make lint` refuses.
macro_rules! cases {
    ($($needs:ident $name:ident),* $(,)?) => {
        pub fn cases() -> Vec<crate::harness::Case> {
            vec![$(crate::harness::Case::$needs(module_path!(), stringify!($name), $name)),*]
        }
    };
}

type Finder = fn() -> Result<Terraform, String>;

fn trial(case: Case) -> Trial {
    let Case { name, body } = case;
    Trial::ignorable_test(name, move || {
        let found = match body {
            Body::Plain(f) => {
                f();
                return Ok(Completion::Completed);
            }
            Body::Terraform(f) => (find_terraform as Finder, f),
            Body::Terraform10(f) => (find_terraform_1_0 as Finder, f),
        };
        if skip_requested() {
            return Ok(Completion::ignored_with(format!("{SKIP_VAR} is set")));
        }
        let (find, f) = found;
        let tf = find().map_err(Failed::from)?;
        f(&tf);
        Ok(Completion::Completed)
    })
}

/// Runs `cases` as libtest would, with the command line's filters and flags.
pub fn run(cases: impl IntoIterator<Item = Vec<Case>>) -> std::process::ExitCode {
    let cases: Vec<Case> = cases.into_iter().flatten().collect();
    let args = Arguments::from_args();
    let needing = cases.iter().filter(|c| c.needs_terraform()).count();
    if !args.list {
        match skip_setting() {
            // A skip under CI fails the run before any test starts.
            Err(why) => {
                eprintln!("error: {why}");
                return std::process::ExitCode::FAILURE;
            }
            Ok(true) => println!(
                "{SKIP_VAR} is set: the {needing} of {} tests that need Terraform are \
                 ignored, not run",
                cases.len()
            ),
            Ok(false) => {}
        }
    }
    libtest_mimic::run(&args, cases.into_iter().map(trial).collect()).exit_code()
}

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
