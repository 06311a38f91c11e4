# ASan + UBSan build (TQUIC_SANITIZE) and libFuzzer instrumentation (TQUIC_FUZZ).
if(TQUIC_SANITIZE)
  set(TQUIC_POOLS_AS_HEAP ON CACHE BOOL "" FORCE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined)
endif()
if(TQUIC_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "TQUIC_FUZZ needs clang: configure with CC=clang CXX=clang++")
  endif()
  add_compile_definitions(TQUIC_FUZZING_BUILD=1)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
                      -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
if(TQUIC_POOLS_AS_HEAP)
  add_compile_definitions(TQUIC_POOLS_AS_HEAP=1)
endif()
