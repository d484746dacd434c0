#!/usr/bin/env bash
# HTTP benchmark: a release `tandem serve` holding N records against nginx serving, over HTTPS on
# 127.0.0.1, a static file with the same bytes as one record's response. wrk runs with the same
# threads, connections and duration against GET one record, a list page, a search, the nginx
# file, the routes that relate records (one record with its translation attached, its
# translations, its adaptation tree, a page with facets), and the pages people open (the home page
# and a record's page), in one run; the script prints
# requests/s and p99 for each, each ratio to nginx, and each beside GET one record.
#
# Usage: Scripts/bench-http.sh [N records, default 20000] [duration, default 10s]
#        BENCH_KEEP=/tmp/bench-1m Scripts/bench-http.sh 1000000   (keeps what it made in that folder)
set -euo pipefail
cd "$(dirname "$0")/.."

records="${1:-20000}"
duration="${2:-10s}"
threads=2
connections=32
tandem_port=18543
nginx_port=18544
datasette_port=18545

missing=()
for tool in wrk nginx curl; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if ((${#missing[@]})); then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi

swift build -c release --product tandem
swift build -c release --product tandem-bench
bin="$(swift build -c release --show-bin-path)"

# BENCH_KEEP=folder keeps the node, its corpus and Datasette's copy there afterwards, to look
# into (a million records take minutes to make again).
work="${BENCH_KEEP:-$(mktemp -d)}"
mkdir -p "$work"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    [[ -f "$work/nginx.pid" ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    [[ -n "${BENCH_KEEP:-}" ]] || rm -rf "$work"
}
trap cleanup EXIT

echo "== $records signed records into a node"
# The records are the node's own: signed with its key (made here first), as import's trust rules require.
mkdir -m 700 "$work/node"
"$bin/tandem" keys generate --out "$work/node/node.pem" >/dev/null
"$bin/tandem-bench" --records "$records" --write-corpus "$work/corpus.jsonl" --corpus-key "$work/node/node.pem" --corpus-origin paris
"$bin/tandem" import "$work/corpus.jsonl" --data-dir "$work/node"
LOG_LEVEL=error "$bin/tandem" serve --data-dir "$work/node" --port "$tandem_port" >"$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
    curl -sf --cacert "$work/node/cert.pem" "https://127.0.0.1:$tandem_port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done

id="$(sed -n 2p "$work/corpus.jsonl" | sed -E 's/.*"id":"([0-9a-f-]+)".*/\1/')"
record="/api/v1/cases/paris/$id"
mkdir -p "$work/www"
curl -sf --cacert "$work/node/cert.pem" "https://127.0.0.1:$tandem_port$record" >"$work/www/record.json"
echo "one record: $(wc -c <"$work/www/record.json") bytes"
chmod 755 "$work" "$work/www" && chmod 644 "$work/www/record.json"  # nginx workers run as an unprivileged user

cat >"$work/nginx.conf" <<EOF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    default_type application/json;
    client_body_temp_path $work/tmp;
    proxy_temp_path $work/tmp;
    fastcgi_temp_path $work/tmp;
    uwsgi_temp_path $work/tmp;
    scgi_temp_path $work/tmp;
    server {
        listen 127.0.0.1:$nginx_port ssl;
        ssl_certificate $work/node/cert.pem;
        ssl_certificate_key $work/node/cert-key.pem;
        root $work/www;
        location / { try_files \$uri =404; }
    }
}
EOF
mkdir -p "$work/tmp"
nginx -c "$work/nginx.conf" -p "$work"
curl -sf --cacert "$work/node/cert.pem" "https://127.0.0.1:$nginx_port/record.json" | cmp - "$work/www/record.json"

# Datasette on the same case studies: the public, live ones, their texts and signed documents.
# Its own virtual environment is kept under .build/ between runs.
venv=.build/bench-venv
[[ -x "$venv/bin/datasette" ]] || { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet --disable-pip-version-check datasette==0.65.5; }
"$venv/bin/python" - "$work/node/tandem.sqlite" "$work/datasette.db" <<'PY'
import sqlite3, sys
source, target = sys.argv[1], sys.argv[2]
db = sqlite3.connect(target)
db.execute(f"ATTACH DATABASE 'file:{source}?mode=ro' AS tandem")
db.executescript("""
    CREATE TABLE cases (seq INTEGER PRIMARY KEY, origin TEXT, id TEXT, title TEXT, summary TEXT, body TEXT,
        language TEXT, city TEXT, country TEXT, lab TEXT, status TEXT, document TEXT);
    INSERT INTO cases SELECT seq, origin, id, title, summary, body, language, city, country, lab, status, document
        FROM tandem.record WHERE kind = 'CaseStudy' AND deleted = 0 AND visibility = 'public';
    CREATE VIRTUAL TABLE cases_fts USING fts5(title, summary, body, city, lab, content='cases', content_rowid='seq',
        tokenize='unicode61 remove_diacritics 2');
    INSERT INTO cases_fts(cases_fts) VALUES ('rebuild');
""")
db.commit()
PY
"$venv/bin/datasette" serve --immutable "$work/datasette.db" --host 127.0.0.1 --port "$datasette_port" \
    --ssl-keyfile "$work/node/cert-key.pem" --ssl-certfile "$work/node/cert.pem" \
    --setting suggest_facets off --setting default_page_size 20 >"$work/datasette.log" 2>&1 &
pids+=($!)
seq_of_record="$("$venv/bin/python" -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT seq FROM cases WHERE id = ?', (sys.argv[2],)).fetchone()[0])" "$work/datasette.db" "$id")"
for _ in $(seq 1 100); do
    curl -sf --cacert "$work/node/cert.pem" "https://127.0.0.1:$datasette_port/datasette/cases/$seq_of_record.json" >/dev/null 2>&1 && break
    sleep 0.2
done
curl -sf --cacert "$work/node/cert.pem" "https://127.0.0.1:$datasette_port/datasette/cases.json?_search=participation&_size=20" | grep -q '"rows": *\[\[' \
    || { echo "bench: datasette finds nothing for participation" >&2; exit 1; }

# The related routes measure real work: a translation is attached, the tree has a branch.
curl -sf --cacert "$work/node/cert.pem" "https://127.0.0.1:$tandem_port$record?lang=en" | grep -q '"translation":{' \
    || { echo "bench: no translation attached to $record" >&2; exit 1; }
curl -sf --cacert "$work/node/cert.pem" "https://127.0.0.1:$tandem_port$record/adaptations" | grep -q '"items":\[{' \
    || { echo "bench: $record has no adaptation" >&2; exit 1; }

run() {  # name url → "name requests/s p99_ms"
    local output rps p99
    # One request first: the figures are the steady state, not the first computation of facet
    # counts or of a page kept rendered afterwards (each is done again after a record changes).
    curl -sf --cacert "$work/node/cert.pem" -o /dev/null "$2" || true
    output="$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "$2")"
    rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$output")"
    p99="$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v}' <<<"$output")"
    if grep -q "Non-2xx" <<<"$output"; then echo "$1: wrk saw non-2xx answers" >&2; echo "$output" >&2; exit 1; fi
    echo "$1 $rps $p99"
}

echo "== wrk -t$threads -c$connections -d$duration, each URL in turn"
results=()
results+=("$(run nginx "https://127.0.0.1:$nginx_port/record.json")")
results+=("$(run get_record "https://127.0.0.1:$tandem_port$record")")
results+=("$(run list_page "https://127.0.0.1:$tandem_port/api/v1/cases?limit=20")")
results+=("$(run search "https://127.0.0.1:$tandem_port/api/v1/cases?q=participation")")
# The corpus' second document is translated (into English) by the third and adapted by the fourth.
results+=("$(run record_lang "https://127.0.0.1:$tandem_port$record?lang=en")")
results+=("$(run translations "https://127.0.0.1:$tandem_port$record/translations")")
results+=("$(run adaptations "https://127.0.0.1:$tandem_port$record/adaptations")")
results+=("$(run facets "https://127.0.0.1:$tandem_port/api/v1/cases?facets=status,city,method,policyArea,language")")
results+=("$(run search_facets "https://127.0.0.1:$tandem_port/api/v1/cases?q=participation&facets=status,city,method,policyArea,language")")
# The pages people open: the home page (newest cases with their filter counts) and a record's page.
results+=("$(run home_page "https://127.0.0.1:$tandem_port/")")
results+=("$(run record_page "https://127.0.0.1:$tandem_port${record#/api/v1}")")
# The same record and the same search, 20 a page, on Datasette.
results+=("$(run ds_get_record "https://127.0.0.1:$datasette_port/datasette/cases/$seq_of_record.json")")
results+=("$(run ds_search "https://127.0.0.1:$datasette_port/datasette/cases.json?_search=participation&_size=20")")

printf '%s\n' "${results[@]}" | awk -v records="$records" '
    { name[NR] = $1; rps[$1] = $2; p99[$1] = $3 }
    END {
        printf "%-14s %12s %9s %15s %22s %20s\n", "url", "requests/s", "p99 ms", "ratio to nginx", "requests/s / get_record", "p99 / get_record p99"
        for (i = 1; i <= NR; i++) {
            n = name[i]
            printf "%-14s %12.0f %9.2f %15.2f %22.2f %20.2f\n", n, rps[n], p99[n], rps[n] / rps["nginx"], rps[n] / rps["get_record"], p99[n] / p99["get_record"]
        }
        printf "\nget_record / nginx requests/s: %.2f (target >= 0.45)\n", rps["get_record"] / rps["nginx"]
        printf "list_page / nginx requests/s: %.2f (target >= 0.15)\n", rps["list_page"] / rps["nginx"]
        printf "search / get_record requests/s: %.2f (target >= 0.3)\n", rps["search"] / rps["get_record"]
        printf "search p99 / get_record p99: %.2f (target <= 5)\n", p99["search"] / p99["get_record"]
        printf "tandem / datasette requests/s: get_record %.1f, search %.1f (target >= 20 each)\n", rps["get_record"] / rps["ds_get_record"], rps["search"] / rps["ds_search"]
        printf "home_page p99 / list_page p99: %.2f, record_page p99 / list_page p99: %.2f (target <= 2 each)\n", p99["home_page"] / p99["list_page"], p99["record_page"] / p99["list_page"]
        printf "records held: %d\n", records
    }'
# Facet figures are of counts only when they were counted: name any left out (browse.facetTimeLimit).
for url in "/api/v1/cases?facets=status,city,method,policyArea,language" "/api/v1/cases?q=participation&facets=status,city,method,policyArea,language"; do
    left="$(curl -sf --cacert "$work/node/cert.pem" "https://127.0.0.1:$tandem_port$url" | grep -o '"facetsTimedOut":\[[^]]*\]' || echo 'no answer')"
    [[ "$left" == '"facetsTimedOut":[]' ]] && echo "$url: every facet counted" || echo "$url: not counted in time: $left"
done
echo "peak memory of tandem serve under load: $(awk '/^VmHWM:/ {printf "%.1f MiB", $2 / 1024}' "/proc/${pids[0]}/status") (target <= 300 MiB at 1,000,000 records)"
