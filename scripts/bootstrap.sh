# Sourced by scripts/run and scripts/test: a virtualenv with the pinned requirements,
# and the Debian libraries WeasyPrint wants. Idempotent: a second run only compares hashes.
# Usage: source scripts/bootstrap.sh REQUIREMENTS_FILE [DEBIAN_PACKAGE ...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
VENV=.venv

_requirements=$1
shift

# A package counts as present when dpkg has it, or when a command of its name is already on
# PATH: Node.js from NodeSource, say, brings its own npm, and Debian's npm package conflicts
# with it ("held broken packages").
_missing_debs=()
for _pkg in "$@"; do
  command -v "$_pkg" >/dev/null 2>&1 && continue
  dpkg-query -W -f='${Status}' "$_pkg" 2>/dev/null | grep -q "install ok installed" || _missing_debs+=("$_pkg")
done
if [ ${#_missing_debs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian packages: ${_missing_debs[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${_missing_debs[@]}" >/dev/null
  else
    echo "Missing system packages: ${_missing_debs[*]}"
    echo "Install them with: sudo apt-get install ${_missing_debs[*]}"
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "Creating virtualenv in $VENV"
  "$PYTHON" -m venv "$VENV"
fi
_stamp="$VENV/.installed-$(basename "$_requirements")"
_hash=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$_stamp" ] || [ "$(cat "$_stamp")" != "$_hash" ]; then
  echo "Installing Python requirements from $_requirements"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$_requirements"
  echo "$_hash" > "$_stamp"
fi
export PATH="$PWD/$VENV/bin:$PATH"
