# The same plan in HashiCorp's image, which runs Terraform on Alpine Linux. The provider's
# linux_amd64 release binary is static, so it runs there as it is. Mount the
# configuration, the packed mirror (as the workflow makes it) and a CLI configuration that
# names the mirror by its path inside the container.
cat > docker.tfrc <<'RC'
provider_installation {
  filesystem_mirror {
    path    = "/mirror"
    include = ["registry.terraform.io/zoom-community/zoom"]
  }
  direct {
    exclude = ["registry.terraform.io/zoom-community/zoom"]
  }
}
RC
tf() {
  docker run --rm -v "$PWD/zoom:/work" -w /work \
    -v "$PWD/.mirror:/mirror:ro" -v "$PWD/docker.tfrc:/docker.tfrc:ro" \
    -e TF_CLI_CONFIG_FILE=/docker.tfrc -e TF_IN_AUTOMATION=1 -e TF_INPUT=0 \
    -e ZOOM_ACCOUNT_ID -e ZOOM_CLIENT_ID -e ZOOM_CLIENT_SECRET \
    hashicorp/terraform:1.15.5 "$@"
}
tf init -lockfile=readonly
tf plan -detailed-exitcode
