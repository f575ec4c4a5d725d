//! `examples/` (what the docs show) is formatted as `terraform fmt` would.

use std::path::Path;
use std::process::Command;

use crate::support::terraform::Terraform;

fn examples_are_terraform_fmt_clean(tf: &Terraform) {
    let out = Command::new(&tf.bin)
        .args(["fmt", "-check", "-recursive", "-diff", "examples"])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .expect("run terraform fmt");
    assert!(
        out.status.success(),
        "examples/ is not formatted as `terraform fmt` would; run `terraform fmt -recursive \
         examples/` (and then `make docs`):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

cases![tf examples_are_terraform_fmt_clean];
