#!/usr/bin/env bash
# Extracts the PostgreSQL client programs of every major version that the Amazon Linux 2023
# repositories offer, from FIRST up to LAST, into OUT/opt/pg<major>/bin, one directory per major.
#
# Why extract instead of `dnf install`: AL2023's postgresql15, postgresql16, postgresql17, ...
# packages all install /usr/bin/pg_dump, /usr/bin/psql, ... and conflict with each other, so only
# one major can be installed at a time. The binaries come from the distribution's own RPMs
# (downloaded and unpacked at image build time); nothing prebuilt is kept in the repository.
#
# Each major's programs link against its own private libpq (libpq.so.private<major>-5 from
# postgresql<major>-private-libs). Those file names carry the major version, so they are copied
# side by side into OUT/usr/lib64; a private libpq that a program requires and the package does
# not hold fails the build here, naming the file.
#
# The other shared libraries the programs need (OpenSSL, zstd, lz4, readline, Kerberos, LDAP...)
# are not installed here: the runtime stage installs only those its base image lacks
# (docker/install-runtime-libs.sh). For it, OUT/soname-packages.txt maps each soname the RPMs
# require to the packages that provide it, "-minimal" variants first: AL2023 ships libcurl-minimal
# and gnupg2-minimal by default, and the Lambda base image's microdnf cannot swap a -minimal
# package for its full variant (amazonlinux/amazon-linux-2023 issue 595).
#
# Only commands of bash, coreutils, grep, rpm (rpm, rpm2cpio), cpio and dnf with
# dnf-plugins-core (dnf download, dnf repoquery): the Dockerfile's pg stage installs cpio and
# dnf-plugins-core; `find` is not used, since findutils is not in the amazonlinux:2023 container
# image (amazonlinux/amazon-linux-2023 issue 355).
#
# Usage: extract-pg-clients.sh OUT [FIRST=15] [LAST=30]     (run in an amazonlinux:2023 container)
set -euo pipefail
shopt -s nullglob

out=${1:?usage: extract-pg-clients.sh OUT [FIRST] [LAST]}
first=${2:-15}
last=${3:-30}
programs=(pg_dump pg_dumpall pg_restore psql)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "extract-pg-clients: $*" >&2
  exit 1
}

# Whether the enabled repositories offer a package of exactly this name. repoquery exits 0 with
# no output when nothing matches, and non-zero only when dnf itself fails (no metadata, no
# network): that must stop the build rather than read as "not offered". The function is called
# in a condition, where set -e does not apply, so the failure is checked here.
available() {
  local names
  if ! names=$(dnf -q repoquery --available --qf '%{name}' "$1"); then
    fail "dnf repoquery failed while looking for $1"
  fi
  [[ $'\n'"$names"$'\n' == *$'\n'"$1"$'\n'* ]]
}

# Copies the private libpq files a major's programs require, failing on any that is missing.
copy_private_libpq() {
  local major=$1 dir=$2 requires=$3 capabilities capability file
  # grep exits 1 when a major needs no private libpq: tested, not hidden.
  if ! grep -q '^libpq\.so\.private' "$requires"; then
    return 0
  fi
  capabilities=$(grep -o '^libpq\.so\.private[^ ]*' "$requires" | sort -u)
  while read -r capability; do
    file=${capability%%(*}
    [[ -e "$dir/usr/lib64/$file" ]] \
      || fail "$file not found in postgresql$major-private-libs (required by postgresql$major)"
    # The file and the links beside it (libpq.so.private17-5 and libpq.so.private17-5.*).
    cp -a "$dir/usr/lib64/${file%%-*}"* "$out/usr/lib64/"
  done <<< "$capabilities"
}

extract_major() {
  local major=$1 dir="$work/$1" rpm program
  local pkgs=("postgresql$major")
  if available "postgresql$major-private-libs"; then pkgs+=("postgresql$major-private-libs"); fi

  mkdir -p "$dir"
  dnf -q download --destdir "$dir" "${pkgs[@]}"
  rpm --checksig "$dir"/*.rpm
  for rpm in "$dir"/*.rpm; do
    (cd "$dir" && rpm2cpio "$rpm" | cpio -idm --quiet)
  done

  mkdir -p "$out/opt/pg$major/bin"
  for program in "${programs[@]}"; do
    [[ -x "$dir/usr/bin/$program" ]] || fail "$program not found in postgresql$major"
    install -m 0755 "$dir/usr/bin/$program" "$out/opt/pg$major/bin/$program"
  done

  rpm -qp --requires "$dir"/*.rpm > "$dir.requires"
  copy_private_libpq "$major" "$dir" "$dir.requires"
  cat "$dir.requires" >> "$work/requires"
}

# Writes "soname package..." for every shared library the RPMs require (other than the private
# libpq copied above), providers ending in -minimal first.
write_soname_packages() {
  local capability soname providers name minimal rest
  grep -o '^lib[^ (]*\.so[^ (]*' "$work/requires" | grep -v '^libpq\.so\.private' | sort -u \
    > "$work/sonames"
  : > "$out/soname-packages.txt"
  while read -r soname; do
    capability="$soname()(64bit)"
    providers=$(dnf -q repoquery --available --qf '%{name}' --whatprovides "$capability" | sort -u)
    minimal=()
    rest=()
    for name in $providers; do
      case $name in
        postgresql*) ;;
        *-minimal) minimal+=("$name") ;;
        *) rest+=("$name") ;;
      esac
    done
    ((${#minimal[@]} + ${#rest[@]} > 0)) \
      || fail "no package in the AL2023 repositories provides $capability"
    echo "$soname ${minimal[*]} ${rest[*]}" >> "$out/soname-packages.txt"
  done < "$work/sonames"
}

# Downloaded RPMs are checked against the distribution's signing keys, as dnf install would.
rpm --import /etc/pki/rpm-gpg/RPM-GPG-KEY-amazon-linux-2023

mkdir -p "$out/opt" "$out/usr/lib64"
: > "$work/requires"
majors=()
for major in $(seq "$first" "$last"); do
  if available "postgresql$major"; then
    extract_major "$major"
    majors+=("$major")
  fi
done

# The Java code supports these three at least; a build that finds fewer is broken, not smaller.
for required in 15 16 17; do
  [[ " ${majors[*]} " == *" $required "* ]] \
    || fail "postgresql$required not found in the AL2023 repositories"
done

write_soname_packages
printf '%s\n' "${majors[@]}" > "$out/pg-majors.txt"
echo "PostgreSQL client majors: ${majors[*]}"
