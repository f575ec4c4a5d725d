//! The guides' examples, run as a reader would run them, against zoom-sim instead of Zoom
//! (the one difference: `ZOOM_API_URL` and `ZOOM_TOKEN_URL` point at the simulator).
//!
//! - docs/guides/real-account.md: `install-build.sh` puts the provider into the filesystem
//!   mirror that `filesystem-mirror.tfrc` names, `terraform init` installs it from there,
//!   the first plan prints what the guide shows, apply makes Paul an Admin, and `removed.tf`
//!   lets go of the membership without changing Zoom; `dev-overrides.tfrc` runs a build
//!   without `init`; every row of the scope table is enough, in its classic and its
//!   granular form, for what that resource or data source does.
//! - docs/guides/ci.md: the workflow's `run:` steps, in order, and `lock-platforms.sh`.
//! - docs/guides/troubleshooting.md: an `api_url` without `/v2` is warned about, and Zoom
//!   (the simulator) answers it with 2300.
//! - examples/quickstart takes its credentials and URLs from the `ZOOM_*` environment.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::terraform::{Terraform, Workspace};
use terraform_provider_zoom::sim::{self, SimConfig, SimHandle, UserSeed};

const GUIDE: &str = "docs-templates/guides/real-account.md.tmpl";
const EXAMPLES: &str = "examples/guides/real-account";
/// Paul's Zoom id in the guide's plan output.
const PAUL: &str = "z8yCxjabcdEFGhij8ABCdeF";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// An account with its Owner, Paul and Ann, all but the Owner Members.
fn account(config: impl FnOnce(SimConfig) -> SimConfig) -> SimHandle {
    let mut users = UserSeed::generated(0);
    for (id, email, first) in [
        (PAUL, "paul@example.com", "Paul"),
        ("u00002", "ann@example.com", "Ann"),
    ] {
        users.push(UserSeed {
            id: id.into(),
            email: email.into(),
            first_name: first.into(),
            ..UserSeed::default()
        });
    }
    let base = SimConfig {
        users,
        ..SimConfig::default()
    }
    .with_seed(13);
    sim::spawn_in_thread(config(base)).expect("start zoom-sim")
}

/// The environment the guide exports, pointed at `sim`.
fn zoom_env(ws: &mut Workspace, sim: &SimHandle) {
    ws.env("ZOOM_ACCOUNT_ID", "sim-account")
        .env("ZOOM_CLIENT_ID", "sim-client")
        .env("ZOOM_CLIENT_SECRET", "sim-secret")
        .env("ZOOM_API_URL", &sim.api_url())
        .env("ZOOM_TOKEN_URL", &sim.token_url());
}

fn role_of(sim: &SimHandle, who: &str) -> String {
    sim.state().role_of(who).expect("user").to_string()
}

/// The fenced block right after `<!-- marker -->` in a guide template.
fn block_after(template: &str, marker: &str) -> String {
    let text = read(template);
    let start = text
        .find(&format!("<!-- {marker} -->"))
        .unwrap_or_else(|| panic!("{template}: no <!-- {marker} --> marker"));
    let rest = &text[start..];
    let open = rest.find("```").expect("a fenced block after the marker");
    let body = &rest[open..];
    let body = &body[body.find('\n').expect("fence line") + 1..];
    body[..body.find("```").expect("closing fence")].to_string()
}

fn temp_dir(prefix: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temp dir")
}

fn the_real_account_guide_from_install_to_removed(tf: &Terraform) {
    let sim = account(|c| c);

    // install-build.sh, as written, minus the release build (the test's build stands in).
    let script = read(&format!("{EXAMPLES}/install-build.sh"));
    assert!(
        script.contains(&format!("version=\"{}\"", env!("CARGO_PKG_VERSION"))),
        "install-build.sh installs another version than Cargo.toml's"
    );
    let script = script.replace("make build\n", "");
    let home = temp_dir("home-");
    let checkout = temp_dir("checkout-");
    std::fs::create_dir_all(checkout.path().join("target/release")).unwrap();
    std::fs::copy(
        env!("CARGO_BIN_EXE_terraform-provider-zoom"),
        checkout
            .path()
            .join("target/release/terraform-provider-zoom"),
    )
    .unwrap();
    let out = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script])
        .current_dir(checkout.path())
        .env("HOME", home.path())
        .output()
        .expect("run install-build.sh");
    assert!(
        out.status.success(),
        "install-build.sh: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The CLI configuration, with the reader's home directory.
    let rc = read(&format!("{EXAMPLES}/filesystem-mirror.tfrc"))
        .replace("/home/you", &home.path().display().to_string());
    let rc_path = home.path().join(".terraformrc");
    std::fs::write(&rc_path, rc).unwrap();

    let mut ws = Workspace::new(tf);
    ws.env("TF_CLI_CONFIG_FILE", &rc_path.display().to_string());
    zoom_env(&mut ws, &sim);
    let main = read(&format!("{EXAMPLES}/main.tf"));
    ws.config(&main);
    let init = ws.init();
    assert!(
        init.stdout().contains(&format!(
            "Installed zoom-community/zoom v{}",
            env!("CARGO_PKG_VERSION")
        )),
        "{init}"
    );
    assert!(
        ws.read(".terraform.lock.hcl")
            .contains("registry.terraform.io/zoom-community/zoom"),
        "init records the provider in the lock file"
    );

    // The first plan prints what the guide shows.
    let plan = ws.plan().ok();
    for line in block_after(GUIDE, "first-plan").lines() {
        assert!(
            plan.stdout().contains(line.trim_end()),
            "the guide's first plan shows {line:?}, Terraform didn't print it: {plan}"
        );
    }
    ws.apply().ok();
    assert_eq!(role_of(&sim, "paul@example.com"), "1", "Paul is an Admin");
    ws.assert_plan_empty();

    // removed { destroy = false } instead of the resource: Terraform lets go, Zoom keeps it.
    let cut = main
        .find("# Paul is an Admin")
        .expect("the resource's comment");
    ws.config(&format!(
        "{}{}",
        &main[..cut],
        read(&format!("{EXAMPLES}/removed.tf"))
    ));
    ws.apply().ok();
    assert_eq!(role_of(&sim, "paul@example.com"), "1", "still an Admin");
    let list = ws.run(&["state", "list"]).ok();
    assert!(
        list.stdout().trim().is_empty(),
        "nothing left in state: {list}"
    );
}

fn dev_overrides_run_a_build_without_init(tf: &Terraform) {
    let sim = account(|c| c);
    let build = temp_dir("release-");
    std::fs::copy(
        env!("CARGO_BIN_EXE_terraform-provider-zoom"),
        build.path().join("terraform-provider-zoom"),
    )
    .unwrap();
    let rc = read(&format!("{EXAMPLES}/dev-overrides.tfrc")).replace(
        "/home/you/src/terraform-provider-zoom/target/release",
        &build.path().display().to_string(),
    );
    let rc_path = build.path().join("dev.tfrc");
    std::fs::write(&rc_path, rc).unwrap();
    let mut ws = Workspace::new(tf);
    ws.env("TF_CLI_CONFIG_FILE", &rc_path.display().to_string());
    zoom_env(&mut ws, &sim);
    ws.config(&read(&format!("{EXAMPLES}/main.tf")));
    let plan = ws.plan().ok();
    let all = format!("{}{}", plan.stdout(), plan.stderr());
    assert!(
        all.contains("Provider development overrides are in effect"),
        "{plan}"
    );
    assert!(
        all.contains("zoom_role_membership.paul_admin will be created"),
        "{plan}"
    );
}

/// One row of the guide's scope table: the type, whether it is a data source, and the
/// classic and granular scopes.
struct ScopeRow {
    type_name: String,
    data_source: bool,
    classic: Vec<String>,
    granular: Vec<String>,
}

fn backticked(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn scope_rows() -> Vec<ScopeRow> {
    let text = read(GUIDE);
    let start = text
        .find("<!-- scopes -->")
        .expect("<!-- scopes --> marker");
    text[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter(|l| l.starts_with("| `zoom_"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            ScopeRow {
                type_name: backticked(cells[1])[0].clone(),
                data_source: cells[1].contains("data source"),
                classic: backticked(cells[2]),
                granular: backticked(cells[3]),
            }
        })
        .collect()
}

/// What exercising a type takes: a configuration that reads or creates it.
fn exercise(row: &ScopeRow) -> &'static str {
    match (row.type_name.as_str(), row.data_source) {
        ("zoom_role", false) => {
            "resource \"zoom_role\" \"r\" {\n  name       = \"Auditors\"\n  privileges = [\"User:Read\"]\n}\n"
        }
        ("zoom_role_membership", false) => {
            "resource \"zoom_role_membership\" \"m\" {\n  role_id = \"1\"\n  email   = \"paul@example.com\"\n}\n"
        }
        ("zoom_role_members", false) => {
            "resource \"zoom_role_members\" \"m\" {\n  role_id = \"1\"\n  members = [\"paul@example.com\"]\n}\n"
        }
        ("zoom_roles", true) => "data \"zoom_roles\" \"d\" {}\n",
        ("zoom_role", true) => "data \"zoom_role\" \"d\" {\n  name = \"Admin\"\n}\n",
        ("zoom_role_members", true) => "data \"zoom_role_members\" \"d\" {\n  role_id = \"1\"\n}\n",
        ("zoom_user", true) => "data \"zoom_user\" \"d\" {\n  email = \"paul@example.com\"\n}\n",
        (other, ds) => panic!("scope table row {other} (data source: {ds}) has no exercise here"),
    }
}

fn each_row_of_the_scope_table_is_enough(tf: &Terraform) {
    let rows = scope_rows();
    assert_eq!(rows.len(), 7, "three resources and four data sources");
    let main = read(&format!("{EXAMPLES}/main.tf"));
    let header = &main[..main.find("# Paul is an Admin").unwrap()];
    for row in &rows {
        let mut ws = Workspace::new(tf);
        ws.config(&format!("{header}\n{}", exercise(row)));
        ws.init();
        for (style, scopes) in [("classic", &row.classic), ("granular", &row.granular)] {
            assert!(!scopes.is_empty(), "{}: no {style} scopes", row.type_name);
            let sim = account(|c| c.with_switches(|s| s.scopes = Some(scopes.clone())));
            zoom_env(&mut ws, &sim);
            let what = format!("{} with only {scopes:?}", row.type_name);
            let run = ws.apply();
            assert!(run.success(), "{what}: {run}");
            let run = ws.run(&["destroy", "-no-color", "-auto-approve"]);
            assert!(run.success(), "{what}: {run}");
        }
    }
}

fn the_quickstart_takes_everything_from_the_environment(tf: &Terraform) {
    let sim = sim::spawn_in_thread(SimConfig::default().with_users(5).with_seed(3))
        .expect("start zoom-sim");
    let mut ws = Workspace::new(tf);
    zoom_env(&mut ws, &sim);
    for entry in std::fs::read_dir(root().join("examples/quickstart")).unwrap() {
        let path: PathBuf = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        ws.file(&name, &std::fs::read_to_string(&path).unwrap());
    }
    ws.init();
    ws.apply().ok();
    assert_eq!(role_of(&sim, "user1@example.com"), "1");
    ws.assert_plan_empty();
}

// ---- docs/guides/ci.md ---------------------------------------------------------------------

const WORKFLOW: &str = "examples/ci/github-actions.yml";

/// The `run:` script of the workflow step named `name` (a `|` block, dedented, or a
/// one-line command).
fn step_script(name: &str) -> String {
    let text = read(WORKFLOW);
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim() == format!("- name: {name}"))
        .unwrap_or_else(|| panic!("{WORKFLOW}: no step named {name:?}"));
    let (i, run) = lines[at..]
        .iter()
        .enumerate()
        .find_map(|(i, l)| l.trim().strip_prefix("run:").map(|r| (at + i, r.trim())))
        .expect("a run: key");
    if run != "|" {
        return format!("{run}\n");
    }
    let indent = |l: &str| l.len() - l.trim_start().len();
    let key_indent = indent(lines[i]);
    let body: Vec<&str> = lines[i + 1..]
        .iter()
        .take_while(|l| l.trim().is_empty() || indent(l) > key_indent)
        .copied()
        .collect();
    let strip = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| indent(l))
        .min()
        .unwrap_or(0);
    body.iter()
        .map(|l| format!("{}\n", l.get(strip..).unwrap_or("")))
        .collect()
}

/// A release zip as `scripts/release.sh` makes it: one executable file,
/// `terraform-provider-zoom_vX.Y.Z`, holding `binary`.
fn release_zip(dir: &Path, platform: &str, binary: &Path) {
    let version = env!("CARGO_PKG_VERSION");
    let zip = dir.join(format!("terraform-provider-zoom_{version}_{platform}.zip"));
    let py = "import sys, zipfile\n\
              z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)\n\
              i = zipfile.ZipInfo(sys.argv[2], (1980, 1, 1, 0, 0, 0))\n\
              i.external_attr = 0o100755 << 16\n\
              i.compress_type = zipfile.ZIP_DEFLATED\n\
              z.writestr(i, open(sys.argv[3], 'rb').read())\n\
              z.close()\n";
    let out = Command::new("python3")
        .args(["-c", py])
        .arg(&zip)
        .arg(format!("terraform-provider-zoom_v{version}"))
        .arg(binary)
        .output()
        .expect("python3 makes the zip");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A stand-in for `gh release download ... --dir D --pattern P`: copies P from `zips`.
fn fake_gh(bin: &Path, zips: &Path) {
    std::fs::create_dir_all(bin).unwrap();
    let script = format!(
        "#!/usr/bin/env bash\nset -euo pipefail\n[ \"$1 $2\" = \"release download\" ] || exit 2\n\
         dir=. pattern=\nwhile [ $# -gt 0 ]; do case \"$1\" in --dir) dir=$2; shift;; \
         --pattern) pattern=$2; shift;; esac; shift; done\ncp \"{}/$pattern\" \"$dir/\"\n",
        zips.display()
    );
    let gh = bin.join("gh");
    std::fs::write(&gh, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&gh, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Runs `script` with bash -e (as GitHub's `run:` does) in `dir`; answers stdout.
fn bash(script: &str, dir: &Path, env: &[(&str, String)]) -> std::process::Output {
    let mut cmd = Command::new("bash");
    cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run bash")
}

fn the_ci_workflow_steps_run_against_zoom_sim(tf: &Terraform) {
    let sim = account(|c| c);
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        read(WORKFLOW).contains(&format!("PROVIDER_VERSION: \"{version}\"")),
        "the workflow installs another version than Cargo.toml's"
    );
    assert!(
        read("examples/ci/lock-platforms.sh").contains(&format!("version=\"{version}\"")),
        "lock-platforms.sh locks another version than Cargo.toml's"
    );

    // Release zips: the real linux_amd64 build, and stand-ins for the macOS ones.
    let work = temp_dir("workspace-");
    let zips = work.path().join("release");
    std::fs::create_dir_all(&zips).unwrap();
    let built = Path::new(env!("CARGO_BIN_EXE_terraform-provider-zoom"));
    release_zip(&zips, "linux_amd64", built);
    for platform in ["darwin_arm64", "darwin_amd64"] {
        let stand_in = work.path().join(format!("not-a-{platform}-binary"));
        std::fs::write(&stand_in, format!("#!/bin/sh\n# {platform}\nexit 1\n")).unwrap();
        release_zip(&zips, platform, &stand_in);
    }
    let bin = work.path().join("bin");
    fake_gh(&bin, &zips);
    let tf_dir = tf.bin.parent().expect("terraform's directory");
    let path = format!(
        "{}:{}:{}",
        bin.display(),
        tf_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );

    // The repository: zoom/ with the guide's configuration.
    let repo = work.path().join("repo");
    let zoom_dir = repo.join("zoom");
    std::fs::create_dir_all(&zoom_dir).unwrap();
    std::fs::write(
        zoom_dir.join("main.tf"),
        read(&format!("{EXAMPLES}/main.tf")),
    )
    .unwrap();

    // Once, by hand: lock-platforms.sh records all three checksums. It needs a CLI
    // configuration that lets `providers lock` read the mirror only (no registry here).
    let empty_rc = work.path().join("empty.tfrc");
    std::fs::write(&empty_rc, "").unwrap();
    let base_env = |rc: &Path| {
        vec![
            ("PATH", path.clone()),
            ("TF_CLI_CONFIG_FILE", rc.display().to_string()),
            ("CHECKPOINT_DISABLE", "1".to_string()),
            ("TF_IN_AUTOMATION", "1".to_string()),
            ("TF_INPUT", "0".to_string()),
        ]
    };
    let out = bash(
        &read("examples/ci/lock-platforms.sh"),
        &zoom_dir,
        &base_env(&empty_rc),
    );
    assert!(
        out.status.success(),
        "lock-platforms.sh: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let lock = std::fs::read_to_string(zoom_dir.join(".terraform.lock.hcl")).expect("lock file");
    assert_eq!(
        lock.matches("\"h1:").count(),
        3,
        "one checksum per platform:\n{lock}"
    );
    assert!(
        !zoom_dir.join(".mirror").exists(),
        "the script cleans its mirror up"
    );

    // The job, step by step.
    let rc = repo.join(".terraformrc");
    let output = work.path().join("github_output");
    std::fs::write(&output, "").unwrap();
    let mut env = base_env(&rc);
    env.extend([
        ("GITHUB_WORKSPACE", repo.display().to_string()),
        ("GITHUB_OUTPUT", output.display().to_string()),
        ("PROVIDER_VERSION", version.to_string()),
        (
            "PROVIDER_REPO",
            "zoom-community/terraform-provider-zoom".to_string(),
        ),
        ("GH_TOKEN", "unused".to_string()),
        ("ZOOM_ACCOUNT_ID", "sim-account".to_string()),
        ("ZOOM_CLIENT_ID", "sim-client".to_string()),
        ("ZOOM_CLIENT_SECRET", "sim-secret".to_string()),
        ("ZOOM_API_URL", sim.api_url()),
        ("ZOOM_TOKEN_URL", sim.token_url()),
    ]);
    let step = |name: &str| {
        let out = bash(&step_script(name), &zoom_dir, &env);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "step {name:?} failed: {text}");
        text
    };
    let plan_code = || {
        let text = std::fs::read_to_string(&output).unwrap();
        std::fs::write(&output, "").unwrap();
        text.trim().to_string()
    };
    step("Install the provider into a filesystem mirror");
    step("terraform init");
    step("terraform plan");
    assert_eq!(plan_code(), "exitcode=2", "changes to apply");
    let applied = step("terraform apply");
    assert!(applied.contains("1 added"), "{applied}");
    assert_eq!(role_of(&sim, "paul@example.com"), "1");
    step("terraform plan");
    assert_eq!(plan_code(), "exitcode=0", "nothing left to do");
}

// ---- docs/guides/troubleshooting.md --------------------------------------------------------

fn an_api_url_without_v2_is_warned_about_and_answered_with_2300(tf: &Terraform) {
    let sim = account(|c| c);
    let mut ws = Workspace::new(tf);
    zoom_env(&mut ws, &sim);
    let base = sim.api_url();
    let without_v2 = base.trim_end_matches("/v2");
    assert_ne!(base, without_v2, "zoom-sim serves its API under /v2");
    ws.env("ZOOM_API_URL", without_v2);
    ws.config(&read(&format!("{EXAMPLES}/main.tf")));
    ws.init();
    let run = ws.plan().failed_cleanly("api_url without /v2");
    let all = format!("{}{}", run.stdout(), run.stderr());
    assert!(all.contains("Warning: api_url has no API version"), "{run}");
    assert!(all.contains("2300"), "Zoom's answer names its code: {run}");
}

cases![
    tf the_real_account_guide_from_install_to_removed,
    tf dev_overrides_run_a_build_without_init,
    tf each_row_of_the_scope_table_is_enough,
    tf the_quickstart_takes_everything_from_the_environment,
    tf the_ci_workflow_steps_run_against_zoom_sim,
    tf an_api_url_without_v2_is_warned_about_and_answered_with_2300,
];
