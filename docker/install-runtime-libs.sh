#!/usr/bin/env bash
# Runs in the runtime stage (public.ecr.aws/lambda/java:21, Amazon Linux 2023 minimal), after the
# client programs were copied to /opt/pg*/bin and their private libpq to /usr/lib64. Installs the
# packages of the shared libraries the programs need and the base image lacks, nothing else, then
# proves every program starts.
#
# Which libraries are missing is asked of the dynamic loader itself: LD_TRACE_LOADED_OBJECTS=1
# makes it list a program's libraries ("libzstd.so.1 => not found" for a missing one) without
# running the program. That is what glibc's ldd script does, without needing ldd (whose package
# the base image's documentation does not list). A library the base image already has (libcurl.so.4
# from libcurl-minimal, say) is found and left alone, so no package is installed that would
# conflict with one the image carries: microdnf cannot swap packages.
#
# For each missing soname, SONAME_PACKAGES (written by extract-pg-clients.sh with the full dnf of
# the pg stage) names its providers, -minimal variants first; the first is installed with the
# image's package manager (`dnf` is microdnf there: AWS Lambda Developer Guide, "Deploy Java
# Lambda functions with container images"). Commands used: bash builtins, dnf, and the programs.
#
# Usage: install-runtime-libs.sh SONAME_PACKAGES
set -euo pipefail
shopt -s nullglob

table=${1:?usage: install-runtime-libs.sh SONAME_PACKAGES}
programs=(/opt/pg*/bin/*)

fail() {
  echo "install-runtime-libs: $*" >&2
  exit 1
}

((${#programs[@]} > 0)) || fail "no client programs under /opt/pg*/bin"

# Prints "soname program" for every library a program needs that the loader cannot find.
missing_libraries() {
  local program listing soname arrow rest
  for program in "${programs[@]}"; do
    listing=$(LD_TRACE_LOADED_OBJECTS=1 "$program")
    while read -r soname arrow rest; do
      if [[ $arrow == "=>" && $rest == "not found" ]]; then
        echo "$soname $program"
      fi
    done <<< "$listing"
  done
}

# The first provider the table lists for a soname.
package_for() {
  local soname first
  while read -r soname first _; do
    if [[ $soname == "$1" ]]; then
      echo "$first"
      return
    fi
  done < "$table"
  fail "$1 (needed by $2) is not a library the client RPMs declare; no package is known for it"
}

# Captured before the loop, so that a program the loader cannot trace stops the build (set -e
# does not see failures inside a process substitution).
missing=$(missing_libraries)
declare -A packages=()
while read -r soname program; do
  if [[ -n $soname ]]; then
    package=$(package_for "$soname" "$program")
    packages[$package]=1
  fi
done <<< "$missing"

if ((${#packages[@]} > 0)); then
  echo "Installing for the PostgreSQL clients: ${!packages[*]}"
  dnf install -y "${!packages[@]}"
  dnf clean all
else
  echo "The base image has every library the PostgreSQL clients need."
fi

still_missing=$(missing_libraries)
[[ -z $still_missing ]] || fail "libraries still missing after the install: $still_missing"

# Fail the build, not the first backup, if a client cannot start.
for program in /opt/pg*/bin/pg_dump /opt/pg*/bin/psql; do
  "$program" --version
done
