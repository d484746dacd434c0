#!/usr/bin/env bash
# Fuzzes a live node's API with Schemathesis (every check) over HTTPS, first as an anonymous caller,
# then with an editor token: no server error, no answer outside the OpenAPI description, valid
# requests accepted and invalid ones refused. Installs Schemathesis from PyPI in .build/fuzz-venv.
#
#   bash Scripts/fuzz-api.sh [path/to/tandem] [examples per operation, default 50]
#   SEED=123 bash Scripts/fuzz-api.sh     # another seed (the default one keeps CI repeatable)
set -euo pipefail
cd "$(dirname "$0")/.."
tandem="${1:-$(swift build --show-bin-path)/tandem}"
examples="${2:-50}"
venv=.build/fuzz-venv
if [ ! -x "$venv/bin/st" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check schemathesis
fi

dir="$(mktemp -d)"
port="${PORT:-18600}"
"$tandem" serve --data-dir "$dir" --port "$port" >"$dir/serve.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do
    curl -sf --cacert "$dir/cert.pem" "https://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.2
done
token="$("$tandem" token create --name fuzz --data-dir "$dir")"

status=0
for caller in anonymous editor; do
    headers=()
    [ "$caller" = editor ] && headers=(-H "Authorization: Bearer $token")
    echo "== schemathesis as $caller (seed ${SEED:-20261121}, $examples examples per operation)"
    SCHEMATHESIS_HOOKS=tandem_hooks PYTHONPATH=Scripts/schemathesis \
        "$venv/bin/st" --config-file Scripts/schemathesis/schemathesis.toml run "https://127.0.0.1:$port/openapi.json" \
        --tls-verify "$dir/cert.pem" "${headers[@]}" --checks all --max-examples "$examples" --workers 2 \
        --seed "${SEED:-20261121}" --no-color >"$dir/$caller.txt" 2>&1 || status=1
    grep -E "^(=====|  [0-9]+ generated|  ❌|  🚫)" "$dir/$caller.txt" || true
    if [ "$status" != 0 ]; then
        sed -n '/^=* FAILURES\|^=* ERRORS/,/^=* SUMMARY/p' "$dir/$caller.txt" | cut -c1-400 | head -150
        break
    fi
done
if grep -q "unexpected error" "$dir/serve.log"; then
    echo "the node logged unexpected errors:"; grep "unexpected error" "$dir/serve.log" | head -20
    status=1
fi
exit "$status"
