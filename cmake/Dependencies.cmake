# Every dependency comes from a Debian package (see docs/DEPENDENCIES.md and
# scripts/setup). Nothing is downloaded or vendored.
find_package(PkgConfig REQUIRED)
pkg_check_modules(GNUTLS REQUIRED IMPORTED_TARGET gnutls>=3.7.2)
find_package(OpenSSL 3.0 REQUIRED COMPONENTS Crypto)
find_package(Threads REQUIRED)
pkg_check_modules(URING IMPORTED_TARGET liburing>=2.3)
find_package(nlohmann_json 3.10 REQUIRED)  # tquic perf --json, and the tests
find_package(CLI11 2.1 REQUIRED)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
if(TQUIC_BUILD_TESTS OR TQUIC_FUZZ)
  find_package(GTest REQUIRED)
endif()
if(TQUIC_BUILD_BENCH AND NOT TQUIC_FUZZ)
  find_package(benchmark REQUIRED)
endif()
