# Developer entry points, thin over Maven and scripts/. Every target finds JDK 25 itself through
# scripts/lib.sh, so no JAVA_HOME set-up is needed. 'make' alone lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

IMAGE ?= pot-nats:latest
# Extra arguments for test/run/lint, e.g. make test ARGS='-pl pot-nats-config -am'.
ARGS ?=

# Each recipe line is its own shell: source the JDK finder in the same line as mvn.
MVN := . scripts/lib.sh && pot_nats_find_jdk && mvn -B -ntp

# docker when its daemon answers, else podman with the repo's containers.conf (docker/standin/).
ENGINE := $(shell docker info >/dev/null 2>&1 && echo docker || echo podman)
export CONTAINERS_CONF ?= $(CURDIR)/docker/standin/containers.conf
# The stand-in image's name for image-standin and image-test, unless IMAGE is given.
STANDIN_IMAGE := $(if $(filter command line environment,$(origin IMAGE)),$(IMAGE),localhost/pot-nats:standin)

.PHONY: help build test lint fmt clean run docker-build image image-standin image-test coverage mutation mutation-full

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 22
	@echo "  (IMAGE=$(IMAGE) for docker-build; ARGS='...' passes Maven or CLI arguments to test, lint and run)"

build: ## build every module and pot-nats.jar, no tests (mvn -DskipTests package)
	$(MVN) -DskipTests package $(ARGS)

test: ## every test, unit and integration against the real nats-server (scripts/test.sh)
	scripts/test.sh $(ARGS)

lint: ## format check + Error Prone over a clean compile, no tests; fails on any finding
	scripts/check-suppressions.sh
	$(MVN) -Plint -DskipTests -Dlibrary.jars.skip=true clean verify $(ARGS)

# The BOM has no parent, so the spotless prefix does not resolve there: leave it out.
fmt: ## format all Java sources (mvn spotless:apply)
	$(MVN) spotless:apply -pl '!pot-nats-bom'

clean: ## delete every target/ directory (mvn clean)
	$(MVN) clean

run: ## build pot-nats.jar and run it on the shipped default config (scripts/run.sh)
	scripts/run.sh $(ARGS)

coverage: ## print the per-module line coverage of the last test run (scripts/coverage-summary.sh)
	scripts/coverage-summary.sh

# Modules whose pom sets <mutation.skip>false</mutation.skip>, comma-separated for -pl; CI's set leaves
# out those that also set <mutation.ci>false</mutation.ci> (their mutants need the slow tests).
MUTATION_MODULES = $(shell grep -l '<mutation.skip>false</mutation.skip>' */pom.xml | xargs -n 1 dirname | paste -sd, -)
MUTATION_CI_MODULES = $(shell grep -L '<mutation.ci>false</mutation.ci>' $$(grep -l '<mutation.skip>false</mutation.skip>' */pom.xml) | xargs -n 1 dirname | paste -sd, -)

mutation: ## mutation testing (PIT) of the modules that opt in, without their slow tests (CI), then one score line per module
	$(MVN) -Pmutation -Dlibrary.jars.skip=true -pl $(MUTATION_CI_MODULES) -am verify $(ARGS)
	scripts/mutation-summary.sh

# The same with the tests each module lists in mutation.slowTests (nats-server, child JVMs) and the classes
# in mutation.slowClasses (config's lexer and parser), and the modules CI leaves out: too slow for CI.
mutation-full: ## mutation testing with every test, those that start nats-server too (not in CI), then the scores
	$(MVN) -Pmutation -Dlibrary.jars.skip=true -Dmutation.slowTests= -Dmutation.slowClasses= -pl $(MUTATION_MODULES) -am verify $(ARGS)
	scripts/mutation-summary.sh

docker-build: ## build the container image (docker, else podman: build -f docker/Dockerfile -t IMAGE .)
	$(ENGINE) build -f docker/Dockerfile $(if $(filter podman,$(ENGINE)),--ignorefile docker/Dockerfile.dockerignore) -t $(IMAGE) .

image-standin: ## build the image on local stand-in bases with podman (no registry needed), tag IMAGE
	scripts/image.sh build $(STANDIN_IMAGE)

image-test: ## build the stand-in image and run the container scenarios against it (podman)
	scripts/image.sh test $(STANDIN_IMAGE) $(ARGS)

image: docker-build ## same as docker-build
