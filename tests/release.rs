//! `scripts/release.sh` (`make release`): the registry artifacts for linux_amd64 are what the
//! Terraform Registry expects (a zip holding exactly `terraform-provider-zoom_vX.Y.Z` with
//! mode 0755, the protocol-6 manifest, SHA256SUMS matching both), packaging twice gives
//! byte-identical files, and real Terraform installs the zipped binary from a filesystem
//! mirror, both unpacked and as the zip itself, and reads its schema.
//!
//! The script runs `cargo build --release`: minutes the first time, a no-op for cargo when
//! the release binary is up to date. Needs python3 and sha256sum; Terraform as in
//! `support::terraform` (the Terraform part is skipped without one, except with `CI=true`).

#![cfg(all(target_os = "linux", target_arch = "x86_64"))]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use support::terraform::{terraform, Terraform, PROVIDER_SOURCE};

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

#[test]
fn release_script_builds_registry_artifacts_terraform_installs() {
    let tmp = tempfile::Builder::new()
        .prefix("release-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap();
    let first = tmp.path().join("first");
    let second = tmp.path().join("second");
    release_into(&first);

    // Exactly the three files, named for the registry.
    let mut names: Vec<String> = std::fs::read_dir(&first)
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
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target"));
    let built = target_dir.join("release").join(NAME);
    assert_eq!(
        sha256(&binary),
        sha256(&built),
        "the zip holds target/release/{NAME}"
    );

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

    let Some(tf) = terraform() else { return };
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
    let unpacked_lock = init_from_mirror(&tf, &unpacked, &unpacked.join("mirror"));

    // Packed mirror: the zip as released; Terraform unzips it itself (mode bits included)
    // and locks the same package hash (h1:, over the unpacked files) as the unpacked mirror.
    let packed = tmp.path().join("packed");
    let dir = packed
        .join("mirror/registry.terraform.io")
        .join(PROVIDER_SOURCE);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(first.join(zip_name()), dir.join(zip_name())).unwrap();
    let lock = init_from_mirror(&tf, &packed, &packed.join("mirror"));
    let h1 = |lock: &str| {
        lock.lines()
            .map(str::trim)
            .find(|l| l.starts_with("\"h1:"))
            .map(str::to_string)
            .unwrap_or_else(|| panic!("no h1: hash in the lock file:\n{lock}"))
    };
    assert_eq!(h1(&lock), h1(&unpacked_lock), "{lock}\n{unpacked_lock}");
}
