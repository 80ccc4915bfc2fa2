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
# side by side into OUT/usr/lib64. The other shared libraries the programs need (OpenSSL, zstd,
# lz4, readline, Kerberos, LDAP...) are written to OUT/runtime-packages.txt as package names for
# the runtime stage to install with its own package manager.
#
# Usage: extract-pg-clients.sh OUT [FIRST=15] [LAST=30]     (run in an amazonlinux:2023 container)
set -euo pipefail

out=${1:?usage: extract-pg-clients.sh OUT [FIRST] [LAST]}
first=${2:-15}
last=${3:-30}
programs=(pg_dump pg_dumpall pg_restore psql)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Output is captured before grep so that grep -q closing the pipe early cannot fail dnf (pipefail).
available() {
  local names
  names=$(dnf -q repoquery --available --qf '%{name}' "$1" 2>/dev/null || true)
  grep -qx "$1" <<< "$names"
}

# Downloaded RPMs are checked against the distribution's signing keys, as dnf install would.
rpm --import /etc/pki/rpm-gpg/RPM-GPG-KEY-amazon-linux-2023

mkdir -p "$out/opt" "$out/usr/lib64"
: > "$work/requires"
majors=()
for major in $(seq "$first" "$last"); do
  available "postgresql$major" || continue
  pkgs=("postgresql$major")
  if available "postgresql$major-private-libs"; then pkgs+=("postgresql$major-private-libs"); fi

  dir="$work/$major"
  mkdir -p "$dir"
  dnf -q download --destdir "$dir" "${pkgs[@]}"
  rpm --checksig "$dir"/*.rpm
  (cd "$dir" && for rpm in *.rpm; do rpm2cpio "$rpm" | cpio -idm --quiet; done)

  mkdir -p "$out/opt/pg$major/bin"
  for program in "${programs[@]}"; do
    install -m 0755 "$dir/usr/bin/$program" "$out/opt/pg$major/bin/$program"
  done
  find "$dir/usr/lib64" -maxdepth 1 -name 'libpq.so.private*' -exec cp -a {} "$out/usr/lib64/" \; 2>/dev/null || true

  rpm -qp --requires "$dir"/*.rpm >> "$work/requires"
  majors+=("$major")
done

# The Java code supports these three at least; a build that finds fewer is broken, not smaller.
for required in 15 16 17; do
  [[ " ${majors[*]} " == *" $required "* ]] || { echo "postgresql$required not found in the AL2023 repositories" >&2; exit 1; }
done

# Shared-library capabilities such as libzstd.so.1()(64bit), minus the private libpq copied above,
# resolved to the package names that provide them.
grep -E '^lib[^ ]*\.so' "$work/requires" | grep -v '^libpq\.so\.private' | sed 's/ .*//' | sort -u > "$work/capabilities"
: > "$work/packages"
while read -r capability; do
  dnf -q repoquery --available --qf '%{name}' --whatprovides "$capability" | sed -n 1p >> "$work/packages"
done < "$work/capabilities"
sort -u "$work/packages" | grep -v '^postgresql' > "$out/runtime-packages.txt"

printf '%s\n' "${majors[@]}" > "$out/pg-majors.txt"
echo "PostgreSQL client majors: ${majors[*]}; runtime packages: $(tr '\n' ' ' < "$out/runtime-packages.txt")"
