"""Several deployments served by one process: a nightly report, an hourly sync, a quick health check.

    python examples/several.py            # real schedules
    python examples/several.py --fast     # every second or two
"""
import sys

from orchestrator import flow, serve, task


@task
def fetch(source: str) -> int:
    return len(source)


@flow
def sync(source: str = "crm") -> int:
    return fetch(source)


@flow
def report(kind: str = "daily") -> str:
    return f"{kind} report ready"


@flow
def health() -> bool:
    return True


if __name__ == "__main__":
    fast = "--fast" in sys.argv
    serve(
        report.to_deployment("nightly-report", cron="* * * * * *" if fast else "30 6 * * *"),
        sync.to_deployment("hourly-sync", interval=2 if fast else 3600, parameters={"source": "erp"}),
        health.to_deployment("health-check", interval=1 if fast else 60, concurrency_limit=1),
        limit=4,
    )
