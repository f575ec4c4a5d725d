# In a checkout of terraform-provider-zoom, with Rust installed: build the provider.
make build

# Put it where Terraform's filesystem mirror expects it:
# <mirror>/registry.terraform.io/zoom-community/zoom/<version>/<os>_<arch>/
version="0.1.0"
platform="$(uname -s | tr '[:upper:]' '[:lower:]')_$(uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')"
dir="$HOME/.terraform.d/zoom-mirror/registry.terraform.io/zoom-community/zoom/$version/$platform"
mkdir -p "$dir"
cp target/release/terraform-provider-zoom "$dir/terraform-provider-zoom_v$version"
echo "installed for $platform in $dir"
