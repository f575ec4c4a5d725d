//! One step builder for end-to-end cases, as terraform-plugin-testing's `TestCase` runs
//! `TestStep`s: each step writes its configuration and applies it, then, unless it expects
//! an error, checks that a second plan is empty, runs its checks against zoom-sim or state,
//! and optionally imports a resource into a fresh directory and compares what import read
//! with what apply stored.
//!
//! ```ignore
//! Steps::new(tf)
//!     .step(Step::apply(config_v1).check(|ws| ...))
//!     .step(Step::apply(config_v2).import_verify("zoom_role.r", id_of))
//!     .step(Step::apply(config_v2).before(|_| drift_in_zoom()).check(|ws| ...))
//!     .step(Step::apply(bad).expect_error("Invalid role"))
//!     .run();
//! ```

#![allow(dead_code)]

use super::terraform::{Terraform, Workspace};

type Check = Box<dyn Fn(&Workspace)>;
type IdOf = Box<dyn Fn(&Workspace) -> String>;

/// One configuration applied, and what must hold after.
pub struct Step {
    before: Vec<Check>,
    config: String,
    expect_error: Option<String>,
    plan_empty: bool,
    checks: Vec<Check>,
    imports: Vec<(String, IdOf)>,
}

impl Step {
    /// Apply `config` (the whole `main.tf`), expecting success and an empty plan after.
    pub fn apply(config: impl Into<String>) -> Step {
        Step {
            before: Vec::new(),
            config: config.into(),
            expect_error: None,
            plan_empty: true,
            checks: Vec::new(),
            imports: Vec::new(),
        }
    }

    /// The apply must fail cleanly with a diagnostic of this summary.
    pub fn expect_error(mut self, summary: &str) -> Step {
        self.expect_error = Some(summary.to_string());
        self
    }

    /// Skip the empty-plan check (a step that leaves drift on purpose).
    pub fn plan_may_change(mut self) -> Step {
        self.plan_empty = false;
        self
    }

    /// Runs before the step's apply: a change made outside Terraform, say.
    pub fn before(mut self, f: impl Fn(&Workspace) + 'static) -> Step {
        self.before.push(Box::new(f));
        self
    }

    /// Runs after the apply (and the empty plan).
    pub fn check(mut self, f: impl Fn(&Workspace) + 'static) -> Step {
        self.checks.push(Box::new(f));
        self
    }

    /// After the step, `terraform import address <id>` in a fresh directory with the same
    /// configuration must read the same attributes as the apply stored, and plan empty.
    /// May be given several times: each import is checked.
    pub fn import_verify(
        mut self,
        address: &str,
        id_of: impl Fn(&Workspace) -> String + 'static,
    ) -> Step {
        self.imports.push((address.to_string(), Box::new(id_of)));
        self
    }
}

/// Steps run in order in one working directory (one state).
pub struct Steps {
    ws: Workspace,
    steps: Vec<Step>,
}

impl Steps {
    pub fn new(tf: &Terraform) -> Steps {
        Steps {
            ws: Workspace::new(tf),
            steps: Vec::new(),
        }
    }

    /// An environment variable for every command of every step.
    pub fn env(mut self, key: &str, value: &str) -> Steps {
        self.ws.env(key, value);
        self
    }

    pub fn step(mut self, step: Step) -> Steps {
        self.steps.push(step);
        self
    }

    /// Runs every step; returns the directory for anything the case checks after.
    pub fn run(self) -> Workspace {
        let Steps { ws, steps } = self;
        for (i, step) in steps.into_iter().enumerate() {
            let n = i + 1;
            for before in &step.before {
                before(&ws);
            }
            ws.config(&step.config);
            if n == 1 {
                ws.init();
            }
            let run = ws.apply();
            if let Some(summary) = &step.expect_error {
                let run = run.failed_cleanly(&format!("step {n}"));
                assert!(
                    run.diagnostic(summary).is_some(),
                    "step {n}: no {summary:?} diagnostic: {run}"
                );
                continue;
            }
            assert!(run.success(), "step {n}: {run}");
            if step.plan_empty {
                ws.assert_plan_empty();
            }
            for check in &step.checks {
                check(&ws);
            }
            for (address, id_of) in &step.imports {
                import_verify(&ws, &step.config, address, &id_of(&ws), n);
            }
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
