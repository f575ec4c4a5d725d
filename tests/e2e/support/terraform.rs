//! Drives a real `terraform` binary against the freshly built provider, the way a user
//! would: the provider binary goes into a filesystem mirror, a CLI config points Terraform
//! at it, and each test works in its own directory with `init`, `plan`, `apply`, `import`.
//!
//! Which Terraform: `TF_ACC_TERRAFORM_PATH` if set, else `.tools/bin/terraform` (installed
//! by `scripts/install-terraform.sh`), else a `terraform` on PATH that says it is 1.15 or
//! later. Terraform 1.0.3 for the oldest-version checks: `TF_ACC_TERRAFORM_103_PATH`, else
//! `.tools/bin/terraform-1.0.3`, else a `terraform-1.0.3` or `terraform` on PATH that says
//! it is 1.0.3.
//!
//! Without the Terraform a test needs, the test fails. A run that means to go without
//! Terraform says so with `ZOOM_TEST_SKIP_TERRAFORM=1`: the harness (`harness.rs`) then reports
//! those tests as ignored and prints how many (refused when `CI` is set to anything truthy:
//! CI runs them all).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub const PROVIDER_SOURCE: &str = "zoom-community/zoom";
const PROVIDER_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The variable that skips every test needing Terraform, on purpose.
pub const SKIP_VAR: &str = "ZOOM_TEST_SKIP_TERRAFORM";

/// A Terraform binary.
#[derive(Clone, Debug)]
pub struct Terraform {
    pub bin: PathBuf,
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether an environment value means yes: set, and not empty, `0`, `false`, `no` or `off`
/// (any case). `CI=1`, `CI=true`, `CI=True` and `CI=yes` all count.
pub fn truthy(value: Option<&str>) -> bool {
    match value.map(str::trim) {
        None => false,
        Some(v) => !matches!(
            v.to_ascii_lowercase().as_str(),
            "" | "0" | "false" | "no" | "off"
        ),
    }
}

fn env_truthy(var: &str) -> bool {
    truthy(std::env::var(var).ok().as_deref())
}

/// Whether this run skips the tests that need Terraform on purpose. Panics when it asks
/// to under CI, which must run them.
pub fn skip_requested() -> bool {
    skip_setting().unwrap_or_else(|why| panic!("{why}"))
}

/// [`skip_requested`], with the refusal under CI as an error.
pub fn skip_setting() -> Result<bool, String> {
    let skip = env_truthy(SKIP_VAR);
    if skip && env_truthy("CI") {
        return Err(format!(
            "{SKIP_VAR} is set but so is CI: CI runs every Terraform test"
        ));
    }
    Ok(skip)
}

/// A Terraform version line's `major.minor.patch` (`terraform version -json`).
fn version_of(bin: &Path) -> Result<(u32, u32, u32), String> {
    let out = Command::new(bin)
        .args(["version", "-json"])
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .map_err(|e| format!("{}: {e}", bin.display()))?;
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("{} version -json: {e}", bin.display()))?;
    let v = json["terraform_version"]
        .as_str()
        .ok_or_else(|| format!("{} version -json: no terraform_version", bin.display()))?;
    parse_version(v).ok_or_else(|| format!("{}: version {v:?}", bin.display()))
}

fn parse_version(v: &str) -> Option<(u32, u32, u32)> {
    let core = v.split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u32>().ok());
    Some((parts.next()??, parts.next()??, parts.next()??))
}

/// One Terraform lookup: an explicit path, then the one `make tools` installs, then PATH
/// names whose version `fits`.
struct Lookup {
    what: &'static str,
    env_var: &'static str,
    local: &'static str,
    on_path: &'static [&'static str],
    wanted: &'static str,
    fits: fn((u32, u32, u32)) -> bool,
}

impl Lookup {
    fn find(&self) -> Result<Terraform, String> {
        if let Some(p) = std::env::var_os(self.env_var).filter(|p| !p.is_empty()) {
            let bin = PathBuf::from(p);
            return if bin.is_file() {
                Ok(Terraform { bin })
            } else {
                Err(format!("{}={} is not a file", self.env_var, bin.display()))
            };
        }
        let local = repo_root().join(self.local);
        if local.is_file() {
            return Ok(Terraform { bin: local });
        }
        let mut seen = Vec::new();
        let paths = std::env::var_os("PATH").unwrap_or_default();
        for name in self.on_path {
            for bin in std::env::split_paths(&paths).map(|d| d.join(name)) {
                if !bin.is_file() {
                    continue;
                }
                match version_of(&bin) {
                    Ok(v) if (self.fits)(v) => return Ok(Terraform { bin }),
                    Ok((a, b, c)) => seen.push(format!("{} is {a}.{b}.{c}", bin.display())),
                    Err(e) => seen.push(e),
                }
            }
        }
        let seen = if seen.is_empty() {
            String::new()
        } else {
            format!(" (on PATH: {})", seen.join("; "))
        };
        Err(format!(
            "{} not found: set {}, run `make tools` for {}, or put {} on PATH{seen}; \
             {SKIP_VAR}=1 skips the tests that need it",
            self.what, self.env_var, self.local, self.wanted
        ))
    }
}

const TERRAFORM: Lookup = Lookup {
    what: "terraform",
    env_var: "TF_ACC_TERRAFORM_PATH",
    local: ".tools/bin/terraform",
    on_path: &["terraform"],
    wanted: "Terraform 1.15 or later",
    fits: |(major, minor, _)| (major, minor) >= (1, 15),
};

const TERRAFORM_1_0: Lookup = Lookup {
    what: "terraform 1.0.3",
    env_var: "TF_ACC_TERRAFORM_103_PATH",
    local: ".tools/bin/terraform-1.0.3",
    on_path: &["terraform-1.0.3", "terraform"],
    wanted: "Terraform 1.0.3",
    fits: |v| v == (1, 0, 3),
};

/// Terraform 1.15 (or the user's own), looked up once per process.
pub fn find_terraform() -> Result<Terraform, String> {
    static FOUND: OnceLock<Result<Terraform, String>> = OnceLock::new();
    FOUND.get_or_init(|| TERRAFORM.find()).clone()
}

/// Terraform 1.0.3, looked up once per process.
pub fn find_terraform_1_0() -> Result<Terraform, String> {
    static FOUND: OnceLock<Result<Terraform, String>> = OnceLock::new();
    FOUND.get_or_init(|| TERRAFORM_1_0.find()).clone()
}

/// For a program outside the harness (the `terraform_scale` bench): the Terraform, or
/// `None` when the run skips Terraform tests on purpose (said on stderr). Panics when it
/// is missing otherwise.
pub fn terraform() -> Option<Terraform> {
    required(find_terraform())
}

/// [`terraform`] for Terraform 1.0.3.
pub fn terraform_1_0() -> Option<Terraform> {
    required(find_terraform_1_0())
}

fn required(found: Result<Terraform, String>) -> Option<Terraform> {
    if skip_requested() {
        eprintln!("skipped on purpose: {SKIP_VAR} is set");
        return None;
    }
    Some(found.unwrap_or_else(|why| panic!("{why}")))
}

/// The filesystem mirror and CLI config shared by every test in this process.
fn mirror() -> &'static (PathBuf, PathBuf) {
    static MIRROR: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    MIRROR.get_or_init(|| {
        let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("tf-mirror-{}", std::process::id()));
        let dir = base
            .join("mirror/registry.terraform.io")
            .join(PROVIDER_SOURCE)
            .join(PROVIDER_VERSION)
            .join("linux_amd64");
        std::fs::create_dir_all(&dir).expect("create mirror");
        // A hard link, not a 130 MB copy per test process (they were never removed and
        // filled the disk of long-lived checkouts); a copy where links can't be made.
        let bin = env!("CARGO_BIN_EXE_terraform-provider-zoom");
        let dest = dir.join(format!("terraform-provider-zoom_v{PROVIDER_VERSION}"));
        let _ = std::fs::remove_file(&dest);
        std::fs::hard_link(bin, &dest)
            .or_else(|_| std::fs::copy(bin, &dest).map(|_| ()))
            .expect("put the provider into the mirror");
        let mirror = base.join("mirror");
        let cli_config = base.join("terraformrc");
        std::fs::write(
            &cli_config,
            format!(
                r#"provider_installation {{
  filesystem_mirror {{
    path    = "{}"
    include = ["registry.terraform.io/{PROVIDER_SOURCE}"]
  }}
  direct {{
    exclude = ["registry.terraform.io/{PROVIDER_SOURCE}"]
  }}
}}
"#,
                mirror.display()
            ),
        )
        .expect("write CLI config");
        (mirror, cli_config)
    })
}

/// The `terraform { required_providers }` block every test config starts with.
pub fn required_providers() -> String {
    format!(
        "terraform {{\n  required_providers {{\n    zoom = {{\n      source = \"{PROVIDER_SOURCE}\"\n    }}\n  }}\n}}\n"
    )
}

/// One working directory with its own state.
pub struct Workspace {
    pub dir: tempfile::TempDir,
    pub tf: Terraform,
    env: Vec<(String, String)>,
}

/// What a Terraform command did.
pub struct Run {
    pub args: Vec<String>,
    pub output: Output,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    pub fn success(&self) -> bool {
        self.output.status.success()
    }

    /// Panics with both streams unless the command succeeded.
    pub fn ok(self) -> Run {
        assert!(self.success(), "{self}");
        self
    }

    /// Panics unless the command failed.
    pub fn failed(self) -> Run {
        assert!(!self.success(), "expected failure: {self}");
        self
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "terraform {} exited {}\n--- stdout\n{}\n--- stderr\n{}",
            self.args.join(" "),
            self.code(),
            self.stdout(),
            self.stderr()
        )
    }
}

impl Workspace {
    pub fn new(tf: &Terraform) -> Workspace {
        mirror();
        Workspace {
            dir: tempfile::Builder::new()
                .prefix("tfacc-")
                .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
                .expect("temp dir"),
            tf: tf.clone(),
            env: Vec::new(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Sets an environment variable for every later command.
    pub fn env(&mut self, key: &str, value: &str) -> &mut Workspace {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// Writes `main.tf` (replacing any earlier one).
    pub fn config(&self, hcl: &str) -> &Workspace {
        self.file("main.tf", hcl)
    }

    pub fn file(&self, name: &str, content: &str) -> &Workspace {
        std::fs::write(self.path().join(name), content).expect("write config");
        self
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path().join(name)).unwrap_or_default()
    }

    /// Runs terraform with `args` in this directory.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = self.command(args).output().expect("run terraform");
        Run {
            args: args.iter().map(|s| s.to_string()).collect(),
            output,
        }
    }

    /// The terraform command `run` would execute, to spawn and steer by hand.
    pub fn command(&self, args: &[&str]) -> Command {
        let (_, cli_config) = mirror();
        let mut cmd = Command::new(&self.tf.bin);
        cmd.args(args)
            .current_dir(self.path())
            .env("TF_CLI_CONFIG_FILE", cli_config)
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env_remove("TF_LOG")
            .env_remove("TF_LOG_PROVIDER")
            .env_remove("TF_LOG_PATH");
        for key in [
            "ZOOM_ACCOUNT_ID",
            "ZOOM_CLIENT_ID",
            "ZOOM_CLIENT_SECRET",
            "ZOOM_ACCESS_TOKEN",
            "ZOOM_API_URL",
            "ZOOM_TOKEN_URL",
        ] {
            cmd.env_remove(key);
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Starts terraform with `args` in this directory, without waiting for it.
    pub fn start(&self, args: &[&str]) -> Running {
        let mut child = self
            .command(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start terraform");
        let drain = |mut r: Box<dyn std::io::Read + Send>| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = r.read_to_end(&mut buf);
                buf
            })
        };
        let out = drain(Box::new(child.stdout.take().expect("stdout")));
        let err = drain(Box::new(child.stderr.take().expect("stderr")));
        Running {
            args: args.iter().map(|s| s.to_string()).collect(),
            child,
            out,
            err,
        }
    }

    pub fn init(&self) -> Run {
        self.run(&["init", "-no-color", "-input=false"]).ok()
    }

    pub fn apply(&self) -> Run {
        self.run(&["apply", "-no-color", "-input=false", "-auto-approve"])
    }

    pub fn plan(&self) -> Run {
        self.run(&["plan", "-no-color", "-input=false"])
    }

    /// Panics unless a plan shows no changes (`-detailed-exitcode` 0).
    pub fn assert_plan_empty(&self) {
        let run = self.run(&["plan", "-no-color", "-input=false", "-detailed-exitcode"]);
        assert_eq!(run.code(), 0, "expected an empty plan: {run}");
    }

    /// `terraform show -json` of the state.
    pub fn state_json(&self) -> serde_json::Value {
        let run = self.run(&["show", "-json"]).ok();
        serde_json::from_str(&run.stdout()).expect("show -json is JSON")
    }

    /// The `values` of one resource in state, by address.
    pub fn resource_values(&self, address: &str) -> Option<serde_json::Value> {
        let state = self.state_json();
        let resources = state["values"]["root_module"]["resources"]
            .as_array()?
            .clone();
        resources
            .into_iter()
            .find(|r| r["address"] == address)
            .map(|r| r["values"].clone())
    }
}

/// A terraform command running in the background ([`Workspace::start`]), its output read
/// on threads so it never blocks on a full pipe.
pub struct Running {
    args: Vec<String>,
    child: std::process::Child,
    out: std::thread::JoinHandle<Vec<u8>>,
    err: std::thread::JoinHandle<Vec<u8>>,
}

impl Running {
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the command to exit, for at most `guard` (a bound against hanging, not a
    /// timing assertion): `Err` with the command still running when it has not.
    pub fn wait_at_most(mut self, guard: std::time::Duration) -> Result<Run, Running> {
        let deadline = std::time::Instant::now() + guard;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for terraform") {
                break status;
            }
            if std::time::Instant::now() >= deadline {
                return Err(self);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        Ok(Run {
            args: self.args,
            output: Output {
                status,
                stdout: self.out.join().unwrap_or_default(),
                stderr: self.err.join().unwrap_or_default(),
            },
        })
    }

    /// [`wait_at_most`](Self::wait_at_most), killing the command and panicking when it is
    /// still running after `guard`.
    pub fn finish(self, guard: std::time::Duration) -> Run {
        match self.wait_at_most(guard) {
            Ok(run) => run,
            Err(running) => {
                let args = running.args.join(" ");
                running.kill();
                panic!("terraform {args} was still running after {guard:?}: killed");
            }
        }
    }

    /// Kills the command (SIGKILL) and waits for it.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `cond` until it holds; panics with `what` once `guard` has passed (a bound against
/// hanging, not a timing assertion).
pub fn wait_until(what: &str, guard: std::time::Duration, cond: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + guard;
    while !cond() {
        assert!(std::time::Instant::now() < deadline, "{what}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Which command shows a mistake.
#[derive(Clone, Copy)]
pub enum Cmd {
    Validate,
    Plan,
}

/// A configuration mistake and the diagnostic Terraform must show for it.
pub struct Mistake {
    pub what: &'static str,
    pub hcl: &'static str,
    pub cmd: Cmd,
    pub summary: &'static str,
    /// The attribute the diagnostic's snippet must show.
    pub attr: Option<&'static str>,
    /// Text the diagnostic must hold.
    pub detail: &'static [&'static str],
}

impl Run {
    /// The diagnostic block that starts with `Error: summary`, up to the next one.
    pub fn diagnostic(&self, summary: &str) -> Option<String> {
        let stderr = self.stderr();
        let start = stderr.find(&format!("Error: {summary}"))?;
        let rest = &stderr[start..];
        let end = rest[1..].find("Error: ").map_or(rest.len(), |i| i + 1);
        Some(rest[..end].to_string())
    }

    /// Panics unless the command failed the way a user error should: no panic, no crash,
    /// no transport error.
    pub fn failed_cleanly(self, what: &str) -> Run {
        assert!(!self.success(), "{what}: expected failure: {self}");
        let stderr = self.stderr();
        for bad in ["panicked", "plugin exited", "rpc error"] {
            assert!(!stderr.contains(bad), "{what}: {bad}: {self}");
        }
        self
    }
}

/// Writes each mistake after `header` into `ws`, runs its command, and checks the
/// diagnostic: summary, attribute, detail text.
pub fn check_mistakes(ws: &Workspace, header: &str, mistakes: &[Mistake]) {
    for m in mistakes {
        ws.config(&format!("{header}\n{}\n", m.hcl));
        let run = match m.cmd {
            Cmd::Validate => ws.run(&["validate", "-no-color"]),
            Cmd::Plan => ws.plan(),
        }
        .failed_cleanly(m.what);
        let block = run
            .diagnostic(m.summary)
            .unwrap_or_else(|| panic!("{}: no {:?} diagnostic: {run}", m.what, m.summary));
        if let Some(attr) = m.attr {
            assert!(
                block.contains(&format!("  {attr} ")),
                "{}: diagnostic not at {attr}: {block}",
                m.what
            );
        }
        // Terraform wraps long details; compare with the line breaks undone.
        let flat = block.split_whitespace().collect::<Vec<_>>().join(" ");
        for text in m.detail {
            assert!(flat.contains(text), "{}: {text:?} missing: {block}", m.what);
        }
    }
}
