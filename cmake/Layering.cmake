# Layering, enforced by include roots (see docs/ARCHITECTURE.md).
#
# Each layer sees only the headers it may use. Targets get include roots that
# contain links to exactly the allowed module folders, so a forbidden include
# such as `#include "io/udp_socket.h"` inside src/transport fails to compile.
#   base                      -> base
#   core (wire crypto transport endpoint) -> base + core
#   io                        -> base + io
#   netsim (link emulation)   -> base + netsim
#   h3 (HTTP/3, QPACK)        -> base + core + h3
#   runtime, apps, tests      -> everything (src/)
# Direction inside the core (wire must not include transport, ...) and the
# absence of clocks/sockets in the core are checked by scripts/check-layering,
# which also runs as a test.
set(TQUIC_INC_ROOT ${CMAKE_BINARY_DIR}/include-roots)

function(tquic_include_root layer)
  set(root ${TQUIC_INC_ROOT}/${layer})
  file(MAKE_DIRECTORY ${root})
  foreach(mod IN LISTS ARGN)
    if(NOT EXISTS ${root}/${mod})
      file(CREATE_LINK ${CMAKE_SOURCE_DIR}/src/${mod} ${root}/${mod} SYMBOLIC)
    endif()
  endforeach()
  set(TQUIC_INC_${layer} ${root} PARENT_SCOPE)
endfunction()

tquic_include_root(base base)
tquic_include_root(core wire crypto transport endpoint)
tquic_include_root(io io)
tquic_include_root(netsim netsim)
tquic_include_root(h3 h3)
set(TQUIC_INC_all ${CMAKE_SOURCE_DIR}/src)

# tquic_module(<name> LAYER <base|core|io|all> [DEPS targets...])
# Builds every .cc below src/<name>/ into the static library tquic_<name>.
function(tquic_module name)
  cmake_parse_arguments(M "" "LAYER" "DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${name}/*.cc)
  set(tgt tquic_${name})
  if(srcs)
    add_library(${tgt} STATIC ${srcs})
    target_include_directories(${tgt} PUBLIC ${TQUIC_INC_${M_LAYER}})
    target_compile_options(${tgt} PRIVATE ${TQUIC_WARNINGS})
    target_link_libraries(${tgt} PUBLIC ${M_DEPS})
  else()
    add_library(${tgt} INTERFACE)
    target_include_directories(${tgt} INTERFACE ${TQUIC_INC_${M_LAYER}})
    target_link_libraries(${tgt} INTERFACE ${M_DEPS})
  endif()
endfunction()
