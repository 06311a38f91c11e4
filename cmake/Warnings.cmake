# Compiler warnings for every tquic target (not for dependencies).
set(TQUIC_WARNINGS -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wcast-align
    -Wunused -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)
if(TQUIC_WERROR)
  list(APPEND TQUIC_WARNINGS -Werror)
endif()
