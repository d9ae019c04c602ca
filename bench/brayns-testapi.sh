#!/usr/bin/env bash
# Runs Brayns 3.10.1's own python/testapi/core suite, unchanged, against the built-in server
# (`render-recipes serve --api 3.10.1`) and prints the pass count and the median pixel difference
# to the suite's reference images. Usage: bench/brayns-testapi.sh <path to a BlueBrain/Brayns checkout at 3.10.1> [report.json]
# Needs Debian's python3 (override with PYTHON=...) with websockets, Pillow and numpy (Debian: python3-websockets python3-pil python3-numpy).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
project="$(dirname "$here")"
brayns="${1:-}"
if [[ -z "$brayns" || ! -d "$brayns/python/testapi/core" ]]; then
  echo "brayns-testapi: skipped (give the path of a Brayns 3.10.1 checkout: bench/brayns-testapi.sh <checkout>)"
  exit 0
fi
report="${2:-}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# brayns.Service starts "<executable> --uri host:port --max-clients N --log-level L [--plugin P ...]":
# the launcher maps the options the built-in server has and drops the plugin and log options.
cat > "$scratch/braynsService" <<LAUNCH
#!/usr/bin/env bash
host=127.0.0.1; port=5000; clients=2
while [[ \$# -gt 0 ]]; do
  case "\$1" in
    --uri) host="\${2%:*}"; port="\${2##*:}"; shift 2 ;;
    --max-clients) clients="\$2"; shift 2 ;;
    *) shift ;;
  esac
done
[[ "\$host" == localhost ]] && host=127.0.0.1
exec node "$project/bin/render-recipes.js" serve --api 3.10.1 --image-encoder brayns --host "\$host" --port "\$port" --max-clients "\$clients"
LAUNCH
chmod +x "$scratch/braynsService"
cd "$brayns/python"
BRAYNS_TEST_EXECUTABLE="$scratch/braynsService" PYTHONPATH="$brayns/python" \
  "${PYTHON:-/usr/bin/python3}" "$here/brayns-testapi-runner.py" "$brayns/python/testapi/core" ${report:+"$report"}
