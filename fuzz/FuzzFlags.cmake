# Compile flags for the fuzz build (SWEEP_BUILD_FUZZ=ON; -O1 as libFuzzer
# recommends, also quicker to build), applied to every
# target of that build: libFuzzer coverage instrumentation plus ASan and UBSan.
# Only the fuzz targets link the libFuzzer runtime (fuzz/CMakeLists.txt).
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "SWEEP_BUILD_FUZZ needs clang (libFuzzer): configure with "
                      "-DCMAKE_CXX_COMPILER=clang++ in a separate build folder (scripts/fuzz.sh does)")
endif()
if(SWEEP_BUILD_TESTS OR SWEEP_BUILD_BENCH)
  message(STATUS "SWEEP_BUILD_FUZZ: tests and benchmarks are not part of the fuzz build")
  set(SWEEP_BUILD_TESTS OFF)
  set(SWEEP_BUILD_BENCH OFF)
endif()
set(SWEEP_FUZZ_SANITIZERS address,undefined)
add_compile_options(-fsanitize=fuzzer-no-link,${SWEEP_FUZZ_SANITIZERS}
                    -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1)
