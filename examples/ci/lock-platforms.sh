# Once, wherever you have the GitHub CLI, in the directory of the configuration: get each
# platform's release zip into a packed filesystem mirror, and record all their checksums
# in .terraform.lock.hcl. Commit the lock file; CI's `terraform init -lockfile=readonly`
# then refuses a provider whose checksum isn't in it.
version="0.1.0"
mirror="$PWD/.mirror/registry.terraform.io/zoom-community/zoom"
mkdir -p "$mirror"
for platform in linux_amd64 darwin_arm64 darwin_amd64; do
  gh release download "v$version" --repo zoom-community/terraform-provider-zoom \
    --dir "$mirror" --pattern "terraform-provider-zoom_${version}_${platform}.zip"
done
terraform providers lock -fs-mirror="$PWD/.mirror" \
  -platform=linux_amd64 -platform=darwin_arm64 -platform=darwin_amd64
rm -rf "$PWD/.mirror"
