# weeknotes: the two commands are `make serve` (preview this repository's own
# site) and `make test` (every check CI runs). Tools the tests need are
# installed into .cache on first use; nothing is fetched but Go modules,
# Debian's chromium and npm packages, and the npm package axe-core.

GO      ?= go
TOOLS   := $(CURDIR)/.cache/bin
export PATH := $(TOOLS):$(PATH)

VERSITYGW   := $(TOOLS)/versitygw
STATICCHECK := $(TOOLS)/staticcheck
ACTIONLINT  := $(TOOLS)/actionlint
CORPUS      := $(CURDIR)/.cache/gencorpus
BENCH_POSTS ?= 5000
BENCH_LARGE ?= 20000

.PHONY: all build serve test lint unit tools chromium axe cc bench corpus clean jekyll-expected

all: build

build:
	$(GO) build -o bin/weeknotes ./cmd/weeknotes

# Preview this repository's own sample site at http://localhost:4000.
# The binary is built first, saying so, since the first build compiles the
# cloud SDKs for minutes; then make hands over to it (exec), so that Ctrl-C
# reaches weeknotes, which stops cleanly with status 0 and make reports no
# error.
serve:
	@echo "Compiling weeknotes into bin/weeknotes (the first time takes a few minutes: it includes the S3, GCS and Azure SDKs)..."
	@$(GO) build -o bin/weeknotes ./cmd/weeknotes
	@exec bin/weeknotes serve --source .

# Every check: formatting, vet, staticcheck, the race-enabled tests
# (including S3 publishing against a local versitygw server and an
# end-to-end test in headless Chromium), and a build of the sample site.
test: tools lint unit
	$(GO) run ./cmd/weeknotes build --source . --dest $(CURDIR)/.cache/site --strict

lint: $(STATICCHECK) $(ACTIONLINT)
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) mod tidy -diff
	$(GO) vet ./...
	$(STATICCHECK) ./...
	$(ACTIONLINT) .github/workflows/*.yml internal/scaffold/files/weeknotes.yml

unit:
	CI=$${CI:-true} $(GO) test -race -count=1 -timeout 20m ./...

tools: $(VERSITYGW) $(STATICCHECK) $(ACTIONLINT) chromium axe cc

$(VERSITYGW):
	GOBIN=$(TOOLS) $(GO) install github.com/versity/versitygw/cmd/versitygw@v1.8.0

$(STATICCHECK):
	GOBIN=$(TOOLS) $(GO) install honnef.co/go/tools/cmd/staticcheck@v0.8.2

# Checks the workflows: this repository's and the one weeknotes init writes.
$(ACTIONLINT):
	GOBIN=$(TOOLS) $(GO) install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12

# Debian's chromium drives the end-to-end preview test.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# axe-core audits the default theme's pages in Chromium (a11y_test.go).
AXE := $(CURDIR)/.cache/npm/node_modules/axe-core/axe.min.js

axe: $(AXE)

$(AXE):
	@command -v npm >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq npm >/dev/null; }
	npm install --silent --no-audit --no-fund --prefix $(CURDIR)/.cache/npm axe-core@4.14.1

# go test -race needs cgo, and so a C compiler.
cc:
	@command -v gcc >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq gcc libc6-dev >/dev/null; }

# The differential suite against Jekyll: rewrite testdata/jekyll/*/expected.json
# by running Debian's jekyll (4.3, `jekyll build --safe`) on every case's site,
# and internal/markdown/kramdown/testdata/cases/*.kramdown.html, kramdown's own
# HTML for each construct of the kramdown extension.
# The files are committed, so `make test` needs no Ruby.
jekyll-expected:
	$(GO) test ./internal/jekylldiff -run TestJekyllCases -count=1 -args -jekyll
	sh internal/markdown/kramdown/testdata/kramdown.sh

# Benchmarks on a generated corpus of $(BENCH_POSTS) posts (internal/corpus);
# ./cmd/weeknotes runs the binary for each case of `weeknotes build` (cold,
# first, no-change, one edit, one new post, one new episode), a cold build of $(BENCH_LARGE)
# posts and `weeknotes serve` to its first page, with each one's CPU time and
# peak memory.
# Full builds are few and long; save-to-reload latency needs enough samples
# for its median and 90th percentile to mean something. The build
# benchmarks write to memory (/dev/shm) where there is one: on a virtual
# disk, creating 17,000 files and folders costs from under a second to over ten
# seconds, depending on what the disk did in the minutes before, which would drown
# what the benchmark is for. Set BENCH_TMP= to measure the disk too.
BENCH_TMP ?= $(shell test -d /dev/shm && echo /dev/shm)

bench: corpus $(VERSITYGW)
	TMPDIR=$(or $(BENCH_TMP),$${TMPDIR:-/tmp}) WEEKNOTES_CORPUS=$(CORPUS)/$(BENCH_POSTS) $(GO) test -run '^$$' -bench . -benchmem -benchtime 5x ./internal/site
	WEEKNOTES_CORPUS=$(CORPUS)/$(BENCH_POSTS) $(GO) test -run '^$$' -bench Tokenise -benchmem -benchtime 3x ./internal/highlight
	$(GO) test -run '^$$' -bench SaveToReload -benchmem -benchtime 30x ./internal/server
	$(GO) test -run '^$$' -bench NoChangePublish -benchmem -benchtime 3x ./internal/publish
	TMPDIR=$(or $(BENCH_TMP),$${TMPDIR:-/tmp}) WEEKNOTES_CORPUS=$(CORPUS)/$(BENCH_POSTS) WEEKNOTES_CORPUS_LARGE=$(CORPUS)/$(BENCH_LARGE) $(GO) test -run '^$$' -bench . -benchtime 3x ./cmd/weeknotes

corpus: $(CORPUS)/$(BENCH_POSTS)/content/posts $(CORPUS)/$(BENCH_LARGE)/content/posts

$(CORPUS)/%/content/posts:
	rm -rf $(CORPUS)/$*.tmp && mkdir -p $(CORPUS)
	$(GO) run ./internal/cmd/gencorpus --posts $* --seed 1 --out $(CORPUS)/$*.tmp
	rm -rf $(CORPUS)/$* && mv $(CORPUS)/$*.tmp $(CORPUS)/$*

clean:
	rm -rf bin site .cache/site
