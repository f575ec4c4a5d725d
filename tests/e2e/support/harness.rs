//! The test harness of the end-to-end and release binaries: libtest's output and flags
//! (libtest-mimic), with each test saying what it needs. A test that needs Terraform gets
//! it as its argument, so it cannot use one without saying so; when that Terraform is
//! missing the test fails, and when the run skips Terraform on purpose
//! (`ZOOM_TEST_SKIP_TERRAFORM=1`) it is reported as ignored, and the count is printed,
//! rather than passing without having run. A case can also need something of the machine
//! ([`Case::needs`]): without it the case is ignored with the reason, or fails under CI.

#![allow(dead_code)]

use libtest_mimic::{Arguments, Completion, Failed, Trial};

use super::terraform::{
    find_terraform, find_terraform_1_0, skip_requested, skip_setting, truthy, Terraform, SKIP_VAR,
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
    /// What the machine must allow, checked before the test runs: `Err` says why not.
    pub needs: Option<fn() -> Result<(), String>>,
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
        Case {
            name,
            body,
            needs: None,
        }
    }

    /// The case needs what `check` looks for (root's `chroot`, say): without it the case is
    /// reported as ignored with the reason, or fails when `CI` is truthy (CI runs it all).
    pub fn needs(mut self, check: fn() -> Result<(), String>) -> Case {
        self.needs = Some(check);
        self
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
#[allow(unused_macros)]
macro_rules! cases {
    ($($needs:ident $name:ident),* $(,)?) => {
        pub fn cases() -> Vec<crate::support::harness::Case> {
            vec![$(crate::support::harness::Case::$needs(module_path!(), stringify!($name), $name)),*]
        }
    };
}

type Finder = fn() -> Result<Terraform, String>;

fn trial(case: Case) -> Trial {
    let Case { name, body, needs } = case;
    let needs_terraform = !matches!(body, Body::Plain(_));
    Trial::ignorable_test(name, move || {
        if needs_terraform && skip_requested() {
            return Ok(Completion::ignored_with(format!("{SKIP_VAR} is set")));
        }
        if let Some(check) = needs {
            if let Err(why) = check() {
                if truthy(std::env::var("CI").ok().as_deref()) {
                    return Err(Failed::from(format!("{why} (CI runs every test)")));
                }
                return Ok(Completion::ignored_with(why));
            }
        }
        let (find, f) = match body {
            Body::Plain(f) => {
                f();
                return Ok(Completion::Completed);
            }
            Body::Terraform(f) => (find_terraform as Finder, f),
            Body::Terraform10(f) => (find_terraform_1_0 as Finder, f),
        };
        let tf = find().map_err(Failed::from)?;
        f(&tf);
        Ok(Completion::Completed)
    })
}

/// The command line: libtest's flags, and its filters. libtest-mimic takes one filter;
/// libtest (and so `cargo test A B`) takes any number, and a test runs when its name holds
/// any of them (equals one, with `--exact`). So the words that are neither a flag nor a
/// flag's value are the filters, applied here when there are several.
fn arguments() -> (Arguments, Vec<String>) {
    const TAKES_A_VALUE: &[&str] = &[
        "--test-threads",
        "--logfile",
        "--skip",
        "--color",
        "--format",
        "-Z",
    ];
    let mut words = std::env::args();
    let mut flags: Vec<String> = words.next().into_iter().collect();
    let mut filters = Vec::new();
    while let Some(word) = words.next() {
        if TAKES_A_VALUE.contains(&word.as_str()) {
            flags.push(word);
            flags.extend(words.next());
        } else if word.starts_with('-') {
            flags.push(word);
        } else {
            filters.push(word);
        }
    }
    let mut args = Arguments::from_iter(flags);
    if filters.len() == 1 {
        args.filter = filters.pop();
    }
    (args, filters)
}

/// Runs `cases` as libtest would, with the command line's filters and flags.
pub fn run(cases: impl IntoIterator<Item = Vec<Case>>) -> std::process::ExitCode {
    let (args, filters) = arguments();
    let mut cases: Vec<Case> = cases.into_iter().flatten().collect();
    if !filters.is_empty() {
        let before = cases.len();
        cases.retain(|c| {
            filters.iter().any(|f| {
                if args.exact {
                    c.name == *f
                } else {
                    c.name.contains(f.as_str())
                }
            })
        });
        if !args.list {
            println!(
                "{} filters: {} of {before} tests left out",
                filters.len(),
                before - cases.len()
            );
        }
    }
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
