#!/usr/bin/env bash
# The product in one command: build the provider and zoom-sim, start the simulator with
# five users, and run real Terraform on examples/quickstart (init, apply), then show that a
# second plan has nothing to do. Everything lives under .tmp/demo; the simulator stops when
# the script ends.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
terraform="${TF_ACC_TERRAFORM_PATH:-$root/.tools/bin/terraform}"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)"
demo="$root/.tmp/demo"

echo "==> building terraform-provider-zoom and zoom-sim"
cargo build --quiet --bins

rm -rf "$demo"
mkdir -p "$demo/work"
mirror="$demo/mirror/registry.terraform.io/zoom-community/zoom/$version/linux_amd64"
mkdir -p "$mirror"
cp target/debug/terraform-provider-zoom "$mirror/terraform-provider-zoom_v$version"
cat > "$demo/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$demo/mirror"
    include = ["registry.terraform.io/zoom-community/*"]
  }
  direct {
    exclude = ["registry.terraform.io/zoom-community/*"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$demo/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

echo "==> starting zoom-sim with 5 users"
target/debug/zoom-sim --users 5 --listen 127.0.0.1:0 --addr-file "$demo/addr" >"$demo/sim.out" 2>"$demo/sim.log" &
sim_pid=$!
trap 'kill "$sim_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -s "$demo/addr" ] && break
  sleep 0.1
done
base="$(cat "$demo/addr")"
echo "    zoom-sim at $base"

cp examples/quickstart/*.tf "$demo/work/"
cd "$demo/work"
# The quickstart takes everything from the environment, as it would against Zoom.
export ZOOM_API_URL="$base/v2" ZOOM_TOKEN_URL="$base/oauth/token" \
  ZOOM_ACCOUNT_ID=sim-account ZOOM_CLIENT_ID=sim-client ZOOM_CLIENT_SECRET=sim-secret

echo "==> terraform init"
"$terraform" init -input=false -no-color >/dev/null
echo "==> terraform apply"
"$terraform" apply -input=false -no-color -auto-approve
echo "==> terraform plan (a second plan must be empty)"
set +e
"$terraform" plan -input=false -no-color -detailed-exitcode
code=$?
set -e
if [ "$code" -ne 0 ]; then
  echo "!! the second plan was not empty (exit $code)" >&2
  exit 1
fi
echo "==> who holds which role in zoom-sim now"
python3 - "$base" <<'PY'
import json, sys, urllib.request
state = json.load(urllib.request.urlopen(sys.argv[1] + "/_sim/state"))
names = {r["id"]: r["name"] for r in state["roles"]}
for u in state["users"]:
    print(f'    {u["email"]:<22} {names.get(u["role_id"], u["role_id"])}')
PY
echo "==> done: state and config are in $demo/work"
