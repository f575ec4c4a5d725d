#!/usr/bin/env bash
# A/B of two provider builds on Terraform plans (a developer's tool; `make bench` is the
# benchmark of record). Each build gets its own zoom-sim and workspace with N memberships
# (the same JSON-file configuration as benches/terraform_scale.rs); refresh plans (or, with
# --new, plans of N new memberships) of A, of B and of the terraform_data floor alternate,
# so all three see the same machine. Prints the medians and, from ZOOM_PROVIDER_RPC_STATS,
# each build's CPU per plan and time busy in each RPC kind.
#
#   scripts/ab.sh [--new] [--runs R] [--users N] BIN_A BIN_B
#
# Needs `make tools` (Terraform) and target/release/zoom-sim (`cargo build --release`), or
# another zoom-sim binary in ZOOM_SIM.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
new=0 runs=7 n=1000
while [[ $# -gt 2 ]]; do
  case $1 in
    --new) new=1; shift ;;
    --runs) runs=$2; shift 2 ;;
    --users) n=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ $# -eq 2 ]] || { sed -n 2,12p "$0" >&2; exit 2; }
bins=("$(realpath "$1")" "$(realpath "$2")")
tf=$repo/.tools/bin/terraform
sim=${ZOOM_SIM:-$repo/target/release/zoom-sim}
work=$(mktemp -d "${TMPDIR:-/tmp}/zoom-ab.XXXXXX")
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)

# setup NAME BIN: a simulator with n users and 4 roles, and a workspace assigning them.
setup() {
  local d=$work/$1 bin=$2
  local m=$d/mirror/registry.terraform.io/zoom-community/zoom/$version/linux_amd64
  mkdir -p "$m" "$d/ws" "$d/floor"
  cp "$bin" "$m/terraform-provider-zoom_v$version"
  printf 'provider_installation {\n  filesystem_mirror {\n    path    = "%s"\n    include = ["registry.terraform.io/zoom-community/*"]\n  }\n  direct { exclude = ["registry.terraform.io/zoom-community/*"] }\n}\n' "$d/mirror" >"$d/tfrc"
  "$sim" --users "$n" --static-token ab --latency-ms 20-50 --plan pro --seed 7 \
    --addr-file "$d/addr" >"$d/sim.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do [[ -s $d/addr ]] && break; sleep 0.05; done
  python3 - "$d" "$n" "$(cat "$d/addr")" "$version" <<'PY'
import json, sys, urllib.request
d, n, api, version = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def post(path, body):
    req = urllib.request.Request(api + "/v2" + path, method="POST", data=json.dumps(body).encode(),
        headers={"Authorization": "Bearer ab", "Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(req).read())
roles = ["1"] + [post("/roles", {"name": f"Role {r}", "privileges": ["User:Read"]})["id"] for r in (1, 2, 3)]
assigned = {f"m{i}": {"role_id": roles[i % 4], "email": f"user{i}@example.com", "user_id": None}
            for i in range(1, n + 1)}
locals_ = 'locals {\n  assigned = jsondecode(file("${path.module}/assigned.json"))\n}\n'
for sub in ("ws", "floor"):
    json.dump(assigned, open(f"{d}/{sub}/assigned.json", "w"))
open(f"{d}/ws/main.tf", "w").write(f'''terraform {{
  required_providers {{
    zoom = {{ source = "zoom-community/zoom", version = "{version}" }}
  }}
}}
provider "zoom" {{
  account_id    = "sim-account"
  client_id     = "sim-client"
  client_secret = "sim-secret"
  api_url       = "{api}/v2"
  token_url     = "{api}/oauth/token"
}}
{locals_}
resource "zoom_role_membership" "m" {{
  for_each = local.assigned
  role_id  = each.value.role_id
  email    = each.value.email
  user_id  = each.value.user_id
}}
''')
open(f"{d}/floor/main.tf", "w").write(locals_ + '''
resource "terraform_data" "m" {
  for_each         = local.assigned
  input            = each.value.role_id
  triggers_replace = [each.value.email, each.value.user_id]
}
''')
PY
  for sub in ws floor; do
    (cd "$d/$sub" && TF_CLI_CONFIG_FILE=$d/tfrc "$tf" init -input=false -no-color >/dev/null)
    if [[ $new == 0 ]]; then
      (cd "$d/$sub" && TF_CLI_CONFIG_FILE=$d/tfrc "$tf" apply -input=false -no-color -auto-approve -parallelism=250 >/dev/null)
    fi
  done
}

setup a "${bins[0]}"
setup b "${bins[1]}"
want=$((new == 1 ? 2 : 0))
declare -A times
for _ in $(seq "$runs"); do
  for w in a/ws b/ws a/floor; do
    d=$work/${w%%/*}
    start=$(date +%s.%N)
    set +e
    (cd "$work/$w" && TF_CLI_CONFIG_FILE=$d/tfrc ZOOM_PROVIDER_RPC_STATS=$d/stats.jsonl \
      "$tf" plan -input=false -no-color -detailed-exitcode >/dev/null 2>&1)
    rc=$?
    set -e
    [[ $rc == "$want" ]] || { echo "plan in $w exited $rc, expected $want" >&2; exit 1; }
    times[$w]+="$(echo "$(date +%s.%N) - $start" | bc) "
  done
done
kind=$([[ $new == 1 ]] && echo "plans of $n new memberships" || echo "refresh plans of $n memberships")
echo "$kind, $runs alternating runs each ($(date -u +%F), $(nproc) cores)"
for w in a/ws b/ws a/floor; do
  case $w in
    a/ws) label="A ${bins[0]}" ;;
    b/ws) label="B ${bins[1]}" ;;
    *) label="floor (terraform_data)" ;;
  esac
  printf '%s\n  median %.2f s: %s\n' "$label" \
    "$(tr ' ' '\n' <<<"${times[$w]}" | sed '/^$/d' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" "${times[$w]}"
done
for x in a b; do
  python3 - "$work/$x/stats.jsonl" "${x^^}" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
plans = sum(1 for l in lines if "PlanResourceChange" in l["rpcs"])
busy = {}
for l in lines:
    for k, v in l["rpcs"].items():
        b = busy.setdefault(k, [0, 0.0])
        b[0] += v["count"]
        b[1] += v["busy_s"]
cpu = sum(l["cpu_s"] for l in lines) / plans
total = sum(v[1] for v in busy.values()) / plans
per = ", ".join(f"{k} {v[1] / v[0] * 1e6:.1f}" for k, v in sorted(busy.items()) if v[0] >= plans * 100)
print(f"{sys.argv[2]}: provider CPU {cpu:.3f} s per plan, {total * 1e3:.1f} ms of it in RPC handlers; busy µs per call: {per}")
PY
done
rm -rf "$work"
