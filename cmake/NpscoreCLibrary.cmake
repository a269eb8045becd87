# How libnpscore_c is made self-contained and versioned (included by
# capi/CMakeLists.txt). The policy is written in docs/c-conventions.md,
# "Versions of the library".

# npscore_c_abi_version(<major> <minor>)
# Sets, in the caller's scope:
#   NPSCORE_C_SOVERSION     "0.<minor>" before 1.0, then "<major>": the SONAME is
#                           libnpscore_c.so.<NPSCORE_C_SOVERSION>.
#   NPSCORE_C_VERSION_NODE  "NPSCORE_<major>.<minor>": the version node of the
#                           symbols of this release.
function(npscore_c_abi_version major minor)
  if(major EQUAL 0)
    set(NPSCORE_C_SOVERSION "${major}.${minor}" PARENT_SCOPE)
  else()
    # Before 1.0 every minor release is incompatible, so one node per release,
    # holding every symbol, is right. From 1.0 on, the symbols of 1.0 keep
    # NPSCORE_1.0 for ever and each later minor release adds a node of its own
    # naming only the symbols it adds: the map can no longer be derived from
    # the version alone.
    message(FATAL_ERROR "npscore ${major}.${minor}: from 1.0 on, capi/npscore_c.map.in must "
                        "list one version node per minor release (docs/c-conventions.md, "
                        "\"Versions of the library\"); write those nodes, then update "
                        "cmake/NpscoreCLibrary.cmake.")
  endif()
  set(NPSCORE_C_VERSION_NODE "NPSCORE_${major}.${minor}" PARENT_SCOPE)
endfunction()

# Where the position-independent static archives of Abseil are:
# scripts/build-absl-pic.sh builds them (Debian's own libabsl_*.a are not PIC).
if(DEFINED ENV{NPSCORE_ABSL_PIC_DIR})
  set(_npscore_absl_pic_default "$ENV{NPSCORE_ABSL_PIC_DIR}")
elseif(DEFINED ENV{XDG_CACHE_HOME})
  set(_npscore_absl_pic_default "$ENV{XDG_CACHE_HOME}/npscore/absl-pic/lib")
elseif(DEFINED ENV{HOME})
  set(_npscore_absl_pic_default "$ENV{HOME}/.cache/npscore/absl-pic/lib")
else()
  set(_npscore_absl_pic_default "/tmp/.cache/npscore/absl-pic/lib")
endif()
set(NPSCORE_ABSL_PIC_DIR "${_npscore_absl_pic_default}" CACHE PATH
    "Position-independent static Abseil archives for libnpscore_c (scripts/build-absl-pic.sh)")

# npscore_c_link_core_statically(<target> <core>)
# Links the shared library <target> with the static library <core> and the
# static PIC archives (NPSCORE_ABSL_PIC_DIR) of every Abseil library <core>
# depends on, instead of Abseil's shared libraries: the C library then needs
# nothing of Abseil at run time, and its version script keeps all of it
# hidden. <core> is not linked as a target (that would bring Abseil's shared
# libraries along); its compile usage requirements are copied instead. Other
# dependencies (Threads, -latomic) are linked as <core> declares them. The
# Abseil closure is read from the targets, so a new absl:: dependency of the
# core needs no change here. Without the archives, <target> links <core> as
# usual (Abseil shared) and a warning says so.
function(npscore_c_link_core_statically target core)
  set(_archives "")
  set(_missing "")
  set(_others "")
  set(_seen "")
  get_target_property(_queue ${core} INTERFACE_LINK_LIBRARIES)
  if(NOT _queue)
    set(_queue "")
  endif()
  while(_queue)
    list(POP_FRONT _queue _item)
    # A static library lists its private dependencies as $<LINK_ONLY:...>.
    while(_item MATCHES "^\\$<(LINK_ONLY|BUILD_INTERFACE):(.*)>$")
      set(_item "${CMAKE_MATCH_2}")
    endwhile()
    if(_item IN_LIST _seen)
      continue()
    endif()
    list(APPEND _seen "${_item}")
    if(NOT (TARGET "${_item}" AND _item MATCHES "^absl::"))
      list(APPEND _others "${_item}")
      continue()
    endif()
    get_target_property(_type ${_item} TYPE)
    if(NOT _type STREQUAL "INTERFACE_LIBRARY")  # header-only ones have no archive
      string(REGEX REPLACE "^absl::" "libabsl_" _name "${_item}")
      if(EXISTS "${NPSCORE_ABSL_PIC_DIR}/${_name}.a")
        list(APPEND _archives "${NPSCORE_ABSL_PIC_DIR}/${_name}.a")
      else()
        list(APPEND _missing "${_name}.a")
      endif()
    endif()
    get_target_property(_deps ${_item} INTERFACE_LINK_LIBRARIES)
    if(_deps)
      list(APPEND _queue ${_deps})
    endif()
  endwhile()

  if(_missing)
    message(WARNING "libnpscore_c: no position-independent Abseil archives in "
                    "NPSCORE_ABSL_PIC_DIR=${NPSCORE_ABSL_PIC_DIR} (missing: ${_missing}); "
                    "`bash scripts/build-absl-pic.sh` builds them. Until then libnpscore_c "
                    "links Abseil's shared libraries and is not self-contained.")
    target_link_libraries(${target} PRIVATE ${core})
    return()
  endif()
  foreach(_prop INCLUDE_DIRECTORIES COMPILE_DEFINITIONS COMPILE_OPTIONS)
    set_property(TARGET ${target} APPEND PROPERTY ${_prop}
                 "$<TARGET_PROPERTY:${core},INTERFACE_${_prop}>")
  endforeach()
  add_dependencies(${target} ${core})
  # One group: Abseil's archives depend on one another in both directions.
  target_link_libraries(${target} PRIVATE
    "$<TARGET_FILE:${core}>" "-Wl,--start-group" ${_archives} "-Wl,--end-group" ${_others})
endfunction()

# npscore_c_pkg_config_dirs()
# Sets NPSCORE_PC_PREFIX, NPSCORE_PC_LIBDIR and NPSCORE_PC_INCLUDEDIR for
# cmake/npscore_c.pc.in: the prefix is found from the .pc file's own place
# (${pcfiledir}), so the file stays right after `cmake --install --prefix`
# elsewhere or a move of the whole prefix; absolute install dirs stay as given.
function(npscore_c_pkg_config_dirs)
  set(_pcdir "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
  if(IS_ABSOLUTE "${_pcdir}")
    set(NPSCORE_PC_PREFIX "${CMAKE_INSTALL_PREFIX}" PARENT_SCOPE)
  else()
    file(RELATIVE_PATH _up "/prefix/${_pcdir}" "/prefix")
    string(REGEX REPLACE "/$" "" _up "${_up}")
    set(NPSCORE_PC_PREFIX "\${pcfiledir}/${_up}" PARENT_SCOPE)
  endif()
  foreach(_kind LIBDIR INCLUDEDIR)
    if(IS_ABSOLUTE "${CMAKE_INSTALL_${_kind}}")
      set(NPSCORE_PC_${_kind} "${CMAKE_INSTALL_${_kind}}" PARENT_SCOPE)
    else()
      set(NPSCORE_PC_${_kind} "\${prefix}/${CMAKE_INSTALL_${_kind}}" PARENT_SCOPE)
    endif()
  endforeach()
endfunction()
