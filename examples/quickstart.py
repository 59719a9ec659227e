"""Prefect's quickstart, on orchestrator.py: a task that greets, a flow that prints through the run log.

Run it, then look at what happened:

    python examples/quickstart.py
    python orchestrator.py status
"""
from orchestrator import flow, task


@task
def greet_task(name: str) -> str:
    print(f"Hello from task, {name}!")
    return f"Task processed: {name}"


@flow(log_prints=True)
def my_orchestrated_flow(name: str = "World") -> str:
    print(f"Flow starting for {name}...")
    message = greet_task(name)
    print(message)
    return f"Flow completed for {name}"


if __name__ == "__main__":
    my_orchestrated_flow("Local User")
