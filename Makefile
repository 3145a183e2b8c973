# relance — see README.md.
GO        ?= go
PKGS      ?= ./...
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
REVISION  ?= $(shell git rev-parse --short HEAD 2>/dev/null)
LDFLAGS   := -s -w -X main.version=$(VERSION) -X main.revision=$(REVISION)
TESTFLAGS ?=

.PHONY: all build demo test test-deps vet fmt lint bench eval train image clean

all: build

build: ## build ./relance (static)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o relance ./cmd/relance

demo: ## run the daemon on its embedded mailbox with a sample month
	$(GO) run ./cmd/relance demo

test: test-deps ## install what tests need (when missing and possible), run every test with -race, then fuzz each target for 10 s
	$(GO) vet $(PKGS)
	@unformatted=$$(gofmt -l cmd internal); if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) test -race -timeout 20m $(TESTFLAGS) $(PKGS)
	$(GO) test -timeout 20m -count=1 -run 'TestEval|TestShipped' ./internal/classify/corpus
	FUZZTIME=$${SHORT_FUZZTIME:-10s} sh scripts/fuzz-short.sh

test-deps: ## install Dovecot (and other test servers) when missing
	@sh scripts/test-deps.sh

vet:
	$(GO) vet $(PKGS)

fmt:
	gofmt -w cmd internal

lint: vet
	@test -z "$$(gofmt -l cmd internal)" || (gofmt -l cmd internal; exit 1)

bench: test-deps ## run the benchmarks and write BENCHMARKS.md
	sh scripts/bench.sh

eval: ## the reply model's figures, writer by writer (each writer read by a model trained on the others)
	$(GO) run ./cmd/relance-model eval

train: ## retrain the reply model on the corpus (deterministic) and write internal/classify/model/weights.bin.gz
	$(GO) run ./cmd/relance-model train

image: ## build the container image (needs a Docker engine)
	docker build -t relance:$(VERSION) --build-arg VERSION=$(VERSION) --build-arg REVISION=$(REVISION) .

clean:
	rm -f relance

.PHONY: soak
soak: test-deps ## crash soak, outages, hostile input, security, then each fuzz target for FUZZTIME (default 10m); writes SOAK.md
	FUZZTIME=$${FUZZTIME:-10m} sh scripts/soak.sh
