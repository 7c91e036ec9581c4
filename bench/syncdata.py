#!/usr/bin/env python3
"""bench/syncdata.py: the data set and the Tandem side of bench/sync (see bench/README.md).

Subcommands (sizes in bytes unless said; every random choice comes from SEED, so two runs with the
same arguments write the same bytes):

  generate DIR MANIFEST FILES TOTAL_MIB BIG_MIB SEED
      FILES files in nested folders (DIR/dA/dB/dC/fNNNNNN.dat, about 100 files a folder), TOTAL_MIB
      MiB in all, one of them a BIG_MIB MiB file; random content (nothing compresses). The list of
      files (size and path) goes to MANIFEST, outside DIR. Prints "FILES BYTES".
  change DIR MANIFEST COUNT SEED
      Rewrites COUNT files (never the big one) in place with new random content, each new size within
      5 % of the old. Prints "CHANGED_BYTES TOTAL_BYTES" (the new sizes' sum, the data set's new size).
  poke DIR MANIFEST SEED
      Overwrites 1 MiB in the middle of the big file in place. Prints "1048576 TOTAL_BYTES".
  state PORT SECRET_FILE
      One node's "STATE data" from its HTTP API (GET /api/status), or "down".
  cycle PORT SECRET_FILE TIMEOUT_S
      Asks the node (the secondary) for a full sync cycle (POST /api/command {"name": "sync"}, what
      `tandem command sync` sends) and waits, bounded, until replication.lastAt changes. Prints
      "millis full entries copied bytes deleted touched warnings wall_ms" of replication.lastCycle
      (wall_ms: from the request to lastAt). Exit 1 with the reason when the command is refused, the
      cycle fails (lastError) or does not end in time.
  latency PRIMARY_DIR SECONDARY_DIR MANIFEST TRIALS SEED TIMEOUT_S
      Continuous mode: per trial, rewrites one small file on the primary and polls the secondary's
      copy every 10 ms until it has the new content. Prints one line per trial: the ms from the write's
      close() to the poll that saw the new content, or "timeout".
"""
import hashlib
import hmac
import json
import math
import os
import random
import sys
import time
import urllib.error
import urllib.request

CHUNK = 8 << 20


def die(msg):
    print("bench/syncdata.py: " + msg, file=sys.stderr)
    sys.exit(1)


def read_manifest(path):
    entries = []
    with open(path) as f:
        for line in f:
            size, big, rel = line.rstrip("\n").split(" ", 2)
            entries.append([int(size), big == "1", rel])
    return entries


def write_manifest(path, entries):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        for size, big, rel in entries:
            f.write("%d %d %s\n" % (size, 1 if big else 0, rel))
    os.replace(tmp, path)


def write_random(path, size, rng, mode="wb"):
    with open(path, mode) as f:
        left = size
        while left > 0:
            n = min(left, CHUNK)
            f.write(rng.randbytes(n))
            left -= n


def generate(d, manifest, files, total_mib, big_mib, seed):
    files, total, big = int(files), int(total_mib) << 20, int(big_mib) << 20
    if files < 2:
        die("needs at least 2 files")
    rest = total - big
    if rest < (files - 1) * 64:
        die("TOTAL_MIB - BIG_MIB leaves less than 64 bytes a file")
    rng = random.Random("syncbench-%s" % seed)
    big_index = rng.randrange(files)
    # the other files: log-uniform between 64 B and 256 KiB, then scaled to add up to the rest exactly
    raw = [math.exp(rng.uniform(math.log(64), math.log(256 << 10))) for _ in range(files - 1)]
    scale = rest / sum(raw)
    sizes = [max(1, int(r * scale)) for r in raw]
    sizes[-1] += rest - sum(sizes)
    if sizes[-1] < 1:
        die("cannot spread the sizes; give more MiB or fewer files")
    leaves = max(1, round(files / 100))
    entries = []
    it = iter(sizes)
    for i in range(files):
        leaf = i % leaves
        folder = "d%d/d%d/d%d" % (leaf // 100, (leaf // 10) % 10, leaf % 10)
        if i == big_index:
            entries.append([big, True, "%s/big%06d.dat" % (folder, i)])
        else:
            entries.append([next(it), False, "%s/f%06d.dat" % (folder, i)])
    made = set()
    for size, _, rel in entries:
        p = os.path.join(d, rel)
        parent = os.path.dirname(p)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        write_random(p, size, rng)
    write_manifest(manifest, entries)
    print(files, sum(e[0] for e in entries))


def change(d, manifest, count, seed):
    entries = read_manifest(manifest)
    small = [i for i, e in enumerate(entries) if not e[1]]
    count = int(count)
    if count > len(small):
        die("cannot change %d files, there are %d small ones" % (count, len(small)))
    rng = random.Random("syncbench-change-%s" % seed)
    changed = 0
    for i in sorted(rng.sample(small, count)):
        old = entries[i][0]
        new = max(1, int(old * rng.uniform(0.95, 1.05)))
        write_random(os.path.join(d, entries[i][2]), new, rng)
        entries[i][0] = new
        changed += new
    write_manifest(manifest, entries)
    print(changed, sum(e[0] for e in entries))


def poke(d, manifest, seed):
    entries = read_manifest(manifest)
    size, _, rel = next(e for e in entries if e[1])
    n = 1 << 20
    if size < 2 * n:
        die("the big file is smaller than 2 MiB")
    rng = random.Random("syncbench-poke-%s" % seed)
    with open(os.path.join(d, rel), "r+b") as f:
        f.seek(size // 2 - n // 2)
        f.write(rng.randbytes(n))
    print(n, sum(e[0] for e in entries))


def token(secret_file):
    """A command-line token for one API request (README "HTTP API"): good once, within a minute."""
    with open(secret_file, encoding="utf-8") as f:
        secret = f.read().strip()
    expiry = int(time.time() * 1000) + 60000
    nonce = os.urandom(12).hex()
    mac = hmac.new(secret.encode(), ("tandem-api-cli-v1\nbench\n%d\n%s" % (expiry, nonce)).encode(),
                   hashlib.sha256).hexdigest()
    return "tdc1.bench.%d.%s.%s" % (expiry, nonce, mac)


def api(port, tok, path, body=None, timeout=5):
    req = urllib.request.Request("http://127.0.0.1:%s/api/%s" % (port, path),
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": "Bearer " + tok, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        try:
            return e.code, json.loads(e.read() or b"{}")
        except ValueError:
            return e.code, {}


def state(port, secret_file):
    try:
        code, st = api(port, token(secret_file), "status", timeout=2)
        if code != 200:
            print("down")
            return
        print(st["node"]["state"], st["node"]["data"])
    except (OSError, ValueError, KeyError):
        print("down")


def iso_ms(s):
    # 2024-01-02T03:04:05.678Z -> ms since the epoch
    from datetime import datetime
    return int(datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() * 1000)


def cycle(port, secret_file, timeout_s):
    code, st = api(port, token(secret_file), "status")
    if code != 200:
        die("status: HTTP %d %s" % (code, st))
    before = st["replication"].get("lastAt")
    asked = int(time.time() * 1000)
    code, ans = api(port, token(secret_file), "command", {"name": "sync"})
    if code != 200:
        die("sync %s: %s" % ("refused" if code == 409 else "HTTP %d" % code, ans.get("reason", ans)))
    deadline = time.monotonic() + float(timeout_s)
    while True:
        time.sleep(0.05)
        try:
            code, st = api(port, token(secret_file), "status")
        except OSError:
            code = 0
        if code == 200 and st["replication"].get("lastAt") != before:
            break
        if time.monotonic() > deadline:
            die("the sync cycle did not end within %s s (replication.lastAt still %s)" % (timeout_s, before))
    rep = st["replication"]
    if rep.get("lastError") is not None:
        die("the sync cycle failed: lastError: %s" % rep["lastError"])
    c = rep.get("lastCycle")
    if not c:
        die("no lastCycle after the cycle: %s" % json.dumps(rep))
    wall = iso_ms(rep["lastAt"]) - asked
    print(c["millis"], "full" if c["full"] else "partial", c["entries"], c["copied"], c["bytes"], c["deleted"],
          c["touched"], len(c["warnings"]), wall, c.get("compareMillis", 0))
    for w in c["warnings"]:
        print("bench/syncdata.py: cycle warning: " + w, file=sys.stderr)


def latency(primary, secondary, manifest, trials, seed, timeout_s):
    entries = read_manifest(manifest)
    small = [e for e in entries if not e[1] and 1024 <= e[0] <= (256 << 10)]
    rng = random.Random("syncbench-latency-%s" % seed)
    picks = rng.sample(small, int(trials))
    for size, _, rel in picks:
        time.sleep(1.0)  # a quiet second between trials: each change is its own burst
        data = rng.randbytes(size)
        dst = os.path.join(secondary, rel)
        with open(os.path.join(primary, rel), "wb") as f:
            f.write(data)
        t0 = time.monotonic()
        deadline = t0 + float(timeout_s)
        tick = t0
        seen = None
        while True:
            try:
                if os.stat(dst).st_size == size:
                    with open(dst, "rb") as f:
                        if f.read() == data:
                            seen = time.monotonic()
                            break
            except OSError:
                pass
            if time.monotonic() > deadline:
                break
            tick += 0.010
            time.sleep(max(0.0, tick - time.monotonic()))
        print("%.1f %s" % ((seen - t0) * 1000, rel) if seen else "timeout %s" % rel, flush=True)


def main(argv):
    cmds = {"generate": (generate, 6), "change": (change, 4), "poke": (poke, 3), "state": (state, 2),
            "cycle": (cycle, 3), "latency": (latency, 6)}
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 != cmds[argv[1]][1]:
        die("usage: see the top of this file")
    cmds[argv[1]][0](*argv[2:])


if __name__ == "__main__":
    main(sys.argv)
