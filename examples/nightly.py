"""A nightly job with retries, served on a cron schedule.

    python examples/nightly.py            # serves it: every night at 02:00 (Europe/Berlin)
    python examples/nightly.py --fast     # every second, to watch it work
    python orchestrator.py status         # what happened
"""
import random
import sys

from orchestrator import Cron, flow, get_run_logger, task


@task(retries=3, retry_delay_seconds=[1, 5, 30])
def extract(day: str) -> list:
    if random.random() < 0.2:  # a flaky source: the retries absorb it
        raise ConnectionError("the source did not answer")
    return [{"day": day, "value": v} for v in range(5)]


@task
def load(rows: list) -> int:
    return len(rows)


@flow(log_prints=True)
def nightly(day: str = "yesterday") -> int:
    loaded = load(extract(day))
    get_run_logger().info(f"loaded {loaded} rows for {day}")
    return loaded


if __name__ == "__main__":
    schedule = "* * * * * *" if "--fast" in sys.argv else "0 2 * * *"
    nightly.serve(name="nightly", schedules=[Cron(schedule, timezone="Europe/Berlin")])
