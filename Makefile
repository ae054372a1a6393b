# SPDX-License-Identifier: MIT
# Front door: `make demo` installs what is missing, builds, and runs the
# main job on the bundled Niger example; `make test` builds and runs every
# test, once plainly and once under ASan+UBSan, the threaded simulation under
# TSan, plus a short fuzzing pass, and installs into a temporary prefix to
# build examples/c/ with pkg-config. `make install PREFIX=...` installs the
# library, its headers, drawdown.pc, the command and its manual page.

BUILD     ?= build
BUILD_SAN ?= build-san
BUILD_FUZZ ?= build-fuzz
BUILD_TSAN ?= build-tsan
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
WERROR    ?= $(if $(CI),ON,ON)
FUZZ_SECONDS ?= 10
EXAMPLE   ?= examples/niger-2024/scenario.yaml
PREFIX    ?= /usr/local

.PHONY: all deps build demo test test-plain test-san test-tsan test-install fuzz install clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDD_WERROR=$(WERROR)

build: deps $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	./$(BUILD)/drawdown check $(EXAMPLE)
	./$(BUILD)/drawdown plan $(EXAMPLE) -o $(BUILD)/niger-plan.json
	@# a week of execution (illustrative events): where it stands, the new plan
	@# the log signs what is added: the demo's own key, kept in the build folder
	rm -f $(BUILD)/niger-week1.log
	test -s $(BUILD)/demo-keys || DRAWDOWN_KEYS=$(BUILD)/demo-keys ./$(BUILD)/drawdown keys new demo
	DRAWDOWN_KEYS=$(BUILD)/demo-keys ./$(BUILD)/drawdown track start $(BUILD)/niger-week1.log $(EXAMPLE)
	DRAWDOWN_KEYS=$(BUILD)/demo-keys ./$(BUILD)/drawdown track add $(BUILD)/niger-week1.log examples/niger-2024/events-week1.csv
	./$(BUILD)/drawdown status $(BUILD)/niger-week1.log --at 2024-06-12T12:00Z -o $(BUILD)/niger-week1-plan.json
	./$(BUILD)/drawdown track verify $(BUILD)/niger-week1.log

test-plain: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-san: deps
	cmake -S . -B $(BUILD_SAN) -DCMAKE_BUILD_TYPE=Debug -DDD_WERROR=$(WERROR) -DDD_SANITIZE=ON
	cmake --build $(BUILD_SAN) -j $(JOBS)
	cd $(BUILD_SAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j $(JOBS)

# the threaded code (simulation workers, the server) under ThreadSanitizer
test-tsan: deps
	cmake -S . -B $(BUILD_TSAN) -DCMAKE_BUILD_TYPE=Debug -DDD_WERROR=$(WERROR) -DDD_TSAN=ON
	cmake --build $(BUILD_TSAN) -j $(JOBS) --target test_sim test_serve test_serve_hostile drawdown_cli
	cd $(BUILD_TSAN) && TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure -R '^test_(sim|serve|serve_hostile)$$'

fuzz: deps
	CC=clang cmake -S . -B $(BUILD_FUZZ) -DCMAKE_BUILD_TYPE=Debug -DDD_WERROR=$(WERROR) -DDD_FUZZ=ON
	cmake --build $(BUILD_FUZZ) -j $(JOBS)
	scripts/run-fuzz $(BUILD_FUZZ) $(FUZZ_SECONDS)

# the library as a user gets it: installed, found by pkg-config, linked
test-install: build
	scripts/test-install $(BUILD)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

test: test-plain test-san test-tsan fuzz test-install

clean:
	rm -rf $(BUILD) $(BUILD_SAN) $(BUILD_TSAN) $(BUILD_FUZZ)
