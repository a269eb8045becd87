#!/usr/bin/env bash
# Checks the binary interface of libnpscore_c, the C library.
#
# Usage:
#   scripts/abi-check.sh [BUILD_DIR]           compare with the baseline in abi/
#   scripts/abi-check.sh --update [BUILD_DIR]  write the baseline from BUILD_DIR
#   scripts/abi-check.sh --exports LIB         check LIB's dynamic interface only
#   scripts/abi-check.sh --self-test           show that the rule fails on a field appended
#                                              to a result struct, and passes additions
# BUILD_DIR is a configured and built tree (default build/release); it is
# installed into a temporary prefix, and the installed library and headers are
# what is checked.
#
# The dynamic interface (--exports, and before every comparison): the SONAME is
# libnpscore_c.so.0.MINOR before 1.0 and libnpscore_c.so.MAJOR from 1.0 on; every
# exported symbol is an npscore_* function in the default version node
# NPSCORE_MAJOR.MINOR (read from include/npscore/version.h); nothing else is
# exported; no Abseil library is needed.
#
# The ABI rule: compared with the baseline, only additions pass: functions,
# variables, types and enumerators. Everything else fails, harmful or not:
# a field appended to a struct (the caller allocates result structs, so their
# size is part of the ABI), a changed size, offset, type, name or enumerator
# value, a removed or changed function, a changed SONAME or version node.
# The baseline has two parts:
#   abi/libnpscore_c.abi        the library: its exported functions and the
#                               types they reach (abidw of the installed
#                               library, which keeps -g for this);
#   abi/libnpscore_c.types.abi  every type of the public C headers, also those
#                               no function reaches (enums carried in int32_t
#                               fields, structs read through macros): abidw of a
#                               throwaway library compiled from the installed
#                               headers alone.
# abidiff is run twice on each part, because by default it hides the changes
# it deems harmless (e.g. a renamed field) and `--harmless` shows only those;
# each report must consist of additions alone (checked line by line: anything
# unrecognised fails). Exit status: 0 pass, 1 a change, 2 a usage or tool error.
#
# When a change is intended (a new minor release before 1.0), regenerate the
# baseline with --update and commit it with the change.
set -euo pipefail

source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
baseline_dir=$source_dir/abi
parts=(libnpscore_c libnpscore_c.types)

die() { echo "abi-check: $*" >&2; exit 2; }

require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null ||
      die "$tool not found (Debian: abigail-tools, binutils; bash scripts/setup.sh --test)"
  done
}

# The SONAME and version node this source tree must produce.
expected_names() {
  local version_h=$source_dir/include/npscore/version.h
  major=$(sed -n 's/^#define NPSCORE_VERSION_MAJOR \([0-9][0-9]*\).*/\1/p' "$version_h")
  minor=$(sed -n 's/^#define NPSCORE_VERSION_MINOR \([0-9][0-9]*\).*/\1/p' "$version_h")
  [[ -n $major && -n $minor ]] || die "no version in $version_h"
  node="NPSCORE_$major.$minor"
  if ((major == 0)); then soname="libnpscore_c.so.$major.$minor"; else soname="libnpscore_c.so.$major"; fi
}

# check_exports LIB: the dynamic interface described above.
check_exports() {
  local lib=$1 dynamic symbols bad exported
  require_tools readelf
  expected_names
  dynamic=$(readelf -d "$lib")
  local status=0 actual_soname needed
  actual_soname=$(sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p' <<<"$dynamic")
  if [[ $actual_soname != "$soname" ]]; then
    echo "abi-check: $lib has SONAME '$actual_soname', expected $soname" >&2
    status=1
  fi
  needed=$(sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' <<<"$dynamic" | tr '\n' ' ')
  if [[ $needed == *libabsl* ]]; then
    echo "abi-check: $lib needs Abseil's shared libraries: $needed" >&2
    status=1
  fi
  symbols=$(readelf --dyn-syms -W "$lib")
  # Defined symbols: index column ($7) is not UND; name@@node is the default version.
  exported=$(awk -v node="$node" '$1 ~ /^[0-9]+:$/ && $7 != "UND" && $8 ~ ("^npscore_[A-Za-z0-9_]*@@" node "$")' <<<"$symbols" | wc -l)
  bad=$(awk -v node="$node" '$1 ~ /^[0-9]+:$/ && $7 != "UND" &&
          $8 !~ ("^npscore_[A-Za-z0-9_]*@@" node "$") && $8 != node && $8 != (node "@@" node) { print $8 }' <<<"$symbols")
  if [[ -n $bad ]]; then
    echo "abi-check: $lib exports symbols other than npscore_*@@$node:" >&2
    sed 's/^/  /' <<<"$bad" | head -20 >&2
    status=1
  fi
  if ((exported == 0)); then
    echo "abi-check: $lib exports no npscore_*@@$node function" >&2
    status=1
  fi
  ((status == 0)) || return 1
  local imports
  imports=$(awk '$1 ~ /^[0-9]+:$/ && $7 == "UND" && $8 != "" { n = split($8, p, "@"); print (n > 1 ? p[n] : "(unversioned)") }' <<<"$symbols" |
            sed 's/_[0-9.]*$//' | sort | uniq -c | awk '{ printf "%s %s, ", $1, $2 }')
  echo "abi-check: $(basename "$lib"): SONAME $actual_soname, $exported functions npscore_*@@$node" \
       "and nothing else exported; needs ${needed% }; imports ${imports%, }"
}

abidw_opts=(--no-corpus-path --no-comp-dir-path --no-elf-needed --no-show-locs
            --type-id-style hash --drop-private-types)

# abi_dump LIB INCLUDE_ROOT OUTDIR: both parts of the ABI (see above) into
# OUTDIR/libnpscore_c.abi and OUTDIR/libnpscore_c.types.abi.
abi_dump() {
  local lib=$1 include_root=$2 out=$3 header
  # The public headers as installed. (abidw matches --headers-dir by file name,
  # but --header-file by full path: a library compiled from the source tree
  # would then lose the definitions of its structs and compare opaque ones.)
  local header_opts=(--headers-dir "$include_root/npscore")
  mkdir -p "$out"
  abidw "${abidw_opts[@]}" --exported-interfaces-only "${header_opts[@]}" \
        --out-file "$out/libnpscore_c.abi" "$lib" || die "abidw failed on $lib"
  grep -q '<function-decl ' "$out/libnpscore_c.abi" ||
    die "abidw found no function in $lib: was it built without -g?"
  # Every public type: C99, as a C caller sees the headers.
  {
    for header in "$source_dir"/capi/include/npscore/*.h; do
      echo "#include \"npscore/$(basename "$header")\""
    done
    echo 'int npscore_abi_types_anchor(void);'
    echo 'int npscore_abi_types_anchor(void) { return 0; }'
  } > "$out/types.c"
  cc -std=c99 -shared -fPIC -g -fno-eliminate-unused-debug-types -I "$include_root" \
     -o "$out/types.so" "$out/types.c" || die "the public headers do not compile as C99"
  abidw "${abidw_opts[@]}" --load-all-types "${header_opts[@]}" \
        --out-file "$out/libnpscore_c.types.abi" "$out/types.so" ||
    die "abidw failed on the public types"
  grep -q '<enum-decl ' "$out/libnpscore_c.types.abi" || die "abidw found no public enum"
  # Translation units by their path in the project, not on this machine.
  sed -i "s|path='[^']*/\(capi/[^']*\)'|path='\1'|; s|path='[^']*/types\.c'|path='types.c'|" \
    "$out/libnpscore_c.abi" "$out/libnpscore_c.types.abi"
}

# only_additions < REPORT: succeeds when every line of an abidiff report
# describes an addition (or is a summary or context line on the way to one).
only_additions() {
  # Quotes in the report become " first, so the patterns below can name them.
  awk -v q="'" '
    { gsub(q, "\""); sub(/^[ \t]+/, ""); sub(/[ \t]+$/, "") }
    $0 == "" { next }
    /^(Functions|Variables) changes summary: / { next }
    /^(Function|Variable) symbols changes summary: 0 Removed, / { next }
    /^Unreachable types summary: 0 removed, / { next }
    /^[0-9]+ (added|changed) types? unreachable from any public interface:$/ { next }
    /^[0-9]+ Added (function|variable)s?( symbols? not referenced by debug info)?:$/ { next }
    /^\[A\] / { next }
    /^[0-9]+ functions? with some (indirect )?sub-type changes?:$/ { next }
    /^\[C\] "function [^"]*" (at [^ ]+ )?has some (indirect )?sub-type changes:$/ { next }
    /^parameter [0-9]+ of type "[^"]*" has sub-type changes:$/ { next }
    /^return type changed:$/ { next }
    /^(underlying type|in pointed to type|in referenced type) "[^"]*"( at [^ ]+)?( changed)?:$/ { next }
    /^\[C\] "enum [^"]*" changed:$/ { next }
    /^type size hasn"t changed$/ { next }
    /^[0-9]+ enumerator insertions?:$/ { next }
    /^"[A-Za-z0-9_:]+" value "-?[0-9]+"$/ { next }
    # A change already shown above in the same report, where it was judged.
    /^details were reported earlier$/ { next }
    /, as reported earlier$/ { next }
    { bad = 1; exit }
    END { exit bad }'
}

# abi_compare BASEDIR NEWDIR: 0 when each part of NEWDIR differs from the
# same part of BASEDIR by additions only.
abi_compare() {
  local base=$1 new=$2 part pass report rc status=0 flags
  for part in "${parts[@]}"; do
    [[ -f $base/$part.abi ]] || die "no baseline $base/$part.abi (write it with --update)"
    for pass in default harmless; do
      flags=(--no-added-syms --no-show-locs)
      # The types part holds unreachable types too (abidw --load-all-types).
      [[ $part == *.types ]] && flags+=(--non-reachable-types)
      [[ $pass == harmless ]] && flags+=(--harmless)
      rc=0
      report=$(abidiff "${flags[@]}" "$base/$part.abi" "$new/$part.abi" 2>&1) || rc=$?
      if ((rc & 1 || rc > 15)); then
        echo "$report" >&2
        die "abidiff failed on $part.abi (exit $rc)"
      fi
      if ((rc != 0)) && ! only_additions <<<"$report"; then
        echo "abi-check: $part.abi: changes other than additions (abidiff ${flags[*]}, exit $rc):"
        sed 's/^/  /' <<<"$report"
        status=1
      fi
    done
  done
  return $status
}

# The library and headers of BUILD_DIR, installed into $work/prefix.
install_build() {
  local build_dir=$1 libdir
  [[ -f $build_dir/CMakeCache.txt ]] || die "$build_dir is not a configured CMake build tree"
  cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
  libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:[A-Z]*=//p' "$build_dir/CMakeCache.txt")
  lib=$(readlink -f "$work/prefix/${libdir:-lib}/libnpscore_c.so") ||
    die "no libnpscore_c.so installed from $build_dir"
  [[ -f $lib ]] || die "no libnpscore_c.so installed from $build_dir"
}

# A field appended to a result struct must fail; additions must pass; a
# removal must fail. Built from throwaway copies of the public headers, with a
# tiny library whose one function fills the result struct, as the real ones do.
self_test() {
  require_tools abidw abidiff cc g++ perl
  local v struct enum status=0
  for v in base appended added; do
    mkdir -p "$work/$v/include/npscore"
    cp "$source_dir"/capi/include/npscore/*.h "$source_dir/include/npscore/version.h" \
       "$work/$v/include/npscore/"
  done
  local header=include/npscore/c_api.h
  # The first result struct (a struct with a body that is not an options struct).
  struct=$(perl -ne 'if (/^typedef struct (npscore_\w+) \{/ && $1 !~ /_options$|^npscore_error$/) { print $1; exit }' \
                "$work/base/$header")
  # The first enum whose first enumerator has an explicit value: an enumerator
  # with its own value can then be added anywhere without moving the others.
  enum=$(perl -0777 -ne 'while (/typedef enum (npscore_\w+) \{\s*NPSCORE_\w+\s*=/g) { print $1; exit }' \
              "$work/base/$header")
  [[ -n $struct && -n $enum ]] || die "self-test: no result struct or enum found in $header"
  # appended: one field more at the end of the result struct.
  STRUCT=$struct perl -0777 -i -pe \
    's/(typedef struct $ENV{STRUCT} \{.*?\n)(\}\s*$ENV{STRUCT};)/$1  int64_t abi_self_test_appended;\n$2/s' \
    "$work/appended/$header"
  # added: a new enumerator, a new struct and a new function.
  ENUM=$enum perl -0777 -i -pe \
    's/(typedef enum $ENV{ENUM} \{\n)/$1  NPSCORE_ABI_SELF_TEST_ADDED = 12345,\n/s' \
    "$work/added/$header"
  printf '%s\n' '#ifdef __cplusplus' 'extern "C" {' '#endif' \
    'typedef struct npscore_abi_self_test_new { double value; } npscore_abi_self_test_new;' \
    'int npscore_abi_self_test_added(npscore_abi_self_test_new *out);' \
    '#ifdef __cplusplus' '}' '#endif' >> "$work/added/$header"
  cmp -s "$work/base/$header" "$work/appended/$header" && die "self-test: could not append a field to $struct"
  cmp -s "$work/base/$header" "$work/added/$header" && die "self-test: could not add to $header"

  for v in base appended added; do
    {
      echo '#include <string.h>'
      echo '#include "npscore/c_api.h"'
      echo "extern \"C\" __attribute__((visibility(\"default\"))) int npscore_abi_self_test_fill($struct *out) {"
      echo '  memset(out, 0, sizeof *out);'
      echo '  return 0;'
      echo '}'
      if [[ $v == added ]]; then
        echo 'extern "C" __attribute__((visibility("default"))) int npscore_abi_self_test_added(npscore_abi_self_test_new *out) {'
        echo '  out->value = NPSCORE_ABI_SELF_TEST_ADDED;'
        echo '  return 0;'
        echo '}'
      fi
    } > "$work/$v/lib.cc"
    # Compiled from a copy of the headers, dumped with the other, as the real
    # library is (from the source tree, then installed).
    cp -r "$work/$v/include" "$work/$v/source-include"
    g++ -std=c++17 -shared -fPIC -g -fvisibility=hidden \
        -I "$work/$v/source-include" -o "$work/$v/libnpscore_c.so" "$work/$v/lib.cc" ||
      die "self-test: the $v library did not compile"
    abi_dump "$work/$v/libnpscore_c.so" "$work/$v/include" "$work/$v/abi"
  done

  expect() {  # expect pass|fail BASE NEW WHAT [PART...]: PARTs only, else every part
    local want=$1 base=$2 new=$3 what=$4 got=pass
    shift 4
    (($# == 0)) || local parts=("$@")  # abi_compare reads parts
    abi_compare "$work/$base/abi" "$work/$new/abi" > "$work/report" || got=fail
    if [[ $got == "$want" ]]; then
      echo "abi-check self-test: $what: $got, as it must"
    else
      echo "abi-check self-test: $what: $got, but it must $want:" >&2
      cat "$work/report" >&2
      status=1
    fi
  }
  expect pass base base "no change"
  expect fail base appended "a field appended to $struct, in the library" libnpscore_c
  expect fail base appended "a field appended to $struct, in the header types" libnpscore_c.types
  expect pass base added "an enumerator in $enum, a new struct and a new function"
  expect fail added base "a function, a struct and an enumerator removed"
  return $status
}

mode=check
case "${1:-}" in
  --update) mode=update; shift ;;
  --exports) mode=exports; shift ;;
  --self-test) mode=self-test; shift ;;
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  -*) die "unknown option $1 (see --help)" ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/npscore-abi-check.XXXXXX")
trap 'rm -rf "$work"' EXIT

case $mode in
  exports)
    [[ $# -eq 1 && -f $1 ]] || die "usage: $0 --exports LIB"
    check_exports "$1"
    ;;
  self-test)
    [[ $# -eq 0 ]] || die "usage: $0 --self-test"
    self_test
    ;;
  check|update)
    [[ $# -le 1 ]] || die "usage: $0 [--update] [BUILD_DIR]"
    require_tools abidw abidiff readelf
    install_build "${1:-$source_dir/build/release}"
    check_exports "$lib"
    abi_dump "$lib" "$work/prefix/include" "$work/current"
    if [[ $mode == update ]]; then
      mkdir -p "$baseline_dir"
      for part in "${parts[@]}"; do
        cp "$work/current/$part.abi" "$baseline_dir/$part.abi"
        echo "abi-check: wrote $baseline_dir/$part.abi"
      done
      exit 0
    fi
    if abi_compare "$baseline_dir" "$work/current"; then
      echo "abi-check: $(basename "$lib") and its headers match the baseline in $baseline_dir" \
           "(or only add to it)"
    else
      echo "abi-check: the C ABI changed; if intended (a new minor release before 1.0)," \
           "run scripts/abi-check.sh --update and commit abi/" >&2
      exit 1
    fi
    ;;
esac
