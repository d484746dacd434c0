"""Load on a live node: readers, editors and a sync at the same time, for a fixed number of requests.

Run by Scripts/load-test.sh, which starts the nodes. Fails (exit 1) on any 5xx, on "database is
locked" anywhere, on a failed sync run, or when an acknowledged write is not there afterwards.
A `tandem backup` is taken while the editors write; afterwards it is restored into another data
folder, which must pass `tandem check` under a new epoch.
"""
import http.client
import json
import random
import ssl
import subprocess
import sys
import threading
import time
import argparse
from collections import Counter

parser = argparse.ArgumentParser()
parser.add_argument("--tandem", required=True)
parser.add_argument("--paris", required=True, help="port of the node under load")
parser.add_argument("--mexico", required=True, help="port of the partner it syncs from")
parser.add_argument("--dir", required=True, help="the folder with paris.yaml and each node's cert.pem")
parser.add_argument("--paris-token", required=True)
parser.add_argument("--mexico-token", required=True)
parser.add_argument("--reads", type=int, default=4000)
parser.add_argument("--writes", type=int, default=800)
parser.add_argument("--readers", type=int, default=8)
parser.add_argument("--editors", type=int, default=4)
parser.add_argument("--seed", type=int, default=20261121)
args = parser.parse_args()

lock = threading.Lock()
statuses = Counter()
failures = []
locked = []


class Client:
    """One keep-alive HTTPS connection, reopened when the node closes it."""

    def __init__(self, port, cert, token=None):
        self.port, self.token = int(port), token
        self.context = ssl.create_default_context(cafile=cert)
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        if body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body).encode()
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # An idle keep-alive connection the node closed: one retry on a new one. A
                # write is only retried when nothing was answered, so it is never applied twice.
                self.connection.close()
                self.connection = None
                if attempt == 1:
                    raise
        with lock:
            statuses[(method, response.status // 100 * 100)] += 1
            if response.status >= 500:
                failures.append(f"{method} {path} -> {response.status}: {data[:300]}")
            if "locked" in data:
                locked.append(f"{method} {path}: {data[:300]}")
        return response.status, response.getheader("ETag"), data


paris_cert = f"{args.dir}/paris/cert.pem"
mexico_cert = f"{args.dir}/mexico-city/cert.pem"
acknowledged = {}  # id -> (version, deleted), writes on paris
partner_writes = []  # ids written on mexico-city
done = threading.Event()


def reader(count, seed):
    rng = random.Random(seed)
    client = Client(args.paris, paris_cert)
    known = []
    for _ in range(count):
        choice = rng.random()
        if choice < 0.3:
            status, _, body = client.request("GET", "/api/v1/cases?limit=20")
            if status == 200:
                known = [item["document"]["id"] for item in json.loads(body)["items"] if item["document"]["origin"] == "paris"] or known
        elif choice < 0.5:
            client.request("GET", "/api/v1/cases?q=" + rng.choice(["ciudad", "participation", "cas", "atelier", "charge"]))
        elif choice < 0.7 and known:
            client.request("GET", f"/api/v1/cases/paris/{rng.choice(known)}")
        elif choice < 0.85:
            client.request("GET", "/federation/v1/changes?limit=100")
        else:
            client.request("GET", "/api/v1/practices?limit=5")


def editor(count, seed):
    rng = random.Random(seed)
    client = Client(args.paris, paris_cert, args.paris_token)
    mine = {}  # id -> version, live records this editor wrote
    for index in range(count):
        choice = rng.random()
        if choice < 0.6 or not mine:
            content = {"title": f"Charge {seed}-{index}", "summary": "Écrit pendant le test de charge.", "language": "fr", "status": "pilot"}
            status, _, body = client.request("POST", "/api/v1/cases", {"content": content})
            if status == 201:
                document = json.loads(body)["document"]
                mine[document["id"]] = document["version"]
                with lock:
                    acknowledged[document["id"]] = (document["version"], False)
        elif choice < 0.85:
            record_id = rng.choice(list(mine))
            content = {"title": f"Charge {seed}-{index} (modifié)", "summary": "Modifié pendant le test.", "language": "fr", "status": "scaled"}
            status, _, body = client.request(
                "PUT", f"/api/v1/cases/paris/{record_id}", {"content": content}, {"If-Match": f'"v{mine[record_id]}"'})
            if status == 200:
                mine[record_id] = json.loads(body)["document"]["version"]
                with lock:
                    acknowledged[record_id] = (mine[record_id], False)
        else:
            record_id = rng.choice(list(mine))
            status, _, body = client.request("DELETE", f"/api/v1/cases/paris/{record_id}", headers={"If-Match": f'"v{mine[record_id]}"'})
            if status == 200:
                version = json.loads(body)["document"]["version"]
                del mine[record_id]
                with lock:
                    acknowledged[record_id] = (version, True)


def partner_editor(count):
    client = Client(args.mexico, mexico_cert, args.mexico_token)
    for index in range(count):
        content = {"title": f"Carga {index}", "summary": "Escrito durante la prueba de carga.", "language": "es", "status": "pilot"}
        status, _, body = client.request("POST", "/api/v1/cases", {"content": content})
        if status == 201:
            with lock:
                partner_writes.append(json.loads(body)["document"]["id"])
        time.sleep(0.05)


sync_runs = []


def sync_once():
    result = subprocess.run([args.tandem, "sync", "--config", f"{args.dir}/paris.yaml"], capture_output=True, text=True)
    output = result.stdout + result.stderr
    with lock:
        sync_runs.append(result.returncode)
        if result.returncode != 0:
            failures.append(f"tandem sync exited {result.returncode}: {output[-500:]}")
        if "locked" in output:
            locked.append(f"tandem sync: {output[-500:]}")
    return output


def syncer():
    while not done.is_set():
        sync_once()


backup_runs = []


def backer():
    """Takes a backup once a quarter of the writes are acknowledged, while the editors go on."""
    while not done.is_set():
        with lock:
            ready = len(acknowledged) >= max(1, args.writes // 4)
        if ready:
            break
        time.sleep(0.05)
    result = subprocess.run([args.tandem, "backup", f"{args.dir}/backup", "--config", f"{args.dir}/paris.yaml"], capture_output=True, text=True)
    with lock:
        backup_runs.append(result)
        if result.returncode != 0 or "locked" in result.stdout + result.stderr:
            failures.append(f"tandem backup exited {result.returncode}: {(result.stdout + result.stderr)[-500:]}")


started = time.time()
threads = [threading.Thread(target=reader, args=(args.reads // args.readers, args.seed + i)) for i in range(args.readers)]
threads += [threading.Thread(target=editor, args=(args.writes // args.editors, args.seed + 100 + i)) for i in range(args.editors)]
threads.append(threading.Thread(target=partner_editor, args=(max(1, args.writes // 20),)))
sync_thread = threading.Thread(target=syncer)
backup_thread = threading.Thread(target=backer)
for thread in threads + [sync_thread, backup_thread]:
    thread.start()
for thread in threads:
    thread.join()
done.set()
sync_thread.join()
backup_thread.join()
sync_once()  # one more, after every partner write was acknowledged
elapsed = time.time() - started
load_statuses = Counter(statuses)

# Every acknowledged write is there: the latest version, or the tombstone for a delete.
check = Client(args.paris, paris_cert, args.paris_token)
missing = []
for record_id, (version, deleted) in acknowledged.items():
    status, etag, body = check.request("GET", f"/api/v1/cases/paris/{record_id}")
    if deleted and status != 410:
        missing.append(f"paris/{record_id}: deleted at v{version}, but GET answers {status}")
    if not deleted and (status != 200 or etag != f'"v{version}"'):
        missing.append(f"paris/{record_id}: acknowledged v{version}, GET answers {status} {etag}")
for record_id in partner_writes:
    status, _, _ = check.request("GET", f"/api/v1/cases/mexico-city/{record_id}")
    if status != 200:
        missing.append(f"mexico-city/{record_id}: acknowledged by mexico-city, {status} on paris after the last sync")

# The backup taken under load restores elsewhere into a store that passes `tandem check`, under a new epoch.
if backup_runs and backup_runs[0].returncode == 0:
    restored = f"{args.dir}/restored"
    restore = subprocess.run([args.tandem, "restore", f"{args.dir}/backup", "--config", f"{args.dir}/paris.yaml", "--data-dir", restored],
                             capture_output=True, text=True)
    check_run = subprocess.run([args.tandem, "check", "--config", f"{args.dir}/paris.yaml", "--data-dir", restored], capture_output=True, text=True)
    manifest = json.load(open(f"{args.dir}/backup/backup.json"))
    if restore.returncode != 0 or "new epoch" not in restore.stdout or manifest["epoch"] not in restore.stdout.split("(was ")[-1]:
        failures.append(f"tandem restore exited {restore.returncode}: {(restore.stdout + restore.stderr)[-500:]}")
    elif check_run.returncode != 0 or "store ok" not in check_run.stdout:
        failures.append(f"tandem check on the restored backup exited {check_run.returncode}: {(check_run.stdout + check_run.stderr)[-800:]}")
    else:
        print(f"  a backup taken under load ({manifest['records']} records) restored elsewhere under a new epoch: {check_run.stdout.strip().splitlines()[-1]}")

total = sum(load_statuses.values())
print(f"load: {total} requests in {elapsed:.1f} s ({total / elapsed:.0f}/s) with {args.readers} readers, {args.editors} editors, "
      f"1 partner editor and {len(sync_runs)} tandem sync runs alongside")
for (method, klass), count in sorted(load_statuses.items()):
    print(f"  {method} {klass // 100}xx: {count}")
print(f"  then {sum(statuses.values()) - total} GETs to check the acknowledged writes: {len(acknowledged)} on paris ({sum(1 for v in acknowledged.values() if v[1])} deletes), "
      f"{len(partner_writes)} from mexico-city")
problems = failures + locked + missing
for problem in problems[:30]:
    print("  problem:", problem)
if problems:
    print(f"load test FAILED: {len(failures)} server errors or failed syncs, {len(locked)} 'locked', {len(missing)} acknowledged writes missing")
    sys.exit(1)
print("load test passed: no 5xx, no 'database is locked', every acknowledged write present")
