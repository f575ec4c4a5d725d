//! One step builder for end-to-end cases, as terraform-plugin-testing's `TestCase` runs
//! `TestStep`s: each step writes its configuration and, optionally, checks what a plan
//! shows first; then it applies, and unless it expects an error, checks that a second plan
//! is empty, runs its checks against zoom-sim or state, and optionally imports a resource
//! into a fresh directory and compares what import read with what apply stored. A step
//! that expects an error checks the diagnostic, then its checks (Zoom and state as they
//! were). A case can end with a destroy and what must hold after it.
//!
//! ```ignore
//! Steps::new(tf)
//!     .step(Step::apply(config_v1).check(|ws| ...))
//!     .step(Step::apply(config_v2).plan_shows("1 to change").import_verify("zoom_role.r", id_of))
//!     .step(Step::apply(config_v2).before(|_| drift_in_zoom()).check(|ws| ...))
//!     .step(Step::apply(bad).expect_error("Invalid role").error_check(|run| ...))
//!     .destroy(|ws| ...)
//!     .run();
//! ```
//!
//! Checks may borrow what the case holds (the simulator, say): they live as long as the
//! `Steps`.

#![allow(dead_code)]

use super::terraform::{Run, Terraform, Workspace};

type Check<'a> = Box<dyn Fn(&Workspace) + 'a>;
type RunCheck<'a> = Box<dyn Fn(&Run) + 'a>;
type IdOf<'a> = Box<dyn Fn(&Workspace) -> String + 'a>;

/// One configuration applied, and what must hold after.
pub struct Step<'a> {
    before: Vec<Check<'a>>,
    config: String,
    plan_shows: Vec<String>,
    expect_error: Option<String>,
    error_checks: Vec<RunCheck<'a>>,
    plan_empty: bool,
    checks: Vec<Check<'a>>,
    imports: Vec<(String, IdOf<'a>)>,
}

impl<'a> Step<'a> {
    /// Apply `config` (the whole `main.tf`), expecting success and an empty plan after.
    pub fn apply(config: impl Into<String>) -> Step<'a> {
        Step {
            before: Vec::new(),
            config: config.into(),
            plan_shows: Vec::new(),
            expect_error: None,
            error_checks: Vec::new(),
            plan_empty: true,
            checks: Vec::new(),
            imports: Vec::new(),
        }
    }

    /// Before the apply, `terraform plan` must succeed and its output hold `text` (a
    /// summary such as "0 to add, 1 to change, 0 to destroy", or a warning).
    pub fn plan_shows(mut self, text: &str) -> Step<'a> {
        self.plan_shows.push(text.to_string());
        self
    }

    /// The apply must fail cleanly (no crash, no transport error) with a diagnostic of
    /// this summary; the step's checks then run on what the failure left.
    pub fn expect_error(mut self, summary: &str) -> Step<'a> {
        self.expect_error = Some(summary.to_string());
        self
    }

    /// Runs on the failed apply of an [`expect_error`](Self::expect_error) step.
    pub fn error_check(mut self, f: impl Fn(&Run) + 'a) -> Step<'a> {
        self.error_checks.push(Box::new(f));
        self
    }

    /// Skip the empty-plan check (a step that leaves drift on purpose).
    pub fn plan_may_change(mut self) -> Step<'a> {
        self.plan_empty = false;
        self
    }

    /// Runs before the step's plan and apply: a change made outside Terraform, say.
    pub fn before(mut self, f: impl Fn(&Workspace) + 'a) -> Step<'a> {
        self.before.push(Box::new(f));
        self
    }

    /// Runs after the apply (and the empty plan).
    pub fn check(mut self, f: impl Fn(&Workspace) + 'a) -> Step<'a> {
        self.checks.push(Box::new(f));
        self
    }

    /// After the step, `terraform import address <id>` in a fresh directory with the same
    /// configuration must read the same attributes as the apply stored, and plan empty.
    /// May be given several times: each import is checked.
    pub fn import_verify(
        mut self,
        address: &str,
        id_of: impl Fn(&Workspace) -> String + 'a,
    ) -> Step<'a> {
        self.imports.push((address.to_string(), Box::new(id_of)));
        self
    }
}

/// Steps run in order in one working directory (one state).
pub struct Steps<'a> {
    ws: Workspace,
    steps: Vec<Step<'a>>,
    destroy: Option<Check<'a>>,
}

impl<'a> Steps<'a> {
    pub fn new(tf: &Terraform) -> Steps<'a> {
        Steps {
            ws: Workspace::new(tf),
            steps: Vec::new(),
            destroy: None,
        }
    }

    /// An environment variable for every command of every step.
    pub fn env(mut self, key: &str, value: &str) -> Steps<'a> {
        self.ws.env(key, value);
        self
    }

    pub fn step(mut self, step: Step<'a>) -> Steps<'a> {
        self.steps.push(step);
        self
    }

    /// After the last step, `terraform destroy` must succeed, then `check` (that Zoom is
    /// as it should be without these objects) runs.
    pub fn destroy(mut self, check: impl Fn(&Workspace) + 'a) -> Steps<'a> {
        self.destroy = Some(Box::new(check));
        self
    }

    /// Runs every step; returns the directory for anything the case checks after.
    pub fn run(self) -> Workspace {
        let Steps { ws, steps, destroy } = self;
        for (i, step) in steps.into_iter().enumerate() {
            let n = i + 1;
            for before in &step.before {
                before(&ws);
            }
            ws.config(&step.config);
            if n == 1 {
                ws.init();
            }
            if !step.plan_shows.is_empty() {
                let plan = ws.plan();
                assert!(plan.success(), "step {n}: plan: {plan}");
                for text in &step.plan_shows {
                    assert!(
                        plan.stdout().contains(text.as_str()),
                        "step {n}: the plan does not show {text:?}: {plan}"
                    );
                }
            }
            let run = ws.apply();
            if let Some(summary) = &step.expect_error {
                let run = run.failed_cleanly(&format!("step {n}"));
                assert!(
                    run.diagnostic(summary).is_some(),
                    "step {n}: no {summary:?} diagnostic: {run}"
                );
                for check in &step.error_checks {
                    check(&run);
                }
            } else {
                assert!(run.success(), "step {n}: {run}");
                if step.plan_empty {
                    ws.assert_plan_empty();
                }
            }
            for check in &step.checks {
                check(&ws);
            }
            for (address, id_of) in &step.imports {
                import_verify(&ws, &step.config, address, &id_of(&ws), n);
            }
        }
        if let Some(check) = destroy {
            ws.run(&["destroy", "-no-color", "-input=false", "-auto-approve"])
                .ok();
            check(&ws);
        }
        ws
    }
}

fn import_verify(ws: &Workspace, config: &str, address: &str, id: &str, n: usize) {
    let applied = ws
        .resource_values(address)
        .unwrap_or_else(|| panic!("step {n}: {address} is not in state"));
    let fresh = Workspace::new(&ws.tf);
    fresh.config(config);
    fresh.init();
    fresh
        .run(&["import", "-no-color", "-input=false", address, id])
        .ok();
    let imported = fresh
        .resource_values(address)
        .unwrap_or_else(|| panic!("step {n}: import left no {address}"));
    assert_eq!(
        imported, applied,
        "step {n}: import of {address} ({id}) read other values than apply stored"
    );
    fresh.assert_plan_empty();
}
