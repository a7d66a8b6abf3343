# dataopsgen — see README.md. Every target works from a clean clone.
GO ?= go
# Unit, golden and CLI tests: everything but the real-stack end-to-end suite.
UNIT_PKGS = $(shell $(GO) list ./... | grep -v '/e2e')

.PHONY: all build test unit e2e e2e-deps render examples lint fuzz bench bench-go clean

all: build

build:
	$(GO) build -buildvcs=auto -o bin/dataopsgen ./cmd/dataopsgen

# The test command of the README and of .ci/run: unit + golden + CLI
# scripts, then the real-stack end-to-end suite.
test: unit e2e

# -timeout: the rule-test runner's equivalence tests take minutes on a
# loaded 2-core machine (go test's default is 10m per package).
unit:
	$(GO) test -count=1 -timeout 30m $(UNIT_PKGS)

# The real deployment path (e2e/README.md): Prometheus built from our Go
# module; Alertmanager, kube-apiserver, kubectl, the prometheus-operator,
# kube-state-metrics and helm from tools/<name>/go.mod; Debian's etcd. Also
# the chart render tests (e2e/render).
e2e: e2e-deps
	$(GO) test -count=1 -timeout 45m ./e2e/...

# The chart render tests alone (part of e2e): helm built from tools/helm
# renders the pinned charts (e2e/testdata/charts) with every example's values.
render:
	$(GO) test -count=1 ./e2e/render/ ./e2e/harness/

# Installs Debian's etcd (package etcd-server) when it is missing; fails
# loudly if it cannot (never skips).
e2e-deps:
	@if [ ! -x /usr/bin/etcd ]; then \
		echo "installing Debian's etcd-server (needs root)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends etcd-server >/dev/null; \
	fi
	@test -x /usr/bin/etcd || { echo "etcd (Debian's etcd-server) is required for make e2e" >&2; exit 1; }

# Rebuild the committed overlay of the example (out/).
examples:
	$(GO) run ./cmd/dataopsgen build examples/dataops -o out

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

# Fuzz every parser and writer of ours for a while, one target after the
# other (FUZZTIME=5m make fuzz; FUZZ=FuzzLoad make fuzz for one). A
# failing input is saved under the package's testdata/fuzz and then runs
# as a seed in make unit.
FUZZTIME ?= 1m
FUZZ ?=
FUZZ_TARGETS = \
	./internal/load:FuzzLoad \
	./internal/model:FuzzPartsAreWhole \
	./internal/model:FuzzMemoIsEvaluating \
	./internal/build:FuzzBuild \
	./internal/yamlenc:FuzzMarshalMatchesSigsYAML \
	./generators/ruletests:FuzzBatchIsExpand \
	./internal/checks:FuzzLogQLRegexes \
	./internal/sloimport:FuzzSloth \
	./internal/sloimport:FuzzOpenSLO \
	./internal/testcache:FuzzRuleFilesHint \
	./internal/build:FuzzDecodeUnit
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		if [ -n "$(FUZZ)" ] && [ "$$name" != "$(FUZZ)" ]; then continue; fi; \
		echo "fuzz $$name ($$pkg) for $(FUZZTIME)"; \
		$(GO) test $$pkg -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) || exit 1; \
	done

# Build wall time, peak RSS, output size for 10 … 5,000 synthetic workloads
# (BENCH_SIZES="10 100" make bench for a quick look), and vet of the example.
bench:
	bash scripts/bench.sh

# Per-stage Go benchmarks.
bench-go:
	DATAOPSGEN_BENCH_SIZES=10,100,1000 $(GO) test -run '^$$' -bench . -benchtime 1x -benchmem ./internal/build/ ./internal/checks/ ./internal/model/

clean:
	rm -rf bin
