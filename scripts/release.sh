#!/usr/bin/env bash
# Builds the Terraform Registry release artifacts for this machine's platform (linux_amd64):
#
#   DIR/terraform-provider-zoom_X.Y.Z_linux_amd64.zip   one file, terraform-provider-zoom_vX.Y.Z (0755)
#   DIR/terraform-provider-zoom_X.Y.Z_manifest.json     {"version": 1, "metadata": {"protocol_versions": ["6.0"]}}
#   DIR/terraform-provider-zoom_X.Y.Z_SHA256SUMS        sha256sum lines for every zip of X.Y.Z in DIR and the manifest
#
# X.Y.Z is the package version in Cargo.toml. Zips are deterministic (fixed timestamp
# and attributes), so two runs on the same binary give the same checksums.
# Needs only bash, cargo, python3 (zipfile) and coreutils (sha256sum).
#
# Usage:
#   scripts/release.sh [--out DIR] --sums-only
#       build and zip nothing: write the manifest and SHA256SUMS over the zips of this
#       version already in DIR (zips gathered from other machines, as the release workflow
#       does); fails when DIR holds none.
#   scripts/release.sh [--out DIR]
#       build the static linux_amd64 binary (see below), then package it into DIR
#       (default: dist/).
#   scripts/release.sh [--out DIR] --platform OS_ARCH --binary PATH
#       package a binary built elsewhere (e.g. darwin_arm64 from a Mac, windows_amd64 .exe)
#       without building; SHA256SUMS is rewritten to cover every zip of this version in DIR.
#
# The linux_amd64 binary is linked statically against glibc (no dynamic loader, no shared
# library: it runs on Alpine/musl images, distroless and scratch as well as on any glibc):
#   RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --target x86_64-unknown-linux-gnu
# The explicit --target keeps build scripts and proc-macros dynamic, and puts the binary in
# target/x86_64-unknown-linux-gnu/release/, apart from the everyday builds.
#
# Signing SHA256SUMS (terraform-provider-zoom_X.Y.Z_SHA256SUMS.sig) is done by the maintainer
# with their GPG key, or by .github/workflows/release.yml; see dev-docs/releasing.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

out="$root/dist"
platform=""
binary=""
sums_only=""
# The comment block above, however long it grows.
usage() { sed -n '2,/^set -euo pipefail/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    --out=*) out="${1#--out=}"; shift ;;
    --platform) platform="${2:?--platform needs OS_ARCH}"; shift 2 ;;
    --platform=*) platform="${1#--platform=}"; shift ;;
    --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
    --binary=*) binary="${1#--binary=}"; shift ;;
    --sums-only) sums_only=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "release.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
if { [ -n "$platform" ] && [ -z "$binary" ]; } || { [ -z "$platform" ] && [ -n "$binary" ]; }; then
  echo "release.sh: --platform and --binary go together" >&2
  exit 2
fi
if [ -n "$sums_only" ] && [ -n "$binary" ]; then
  echo "release.sh: --sums-only packages nothing; it can't take --platform or --binary" >&2
  exit 2
fi

name="terraform-provider-zoom"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "release.sh: Cargo.toml version '$version' is not X.Y.Z" >&2
  exit 1
fi

manifest="${name}_${version}_manifest.json"
sums="${name}_${version}_SHA256SUMS"

# The manifest, then SHA256SUMS over every zip of this version in $out (other platforms
# packaged with --binary or gathered from elsewhere, too) and the manifest, in name order;
# two spaces between hash and name, as sha256sum writes them.
write_manifest_and_sums() {
  (
    cd "$out"
    shopt -s nullglob
    zips=("${name}_${version}"_*.zip)
    if [ ${#zips[@]} -eq 0 ]; then
      echo "release.sh: no ${name}_${version}_*.zip in $out" >&2
      exit 1
    fi
    cat > "$manifest" <<'JSON'
{
  "version": 1,
  "metadata": {
    "protocol_versions": ["6.0"]
  }
}
JSON
    LC_ALL=C sha256sum "${zips[@]}" "$manifest" | LC_ALL=C sort -k 2 > "$sums.tmp"
    mv "$sums.tmp" "$sums"
  )
  echo "==> $out/$manifest"
  echo "==> $out/$sums"
  sed 's/^/    /' "$out/$sums"
}

if [ -n "$sums_only" ]; then
  mkdir -p "$out"
  out="$(cd "$out" && pwd)"
  write_manifest_and_sums
  exit 0
fi

if [ -z "$binary" ]; then
  platform="linux_amd64"
  if [ "$(uname -s)/$(uname -m)" != "Linux/x86_64" ]; then
    echo "release.sh: without --binary this builds linux_amd64 and must run on Linux x86_64" >&2
    exit 1
  fi
  triple="x86_64-unknown-linux-gnu"
  echo "==> static build: cargo build --release --target $triple --bin $name ($version)"
  RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }-C target-feature=+crt-static" \
    "${CARGO:-cargo}" build --release --target "$triple" --bin "$name"
  target_dir="${CARGO_TARGET_DIR:-$root/target}"
  binary="$target_dir/$triple/release/$name"
  # Refuse to package a binary that needs a dynamic loader or a shared library.
  if command -v readelf >/dev/null 2>&1; then
    if readelf -lW "$binary" | grep -q 'INTERP' || readelf -dW "$binary" | grep -q '(NEEDED)'; then
      echo "release.sh: $binary is not static:" >&2
      readelf -lW "$binary" | grep -A1 INTERP >&2 || true
      readelf -dW "$binary" | grep NEEDED >&2 || true
      exit 1
    fi
  fi
fi
if [ ! -f "$binary" ]; then
  echo "release.sh: no binary at $binary" >&2
  exit 1
fi
case "$platform" in
  windows_*) member="${name}_v${version}.exe" ;;
  *_*) member="${name}_v${version}" ;;
  *) echo "release.sh: --platform is OS_ARCH, e.g. darwin_arm64" >&2; exit 2 ;;
esac

mkdir -p "$out"
out="$(cd "$out" && pwd)"
zip="${name}_${version}_${platform}.zip"

echo "==> $out/$zip"
python3 - "$binary" "$member" "$out/$zip" <<'PY'
import os, sys, zipfile
binary, member, dest = sys.argv[1:4]
info = zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0))
info.create_system = 3                      # Unix, so the mode bits below count
info.external_attr = (0o100755 & 0xFFFF) << 16  # regular file, rwxr-xr-x
info.compress_type = zipfile.ZIP_DEFLATED
with open(binary, "rb") as f:
    data = f.read()
tmp = dest + ".tmp"
with zipfile.ZipFile(tmp, "w") as z:
    z.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
os.replace(tmp, dest)
PY

write_manifest_and_sums
echo "Sign it with your key: gpg --detach-sign $out/$sums  (see dev-docs/releasing.md)"
