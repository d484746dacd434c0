#!/usr/bin/env bash
# Load test on loopback: a Paris node under concurrent readers and editors while `tandem sync`
# pulls a large feed from a Mexico City node into the same SQLite file, for a fixed number of
# requests. Fails on any 5xx, on "database is locked" anywhere (answers, sync output, logs), on a
# failed sync, or when an acknowledged write is missing afterwards.
#
#   bash Scripts/load-test.sh [path/to/tandem] [reads, default 4000] [writes, default 800] [partner records, default 3000]
#   (.ci/run runs a smoke: 600 reads, 120 writes, 500 partner records)
set -euo pipefail
cd "$(dirname "$0")/.."
tandem="${1:-$(swift build --show-bin-path)/tandem}"
reads="${2:-4000}"
writes="${3:-800}"
partner_records="${4:-3000}"
dir="$(mktemp -d)"
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; rm -rf "$dir"' EXIT

# Mexico City starts with many records for Paris to pull while it is under load.
python3 - "$dir/mexico-city.jsonl" "$partner_records" <<'PY'
import json, sys, uuid
with open(sys.argv[1], "w") as out:
    for i in range(int(sys.argv[2])):
        out.write(json.dumps({"type": "CaseStudy", "id": str(uuid.uuid4()), "visibility": "public", "content": {
            "title": f"Caso de la ciudad {i}", "summary": "Un caso para la prueba de carga.", "language": "es", "status": "idea"}}) + "\n")
PY
port_base="${PORT:-18700}"
declare -A ports=([paris]=$port_base [mexico-city]=$((port_base + 1)))
entries=""
for slug in paris mexico-city; do
    {
        printf 'node:\n  slug: %s\n  city: %s\n  country: FR\nhttp:\n  port: %s\ndata:\n  dir: %s/%s\n' "$slug" "$slug" "${ports[$slug]}" "$dir" "$slug"
        printf 'federation:\n  directory: cohort.yaml\nsync:\n  interval: 0\n  pageSize: 200\n'
        [ "$slug" = mexico-city ] && printf 'samples:\n  file: %s/mexico-city.jsonl\n' "$dir"
    } >"$dir/$slug.yaml"
    entries+="$("$tandem" keys entry --config "$dir/$slug.yaml")"$'\n'
done
printf 'cohort: load-test\nmembers:\n%s' "$entries" >"$dir/cohort.yaml"
for slug in paris mexico-city; do
    "$tandem" serve --config "$dir/$slug.yaml" >"$dir/$slug.log" 2>&1 &
    pids+=($!)
done
for slug in paris mexico-city; do
    for _ in $(seq 1 300); do
        curl -sf --cacert "$dir/$slug/cert.pem" "https://127.0.0.1:${ports[$slug]}/healthz" >/dev/null 2>&1 && break
        sleep 0.2
    done
done
paris_token="$("$tandem" token create --name load --config "$dir/paris.yaml")"
mexico_token="$("$tandem" token create --name load --config "$dir/mexico-city.yaml")"

status=0
python3 Scripts/load_test.py --tandem "$tandem" --dir "$dir" --paris "${ports[paris]}" --mexico "${ports[mexico-city]}" \
    --paris-token "$paris_token" --mexico-token "$mexico_token" --reads "$reads" --writes "$writes" || status=1
held="$(curl -sf --cacert "$dir/paris/cert.pem" -H "Authorization: Bearer $paris_token" "https://127.0.0.1:${ports[paris]}/api/v1/nodes" \
    | python3 -c 'import json,sys; print(", ".join("%s: %s records, lag %s" % (n["slug"], n["records"], n["lag"]) for n in json.load(sys.stdin)["items"]))')"
echo "  paris holds: $held"
for slug in paris mexico-city; do
    if grep -Ei "database is locked|unexpected error" "$dir/$slug.log"; then
        echo "the $slug node logged the lines above"
        status=1
    fi
done
exit "$status"
