"""Compare versions of orchestrator.py in paired bursts: python benchmarks/paired.py seq OLD_DIR NEW_DIR

One long-lived worker process per version (a folder holding an orchestrator.py; ``.`` for this checkout)
and one for the bare autocommitted loop (an INSERT and two UPDATEs per item, as bench.py's), each with its
own database, run bursts in turns, the order reversed every other round. Each version's median burst is
printed with its median ratio to the bare burst run beside it, and for two versions the median ratio of
the second to the first. On a noisy machine, where one run of bench.py can differ from the next by 20%,
the paired ratio moves by a few percent: the way to tell whether a change made the engine faster. Make
the old version's folder with ``git worktree add /tmp/old HEAD~1``. Not part of the test run.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

from bench import cpu_times, spell  # this folder's bench.py: what the host took from the machine meanwhile

WORKER = r'''
import os, sys, tempfile, time, uuid
workload, folder = sys.argv[1], sys.argv[2]
os.environ["ORCHESTRATOR_DB"] = tempfile.mkdtemp() + "/o.db"
if folder == "bare":
    import apsw
    conn = apsw.Connection(os.environ["ORCHESTRATOR_DB"])
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE runs (id TEXT PRIMARY KEY, state TEXT, ts REAL)")

    def run(n):
        t0 = time.perf_counter()
        for _ in range(n):
            key = str(uuid.uuid4())
            conn.execute("INSERT INTO runs VALUES (?, ?, ?)", (key, "PENDING", time.time()))
            conn.execute("UPDATE runs SET state=?, ts=? WHERE id=?", ("RUNNING", time.time(), key))
            conn.execute("UPDATE runs SET state=?, ts=? WHERE id=?", ("COMPLETED", time.time(), key))
        return time.perf_counter() - t0
else:
    sys.path.insert(0, folder)
    from orchestrator import flow, task

    @task
    def inc(x):
        return x + 1

    @task(cache_key_fn=lambda context, parameters: "hit")
    def hit(x):
        return x

    @flow
    def child():
        return 1

    @flow
    def run(n):
        t0 = time.perf_counter()
        if workload == "subflow":
            for _ in range(n):
                child()
        elif workload == "hit":
            for i in range(n):
                hit(i)
        elif workload == "map":
            inc.map(range(n)).result()
        else:
            for i in range(n):
                inc(i)
        return time.perf_counter() - t0
run(20)
print("ready", flush=True)
for line in sys.stdin:
    n = int(line)
    print(repr(run(n) / n * 1e6), flush=True)
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=["seq", "subflow", "hit", "map"])
    parser.add_argument("folders", nargs="+", help="folders holding an orchestrator.py")
    parser.add_argument("--bursts", type=int, default=30)
    parser.add_argument("--size", type=int, default=None, help="items a burst (default 1,000; 100 subflows)")
    args = parser.parse_args()
    size = args.size or (100 if args.workload == "subflow" else 1000)
    bare_size = size * 3 if args.workload == "subflow" else size
    names = ["bare", *args.folders]
    workers = {}
    try:
        for name in names:
            worker = subprocess.Popen([sys.executable, "-c", WORKER, args.workload, name], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            workers[name] = worker
            if worker.stdout.readline().strip() != "ready":
                sys.exit(f"paired.py: the worker for {name} did not start (is there an orchestrator.py in it?)")
        times: dict = {name: [] for name in names}
        started = cpu_times()
        for burst in range(args.bursts):
            for name in names if burst % 2 == 0 else names[::-1]:
                workers[name].stdin.write(f"{bare_size if name == 'bare' else size}\n")
                workers[name].stdin.flush()
                times[name].append(float(workers[name].stdout.readline()))
    finally:
        for worker in workers.values():
            worker.stdin.close()
            worker.wait(timeout=60)
    median, bare = statistics.median, times["bare"]
    print(f"{args.workload}, {args.bursts} bursts of {size}: bare loop {median(bare):.1f} us an item; the machine: "
          f"{spell(started)}")
    for name in args.folders:
        ratios = sorted(t / b for t, b in zip(times[name], bare))
        print(f"  {name}: {median(times[name]):.1f} us, {median(ratios):.3f}x the bare loop beside it "
              f"(middle half {ratios[len(ratios) // 4]:.2f}-{ratios[3 * len(ratios) // 4]:.2f})")
    if len(args.folders) == 2:
        first, second = (times[name] for name in args.folders)
        print(f"  {args.folders[1]} takes {median([b / a for a, b in zip(first, second)]):.3f} of the time of "
              f"{args.folders[0]} (median of paired bursts)")


if __name__ == "__main__":
    main()
