"""Background tasks: a script queues work, task workers in other processes drain it.

    python orchestrator.py task serve examples/background.py:thumbnail     # a worker; start one per terminal
    python examples/background.py                                            # queue 20 runs, print the results
    python examples/background.py --with-workers                             # the same, starting two workers
    python orchestrator.py task ls                                           # what ran where
"""
import os
import subprocess
import sys
import time

from orchestrator import task


@task(retries=2, retry_delay_seconds=1)
def thumbnail(name: str, size: int = 128) -> str:
    time.sleep(0.05)  # the slow part: resize an image, call an API, send a mail ...
    return f"{name} -> {size}px thumbnail"


def start_workers(n: int) -> list:
    here = os.path.dirname(os.path.abspath(__file__))
    command = [sys.executable, os.path.join(here, "..", "orchestrator.py"), "task", "serve",
               f"{os.path.abspath(__file__)}:thumbnail", "--limit", "5"]
    return [subprocess.Popen(command) for _ in range(n)]


if __name__ == "__main__":
    futures = [thumbnail.delay(f"photo-{i:02}.jpg") for i in range(20)]  # returns at once
    print(f"queued {len(futures)} runs", flush=True)
    workers = start_workers(2) if "--with-workers" in sys.argv else []
    try:
        for future in futures:
            print(future.result(timeout=120))  # waits for a worker to finish that run
    finally:
        for worker in workers:
            worker.terminate()  # SIGTERM: a worker lets its running tasks finish, then exits
        for worker in workers:
            worker.wait()
