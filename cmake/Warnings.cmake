# Compiler warnings for every tquic target (not for dependencies).
set(TQUIC_WARNINGS -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wcast-align
    -Wunused -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)
if(TQUIC_WERROR)
  list(APPEND TQUIC_WARNINGS -Werror)
endif()

# Tests build gtest macros and containers at -O3, where GCC 12's
# -Wnull-dereference reports false positives; the library code keeps it.
set(TQUIC_TEST_WARNINGS ${TQUIC_WARNINGS})
list(REMOVE_ITEM TQUIC_TEST_WARNINGS -Wnull-dereference)
list(APPEND TQUIC_TEST_WARNINGS -Wno-array-bounds -Wno-stringop-overflow -Wno-stringop-overread -Wno-restrict)
