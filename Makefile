# Thin wrapper over CMake: the commands a new user and CI run.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

ASAN_BUILD ?= build-asan

.PHONY: deps build test test-asan demo bench format clean

deps:
	bash scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 900

# The test suite again, built with AddressSanitizer + UndefinedBehaviorSanitizer (gcc, -O1 with
# debug info; benchmarks off). Its own build folder, so it never disturbs $(BUILD).
$(ASAN_BUILD)/build.ninja:
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
	  -DGLASSY_SANITIZE=ON -DGLASSY_BUILD_BENCH=OFF $(CMAKE_FLAGS)

test-asan: deps $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 900

demo: build
	$(BUILD)/bin/glassy demo --out demo-out

bench: build
	bash bench/run.sh $(BUILD)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) demo-out
