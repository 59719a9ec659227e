"""An interval poller: look for new files every five minutes, handle each one once.

    python examples/poller.py             # every 5 minutes
    python examples/poller.py --fast      # every second
"""
import os
import sys
import tempfile

from orchestrator import flow, task, transaction

INBOX = os.environ.get("POLLER_INBOX", os.path.join(tempfile.gettempdir(), "orchestrator-inbox"))


@task
def handle(path: str) -> int:
    with open(path, "rb") as fh:
        return len(fh.read())


@flow
def poll_inbox() -> int:
    os.makedirs(INBOX, exist_ok=True)
    handled = 0
    for name in sorted(os.listdir(INBOX)):
        with transaction(key=f"inbox-{name}") as txn:  # each file once, across runs
            if txn.is_committed():
                continue
            handle(os.path.join(INBOX, name))
            handled += 1
    return handled


if __name__ == "__main__":
    poll_inbox.serve(name="every-5-minutes", interval=1 if "--fast" in sys.argv else 300)
