#!/usr/bin/env bash
# Every benchmark, in release builds, against zoom-sim: plugin start-up, the client's rate
# limiter, and Terraform at scale (1,000 and 10,000 memberships, zoom_role_members; the full
# terraform_scale run takes over an hour here). Figures go to dev-docs/performance.md by
# hand, with the command that produced them. Pass a bench name to run only that one.
set -euo pipefail
cd "$(dirname "$0")/.."
benches=("${@:-plugin_startup limiter terraform_scale}")
for b in ${benches[*]}; do
  echo "==> cargo bench --bench $b"
  cargo bench --quiet --bench "$b"
done
