"""The same flow on one thread, on worker processes, and on a Dask LocalCluster; then a pipeline whose
data stays on the Dask workers.

    pip install 'orchestrator[dask]'
    python examples/scale_out.py            # compares the three runners on a CPU-bound map
"""
import sys
import time

from orchestrator import DaskTaskRunner, ProcessPoolTaskRunner, ThreadPoolTaskRunner, flow, task


@task
def crunch(i: int) -> int:
    end = time.process_time() + 0.01  # 10 ms of CPU work
    total = 0
    while time.process_time() < end:
        total += i
    return i


def timed(runner, n: int) -> float:
    @flow(task_runner=runner, name=f"scale-{runner.name}")
    def crunch_all() -> float:
        t0 = time.perf_counter()
        assert crunch.map(range(n)).result() == list(range(n))
        return time.perf_counter() - t0

    return crunch_all()


@task(persist_result=False)  # not persisted: on Dask the value stays on the worker that made it
def load(part: int) -> list:
    return list(range(part * 250_000, (part + 1) * 250_000))


@task
def total(chunks: list) -> int:
    return sum(sum(chunk) for chunk in chunks)


@flow(task_runner=DaskTaskRunner(cluster_kwargs={"n_workers": 2, "threads_per_worker": 1}))
def pipeline() -> int:
    parts = load.map(range(4))  # four lists of 250,000 numbers, left on the workers
    return total.submit(parts).result()  # they go worker to worker; only the sum comes back


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    for runner in (ThreadPoolTaskRunner(1), ProcessPoolTaskRunner(2),
                   DaskTaskRunner(cluster_kwargs={"n_workers": 2, "threads_per_worker": 1})):
        print(f"{runner.name:>11}: {timed(runner, n):.2f} s for {n} tasks of 10 ms")
    print(f"   pipeline: sum of 1,000,000 numbers = {pipeline()}")
