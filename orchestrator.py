"""orchestrator.py: Prefect 3's programming model in one module, tracked in a local SQLite file.

Swap ``from prefect import flow, task`` for ``from orchestrator import flow, task``: flows and tasks run
in-process with a thread-pool executor, and every run, state change and log line is recorded in one
SQLite database. There is no server to start.

Quick example::

    from orchestrator import flow, task

    @task(retries=2)
    def fetch(n: int) -> int:
        return n * 2

    @flow(log_prints=True)
    def pipeline(n: int = 3) -> int:
        total = sum(f.result() for f in fetch.map(range(n)))
        print(f"total={total}")
        return total

    pipeline()          # then: python orchestrator.py status

Command line (``python orchestrator.py COMMAND``, ``python -m orchestrator`` or the ``orchestrator`` script)::

    status                            counts, runs in progress, failures, deployments, serve processes
    runs / show RUN / logs RUN / tasks RUN      history (--json on every listing)
    run FILE.py:FLOW / serve FILE.py:FLOW       run a flow now / serve it on a schedule
    retry RUN / cancel RUN / delete RUN         durable retry, cancellation, deletion
    ui [--host H] [--port P] [--open]           the web view in a browser tab (http://127.0.0.1:4200)
    deployments ls|run|pause|resume|backfill|delete
    variables ls|get|set|unset   artifacts ls|show   limits ls|create|update|delete|reset
    events ls|emit               automations ls|create|pause|resume|delete|test      health
    task serve FILE.py:TASK [--limit N] / task ls   background task workers (task.delay()) and their runs
    prune --older-than 30d       db path|check|vacuum|migrate

Where the database lives: ``$ORCHESTRATOR_DB`` if set, else ``$ORCHESTRATOR_HOME/orchestrator.db``, else
``platformdirs.user_data_dir("orchestrator")/orchestrator.db``.

Settings: environment variables, each read through ``_setting`` from the one table ``_SETTINGS`` in section 2
(the README's "Settings" table says what each does): ORCHESTRATOR_HOME, ORCHESTRATOR_DB,
ORCHESTRATOR_LOGGING_LEVEL, ORCHESTRATOR_LOGGING_LOG_PRINTS, ORCHESTRATOR_RESULTS_PERSIST_BY_DEFAULT,
ORCHESTRATOR_TASKS_REFRESH_CACHE, ORCHESTRATOR_TASK_RUNNER_MAX_WORKERS, ORCHESTRATOR_DASK_ORCHESTRATION_THREADS,
ORCHESTRATOR_HEARTBEAT_SECONDS, ORCHESTRATOR_CANCEL_GRACE_SECONDS, ORCHESTRATOR_SERVE_GRACE_SECONDS,
ORCHESTRATOR_RUNNER_PROCESS_LIMIT, ORCHESTRATOR_LATE_RUNS_AFTER_SECONDS, ORCHESTRATOR_UI_HOST,
ORCHESTRATOR_UI_PORT, ORCHESTRATOR_UI_TOKEN, ORCHESTRATOR_UI_URL, ORCHESTRATOR_TASK_RUN_EVENTS, and the
ORCHESTRATOR__RUNTIME__ prefix.

Decisions where Prefect is silent or surprising (the README's migration table says the same):
- Tasks still queued or running when a flow returns are waited for; Prefect drops the queued ones.
- ``ThreadPoolTaskRunner(max_workers=None)`` means ``$ORCHESTRATOR_TASK_RUNNER_MAX_WORKERS`` or 256
  threads (Prefect: unbounded), so a 10,000-item map does not start 10,000 threads; past eight, threads
  start only while queued work stalls.
- A run's start record and its log lines are written behind (at most 0.2 s late, or with the run's next
  committed state, whichever is first); every final state is committed before the caller moves on.
- ``retry_jitter_factor`` is applied to local retries (Prefect ignores it outside its server).
- Defaults that are ``None`` are not validated against a non-Optional hint (Prefect fails them).
- A direct call of a task whose upstream failed raises ``UpstreamTaskError``.
- Results are persisted by default, and a retried run (``retry`` or flow ``retries``) reuses the calls
  that completed; caching stays opt-in.
- ``Interval`` without ``anchor_date`` is anchored at 2020-01-01, so every process agrees on the slots;
  missed slots follow ``catchup`` ("latest", "all", "skip"); serve never pauses deployments on exit.
- Events and automations live in the database (no server): notifications take Apprise-style URLs, and the
  process that ran a flow delivers them before returning; only failed task runs are events by default.
- Background tasks (``task.delay()``) queue in the database; task workers (``serve(task)``) claim each run
  once. A worker that dies has its runs queued again while their retries allow (the lost attempt counts),
  else Crashed; an upstream run that did not complete fails a background run (``UpstreamTaskError``).

Contents (numbered banners below; a test holds this list to them):
    1. Module header
    2. Settings
    3. Errors
    4. States
    5. Store: the schema and its encoding
    6. Store: runs, their records and coordination
    7. Store: schedules, processes and the connection
    8. Results & caching
    9. Time
    10. Context & logging
    11. Futures & the thread pool
    12. Process and Dask task runners
    13. Task engine: arguments, timeouts and retries
    14. Task engine: attempts, generators and the run
    15. Flow engine
    16. Public decorators
    17. Coordination: variables, artifacts, concurrency and rate limits, pause and resume
    18. Events and automations
    19. Deployments & serving
    20. Background tasks: task.delay() and task workers
    21. Web view: the JSON both views show, and the server
    22. Web view: the page (HTML, CSS and JavaScript)
    23. CLI: the group, runs and their history
    24. CLI: the database, variables, artifacts, limits and the entry point
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "AcquireConcurrencySlotTimeoutError",
    "Artifact",
    "ArtifactResponse",
    "AsyncTransaction",
    "Automation",
    "AwaitingConcurrencySlot",
    "AwaitingRetry",
    "CacheKeyFnPolicy",
    "CachePolicy",
    "CancelFlowRun",
    "Cancelled",
    "CancelledRun",
    "Cancelling",
    "CommitMode",
    "Completed",
    "CompoundCachePolicy",
    "ConcurrencyLimitConfig",
    "ConcurrencyLimitStrategy",
    "ConcurrencySlotAcquisitionError",
    "ConcurrentTaskRunner",
    "Crashed",
    "CrashedRun",
    "Cron",
    "DEFAULT",
    "DaskTaskRunner",
    "Deployment",
    "DeploymentEventTrigger",
    "DoneAndNotDoneFutures",
    "Event",
    "EventTrigger",
    "ExternalSignal",
    "FLOW_PARAMETERS",
    "Failed",
    "FailedRun",
    "FileTrigger",
    "Flow",
    "FlowParameters",
    "FlowPauseTimeout",
    "FlowRun",
    "FlowRunContext",
    "FlowRunTimeoutError",
    "INPUTS",
    "ImageArtifact",
    "InfrastructurePending",
    "Inputs",
    "Interval",
    "InvalidNameError",
    "IsolationLevel",
    "Late",
    "LinkArtifact",
    "MappingLengthMismatch",
    "MappingMissingIterable",
    "MarkdownArtifact",
    "MissingContextError",
    "MissingFlowError",
    "MissingResult",
    "NONE",
    "NO_CACHE",
    "NotPausedError",
    "NotSet",
    "ObjectAlreadyExists",
    "ObjectNotFound",
    "OrchestratorError",
    "ParameterBindError",
    "ParameterTypeError",
    "PauseDeployment",
    "Paused",
    "PausedRun",
    "Pending",
    "PrefectConcurrentFuture",
    "PrefectDistributedFuture",
    "PrefectException",
    "PrefectFuture",
    "PrefectFutureList",
    "PrefectTaskRunFuture",
    "PrefectWrappedFuture",
    "ProcessPoolTaskRunner",
    "ProgressArtifact",
    "RRule",
    "RUN_ID",
    "ReservedArgumentError",
    "Resource",
    "ResumeDeployment",
    "Retrying",
    "RunDeployment",
    "RunId",
    "RunNameError",
    "Running",
    "Schedule",
    "ScheduleError",
    "Scheduled",
    "ScriptError",
    "SendNotification",
    "State",
    "StateDetails",
    "StateGroup",
    "StateType",
    "StoreError",
    "Submitting",
    "Suspended",
    "TASK_SOURCE",
    "TableArtifact",
    "TagsContext",
    "Task",
    "TaskRun",
    "TaskRunContext",
    "TaskRunTimeoutError",
    "TaskRunner",
    "TaskSource",
    "TaskWorker",
    "TerminationSignal",
    "ThreadPoolTaskRunner",
    "Transaction",
    "TransactionState",
    "UnfinishedRun",
    "UpstreamTaskError",
    "Variable",
    "__version__",
    "acreate_image_artifact",
    "acreate_link_artifact",
    "acreate_markdown_artifact",
    "acreate_progress_artifact",
    "acreate_table_artifact",
    "aget_state_exception",
    "allow_failure",
    "araise_state_exception",
    "as_completed",
    "aserve",
    "atransaction",
    "aupdate_progress_artifact",
    "cancel_flow_run",
    "concurrency",
    "create_concurrency_limit",
    "create_image_artifact",
    "create_link_artifact",
    "create_markdown_artifact",
    "create_progress_artifact",
    "create_table_artifact",
    "delete_concurrency_limit",
    "emit_event",
    "exception_to_crashed_state",
    "exception_to_failed_state",
    "exponential_backoff",
    "flow",
    "get_logger",
    "get_run_context",
    "get_run_logger",
    "get_state_exception",
    "get_transaction",
    "is_state_iterable",
    "load_flow_arguments_from_entrypoint",
    "load_flow_from_entrypoint",
    "load_function_and_convert_to_flow",
    "main",
    "opaque",
    "pause_flow_run",
    "quote",
    "raise_state_exception",
    "rate_limit",
    "resolve_futures_to_results",
    "resolve_futures_to_states",
    "resume_flow_run",
    "retry_flow_run",
    "return_value_to_state",
    "run_deployment",
    "runtime",
    "safe_load_flow_from_entrypoint",
    "serve",
    "tags",
    "task",
    "task_input_hash",
    "transaction",
    "unmapped",
    "update_progress_artifact",
    "wait",
]

import abc
import builtins
import collections
import contextlib
import contextvars
import datetime as _dt
import enum
import functools
import hashlib
import inspect
import itertools
import json
import logging
import os
import pickle
import random
import re
import signal
import sys
import threading
import time
import uuid
from typing import Any, Callable, Generic, Iterable, NamedTuple, Optional, TypeVar

try:
    from typing import ParamSpec
except ImportError:  # Python 3.9: annotations still subscript, a type checker sees less
    ParamSpec = TypeVar  # type: ignore[misc,assignment]

_P = ParamSpec("_P")
_R = TypeVar("_R")

import apsw

# == 2. Settings ==========================================================================================

_FLUSH_SECONDS = 0.2  # how late a buffered write (start record, log line) may reach the database
_WAL_CHECKPOINT_PAGES = 1000  # the flusher checkpoints the write-ahead log past this (SQLite's own default)
_WAKE_COMMITS = 1024  # the flusher is woken every so many commits, besides every _FLUSH_SECONDS: each
# wake flushes the log lines and checkpoints, whose syncs slow the committing threads (every 256: 12%)
_BUSY_TIMEOUT_MS = 60_000


class _Setting(NamedTuple):
    """One environment variable the module reads: its name, its default, the type of its value, and what
    it does (the README's settings table says the same)."""

    name: str
    default: Any
    kind: type
    doc: str


_SETTINGS = {s.name: s for s in (
    _Setting("ORCHESTRATOR_HOME", None, str, "the folder for the database and results (default: the "
             "platform's user data folder)"),
    _Setting("ORCHESTRATOR_DB", None, str, "the database file (default: orchestrator.db in the home folder)"),
    _Setting("ORCHESTRATOR_LOGGING_LEVEL", "INFO", str, "the level of run loggers"),
    _Setting("ORCHESTRATOR_LOGGING_LOG_PRINTS", False, bool, "log_prints for flows that do not set it"),
    _Setting("ORCHESTRATOR_RESULTS_PERSIST_BY_DEFAULT", True, bool, "persist task results unless a task says"),
    _Setting("ORCHESTRATOR_TASKS_REFRESH_CACHE", False, bool, "refresh_cache for tasks that do not set it"),
    _Setting("ORCHESTRATOR_TASK_RUNNER_MAX_WORKERS", 256, int, "threads of ThreadPoolTaskRunner(max_workers=None)"),
    _Setting("ORCHESTRATOR_DASK_ORCHESTRATION_THREADS", 64, int, "threads that drive a DaskTaskRunner's tasks"),
    _Setting("ORCHESTRATOR_HEARTBEAT_SECONDS", 5.0, float, "how often a process proves it is alive; three "
             "missed heartbeats mark its runs Crashed"),
    _Setting("ORCHESTRATOR_CANCEL_GRACE_SECONDS", 30.0, float, "how long a cancelled flow's running tasks get "
             "before the flow ends Cancelled"),
    _Setting("ORCHESTRATOR_SERVE_GRACE_SECONDS", 30.0, float, "how long the runs of serve and of a task "
             "worker get to finish on SIGINT or SIGTERM"),
    _Setting("ORCHESTRATOR_RUNNER_PROCESS_LIMIT", 5, int, "how many runs one serve process runs at once"),
    _Setting("ORCHESTRATOR_LATE_RUNS_AFTER_SECONDS", 15.0, float, "how long a scheduled run may wait past its "
             "slot before it is Late (Prefect's default)"),
    _Setting("ORCHESTRATOR_UI_HOST", "127.0.0.1", str, "the address `ui` and serve(webserver=True) listen on"),
    _Setting("ORCHESTRATOR_UI_PORT", 4200, int, "the port `ui` and serve(webserver=True) listen on"),
    _Setting("ORCHESTRATOR_TASK_RUN_EVENTS", "failures", str, "which task-run states this process records as "
             "events: `failures` (Failed, Crashed) or `all` (every state, as Prefect; each costs a row)"),
    _Setting("ORCHESTRATOR_UI_URL", None, str, "the web view's address as people reach it (http://host:4200), "
             "for links in notifications"),
    _Setting("ORCHESTRATOR_UI_TOKEN", None, str, "a token the web view asks every request for (once as "
             "?token=..., then in a cookie); unset, the view needs none"),
    _Setting("ORCHESTRATOR__RUNTIME__", None, str, "a prefix: ORCHESTRATOR__RUNTIME__FLOW_RUN__ID (and "
             "PREFECT__RUNTIME__...) override the values of `runtime`"),
)}


def _setting(name: str) -> Any:
    """A setting's value from the environment, or its default (an empty value counts as unset).

    >>> _setting("ORCHESTRATOR_HEARTBEAT_SECONDS") == 5.0 or "ORCHESTRATOR_HEARTBEAT_SECONDS" in os.environ
    True
    """
    setting = _SETTINGS[name]
    raw = os.environ.get(name, "").strip()
    if not raw:
        return setting.default
    if setting.kind is bool:
        return raw.lower() in ("1", "true", "yes", "on")
    try:
        return setting.kind(raw)
    except ValueError:
        raise ValueError(f"${name} must be {setting.kind.__name__}, not {raw!r}") from None


@functools.lru_cache(maxsize=None)
def _platform_home() -> str:
    import platformdirs  # lazy: keeps `import orchestrator` light

    return platformdirs.user_data_dir("orchestrator", appauthor=False)


def _home() -> str:
    """The folder for the database and results: ``$ORCHESTRATOR_HOME`` or the platform data dir."""
    return _setting("ORCHESTRATOR_HOME") or _platform_home()


_DB_CHOSEN: list = []  # the command line's --db, innermost last (see _database)


def _db_path() -> str:
    """The database file: the CLI's ``--db``, else ``$ORCHESTRATOR_DB``, else ``orchestrator.db`` in
    :func:`_home`."""
    return (_DB_CHOSEN[-1] if _DB_CHOSEN else None) or _setting("ORCHESTRATOR_DB") or os.path.join(
        _home(), "orchestrator.db")


@contextlib.contextmanager
def _database(path: Optional[str]) -> Any:
    """Within the block, the library's default database is ``path`` (None: no change). The CLI's ``--db``
    reaches library calls this way, without writing the environment that child processes inherit."""
    _DB_CHOSEN.append(path and os.path.abspath(path))
    try:
        yield
    finally:
        _DB_CHOSEN.pop()


def _log_level() -> int:
    name = _setting("ORCHESTRATOR_LOGGING_LEVEL").upper()
    level = logging.getLevelName(name)
    return level if isinstance(level, int) else logging.INFO


# == 3. Errors ============================================================================================
#
# OrchestratorError
#  ├── StoreError                      the database cannot be opened, is not ours, or is too new
#  │    └── StoreReadOnlyError         it cannot be written (reads still work)
#  ├── ObjectNotFound                  no run (or other object) by that id or name
#  ├── ObjectAlreadyExists             a variable or limit by that name exists already
#  ├── InvalidNameError (ValueError)   a name with a forbidden character
#  ├── ReservedArgumentError (TypeError)
#  ├── ParameterBindError (TypeError)  arguments that do not fit the function's signature
#  ├── ParameterTypeError              arguments that fail validation
#  ├── RunNameError (ValueError)       a run name template that does not fit the parameters
#  ├── ScheduleError (ValueError)      an invalid cron, rrule, interval or timezone
#  ├── MappingLengthMismatch, MappingMissingIterable
#  ├── MissingContextError (RuntimeError)
#  ├── UpstreamTaskError               a task's upstream did not complete
#  ├── FailedRun, CrashedRun, CancelledRun, PausedRun, UnfinishedRun, MissingResult
#  ├── ConcurrencySlotAcquisitionError, AcquireConcurrencySlotTimeoutError (TimeoutError)
#  ├── NotPausedError, FlowPauseTimeout (TimeoutError)
#  └── FlowRunTimeoutError, TaskRunTimeoutError (TimeoutError)


class OrchestratorError(Exception):
    """The root of every error this module raises itself.

    >>> issubclass(StoreError, OrchestratorError)
    True
    """


PrefectException = OrchestratorError  # so `except PrefectException` keeps working after the import swap


class StoreError(OrchestratorError):
    """The state database cannot be used: not creatable, not SQLite, not ours, or newer than us."""


class StoreReadOnlyError(StoreError):
    """The state database cannot be written (a read-only file or folder); it can still be read."""


class ObjectNotFound(OrchestratorError):
    """No object with that id or name."""


class ObjectAlreadyExists(OrchestratorError):
    """An object with that name exists already."""


class InvalidNameError(OrchestratorError, ValueError):
    """A flow, task or deployment name with a forbidden character."""


class ReservedArgumentError(OrchestratorError, TypeError):
    """A function parameter uses a name the engine reserves (``return_state``, ``wait_for``)."""


class ParameterBindError(OrchestratorError, TypeError):
    """The call's arguments do not fit the function's signature."""

    @classmethod
    def from_bind_failure(cls, fn: Callable, exc: TypeError, call_args: Any, call_kwargs: dict) -> "ParameterBindError":
        """Prefect's message for a failed ``inspect.signature(fn).bind(...)``.

        >>> def f(a): ...
        >>> print(ParameterBindError.from_bind_failure(f, TypeError("boom"), (1, 2), {"b": 3}))
        Error binding parameters for function 'f': boom.
        Function 'f' has signature 'a' but received args: (1, 2) and kwargs: ['b'].
        """
        signature = str(inspect.signature(fn)).strip("()")
        return cls(f"Error binding parameters for function '{fn.__name__}': {exc}.\nFunction '{fn.__name__}' has "
                   f"signature '{signature}' but received args: {call_args} and kwargs: {list(call_kwargs)}.")


class ParameterTypeError(OrchestratorError):
    """Parameters that fail validation against the type hints."""

    @classmethod
    def from_validation_error(cls, exc: Any) -> "ParameterTypeError":
        """Prefect's message for a pydantic ``ValidationError``: one line per bad field, by its location."""
        lines = [f"{'.'.join(str(part) for part in err['loc'])}: {err['msg']}" for err in exc.errors()]
        return cls("Flow run received invalid parameters:\n - " + "\n - ".join(lines))


class RunNameError(OrchestratorError, ValueError):
    """A run name template that does not fit the run's parameters (``flow_run_name="x-{nope}"``)."""


class ScheduleError(OrchestratorError, ValueError):
    """An invalid cron, rrule, interval or timezone."""


class MappingLengthMismatch(OrchestratorError):
    """``.map()`` got iterables of different lengths."""


class MappingMissingIterable(OrchestratorError):
    """``.map()`` got no iterable argument."""


class ScriptError(OrchestratorError):
    """A script raised while it was loaded for its flow (``user_exc`` is what it raised, ``path`` the file)."""

    def __init__(self, user_exc: BaseException, path: str) -> None:
        super().__init__(f"Script at {path!r} encountered an exception: {user_exc!r}")
        self.user_exc, self.path = user_exc, path


class MissingFlowError(OrchestratorError):
    """An entrypoint names no flow (nothing by that name, or something that is not a flow)."""


class MissingContextError(OrchestratorError, RuntimeError):
    """A run-only API was used outside a flow or task run."""


class UpstreamTaskError(OrchestratorError):
    """A task did not run because an upstream task did not complete."""


class FailedRun(OrchestratorError):
    """The result of a failed run whose exception is not available."""


class CrashedRun(OrchestratorError):
    """The result of a crashed run."""


class CancelledRun(OrchestratorError):
    """The result of a cancelled run."""


class PausedRun(OrchestratorError):
    """The result of a paused run."""


class UnfinishedRun(OrchestratorError):
    """The result of a run that has not finished."""


class MissingResult(OrchestratorError):
    """A state read back from the database whose value was not persisted."""


class ConcurrencySlotAcquisitionError(OrchestratorError):
    """Concurrency slots cannot be had: a missing limit (strict), or more slots than the limit holds."""


class AcquireConcurrencySlotTimeoutError(OrchestratorError, TimeoutError):
    """Concurrency slots did not free up within ``timeout_seconds``."""


class NotPausedError(OrchestratorError):
    """resume_flow_run() of a run that is not paused."""


class FlowPauseTimeout(OrchestratorError, TimeoutError):
    """A paused flow run was not resumed in time."""


class FlowRunTimeoutError(OrchestratorError, TimeoutError):
    """A flow run exceeded its ``timeout_seconds``."""


class ExternalSignal(BaseException):
    """An exception for a signal from outside, not meant to be caught by user code."""


class TerminationSignal(ExternalSignal):
    """Raised in a run when its process receives a termination signal (``signal`` is its number)."""

    def __init__(self, signal: int) -> None:
        super().__init__(signal)
        self.signal = signal


class TaskRunTimeoutError(OrchestratorError, TimeoutError):
    """A task run exceeded its ``timeout_seconds``."""


# == 4. States ============================================================================================


class StateType(str, enum.Enum):
    """The nine state types; only COMPLETED, FAILED, CANCELLED and CRASHED are final.

    >>> StateType("COMPLETED").value
    'COMPLETED'
    """

    SCHEDULED = "SCHEDULED"
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    CRASHED = "CRASHED"
    PAUSED = "PAUSED"
    CANCELLING = "CANCELLING"


_SCHEDULED, _PENDING, _RUNNING, _COMPLETED, _FAILED, _CANCELLED, _CRASHED, _PAUSED, _CANCELLING = StateType
_FINAL_TYPES = frozenset((_COMPLETED, _FAILED, _CANCELLED, _CRASHED))
_TITLES = {t: t.value.title() for t in StateType}
_NO_DATA = type("_NoData", (), {"__repr__": lambda self: "<no data>"})()


class StateDetails:
    """Run links and scheduling details carried by a state (unset fields read as None)."""

    flow_run_id = task_run_id = child_flow_run_id = scheduled_time = cache_key = None
    cache_expiration = pause_timeout = pause_reschedule = pause_key = retriable = None
    _FIELDS = ("flow_run_id", "task_run_id", "child_flow_run_id", "scheduled_time", "cache_key",
               "cache_expiration", "pause_timeout", "pause_reschedule", "pause_key", "retriable")

    def __init__(self, **fields: Any) -> None:
        if fields:
            for name, value in fields.items():
                if name not in self._FIELDS:
                    raise TypeError(f"unknown state detail: {name}")
                setattr(self, name, value)


class State:
    """A run's state: a type, a display name, an optional message, and the run's value or exception.

    >>> s = Completed(data=3)
    >>> s.is_completed(), s.result(), str(s)
    (True, 3, 'Completed()')
    >>> str(Failed(message="boom", name="TimedOut"))
    "TimedOut('boom', type=FAILED)"
    """

    # the details are made when first read: most states only ever carry their run's ids (two slots), and
    # a 100,000-item map keeps 100,000 final states
    __slots__ = ("type", "name", "message", "timestamp", "_details", "_task_run_id", "_flow_run_id", "data", "id")

    def __class_getitem__(cls, item: Any) -> Any:
        """``State[int]``, as in annotations such as ``list[State[int | None]]``."""
        import types

        return types.GenericAlias(cls, item)

    def __init__(
        self,
        type: StateType | str,
        name: Optional[str] = None,
        message: Optional[str] = None,
        data: Any = None,
        timestamp: Optional[float] = None,
        state_details: Optional[StateDetails] = None,
    ) -> None:
        self.type = type if type.__class__ is StateType else StateType(type)
        self.name = name or _TITLES[self.type]
        self.message = message
        self.data = data
        self.timestamp = time.time() if timestamp is None else timestamp
        self._details = state_details
        self._task_run_id = self._flow_run_id = self.id = None

    @property
    def state_details(self) -> StateDetails:
        details = self._details
        if details is None:
            details = self._details = StateDetails()
            if self._task_run_id is not None:
                details.task_run_id = self._task_run_id
            if self._flow_run_id is not None:
                details.flow_run_id = self._flow_run_id
        return details

    @state_details.setter
    def state_details(self, details: StateDetails) -> None:
        self._details = details

    def _link(self, task_run_id: Optional[str], flow_run_id: Optional[str]) -> None:
        """Record the run this state belongs to (in its details, made only when someone reads them)."""
        details = self._details
        if details is None:
            self._task_run_id, self._flow_run_id = task_run_id, flow_run_id
        else:
            details.task_run_id, details.flow_run_id = task_run_id, flow_run_id

    def is_scheduled(self) -> bool:
        return self.type is _SCHEDULED

    def is_pending(self) -> bool:
        return self.type is _PENDING

    def is_running(self) -> bool:
        return self.type is _RUNNING

    def is_completed(self) -> bool:
        return self.type is _COMPLETED

    def is_failed(self) -> bool:
        return self.type is _FAILED

    def is_crashed(self) -> bool:
        return self.type is _CRASHED

    def is_cancelled(self) -> bool:
        return self.type is _CANCELLED

    def is_cancelling(self) -> bool:
        return self.type is _CANCELLING

    def is_paused(self) -> bool:
        return self.type is _PAUSED

    def is_final(self) -> bool:
        return self.type in _FINAL_TYPES

    def result(self, raise_on_failure: bool = True, retry_result_failure: bool = True, _sync: Optional[bool] = None
               ) -> Any:
        """The run's value; for a failed, crashed or cancelled run, raise (or return) its exception. In
        async code (an async flow or task, or an event loop outside any run) it is awaitable, as in
        Prefect: ``value = await state.result()``; ``_sync=True`` forces the plain value.

        >>> Failed(data=ValueError("x")).result(raise_on_failure=False)
        ValueError('x')
        """
        if _wants_await(_sync):
            return _awaitable(self._result, raise_on_failure)
        return self._result(raise_on_failure)

    async def aresult(self, raise_on_failure: bool = True, retry_result_failure: bool = True) -> Any:
        """:meth:`result` for async code, always awaitable."""
        return self._result(raise_on_failure)

    def _result(self, raise_on_failure: bool = True) -> Any:
        if self.type is _PAUSED:
            raise PausedRun(f"Run is paused, its result is not available: {self.message or ''}".rstrip(": "))
        if self.type not in _FINAL_TYPES:
            if self.name == "NotReady":
                raise UpstreamTaskError(self.message)
            raise UnfinishedRun(f"Run is in {self.type.value} state, its result is not available.")
        if self.type is _COMPLETED:
            data = self.data
            if data is _NO_DATA:
                raise MissingResult("State data is missing: the result was not persisted.")
            return data.get() if data.__class__ is _RemoteValue else data
        exc = self._exception()
        if raise_on_failure:
            raise exc
        return exc

    def _exception(self) -> BaseException:
        return _get_state_exception(self)

    def fresh_copy(self, **updates: Any) -> "State":
        """A copy with a new timestamp, for example to record the same state again."""
        new = State(self.type, self.name, self.message, self.data, None, self.state_details)
        for key, value in updates.items():
            setattr(new, key, value)
        return new

    def __str__(self) -> str:
        if not self.message and self.name is _TITLES[self.type]:  # Completed(): on every task's log line
            return self.name + "()"
        if not self.message:  # Cached(type=COMPLETED): on every cache hit's
            text = _STATE_TEXTS.get((self.name, self.type))
            if text is None:
                text = f"{self.name}()" if self.type.value.lower() == self.name.lower() else \
                    f"{self.name}(type={self.type.value})"
                if len(_STATE_TEXTS) < 1000:
                    _STATE_TEXTS[(self.name, self.type)] = text
            return text
        parts = [repr(self.message)]
        if self.type.value.lower() != self.name.lower():
            parts.append(f"type={self.type.value}")
        return f"{self.name}({', '.join(parts)})"

    def __repr__(self) -> str:
        data = self.data if self.data is not _NO_DATA else None
        return f"{self.name}(message={self.message!r}, type={self.type.value}, result={data!r})"


_STATE_TEXTS: dict = {}  # (name, type) -> str() of a state with that name and type and no message


def _state_maker(type_: StateType, default_name: Optional[str] = None) -> Callable[..., State]:
    def make(message: Optional[str] = None, name: Optional[str] = None, data: Any = None,
             scheduled_time: Any = None, **details: Any) -> State:
        state = State(type_, name or default_name, message, data)
        if details:
            state.state_details = StateDetails(**details)
        if scheduled_time is not None:
            state.state_details.scheduled_time = scheduled_time
        return state

    make.__name__ = default_name or type_.value.title()
    make.__qualname__ = make.__name__
    make.__doc__ = f"A {type_.value} state named {make.__name__!r}. Example: ``{make.__name__}(message='...')``."
    return make


Scheduled = _state_maker(StateType.SCHEDULED)
Late = _state_maker(StateType.SCHEDULED, "Late")
AwaitingRetry = _state_maker(StateType.SCHEDULED, "AwaitingRetry")
AwaitingConcurrencySlot = _state_maker(StateType.SCHEDULED, "AwaitingConcurrencySlot")
Pending = _state_maker(StateType.PENDING)
Submitting = _state_maker(StateType.PENDING, "Submitting")
InfrastructurePending = _state_maker(StateType.PENDING, "InfrastructurePending")
Running = _state_maker(StateType.RUNNING)
Retrying = _state_maker(StateType.RUNNING, "Retrying")
Completed = _state_maker(StateType.COMPLETED)
Failed = _state_maker(StateType.FAILED)
Crashed = _state_maker(StateType.CRASHED)
Cancelling = _state_maker(StateType.CANCELLING)
Cancelled = _state_maker(StateType.CANCELLED)


def Paused(timeout_seconds: Optional[float] = None, pause_expiration_time: Any = None,
           reschedule: bool = False, pause_key: Optional[str] = None, **kw: Any) -> State:
    """A PAUSED state. Example: ``Paused(timeout_seconds=60)``."""
    state = State(StateType.PAUSED, kw.pop("name", None), kw.pop("message", None), kw.pop("data", None))
    state.state_details.pause_timeout = pause_expiration_time or (
        time.time() + timeout_seconds if timeout_seconds else None)
    state.state_details.pause_reschedule = reschedule
    state.state_details.pause_key = pause_key
    return state


def Suspended(timeout_seconds: Optional[float] = None, pause_expiration_time: Any = None,
              pause_key: Optional[str] = None, **kw: Any) -> State:
    """A PAUSED state named Suspended. Example: ``Suspended()``."""
    return Paused(timeout_seconds, pause_expiration_time, True, pause_key, name="Suspended", **kw)


def _in_async_context() -> bool:
    """Prefect's test for "async code": inside a run, whether its task or flow is async; outside any
    run, whether an event loop runs in this thread."""
    task_ctx = _TASK_CTX.get()
    if task_ctx is not None:
        return task_ctx.task._is_async
    flow_ctx = _FLOW_CTX.get()
    if flow_ctx is not None:
        return flow_ctx.flow._is_async
    return _in_event_loop()


def _wants_await(_sync: Optional[bool]) -> bool:
    """Whether a call Prefect makes awaitable in async code returns a coroutine: ``_sync`` decides when
    given, else :func:`_in_async_context`."""
    return not _sync if _sync is not None else _in_async_context()


async def _awaitable(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` as a coroutine: what a function Prefect makes awaitable in async code returns."""
    return fn(*args, **kwargs)


def _async_form(fn: Callable) -> Callable:
    """The always-awaitable twin of ``fn`` (Prefect's ``a``-prefixed names: ``aresult``, ``Variable.aget``)."""

    @functools.wraps(fn)
    async def twin(*args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)

    twin.__name__ = twin.__qualname__ = "a" + fn.__name__.lstrip("_")
    return twin


def _async_dispatch(fn: Callable) -> Callable:
    """Make ``fn`` awaitable in async code, as Prefect's ``async_dispatch`` does: there, the call returns a
    coroutine of the same result; ``_sync=True`` forces the plain call, ``_sync=False`` the coroutine."""

    @functools.wraps(fn)
    def dispatch(*args: Any, _sync: Optional[bool] = None, **kwargs: Any) -> Any:
        if _wants_await(_sync):
            return _awaitable(fn, *args, **kwargs)
        return fn(*args, **kwargs)

    dispatch.aio = _async_form(fn)
    if fn.__name__.startswith("_"):
        dispatch.__name__ = dispatch.__qualname__ = fn.__name__.lstrip("_")
    return dispatch


def _exception_state(exc: BaseException, kind: str) -> State:
    """The final state for a run that raised ``exc``; ``kind`` is "Flow" or "Task"."""
    if isinstance(exc, (KeyboardInterrupt, SystemExit, TerminationSignal)):
        return _exception_to_crashed_state(exc)
    if isinstance(exc, _CancelSignal):  # the grace period of a cancelled flow ended while this run ran
        return Cancelled(message=f"The flow run was cancelled; this {kind.lower()} run did not finish within "
                                 f"the grace period.")
    sep = ":" if kind == "Flow" else ""
    return Failed(message=f"{kind} run encountered an exception{sep} {type(exc).__name__}: {exc}", data=exc)


class StateGroup:
    """Counts over several states, for Prefect's aggregate rule.

    >>> g = StateGroup([Completed(), Failed(), Running()])
    >>> g.fail_count, g.all_completed(), g.all_final(), g.counts_message()
    (1, False, False, "total=3, not_final=1, 'COMPLETED'=1, 'FAILED'=1, 'RUNNING'=1")
    """

    def __init__(self, states: list) -> None:
        self.states = states
        self.type_counts: dict = {}
        for state in states:
            self.type_counts[state.type] = self.type_counts.get(state.type, 0) + 1
        self.total_count = len(states)
        self.cancelled_count = self.type_counts.get(_CANCELLED, 0)
        self.paused_count = self.type_counts.get(_PAUSED, 0)
        self.final_count = sum(self.type_counts.get(t, 0) for t in _FINAL_TYPES)
        self.not_final_count = self.total_count - self.final_count

    @property
    def fail_count(self) -> int:
        return self.type_counts.get(_FAILED, 0) + self.type_counts.get(_CRASHED, 0)

    def all_completed(self) -> bool:
        return self.type_counts.get(_COMPLETED, 0) == self.total_count

    def any_cancelled(self) -> bool:
        return self.cancelled_count > 0

    def any_failed(self) -> bool:
        return self.fail_count > 0

    def any_paused(self) -> bool:
        return self.paused_count > 0

    def all_final(self) -> bool:
        return self.final_count == self.total_count

    def counts_message(self) -> str:
        parts = [f"total={self.total_count}"] + ([f"not_final={self.not_final_count}"] if self.not_final_count else [])
        return ", ".join(parts + [f"{t.value!r}={n}" for t, n in self.type_counts.items() if n])

    def __repr__(self) -> str:
        return f"StateGroup<{self.counts_message()}>"


def _aggregate_state(states: list, data: Any = None) -> State:
    """Prefect's rule for a run that returns several states; ``data`` (default: the states) is kept.

    >>> str(_aggregate_state([Completed(), Failed()]))
    "Failed('1/2 states failed.')"
    """
    group, n = StateGroup(states), len(states)
    data = states if data is None else data
    if group.all_completed():
        return Completed(message="All states completed.", data=data)
    if group.any_cancelled():
        return Cancelled(message=f"{group.cancelled_count}/{n} states cancelled.", data=data)
    if group.any_paused():
        return Paused(message=f"{group.paused_count}/{n} states paused.", data=data)
    if group.any_failed():
        return Failed(message=f"{group.fail_count}/{n} states failed.", data=data)
    return Failed(message=f"{group.not_final_count}/{n} states are not final.", data=data)


def is_state_iterable(obj: Any) -> bool:
    """Whether ``obj`` is a non-empty list, tuple or set of states only (other containers never are).

    >>> is_state_iterable([Completed()]), is_state_iterable([]), is_state_iterable({Completed(): 1})
    (True, False, False)
    """
    return isinstance(obj, (list, tuple, set)) and bool(obj) and all(isinstance(o, State) for o in obj)


def _return_value_to_state(retval: Any, result_store: Any = None, key: Optional[str] = None,
                           expiration: Any = None, write_result: bool = False) -> State:
    """The state a run ends in, given what its function returned (Prefect's rules): a state built by
    hand (no run ids) as it is; a run's state, or a list, tuple or set of states, by the aggregate rule
    with the value as its data; a generator as the list it yields; anything else ``Completed`` with it.
    ``result_store``, ``key``, ``expiration`` and ``write_result`` are accepted for Prefect's signature:
    results are persisted by the engine, in the database's folder."""
    if isinstance(retval, State):
        if retval.state_details.task_run_id is None and retval.state_details.flow_run_id is None:
            return retval
        return _aggregate_state([retval], retval)
    if is_state_iterable(retval):
        return _aggregate_state(list(retval), retval)
    if inspect.isgenerator(retval):
        retval = list(retval)
    return Completed(data=retval)


return_value_to_state = _async_dispatch(_return_value_to_state)


def _format_exception(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _exception_to_crashed_state(exc: BaseException, result_store: Any = None) -> State:
    """The ``Crashed`` state for an exception raised outside the user's code, with Prefect's messages."""
    import asyncio

    if isinstance(exc, asyncio.CancelledError):
        message = "Execution was cancelled by the runtime environment."
    elif isinstance(exc, KeyboardInterrupt):
        message = "Execution was aborted by an interrupt signal."
    elif isinstance(exc, TerminationSignal):
        message = "Execution was aborted by a termination signal."
    elif isinstance(exc, SystemExit):
        message = "Execution was aborted by Python system exit call."
    else:
        message = f"Execution was interrupted by an unexpected exception: {_format_exception(exc)}"
    return Crashed(message=message, data=exc)


def _exception_to_failed_state(exc: Optional[BaseException] = None, result_store: Any = None,
                               write_result: bool = False, **kwargs: Any) -> State:
    """The ``Failed`` state for ``exc`` (default: the exception being handled), not retriable; a
    ``message`` given is put before the exception's type and text."""
    if exc is None:
        exc = sys.exc_info()[1]
        if exc is None:
            raise ValueError("Exception was not passed and no active exception could be found.")
    message = kwargs.pop("message", "") or ""
    if message and not message.endswith(" "):
        message += " "
    state = Failed(data=exc, message=message + _format_exception(exc), **kwargs)
    state.state_details.retriable = False
    return state


exception_to_crashed_state = _async_dispatch(_exception_to_crashed_state)
exception_to_failed_state = _async_dispatch(_exception_to_failed_state)


def _get_state_exception(state: State) -> BaseException:
    """The exception a failed, crashed or cancelled state holds (Prefect's rules): its data when that is an
    exception; the first failed one of the states it holds; otherwise FailedRun, CrashedRun or
    CancelledRun with its data (a string) or message.

    >>> _get_state_exception(Failed(message="boom"))
    FailedRun('boom')
    """
    wrapper, default = {_FAILED: (FailedRun, "Run failed."), _CRASHED: (CrashedRun, "Run crashed."),
                        _CANCELLED: (CancelledRun, "Run cancelled.")}.get(state.type, (None, None))
    if wrapper is None:
        raise ValueError(f"Expected failed or crashed state got {state!r}.")
    result = state.data
    if result is None or result is _NO_DATA:
        return wrapper(state.message or default)
    if isinstance(result, BaseException):
        return result
    if isinstance(result, str):
        return wrapper(result)
    if isinstance(result, State):
        return _get_state_exception(result)
    if is_state_iterable(result):
        for inner in result:
            if inner.type in (_FAILED, _CRASHED, _CANCELLED):
                return _get_state_exception(inner)
        raise ValueError("Failed state result was an iterable of states but none were failed.")
    raise TypeError(f"Unexpected result for failed state: {result!r} —— "
                    f"{type(result).__name__} cannot be resolved into an exception")


def _raise_state_exception(state: State) -> None:
    """Raise the exception a failed, crashed or cancelled state holds; any other state returns None."""
    if state.type in (_FAILED, _CRASHED, _CANCELLED):
        raise _get_state_exception(state)


get_state_exception = _async_dispatch(_get_state_exception)
raise_state_exception = _async_dispatch(_raise_state_exception)
aget_state_exception = get_state_exception.aio
araise_state_exception = raise_state_exception.aio


# == 5. Store: the schema and its encoding ================================================================
#
# Sections 5, 6 and 7 are the only place with SQL. Readers use one connection per thread; writes go through one connection per
# process under a lock, so threads of one process queue on a Python lock and never meet SQLite's busy
# handler (processes still do, with a long timeout). Every write is one BEGIN IMMEDIATE transaction.
# Writes that may be late (a task's start record, log lines) wait in a buffer that the next committed
# write, or a flusher thread within _FLUSH_SECONDS, takes along.

# Pieces of the event triggers (migration 9) and of the event_rows view (16): an event's id, and a flow
# run's resource, related resources and payload with Prefect's labels. In the triggers ``h`` is the history
# entry [type, name, message, timestamp] the event is for.
# An event's id: a version 4 UUID (its 13th digit 4, its 17th one of 8, 9, a, b), from random() rather than
# hex(randomblob()), which cost twice as much.
_EVENT_ID_SQL = ("printf('%08x-%04x-4%03x-%x%03x-%012x', random() & 4294967295, random() & 65535, random() & 4095, "
                 "8 + (random() & 3), random() & 4095, random() & 281474976710655)")
# the same from two random() calls (64 bits each), for migration 18's triggers: ``r`` and ``s`` are columns
# of the subquery that draws them (SQLite's >> keeps the sign; the masks drop it)
_EVENT_ID_FROM_SQL = ("printf('%08x-%04x-4%03x-%x%03x-%012x', r & 4294967295, (r >> 32) & 65535, (r >> 48) & 4095, "
                      "8 + (s & 3), (s >> 2) & 4095, (s >> 14) & 281474976710655)")


def _flow_run_resource_sql(resource_id: str, name: str, run_count: str, entry: Callable[[int], str],
                           timestamp: str) -> str:
    """A flow-run state event's resource, with Prefect's labels: ``entry(i)`` is the SQL of field i of
    the history entry [type, name, message, timestamp] the event is for."""
    return f"""json_object('prefect.resource.id', {resource_id},
    'prefect.resource.name', {name}, 'prefect.run-count', CAST({run_count} AS TEXT),
    'prefect.state-message', coalesce({entry(2)}, ''), 'prefect.state-name', {entry(1)},
    'prefect.state-timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', {timestamp}, 'unixepoch'),
    'prefect.state-type', {entry(0)})"""


def _state_payload_sql(entry: Callable[[int], str], previous_type: str) -> str:
    """A flow-run state event's payload: the state proposed (from ``previous_type``) and the one validated."""
    return f"""json_object('intended', json_object('from', {previous_type},
    'to', {entry(0)}), 'validated_state', json_object('type', {entry(0)}, 'name', {entry(1)},
    'message', coalesce({entry(2)}, '')))"""


def _history_entry_sql(field: int) -> str:
    return f"h.value->>{field}"


_FLOW_RUN_RESOURCE_SQL = _flow_run_resource_sql("'prefect.flow-run.' || NEW.id", "NEW.name", "NEW.run_count",
                                                _history_entry_sql, "h.value->>3")


def _flow_run_related_sql(run: str, tags: str) -> str:
    """A flow run's related resources as a JSON array (its flow, deployment and tags), for the run row
    ``run`` (NEW in a trigger, f in event_rows) with its tags list ``tags``."""
    return f"""(SELECT json_group_array(json(r)) FROM (
    SELECT json_object('prefect.resource.id', 'prefect.flow.' || {run}.flow_name, 'prefect.resource.role', 'flow',
                       'prefect.resource.name', {run}.flow_name) AS r
    UNION ALL SELECT json_object('prefect.resource.id', 'prefect.deployment.' || {run}.deployment_id,
                                 'prefect.resource.role', 'deployment', 'prefect.resource.name',
                                 coalesce((SELECT d.name FROM deployments d WHERE d.id = {run}.deployment_id), ''))
              WHERE {run}.deployment_id IS NOT NULL
    UNION ALL SELECT json_object('prefect.resource.id', 'prefect.tag.' || t.value, 'prefect.resource.role', 'tag')
              FROM json_each({tags}) t))"""


_FLOW_RUN_RELATED_SQL = _flow_run_related_sql("NEW", "NEW.tags")
_STATE_PAYLOAD_SQL = _state_payload_sql(
    _history_entry_sql, "CASE WHEN h.key > 0 THEN json_extract(NEW.history, '$[' || (h.key - 1) || '][0]') END")
_TASK_RUN_RESOURCE_SQL = """json_object('prefect.resource.id', 'prefect.task-run.' || NEW.id,
    'prefect.resource.name', NEW.name, 'prefect.run-count', CAST(NEW.run_count AS TEXT),
    'prefect.state-message', coalesce(NEW.state_message, ''), 'prefect.state-name', NEW.state_name,
    'prefect.state-type', NEW.state_type)"""
_TASK_RUN_RELATED_SQL = """(SELECT json_group_array(json(r)) FROM (
    SELECT json_object('prefect.resource.id', 'prefect.flow-run.' || NEW.flow_run_id, 'prefect.resource.role',
                       'flow-run', 'prefect.resource.name', coalesce((SELECT f.name FROM flow_runs f
                                                                      WHERE f.id = NEW.flow_run_id), '')) AS r
              WHERE NEW.flow_run_id IS NOT NULL
    UNION ALL SELECT json_object('prefect.resource.id', 'prefect.task.' || NEW.task_key, 'prefect.resource.role',
                                 'task', 'prefect.resource.name', NEW.name)
    UNION ALL SELECT json_object('prefect.resource.id', 'prefect.tag.' || t.value, 'prefect.resource.role', 'tag')
              FROM json_each(NEW.tags) t))"""

# A run whose history is a plain one is stored as a code, not its JSON (task runs since migration 21, flow
# runs since 23): "=PRC" for Pending at its ``created``, Running at its ``start_time`` and Completed at its
# ``end_time`` (a call that went straight through), "=PC" for Pending then Completed (a subflow call's task
# run). For a task run the JSON was 40% of the row, and the table (WITHOUT ROWID) holds whole rows in its
# inner pages too: about every third INSERT rewrote three leaf pages and their parent (with the code, a
# sequential task takes 0.87 of the time). For a flow run, writing the times out was 7% of a subflow
# call's instructions. Only a completed run is coded, so the history of a run that is not final is always
# JSON. Read it with _stored_history (in SQL: _history_keys_sql, _coded_entry_sql); _history_text writes it.
_HISTORY_CODES = {  # code -> its entries: (type, name, the column holding the entry's time)
    "=PRC": (("PENDING", "Pending", "created"), ("RUNNING", "Running", "start_time"),
             ("COMPLETED", "Completed", "end_time")),
    "=PC": (("PENDING", "Pending", "created"), ("COMPLETED", "Completed", "end_time")),
}
_PLAIN_PENDING, _PLAIN_RUNNING, _PLAIN_COMPLETED = ("PENDING", "Pending", None), ("RUNNING", "Running", None), \
    ("COMPLETED", "Completed", None)


def _history_keys_sql(run: str) -> str:
    """SQL: the history of the run row ``run`` as json_each and json_array_length read it for its entries'
    positions (a code as many entries as it stands for; see _history_text)."""
    codes = " ".join(f"WHEN '{code}' THEN '{json.dumps(list(range(len(entries))))}'"
                     for code, entries in _HISTORY_CODES.items())
    return f"CASE {run}.history {codes} ELSE {run}.history END"


def _flow_run_event_triggers(columns: str, values: str, lean: bool = False, derived_ids: bool = False,
                             coded: bool = False) -> str:
    """The two triggers that make a flow run's new history entries events (``h``: the entry), writing
    ``columns`` with ``values`` besides each event's id, time, name and resource id. ``lean`` (migration
    18): no name, the time of the write rather than of the entry (event_rows reads both from the entry),
    and the id from two random numbers: reading the entry's fields was a fifth of a subflow call's events.
    ``derived_ids`` (migration 19): no id either (``''``): event_rows derives it from the run's id and the
    entry's position (see _DERIVED_EVENT_ID_SQL); drawing and printing it was over a third of what remained.
    ``coded`` (migration 23): a history may be a code (see _history_text), read through _history_keys_sql."""
    new_history, old_history = (_history_keys_sql("NEW"), _history_keys_sql("OLD")) if coded else \
        ("NEW.history", "OLD.history")
    event_id, occurred, event, source = (
        ("''", "coalesce(NEW.state_timestamp, NEW.created)", "''", f"json_each({new_history}) h") if derived_ids else
        (_EVENT_ID_FROM_SQL, "coalesce(NEW.state_timestamp, NEW.created)", "''",
         "(SELECT h.key AS key, random() AS r, random() AS s FROM json_each(NEW.history) h) h") if lean else
        (_EVENT_ID_SQL, "h.value->>3", "'prefect.flow-run.' || (h.value->>1)", "json_each(NEW.history) h"))
    head = (f"INSERT INTO events (event_id, occurred, event, resource_id, {columns})\n"
            f"        SELECT {event_id}, {occurred}, {event}, 'prefect.flow-run.' || NEW.id,\n"
            f"               {values}\n        FROM {source}")
    return f"""
    CREATE TRIGGER flow_run_events_insert AFTER INSERT ON flow_runs BEGIN
        {head};
    END;
    CREATE TRIGGER flow_run_events_update AFTER UPDATE OF history ON flow_runs
    WHEN json_array_length({new_history}) > json_array_length({old_history}) BEGIN
        {head} WHERE h.key >= json_array_length({old_history});
    END;"""


# the four event triggers, as migrations 9 and 15 create them
_EVENT_TRIGGERS = _flow_run_event_triggers(
    "resource, related, payload", f"{_FLOW_RUN_RESOURCE_SQL}, {_FLOW_RUN_RELATED_SQL}, {_STATE_PAYLOAD_SQL}") + """
    CREATE TRIGGER task_run_failure_events_insert AFTER INSERT ON task_runs
    WHEN NEW.state_type IN ('FAILED', 'CRASHED') BEGIN
        INSERT INTO events (event_id, occurred, event, resource_id, resource, related, payload)
        VALUES (""" + _EVENT_ID_SQL + """, coalesce(NEW.state_timestamp, NEW.created), 'prefect.task-run.' || NEW.state_name,
                'prefect.task-run.' || NEW.id, """ + _TASK_RUN_RESOURCE_SQL + """, """ + _TASK_RUN_RELATED_SQL + """, '{}');
    END;
    CREATE TRIGGER task_run_failure_events_update AFTER UPDATE OF state_type ON task_runs
    WHEN NEW.state_type IN ('FAILED', 'CRASHED') AND OLD.state_type IS NOT NEW.state_type BEGIN
        INSERT INTO events (event_id, occurred, event, resource_id, resource, related, payload)
        VALUES (""" + _EVENT_ID_SQL + """, coalesce(NEW.state_timestamp, NEW.created), 'prefect.task-run.' || NEW.state_name,
                'prefect.task-run.' || NEW.id, """ + _TASK_RUN_RESOURCE_SQL + """, """ + _TASK_RUN_RELATED_SQL + """, '{}');
    END;
"""

# Since migration 24 the engine writes a task run's failure event when it inserts the run already Failed or
# Crashed, in the same transaction (see _Store._commit), rather than a trigger that ran on every insert: its
# WHEN was evaluated inside a trigger program, whose frame was set up for each of the many completed runs.
# The UPDATE trigger stays (other processes' SQL marks runs Crashed). The same event, from the run's row:
_TASK_RUN_FAILURE_EVENT_SQL = (
    "INSERT INTO events (event_id, occurred, event, resource_id, resource, related, payload) SELECT "
    + _EVENT_ID_SQL + ", coalesce(t.state_timestamp, t.created), 'prefect.task-run.' || t.state_name, "
    "'prefect.task-run.' || t.id, " + _TASK_RUN_RESOURCE_SQL.replace("NEW.", "t.") + ", "
    + _TASK_RUN_RELATED_SQL.replace("NEW.", "t.") + ", '{}' FROM task_runs t WHERE t.id = ?")

# Since migration 16 the flow-run triggers write an event's names and ids only, with the history entry it is
# for (state_index) and the run count then; event_rows gives every event whole, these from their run's row.
_COMPACT_EVENT_TRIGGERS = _flow_run_event_triggers("resource, state_index, run_count", "'', h.key, NEW.run_count")
# Since migration 18 they write no event name and the time of the write (see _flow_run_event_triggers)
_LEAN_EVENT_TRIGGERS = _flow_run_event_triggers("resource, state_index, run_count", "'', h.key, NEW.run_count",
                                                lean=True)
# Since migration 19 no event id either: event_rows derives it
_ID_FREE_EVENT_TRIGGERS = _flow_run_event_triggers("resource, state_index, run_count", "'', h.key, NEW.run_count",
                                                   derived_ids=True)
# Since migration 23 a run's history may be a code
_CODED_EVENT_TRIGGERS = _flow_run_event_triggers("resource, state_index, run_count", "'', h.key, NEW.run_count",
                                                 derived_ids=True, coded=True)
# The id event_rows gives a flow-run state event stored without one (``e``: the events row): a version 4
# UUID made of the run's id (``'prefect.flow-run.'`` and 36 characters) and the state's position in its
# history, four hex digits that take the place of the run id's first four (the top of a UUIDv7's
# millisecond count, which turns over every 50 days). So it is the same on every read, and two events have
# the same id only when their runs' ids agree in 106 of their other bits: never. The run id's variant
# digit (8, 9, a or b) is kept; its version digit becomes 4.
_DERIVED_EVENT_ID_SQL = (
    "printf('%04x', e.state_index & 65535) || substr(e.resource_id, 22, 4) || '-' || substr(e.resource_id, 27, 4)"
    " || '-4' || substr(e.resource_id, 33, 3) || '-' || substr(e.resource_id, 37, 4) || '-'"
    " || substr(e.resource_id, 42, 12)")


def _entry_sql(field: int, before: int = 0) -> str:
    """event_rows: a field of the history entry a compact event is for (``before``: of an earlier entry);
    NULL when the run's history is not valid JSON."""
    return (f"CASE WHEN json_valid(f.history) THEN f.history ->> ('$[' || (e.state_index - {before}) || ']"
            f"[{field}]') END")


def _coded_entry_sql(field: int, before: int = 0) -> str:
    """_entry_sql for a history that may be a code (migration 23): the code's entry from the run's columns."""
    position = f"(e.state_index - {before})"
    codes = []
    for code, entries in _HISTORY_CODES.items():
        values = [("'%s'" % type_, "'%s'" % name, "NULL", f"f.{column}")[field] for type_, name, column in entries]
        codes.append(f"WHEN '{code}' THEN CASE {position} "
                     + " ".join(f"WHEN {k} THEN {v}" for k, v in enumerate(values)) + " END")
    return f"CASE f.history {' '.join(codes)} ELSE {_entry_sql(field, before)} END"


def _event_rows_view(lean: bool, derived_ids: bool = False, coded: bool = False) -> str:
    """The event_rows view: every event whole. Compact events (state_index set) take their resource,
    related resources and payload from their run's row, and (``lean``, migration 18) their time and name
    from the history entry they are for: since then the row holds the time of the write and no name.
    ``derived_ids`` (migration 19): an event stored with no id gets _DERIVED_EVENT_ID_SQL's. ``coded``
    (migration 23): the run's history may be a code (see _history_text)."""
    entry = _coded_entry_sql if coded else _entry_sql
    occurred, event, event_id = "e.occurred", "e.event", "e.event_id"
    if derived_ids:
        event_id = f"CASE WHEN e.event_id != '' THEN e.event_id ELSE {_DERIVED_EVENT_ID_SQL} END"
    if lean:
        occurred = f"CASE WHEN e.state_index IS NULL THEN e.occurred ELSE coalesce({entry(3)}, e.occurred) END"
        event = (f"CASE WHEN e.event != '' THEN e.event ELSE 'prefect.flow-run.' || coalesce({entry(1)}, "
                 f"'Unknown') END")
    return f"""
    CREATE VIEW event_rows AS SELECT e.id, {event_id} AS event_id, {occurred} AS occurred, {event} AS event,
        e.resource_id,
        CASE WHEN e.state_index IS NULL THEN e.resource ELSE """ + _flow_run_resource_sql(
            "e.resource_id", "f.name", "e.run_count", entry, occurred) + """ END AS resource,
        CASE WHEN e.state_index IS NULL THEN e.related ELSE """ + _flow_run_related_sql(
            "f", "CASE WHEN json_valid(f.tags) THEN f.tags ELSE '[]' END") + """ END AS related,
        CASE WHEN e.state_index IS NULL THEN e.payload ELSE """ + _state_payload_sql(
            entry, f"CASE WHEN e.state_index > 0 THEN {entry(0, 1)} END") + """ END AS payload
    FROM events e LEFT JOIN flow_runs f ON e.state_index IS NOT NULL AND f.id = substr(e.resource_id, 18);
"""


_EVENT_ROWS_VIEW = _event_rows_view(lean=False)  # as migration 16 made it

_ACTIVE_STATES = ("PENDING", "RUNNING", "CANCELLING", "PAUSED")
_FINAL_NAMES = ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")  # the final state types, as stored
_FINAL_SQL = "(" + ", ".join(f"'{t}'" for t in _FINAL_NAMES) + ")"  # the same, for SQL's IN
# What indexes a flow run's state events (state_index set, since migration 22): the millisecond of the run's
# id, from 'prefect.flow-run.' and its first 13 characters. Every other event is in events_resource. A
# query by resource id says which it looks for (see _events_of), or SQLite would read the whole table.
_RUN_KEY_SQL = "substr(resource_id, 18, 13)"


def _events_of(resource_ids: list) -> tuple:
    """(SQL, parameters): the ids of the events about these resources, through the index each kind is in.

    >>> _events_of(["prefect.flow-run.01a23bda-9050-7244-8acd-fccce2b28b7d"])[1][1]
    '01a23bda-9050'
    """
    marks = ",".join("?" * len(resource_ids))
    return (f"SELECT id FROM events WHERE state_index IS NULL AND resource_id IN ({marks}) UNION ALL"
            f" SELECT id FROM events WHERE state_index IS NOT NULL AND {_RUN_KEY_SQL} IN ({marks})"
            f" AND resource_id IN ({marks})",
            (*resource_ids, *(r[17:30] for r in resource_ids), *resource_ids))

_MIGRATIONS = [
    # 1: runs, their state history (JSON list of [type, name, message, timestamp]), logs, cache records
    """
    CREATE TABLE flow_runs (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, flow_name TEXT NOT NULL, flow_version TEXT,
        deployment_id TEXT, parent_flow_run_id TEXT, parent_task_run_id TEXT, root_flow_run_id TEXT,
        parameters TEXT NOT NULL DEFAULT '{}', tags TEXT NOT NULL DEFAULT '[]',
        state_type TEXT NOT NULL, state_name TEXT NOT NULL, state_message TEXT, state_timestamp REAL,
        history TEXT NOT NULL DEFAULT '[]', run_count INTEGER NOT NULL DEFAULT 0,
        expected_start_time REAL, start_time REAL, end_time REAL, total_run_time REAL DEFAULT 0,
        entrypoint TEXT, hostname TEXT, pid INTEGER, created REAL NOT NULL
    );
    CREATE INDEX flow_runs_created ON flow_runs(created);
    CREATE INDEX flow_runs_state ON flow_runs(state_type, created);
    CREATE INDEX flow_runs_flow ON flow_runs(flow_name, created);
    CREATE INDEX flow_runs_parent ON flow_runs(parent_flow_run_id);
    CREATE TABLE task_runs (
        id TEXT PRIMARY KEY, flow_run_id TEXT, name TEXT NOT NULL, task_key TEXT NOT NULL,
        dynamic_key TEXT, parameters TEXT NOT NULL DEFAULT '{}', task_inputs TEXT NOT NULL DEFAULT '{}',
        tags TEXT NOT NULL DEFAULT '[]', state_type TEXT NOT NULL, state_name TEXT NOT NULL,
        state_message TEXT, state_timestamp REAL, history TEXT NOT NULL DEFAULT '[]',
        run_count INTEGER NOT NULL DEFAULT 0, start_time REAL, end_time REAL, cache_key TEXT,
        child_flow_run_id TEXT, created REAL NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX task_runs_flow ON task_runs(flow_run_id);
    CREATE TABLE logs (
        id INTEGER PRIMARY KEY, flow_run_id TEXT, task_run_id TEXT, level INTEGER NOT NULL,
        logger TEXT NOT NULL, message TEXT NOT NULL, timestamp REAL NOT NULL
    );
    CREATE INDEX logs_flow_run ON logs(flow_run_id, id);
    CREATE TABLE cache (
        key TEXT PRIMARY KEY, value BLOB NOT NULL, serializer TEXT NOT NULL, expiration REAL,
        task_run_id TEXT, created REAL NOT NULL
    );
    """,
    # 2: persisted results and parameters (durable retry), process heartbeats (crash detection),
    #    cache records that point at a task run's persisted result, transaction records
    """
    ALTER TABLE flow_runs ADD COLUMN parameters_blob BLOB;
    ALTER TABLE flow_runs ADD COLUMN process_id TEXT;
    ALTER TABLE flow_runs ADD COLUMN result BLOB;
    ALTER TABLE flow_runs ADD COLUMN result_serializer TEXT;
    ALTER TABLE flow_runs ADD COLUMN result_path TEXT;
    ALTER TABLE flow_runs ADD COLUMN result_note TEXT;
    ALTER TABLE task_runs ADD COLUMN inputs_hash TEXT;
    ALTER TABLE task_runs ADD COLUMN result BLOB;
    ALTER TABLE task_runs ADD COLUMN result_serializer TEXT;
    ALTER TABLE task_runs ADD COLUMN result_path TEXT;
    ALTER TABLE task_runs ADD COLUMN result_note TEXT;
    CREATE INDEX flow_runs_active ON flow_runs(process_id)
        WHERE state_type IN ('PENDING', 'RUNNING', 'CANCELLING', 'PAUSED');
    DROP TABLE cache;
    CREATE TABLE cache (key TEXT PRIMARY KEY, task_run_id TEXT NOT NULL, expiration REAL, created REAL NOT NULL);
    CREATE TABLE processes (
        id TEXT PRIMARY KEY, pid INTEGER NOT NULL, hostname TEXT NOT NULL, proc_start TEXT,
        started REAL NOT NULL, heartbeat REAL NOT NULL, stopped REAL
    );
    CREATE TABLE transactions (
        key TEXT PRIMARY KEY, value BLOB, flow_run_id TEXT, task_run_id TEXT, committed REAL NOT NULL
    );
    CREATE INDEX processes_live ON processes(stopped);
    """,
    # 3: deployments, and scheduled runs that exist once per (deployment, schedule, slot)
    """
    CREATE TABLE deployments (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, flow_name TEXT NOT NULL, entrypoint TEXT NOT NULL,
        schedules TEXT NOT NULL DEFAULT '[]', parameters TEXT NOT NULL DEFAULT '{}', parameters_blob BLOB,
        tags TEXT NOT NULL DEFAULT '[]', description TEXT, version TEXT, paused INTEGER NOT NULL DEFAULT 0,
        concurrency_limit INTEGER, collision_strategy TEXT NOT NULL DEFAULT 'ENQUEUE',
        catchup TEXT NOT NULL DEFAULT 'latest', max_catchup INTEGER NOT NULL DEFAULT 100,
        misfire_grace REAL NOT NULL DEFAULT 3600, last_slot REAL, created REAL NOT NULL, updated REAL NOT NULL,
        UNIQUE (flow_name, name)
    );
    ALTER TABLE flow_runs ADD COLUMN idempotency_key TEXT;
    CREATE UNIQUE INDEX flow_runs_idempotency ON flow_runs(idempotency_key) WHERE idempotency_key IS NOT NULL;
    CREATE INDEX flow_runs_due ON flow_runs(expected_start_time) WHERE state_type = 'SCHEDULED';
    CREATE INDEX flow_runs_deployment ON flow_runs(deployment_id, created);
    ALTER TABLE processes ADD COLUMN kind TEXT;
    """,
    # 4: run names are looked up by the CLI; variables, artifacts and concurrency limits
    """
    CREATE INDEX flow_runs_name ON flow_runs(name);
    CREATE TABLE variables (
        name TEXT PRIMARY KEY, value TEXT NOT NULL, tags TEXT NOT NULL DEFAULT '[]',
        created REAL NOT NULL, updated REAL NOT NULL
    );
    CREATE TABLE artifacts (
        id TEXT PRIMARY KEY, key TEXT, type TEXT NOT NULL, data TEXT, description TEXT,
        flow_run_id TEXT, task_run_id TEXT, created REAL NOT NULL, updated REAL NOT NULL
    );
    CREATE INDEX artifacts_key ON artifacts(key, created);
    CREATE INDEX artifacts_flow_run ON artifacts(flow_run_id);
    CREATE TABLE concurrency_limits (
        name TEXT PRIMARY KEY, "limit" INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1,
        slot_decay_per_second REAL NOT NULL DEFAULT 0, created REAL NOT NULL, updated REAL NOT NULL
    );
    CREATE TABLE concurrency_slots (
        id INTEGER PRIMARY KEY, limit_name TEXT NOT NULL, occupy INTEGER NOT NULL, process_id TEXT,
        acquired REAL NOT NULL, expires REAL
    );
    CREATE INDEX concurrency_slots_limit ON concurrency_slots(limit_name);
    """,
    # 5: every index on flow_runs costs each run's commit a page; keep only those a query needs. Run ids
    #    are time-ordered (UUIDv7), so "newest first" and "since T" use the primary key.
    """
    DROP INDEX flow_runs_parent;
    DROP INDEX flow_runs_created;
    DROP INDEX flow_runs_flow;
    DROP INDEX flow_runs_deployment;
    CREATE INDEX flow_runs_deployment ON flow_runs(deployment_id, created) WHERE deployment_id IS NOT NULL;
    """,
    # 6: rate limits keep a leaky-bucket level; a paused run receives its input here
    """
    ALTER TABLE concurrency_limits ADD COLUMN level REAL NOT NULL DEFAULT 0;
    ALTER TABLE concurrency_limits ADD COLUMN level_at REAL;
    ALTER TABLE flow_runs ADD COLUMN run_input TEXT;
    CREATE INDEX concurrency_slots_process ON concurrency_slots(process_id);
    """,
    # 7: what history shows of a result, written with it (reading history never unpickles); result_path
    #    names a file in the database's results/ folder (older rows hold an absolute path: its last part counts)
    """
    ALTER TABLE flow_runs ADD COLUMN result_preview TEXT;
    ALTER TABLE task_runs ADD COLUMN result_preview TEXT;
    """,
    # 8: a deployment's parameter names, so a run is checked when it is created, not when it starts; the
    #    runs waiting for their slot, so that any process finds the overdue ones (Late) at once
    """
    ALTER TABLE deployments ADD COLUMN parameter_schema TEXT;
    CREATE INDEX flow_runs_waiting ON flow_runs(expected_start_time) WHERE state_type='SCHEDULED';
    """,
    # 9: events, in Prefect's shape. Every state a flow run enters (each entry added to its history, by any
    #    process and any path: the engine, serve, crash detection, cancel) becomes an event in the same
    #    transaction, written by these triggers; a task run's Failed and Crashed states too (the common,
    #    Completed, task states write none: a large map pays nothing). Custom events come from emit_event.
    """
    CREATE TABLE events (
        id INTEGER PRIMARY KEY, event_id TEXT NOT NULL, occurred REAL NOT NULL, event TEXT NOT NULL,
        resource_id TEXT NOT NULL, resource TEXT NOT NULL, related TEXT NOT NULL DEFAULT '[]',
        payload TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX events_occurred ON events(occurred);
    CREATE INDEX events_resource ON events(resource_id, id);
    """ + _EVENT_TRIGGERS + """
    """,
    # 10: automations (a trigger and actions, and how far into the events each has looked) and their
    #     deliveries: one row per (automation, event, action), so each action happens once across processes,
    #     with its attempts, when to try again and the last error
    """
    CREATE TABLE automations (
        id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT NOT NULL DEFAULT '',
        enabled INTEGER NOT NULL DEFAULT 1, trigger TEXT NOT NULL, actions TEXT NOT NULL,
        cursor INTEGER NOT NULL DEFAULT 0, last_fired INTEGER NOT NULL DEFAULT 0,
        created REAL NOT NULL, updated REAL NOT NULL
    );
    CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY, automation_id TEXT NOT NULL, event_row INTEGER NOT NULL, action INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, next_attempt REAL NOT NULL,
        claimed_by TEXT, claimed_until REAL, last_error TEXT, created REAL NOT NULL, updated REAL NOT NULL,
        UNIQUE (automation_id, event_row, action)
    );
    CREATE INDEX deliveries_pending ON deliveries(next_attempt) WHERE state = 'pending';
    """,
    # 11: files that arrived in watched folders (FileTrigger), each version of a file once
    """
    CREATE TABLE arrived_files (
        watch TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, seen REAL NOT NULL,
        PRIMARY KEY (watch, path, size, mtime_ns)
    ) WITHOUT ROWID;
    """,
    # 12: a proactive automation's open windows ([start, expected events seen] each)
    """
    ALTER TABLE automations ADD COLUMN windows TEXT NOT NULL DEFAULT '[]';
    """,
    # 13: background task runs (task.delay()): the pickled parameters a worker runs them with (NULL when the
    #     JSON gives them back exactly), the worker process that claimed them, how often they were claimed,
    #     the retries they allow, the runs they wait for. One index serves the queue (by state and task,
    #     oldest first), the runs a worker holds and the listing; each index costs a queued run about a
    #     third of its insert, so there is one, and task_runs_flow skips the runs of no flow.
    """
    ALTER TABLE task_runs ADD COLUMN deferred INTEGER;
    ALTER TABLE task_runs ADD COLUMN parameters_blob BLOB;
    ALTER TABLE task_runs ADD COLUMN process_id TEXT;
    ALTER TABLE task_runs ADD COLUMN claims INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE task_runs ADD COLUMN max_retries INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE task_runs ADD COLUMN wait_for TEXT;
    CREATE INDEX task_runs_background ON task_runs(state_type, task_key, id) WHERE deferred = 1;
    DROP INDEX task_runs_flow;
    CREATE INDEX task_runs_flow ON task_runs(flow_run_id) WHERE flow_run_id IS NOT NULL;
    """,
    # 14: migration 8 made a second index identical to flow_runs_due; every write of a Scheduled run paid
    #     for both
    """
    DROP INDEX flow_runs_waiting;
    """,
    # 15: the triggers' event ids lacked UUID4's variant digit (three in four failed a strict UUID4 check)
    """
    DROP TRIGGER flow_run_events_insert;
    DROP TRIGGER flow_run_events_update;
    DROP TRIGGER task_run_failure_events_insert;
    DROP TRIGGER task_run_failure_events_update;
    """ + _EVENT_TRIGGERS,
    # 16: a flow run's state events are stored compact (which history entry, the run count then) and made
    #     whole when read, through the event_rows view: building their JSON in the triggers was a third of
    #     a subflow call's cost, and the rows four times as large. No index on the time an event occurred:
    #     listings walk the ids newest first, and only pruning by age reads every event
    """
    DROP INDEX events_occurred;
    ALTER TABLE events ADD COLUMN state_index INTEGER;
    ALTER TABLE events ADD COLUMN run_count INTEGER;
    DROP TRIGGER flow_run_events_insert;
    DROP TRIGGER flow_run_events_update;
    """ + _COMPACT_EVENT_TRIGGERS + _EVENT_ROWS_VIEW,
    # 17: no index on task_runs.flow_run_id: its page was a third of each task run's commit. A flow run
    #     holds the span of ids its task runs were given (see _FlowEngine.create and _set), and a flow's
    #     task runs are read as that range of the primary key (see _flow_tasks). Older runs get the span of
    #     the task runs they have, found through the index before it goes
    f"""
    ALTER TABLE flow_runs ADD COLUMN task_ids_from TEXT;
    ALTER TABLE flow_runs ADD COLUMN task_ids_to TEXT;
    UPDATE flow_runs SET
        task_ids_from = coalesce((SELECT min(t.id) FROM task_runs t WHERE t.flow_run_id = flow_runs.id), id),
        task_ids_to = CASE WHEN state_type IN {_FINAL_SQL} THEN coalesce(
            (SELECT max(t.id) FROM task_runs t WHERE t.flow_run_id = flow_runs.id), id) END;
    DROP INDEX task_runs_flow;
    """,
    # 18: a flow run's state events are written leaner: no name, the time of the write, two random numbers
    #     for the id; event_rows reads the name and time from the history entry (a subflow call 5% faster)
    """
    DROP VIEW event_rows;
    DROP TRIGGER flow_run_events_insert;
    DROP TRIGGER flow_run_events_update;
    """ + _LEAN_EVENT_TRIGGERS + _event_rows_view(lean=True),
    # 19: a flow run's state events are written with no id: event_rows derives it from the run's id and the
    #     state's position (drawing and printing a random id was over a third of the events' cost)
    """
    DROP VIEW event_rows;
    DROP TRIGGER flow_run_events_insert;
    DROP TRIGGER flow_run_events_update;
    """ + _ID_FREE_EVENT_TRIGGERS + _event_rows_view(lean=True, derived_ids=True),
    # 20: completed runs leave the state index and subflow runs the name index: each index a run's row is
    #     in is one more 4 KB page in the write-ahead log at every write (a subflow call 10% faster). Queries
    #     by state say "state_type != 'COMPLETED'" (_NOT_COMPLETED) to use it; by name, see resolve_flow_run
    """
    DROP INDEX flow_runs_state;
    CREATE INDEX flow_runs_state ON flow_runs(state_type, created) WHERE state_type != 'COMPLETED';
    DROP INDEX flow_runs_name;
    CREATE INDEX flow_runs_name ON flow_runs(name) WHERE parent_task_run_id IS NULL;
    """,
    # 21: a completed task run's plain history is stored as a code (see _history_text). No table
    #     changes: the version is raised so that an older orchestrator, which would read the code as JSON,
    #     refuses the file instead
    """
    SELECT 1;
    """,
    # 22: a flow run's state events are indexed by the millisecond of their run's id (13 characters), not
    #     by their whole resource id (53): each subflow call added three entries at the end of the index,
    #     where SQLite rebalances an index's pages at nearly every few entries (7% of its pages, 7% of its
    #     time). Other events keep the index by resource id. See _RUN_KEY_SQL
    f"""
    DROP INDEX events_resource;
    CREATE INDEX events_resource ON events(resource_id, id) WHERE state_index IS NULL;
    CREATE INDEX events_run ON events({_RUN_KEY_SQL}) WHERE state_index IS NOT NULL;
    """,
    # 23: a completed flow run's plain history is stored as a code too (see _history_text): its triggers
    #     and event_rows read a code's entries from the run's columns (a subflow call 7% fewer instructions)
    """
    DROP VIEW event_rows;
    DROP TRIGGER flow_run_events_insert;
    DROP TRIGGER flow_run_events_update;
    """ + _CODED_EVENT_TRIGGERS + _event_rows_view(lean=True, derived_ids=True, coded=True),
    # 24: a task run inserted Failed or Crashed gets its event from the engine (_TASK_RUN_FAILURE_EVENT_SQL)
    """
    DROP TRIGGER task_run_failure_events_insert;
    """,
]
_NOT_COMPLETED = "state_type != 'COMPLETED'"  # what lets a query by state use flow_runs_state (migration 20)



_UUID_LOCK = threading.Lock()
_UUID_NOW = [0, 0, ""]  # the last id's millisecond, its 74-bit counter (from a random start), its first 15 characters


def _uuid7() -> str:
    """A time-ordered UUID (version 7), so that new rows land at the end of every index. Ids this process
    makes within one millisecond count up from a random start (RFC 9562's monotonic method), so they sort
    in the order they were made: queued background runs start in the order they were queued.

    >>> u = _uuid7(); u[14], u[19] in "89ab", len(u), _uuid7() > u
    ('7', True, 36, True)
    """
    ms = time.time_ns() // 1_000_000
    now = _UUID_NOW
    with _UUID_LOCK:
        if ms > now[0]:  # the start leaves room to count up: 2**72 ids in one millisecond never happen
            now[0], now[1], now[2] = ms, random.getrandbits(72), "%08x-%04x-7" % (ms >> 16, ms & 0xFFFF)
        else:  # the same millisecond (or the clock stepped back): one past the last id
            now[1] += 1
        rnd, head = now[1], now[2]
    return "%s%03x-%04x-%012x" % (head, rnd >> 62, 0x8000 | (rnd >> 48) & 0x3FFF, rnd & 0xFFFFFFFFFFFF)


def _id_at(ts: float) -> str:
    """The smallest run id (UUIDv7, time-ordered) made at or after ``ts``: ids compare as times.

    >>> _id_at(0), _uuid7() > _id_at(time.time() - 1)
    ('00000000-0000', True)
    """
    h = "%012x" % max(0, int(ts * 1000))
    return f"{h[:8]}-{h[8:12]}"


def _json_small_dict(value: dict) -> Optional[str]:
    """The JSON of a dict whose keys are identifiers and whose values are ints, None or plain words, as
    ``json.dumps`` writes it (in a third of its time); None for any other dict.

    >>> _json_small_dict({"x": 5, "name": "abc", "z": None}), _json_small_dict({"x": 1.5})
    ('{"x": 5, "name": "abc", "z": null}', None)
    """
    parts = []
    for k, v in value.items():
        if k.__class__ is not str or not k.isidentifier() or not k.isascii():
            return None
        c = v.__class__
        if c is int:
            parts.append(f'"{k}": {v!r}')
        elif c is str and v.isalnum() and v.isascii():
            parts.append(f'"{k}": "{v}"')
        elif v is None:
            parts.append(f'"{k}": null')
        else:
            return None
    return "{" + ", ".join(parts) + "}"


def _json(value: Any) -> str:
    """JSON text for the database; values JSON cannot hold are stored as their repr.

    >>> _json({"a": 1, "b": {1, 2}, "c": {(0, 1): "x"}})
    '{"a": 1, "b": "{1, 2}", "c": {"(0, 1)": "x"}}'
    """
    try:
        if value.__class__ is dict and len(value) <= 8:  # a call's parameters, most often: built directly
            return _json_small_dict(value) or _ENCODER.encode(value)
        return _ENCODER.encode(value)
    except (TypeError, ValueError):  # a dict keyed by tuples, a value that holds itself
        try:
            return _ENCODER.encode(_encodable(value))
        except Exception as exc:  # noqa: BLE001 - e.g. an int past Python's digit limit
            return _unrecordable(exc)
    except Exception as exc:  # noqa: BLE001 - a __repr__ that raises, a list nested past the recursion limit
        return _unrecordable(exc)


def _unrecordable(exc: BaseException) -> str:
    """The JSON placeholder for a value that cannot be recorded: it says why, and nothing else is lost.

    >>> _unrecordable(ValueError("too big"))
    '{"__unrecorded__": "ValueError: too big"}'
    """
    try:
        why = f"{type(exc).__name__}: {exc}"
    except Exception:  # noqa: BLE001
        why = type(exc).__name__
    return _ENCODER.encode({"__unrecorded__": why[:500]})


def _encodable(value: Any, for_hash: bool = False, outer: tuple = ()) -> Any:
    """``value`` with what JSON refuses in its dicts and lists put right: a key JSON does not take (a
    tuple, say) becomes its repr, or for a hash, the dict becomes its sorted (key, value) pairs; a
    value that holds itself becomes ``"..."`` (for a hash: ValueError). Other values stay for the
    encoder's fallback."""
    if not isinstance(value, (dict, list, tuple)):
        return value
    if id(value) in outer:
        if for_hash:
            raise ValueError("a value that holds itself")
        return "..."
    outer = (*outer, id(value))
    if not isinstance(value, dict):
        return [_encodable(v, for_hash, outer) for v in value]
    if for_hash and not all(map(_is_json_key, value)):
        return {"__pairs__": sorted([_HASH_ENCODER.encode(_encodable(k, True, outer)), _encodable(v, True, outer)]
                                    for k, v in value.items())}
    return {k if _is_json_key(k) else repr(k): _encodable(v, for_hash, outer) for k, v in value.items()}


def _is_json_key(key: Any) -> bool:
    return key is None or isinstance(key, (str, int, float, bool))


def _history_json(history: list) -> str:
    """A run's state history as JSON, built directly (it is written on every state change). Times are
    written to the microsecond: the shortest exact form of a float (``repr``) cost a task 3% more.

    >>> _history_json([("COMPLETED", "Completed", None, 1.5), ("FAILED", "Timed Out", "m", 2.0)])
    '[["COMPLETED","Completed",null,1.500000],["FAILED","Timed Out","m",2.000000]]'
    """
    heads, enc = _HISTORY_HEADS, _ENCODER.encode
    return "[" + ",".join([f"{heads.get((t, n)) or _history_head(t, n)}{ts:.6f}]" if m is None else
                           f'["{t}",{enc(n)},{enc(m)},{ts:.6f}]' for t, n, m, ts in history]) + "]"


_HISTORY_HEADS: dict = {}  # (type, name) -> '["COMPLETED","Completed",null,': a history entry less its time

def _history_text(run: Any) -> str:
    """What a run's history column holds: a code when the history is a plain one, its JSON otherwise.

    >>> r = type("R", (), {"created": 1.0, "start_time": 2.0, "end_time": 3.0})()
    >>> r.history = [("PENDING", "Pending", None, 1.0), ("RUNNING", "Running", None, 2.0),
    ...              ("COMPLETED", "Completed", None, 3.0)]
    >>> _history_text(r)
    '=PRC'
    >>> r.history[1] = ("RUNNING", "Running", None, 2.5)  # not at the start time: written out
    >>> _history_text(r)[:22]
    '[["PENDING","Pending",'
    >>> [_history_text(type("R", (), {"created": 1.0, "start_time": 2.0, "end_time": 3.0,  # every code
    ...                               "history": _stored_history(c, 1.0, 2.0, 3.0)})()) for c in _HISTORY_CODES]
    ['=PRC', '=PC']

    The checks are written out, not read from _HISTORY_CODES: every task run's write passes here.
    """
    h = run.history
    if len(h) == 3:
        if h[2] == (*_PLAIN_COMPLETED, run.end_time) and h[1] == (*_PLAIN_RUNNING, run.start_time) \
                and h[0] == (*_PLAIN_PENDING, run.created):
            return "=PRC"
    elif len(h) == 2 and h[1] == (*_PLAIN_COMPLETED, run.end_time) and h[0] == (*_PLAIN_PENDING, run.created):
        return "=PC"
    return _history_json(h)


def _stored_history(text: Optional[str], created: Any, start_time: Any, end_time: Any) -> list:
    """A run's history, from its column and its times: [(type, name, message, timestamp), ...].

    >>> _stored_history("=PC", 1.0, 1.5, 2.0)
    [('PENDING', 'Pending', None, 1.0), ('COMPLETED', 'Completed', None, 2.0)]
    >>> _stored_history('[["FAILED","Failed","boom",2.0]]', 1.0, None, 2.0)
    [('FAILED', 'Failed', 'boom', 2.0)]
    """
    entries = _HISTORY_CODES.get(text) if text and text[0] == "=" else None
    if entries is not None:
        times = {"created": created, "start_time": start_time, "end_time": end_time}
        return [(type_, name, None, times[column]) for type_, name, column in entries]
    return [tuple(h) for h in json.loads(text or "[]")]


def _row_history(row: Any) -> list:
    """The history of a run's row (a dict or a record with its columns)."""
    return _stored_history(row["history"], row["created"], row["start_time"], row["end_time"])


def _history_head(state_type: str, name: str) -> str:
    head = f'["{state_type}",{_ENCODER.encode(name)},null,'
    if len(_HISTORY_HEADS) < 1000:  # names are few (Completed, Cached, a user's own name now and then)
        _HISTORY_HEADS[(state_type, name)] = head
    return head


def _json_list(items: Any) -> str:
    return _ENCODER.encode(sorted(items)) if items else "[]"


def _json_fallback(value: Any) -> Any:
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return repr(value)
    if _is_dataclass_instance(value):
        return {name: getattr(value, name) for name in value.__dataclass_fields__}
    if hasattr(value, "model_dump"):
        try:
            return value.model_dump(mode="json")
        except Exception:
            pass
    return repr(value)


def _is_dataclass_instance(value: Any) -> bool:
    """dataclasses.is_dataclass for instances, without importing dataclasses (12 ms) at import time."""
    return hasattr(type(value), "__dataclass_fields__") and not isinstance(value, type)


_ENCODER = json.JSONEncoder(default=_json_fallback)


class _Column(NamedTuple):
    """One column of a run table: how it is written from a record, and read back into one.

    ``write`` is an expression over ``run`` (compiled once into the table's insert and update functions);
    ``update`` says whether every state change writes it again; ``attr`` names the record's attribute that
    the column loads into when a row becomes a record (None: the column is not loaded), through ``read``,
    an expression over ``v``, the column's value.
    """

    name: str
    write: str
    update: bool = False
    attr: Optional[str] = None
    read: str = "v"


def _col(name: str, update: bool = False, read: str = "v", write: Optional[str] = None) -> _Column:
    """A column held as the record's attribute of the same name (the common case)."""
    return _Column(name, write or f"run.{name}", update, name, read)


class _Table:
    """A run table's columns declared once; its INSERT, UPDATE and row-to-record code are built from them.

    >>> t = _Table("t", (_col("id"), _col("a", update=True), _Column("b", "run.a * 2")))
    >>> t.insert_sql, t.update_sql
    ('INSERT INTO t (id, a, b) VALUES (?,?,?)', 'UPDATE t SET a=? WHERE id=?')
    >>> t.insert_values(type("R", (), {"id": "x", "a": 2})())
    ('x', 2, 4)
    """

    def __init__(self, name: str, columns: tuple) -> None:
        self.name, self.columns = name, columns
        names = [c.name for c in columns]
        changed = [c for c in columns if c.update]
        self.insert_sql = f"INSERT INTO {name} ({', '.join(names)}) VALUES ({','.join('?' * len(names))})"
        self.update_sql = f"UPDATE {name} SET {', '.join(c.name + '=?' for c in changed)} WHERE id=?"
        self.attributes = tuple(c.attr for c in columns if c.attr)
        # compiled once, as namedtuple and dataclasses do: a tuple display is the fastest way to gather
        # the values on the hot path (every task run's commit)
        self.insert_values = eval(f"lambda run: ({', '.join(c.write for c in columns)},)", globals())
        self.update_values = eval(f"lambda run: ({''.join(c.write + ', ' for c in changed)}run.id)", globals())
        body = "".join(f"    v = row[{c.name!r}]; rec.{c.attr} = {c.read}\n" for c in columns if c.attr)
        scope: dict = {}
        exec(f"def load(rec, row):\n{body}    return rec\n", globals(), scope)
        self.load = scope["load"]  # load(record, row): the record's column attributes set from a row dict

    def attributes_besides(self, names: tuple) -> tuple:
        """The column attributes not in ``names`` (those a record class leaves to a default of None)."""
        return tuple(a for a in self.attributes if a not in names)


_STATE_COLUMNS = (
    _Column("state_type", "run.state.type._value_", True),
    _Column("state_name", "run.state.name", True),
    _Column("state_message", "run.state.message", True),
    _Column("state_timestamp", "run.state.timestamp", True),
    _col("history", True, "_row_history(row)", "_history_text(run)"),  # maybe a code: see _history_text
    _col("run_count", True),
)
_RESULT_COLUMNS = (
    _Column("result", "run.result_blob", True),
    _Column("result_serializer", "run.result_serializer", True),
    _Column("result_path", "run.result_path", True),
    _Column("result_note", "run.result_note", True),
    _col("result_preview", True),
)

# flow_runs: every column but run_input (written only by resume_run)
_FLOW_RUNS = _Table("flow_runs", (
    _col("id"), _col("name", True), _col("flow_name"), _col("flow_version"), _col("deployment_id"),
    _col("parent_flow_run_id"), _col("parent_task_run_id"), _col("root_flow_run_id"),
    _col("parameters", read="json.loads(v or '{}')", write="_json(run.parameters)"),
    _col("tags", read="set(json.loads(v or '[]'))", write="_json_list(run.tags)"),
    *_STATE_COLUMNS, _col("expected_start_time"), _col("start_time", True), _col("end_time", True),
    _Column("total_run_time", "_total_run_time(run)", True), _col("entrypoint"),
    # a run the engine writes carries its process; a Scheduled row made for a deployment gets one when claimed
    _Column("hostname", "_hostname() if run.stored or run.state.type is not _SCHEDULED else None", True),
    _Column("pid", "os.getpid() if run.stored or run.state.type is not _SCHEDULED else None", True),
    _col("created"), _Column("parameters_blob", "run.parameters_blob"), _Column("process_id", "run.process_id", True),
    *_RESULT_COLUMNS, _col("idempotency_key"),
    # the span of ids of the run's task runs (None: open), how its task runs are found (see _flow_tasks)
    _col("task_ids_from", True), _col("task_ids_to", True),
))

_TASK_RUNS = _Table("task_runs", (
    _col("id"), _col("flow_run_id"), _col("name", True), _col("task_key"), _col("dynamic_key"),
    _Column("parameters", "run.parameters_json"),
    _Column("task_inputs", "_json(run.task_inputs) if run.task_inputs else '{}'", True),
    _Column("tags", "_json_list(run.tags)"), *_STATE_COLUMNS, _col("start_time", True), _col("end_time", True),
    _col("cache_key", True), _col("child_flow_run_id", True), _col("created"), _col("inputs_hash", True),
    *_RESULT_COLUMNS,
))


# about what a row of each table holds (its text and blobs, plus the fixed columns and SQLite's overhead):
# what ``prune`` and ``delete`` report as freed
_ROW_BYTES = {
    "flow_runs": "120 + length(history) + length(parameters) + coalesce(length(result), 0)"
                 " + coalesce(length(parameters_blob), 0) + coalesce(length(state_message), 0)",
    "task_runs": "120 + length(history) + length(parameters) + length(task_inputs)"
                 " + coalesce(length(result), 0) + coalesce(length(state_message), 0)",
    "logs": "40 + length(message)",
    "artifacts": "60 + coalesce(length(data), 0) + coalesce(length(description), 0)",
}


def _total_run_time(run: Any) -> float:
    return _running_seconds(run.history, time.time())


def _running_seconds(history: list, now: float) -> float:
    """The time a run spent running, as Prefect's ``total_run_time`` counts it: each Running (or
    Retrying) state until the state after it, so the waits between attempts do not count.

    >>> _running_seconds([("PENDING", "Pending", None, 0.0), ("RUNNING", "Running", None, 1.0),
    ...                   ("SCHEDULED", "AwaitingRetry", None, 3.0), ("RUNNING", "Retrying", None, 10.0),
    ...                   ("COMPLETED", "Completed", None, 10.5)], 99.0)
    2.5
    """
    total, running_since = 0.0, None
    for kind, _, _, at in history:
        if running_since is not None:
            total += at - running_since
        running_since = at if kind == "RUNNING" else None
    if running_since is not None:
        total += now - running_since
    return max(0.0, total)


# == 6. Store: runs, their records and coordination =======================================================


def _flow_tasks(marks: str = "?", alias: str = "") -> str:
    """SQL: a condition that holds for the task runs (``alias``) of the flow runs ``marks`` stands for (one
    ``?`` each, its parameters their ids three times over; or a column of a joined table). task_runs has no index on flow_run_id (its
    page made each task run's commit a third dearer): a flow run keeps the span of ids its task runs were
    given (``task_ids_from``, ``task_ids_to``; None is open), and they are read as that range of the primary
    key. ``+`` keeps the planner from building an index of flow_run_id for a join.

    >>> q = _flow_tasks("?,?", "t"); q.count("?"), q[:12], q[-23:]
    (6, 't.id BETWEEN', '+t.flow_run_id IN (?,?)')
    """
    t = f"{alias}." if alias else ""
    return (f"{t}id BETWEEN (SELECT coalesce(min(coalesce(task_ids_from, '')), '') FROM flow_runs WHERE id IN"
            f" ({marks})) AND (SELECT coalesce(max(coalesce(task_ids_to, '~')), '~') FROM flow_runs WHERE id IN"
            f" ({marks})) AND +{t}flow_run_id IN ({marks})")


def _run_filter(flow: Optional[str] = None, states: tuple = (), deployment_id: Optional[str] = None,
                since: Optional[float] = None, tag: Optional[str] = None, name: Optional[str] = None,
                until: Optional[float] = None, before: Optional[str] = None) -> tuple:
    """The WHERE clause (and its values) of a flow-run listing: by flow, state names or types, deployment,
    a tag, a part of the name, created in [since, until), and (pages) ids before ``before``."""
    where, params = ["1=1"], []
    for clause, value in (("flow_name=?", flow), ("deployment_id=?", deployment_id), ("id >= ?", since),
                          ("id < ?", until), ("id < ?", before),
                          ("tags LIKE ? ESCAPE '\\'", tag and f'%{_like(_json(tag))}%'),
                          ("name LIKE ? ESCAPE '\\'", name and f"%{_like(name)}%")):
        if value is not None and value != "":
            where.append(clause)
            params.append(_id_at(value) if isinstance(value, (int, float)) else value)
    if states:
        clause, values = _state_filter(states)
        where.append(clause)
        params += values
    return " AND ".join(where), params


def _like(text: str) -> str:
    """``text`` with LIKE's wildcards escaped (the pattern says ESCAPE '\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _state_filter(states: tuple) -> tuple:
    """A WHERE clause (and its values) matching runs whose state name or type is one of ``states``."""
    clause = "(" + " OR ".join("upper(state_name)=? OR state_type=?" for _ in states) + ")"
    return clause, [v for st in states for v in (st.upper(), st.upper())]


class _RunRecords:
    """Part of :class:`_Store` (its SQL lives here): Flow runs, task runs, logs, cache records, and the reads and clean-up behind the CLI."""

    # -- flow runs ----------------------------------------------------------------------------------
    def stage_flow_run(self, run: "FlowRun") -> None:
        """Record a flow run's new state late: the next commit, or the flusher, writes it."""
        self._stage(run)

    def commit_flow_run(self, run: "FlowRun") -> None:
        """Commit a flow run's state now, with everything staged before it."""
        self._sync(self._stage(run))

    def flow_run(self, run_id: str) -> Optional[dict]:
        return self._query_one("SELECT * FROM flow_runs WHERE id=?", (run_id,))

    def flow_run_by_key(self, idempotency_key: str) -> Optional[dict]:
        return self._query_one("SELECT * FROM flow_runs WHERE idempotency_key=?", (idempotency_key,))

    def recent_flow_runs(self, limit: int = 20) -> list:
        return self._query("SELECT * FROM flow_runs ORDER BY id DESC LIMIT ?", (limit,))

    def state_counts(self, since: float) -> dict:
        rows = self._query("SELECT state_name, count(*) AS n FROM flow_runs WHERE id >= ? "
                           "GROUP BY state_name", (_id_at(since),))
        return {r["state_name"]: r["n"] for r in rows}

    # -- task runs ----------------------------------------------------------------------------------
    def stage_task_run(self, run: "TaskRun") -> None:
        """Record a task run's new state late: the next commit, or the flusher, writes it."""
        if run.ended_by_flow:
            return
        self._stage(run)

    def commit_task_run(self, run: "TaskRun", cache_record: Optional[tuple] = None) -> None:
        """Commit a task run's state now (with its cache record, when it has one). A run its flow ended
        (see _FlowEngine._end_unfinished_tasks) is not written again."""
        if run.ended_by_flow:
            return
        op = None
        if cache_record is not None:
            op = ("INSERT OR REPLACE INTO cache (key, task_run_id, expiration, created) VALUES (?,?,?,?)",
                  cache_record)
        seq = self._stage(run, op)
        with self._wlock:  # _sync, inline: every task run's end commits here
            if self._done < seq:
                self._commit((), with_logs=False)

    def task_runs_of(self, flow_run_id: str) -> list:
        return self._query(f"SELECT * FROM task_runs WHERE {_flow_tasks()} ORDER BY created", (flow_run_id,) * 3)

    # -- logs and cache -----------------------------------------------------------------------------
    def stage_log(self, flow_run_id: Optional[str], task_run_id: Optional[str], level: int, logger: str,
                  message: str, timestamp: float) -> None:
        with self._plock:
            self._logs.append((flow_run_id, task_run_id, level, logger, message, timestamp))
        if self._flusher is None:
            self._start_flusher()

    def logs_of(self, flow_run_id: str) -> list:
        return self._query("SELECT * FROM logs WHERE flow_run_id=? ORDER BY id", (flow_run_id,))

    def read_cache(self, key: str) -> Optional[tuple]:
        """(expiration, task run id, result, serializer, file name, preview) behind a cache key, or None.
        Records read are remembered until the database changes (any commit, by any connection, changes
        ``PRAGMA data_version``): a loop of cache hits then reads the file once, not once a hit."""
        try:
            reader = self._reader()
            version = reader.execute("PRAGMA data_version").fetchall()[0][0]
            memo = getattr(self._readers, "cache_memo", None)
            if memo is None or memo[0] != version:
                memo = self._readers.cache_memo = (version, {})
            if key in memo[1]:
                return memo[1][key]
            row = reader.execute(
                "SELECT c.expiration, c.task_run_id, r.result, r.result_serializer, r.result_path,"
                " r.result_preview FROM cache c JOIN task_runs r ON r.id = c.task_run_id WHERE c.key=?", (key,)).fetchone()
        except apsw.Error as exc:
            raise StoreError(f"could not read {self.path}: {exc}") from exc
        if len(memo[1]) < 256 and (row is None or row[2] is None or len(row[2]) <= 16_384):
            memo[1][key] = row
        return row

    def replay_index(self, flow_run_id: str) -> dict:
        """Completed task runs of a flow run with a persisted result, by (task key, call order)."""
        index: dict = {}
        for r in self._query(
                "SELECT id, task_key, dynamic_key, inputs_hash, child_flow_run_id, result_serializer, result_path,"
                f" result_note FROM task_runs WHERE {_flow_tasks()} AND state_type='COMPLETED' AND result_note IS NULL"
                " AND (result_serializer IS NOT NULL OR child_flow_run_id IS NOT NULL)", (flow_run_id,) * 3):
            index.setdefault((r["task_key"], r["dynamic_key"]), r)
        return index

    def task_outcome(self, task_run_id: str) -> Optional[tuple]:
        """(state type, run count, result, serializer, path) of a task run, or None."""
        row = self._query_one("SELECT state_type, run_count, result, result_serializer, result_path FROM task_runs"
                              " WHERE id=?", (task_run_id,))
        return row and tuple(row.values())

    def task_result(self, task_run_id: str) -> Optional[dict]:
        return self._query_one("SELECT result, result_serializer, result_path, result_preview FROM task_runs WHERE id=?",
                               (task_run_id,))

    def flow_result(self, flow_run_id: str) -> Optional[dict]:
        return self._query_one("SELECT result, result_serializer, result_path, result_note, state_type"
                               " FROM flow_runs WHERE id=?", (flow_run_id,))

    def transaction_record(self, key: str) -> Optional[dict]:
        return self._query_one("SELECT value, committed FROM transactions WHERE key=?", (key,))

    def write_transaction(self, key: str, value: Optional[bytes], flow_run_id: Optional[str]) -> None:
        self._write([("INSERT OR REPLACE INTO transactions (key, value, flow_run_id, committed) VALUES (?,?,?,?)",
                      (key, value, flow_run_id, self.clock.time()))])

    def resolve_flow_run(self, ref: str) -> dict:
        """A flow run by full id, unique id prefix, short id (the id's last characters), or run name;
        ObjectNotFound, listing the candidates when several match."""
        ref = str(ref)
        rows = self._query("SELECT * FROM flow_runs WHERE id=?", (ref,))
        if not rows and len(ref) >= 4:
            rows = self._query("SELECT * FROM flow_runs WHERE id >= ? AND id < ? ORDER BY id LIMIT 11",
                               (ref, ref + "\uffff"))
        if not rows and len(ref) >= 6 and all(c in "0123456789abcdef-" for c in ref.lower()):
            rows = self._query("SELECT * FROM flow_runs WHERE substr(id, -?) = ? ORDER BY id DESC LIMIT 11",
                               (len(ref), ref.lower()))  # the short id the tables show: the id's end
        if not rows:
            rows = self._query(  # subflow runs are not in the name index (migration 20): they are scanned for
                "SELECT * FROM (SELECT * FROM flow_runs WHERE name=? AND parent_task_run_id IS NULL UNION ALL"
                " SELECT * FROM flow_runs WHERE name=? AND parent_task_run_id IS NOT NULL) ORDER BY id DESC LIMIT 11",
                (ref, ref))
        if not rows:
            raise ObjectNotFound(f"No flow run with id, id prefix, short id or name {ref!r}.")
        if len(rows) > 1:
            listed = ", ".join(f"{r['id']} ({r['name']})" for r in rows[:10])
            raise ObjectNotFound(f"{ref!r} matches {len(rows)} flow runs: {listed}. Give more of the id.")
        return rows[0]

    # -- reads and housekeeping for the command line ----------------------------------------------
    def task_progress(self, flow_run_id: str) -> dict:
        """How far a flow run's tasks are: counts by state type (and "total")."""
        counts = {r["state_type"]: r["n"] for r in self._query(
            f"SELECT state_type, count(*) AS n FROM task_runs WHERE {_flow_tasks()} GROUP BY state_type",
            (flow_run_id,) * 3)}
        return {**counts, "total": sum(counts.values())}

    def runs(self, flow: Optional[str] = None, states: tuple = (), deployment_id: Optional[str] = None,
             since: Optional[float] = None, limit: int = 20, **more: Any) -> list:
        """Flow runs, newest first, filtered (``more``: tag, name, until, before: see _run_filter)."""
        where, params = _run_filter(flow, states, deployment_id, since, **more)
        return self._query(f"SELECT * FROM flow_runs WHERE {where} ORDER BY id DESC LIMIT ?", (*params, limit))

    def count_runs(self, flow: Optional[str] = None, states: tuple = (), deployment_id: Optional[str] = None,
                   since: Optional[float] = None, **more: Any) -> int:
        where, params = _run_filter(flow, states, deployment_id, since, **more)
        return self._query_one(f"SELECT count(*) AS n FROM flow_runs WHERE {where}", tuple(params))["n"]

    def state_buckets(self, since: float, width: float) -> list:
        """Flow runs created since ``since`` counted by (bucket of ``width`` seconds, state type)."""
        return self._query("SELECT CAST((created - ?) / ? AS INTEGER) AS bucket, state_type, count(*) AS n FROM"
                           " flow_runs WHERE id >= ? GROUP BY bucket, state_type", (since, width, _id_at(since)))

    def late_runs(self, limit: int = 20) -> list:
        return self._query("SELECT * FROM flow_runs WHERE state_type='SCHEDULED' AND state_name='Late'"
                           " ORDER BY expected_start_time LIMIT ?", (limit,))

    def next_runs(self, limit: int = 10, deployment_id: Optional[str] = None) -> list:
        """Scheduled runs not yet due, soonest first."""
        extra, params = ("AND deployment_id=?", (deployment_id,)) if deployment_id else ("", ())
        return self._query("SELECT * FROM flow_runs WHERE state_type='SCHEDULED' AND state_name != 'Late'"
                           f" {extra} ORDER BY expected_start_time LIMIT ?", (*params, limit))

    def subflow_tree(self, flow_run_id: str, limit: int = 500) -> list:
        """The flow runs below one (subflows and theirs), each with its ``depth`` and ``parent_flow_run_id``:
        found through their parent task runs, each flow run's as its span of task run ids (see _flow_tasks)."""
        return self._query(
            "WITH RECURSIVE tree(id, depth) AS (SELECT ?, 0 UNION ALL SELECT t.child_flow_run_id, tree.depth + 1"
            f" FROM tree JOIN task_runs t ON {_flow_tasks('tree.id', 't')}"
            " WHERE t.child_flow_run_id IS NOT NULL AND tree.depth < 20)"
            " SELECT f.*, tree.depth FROM tree CROSS JOIN flow_runs f ON f.id = tree.id"
            " WHERE tree.depth > 0 ORDER BY f.id LIMIT ?", (flow_run_id, limit))

    def task_runs_page(self, flow_run_id: str, state: Optional[str], offset: int, limit: int) -> list:
        extra, params = ("", ()) if not state else _state_filter((state,))
        return self._query(f"SELECT * FROM task_runs WHERE {_flow_tasks()} {'AND ' + extra if extra else ''}"
                           " ORDER BY start_time IS NULL, start_time, id LIMIT ? OFFSET ?",
                           ((flow_run_id,) * 3 + tuple(params) + (limit, offset)))

    def task_bars(self, flow_run_id: str, limit: int) -> list:
        """What a timeline draws of a flow run's task runs, as (name, state type, start, end) tuples (no dicts:
        a run may have 10,000), started ones, first started first."""
        try:
            return self._reader().execute(
                f"SELECT name, state_type, start_time, end_time FROM task_runs WHERE {_flow_tasks()} AND start_time"
                " IS NOT NULL ORDER BY start_time LIMIT ?", (*(flow_run_id,) * 3, limit)).fetchall()
        except apsw.Error as exc:
            raise StoreError(f"could not read {self.path}: {exc}") from exc

    def logs_tail(self, flow_run_id: str, after_id: int, min_level: int, task_run_id: Optional[str],
                  limit: int) -> list:
        """Up to ``limit`` log lines after ``after_id``: the last ones when there are more (oldest first)."""
        extra, params = ("AND l.task_run_id=?", (task_run_id,)) if task_run_id else ("", ())
        rows = self._query("SELECT l.id, l.level, l.message, l.timestamp, l.task_run_id, t.name AS task_name"
                           " FROM logs l LEFT JOIN task_runs t ON t.id = l.task_run_id WHERE l.flow_run_id=?"
                           f" AND l.id > ? AND l.level >= ? {extra} ORDER BY l.id DESC LIMIT ?",
                           (flow_run_id, after_id, min_level, *params, limit))
        return rows[::-1]

    def slot_holders(self) -> list:
        """Who holds each concurrency slot: the limit, how many slots, the process (pid, host), since when."""
        return self._query("SELECT s.limit_name, s.occupy, s.acquired, s.expires, p.pid, p.hostname FROM"
                           " concurrency_slots s LEFT JOIN processes p ON p.id = s.process_id ORDER BY s.acquired")

    def active_runs(self, limit: int = 20) -> list:
        return self._query("SELECT * FROM flow_runs WHERE state_type IN ('RUNNING', 'PENDING', 'CANCELLING',"
                           f" 'PAUSED') AND {_NOT_COMPLETED} ORDER BY id DESC LIMIT ?", (limit,))

    def failures(self, limit: int = 5) -> list:
        return self._query("SELECT * FROM flow_runs WHERE state_type IN ('FAILED', 'CRASHED') ORDER BY id"
                           " DESC LIMIT ?", (limit,))

    def first_waiting_run(self, deployment_id: str) -> Optional[float]:
        """When the deployment's earliest run that has not started was due (Scheduled or Late), or None."""
        row = self._query_one("SELECT min(expected_start_time) AS t FROM flow_runs WHERE state_type='SCHEDULED'"
                              " AND deployment_id=? AND state_name IN ('Scheduled', 'Late')", (deployment_id,))
        return row["t"] if row else None

    def serve_processes(self, alive: bool = False) -> list:
        """Serve processes not recorded as stopped; ``alive``: only those whose heartbeat is fresh."""
        rows = self._query("SELECT * FROM processes WHERE stopped IS NULL AND kind='serve' ORDER BY started")
        stale = self.clock.time() - 3 * _heartbeat_seconds()
        return [p for p in rows if p["heartbeat"] > stale] if alive else rows

    def logs_after(self, flow_run_id: str, after_id: int = 0, min_level: int = 0) -> list:
        return self._query("SELECT l.id, l.level, l.message, l.timestamp, l.task_run_id, t.name AS task_name"
                           " FROM logs l LEFT JOIN task_runs t ON t.id = l.task_run_id WHERE l.flow_run_id=?"
                           " AND l.id > ? AND l.level >= ? ORDER BY l.id", (flow_run_id, after_id, min_level))

    def deployment_names(self) -> dict:
        return {r["id"]: f"{r['flow_name']}/{r['name']}" for r in self._query(
            "SELECT id, name, flow_name FROM deployments")}

    def artifacts_of(self, flow_run_id: str) -> list:
        return self._query("SELECT * FROM artifacts WHERE flow_run_id=? ORDER BY created", (flow_run_id,))

    def delete_flow_runs(self, ids: list) -> dict:
        """Delete flow runs with their task runs, logs, artifacts and result files; returns what went."""

        def delete(conn: apsw.Connection, chunk: list, marks: str, out: dict, paths: list) -> None:
            # task runs first (found through their flow runs' spans of ids), flow runs last
            which = {"task_runs": (_flow_tasks(marks), chunk * 3), "flow_runs": (f"id IN ({marks})", chunk),
                     "logs": (f"flow_run_id IN ({marks})", chunk), "artifacts": (f"flow_run_id IN ({marks})", chunk)}
            for table in ("task_runs", "flow_runs"):
                where, params = which[table]
                paths.extend(p for (p,) in conn.execute(
                    f"SELECT result_path FROM {table} WHERE {where} AND result_path IS NOT NULL", params).fetchall())
            for table, size in _ROW_BYTES.items():
                where, params = which[table]
                out["bytes"] += conn.execute(f"SELECT coalesce(sum({size}), 0) FROM {table} WHERE {where}",
                                             params).fetchall()[0][0]
            where, params = which["task_runs"]
            conn.execute(f"DELETE FROM events WHERE state_index IS NULL AND resource_id IN (SELECT"
                         f" 'prefect.task-run.' || id FROM task_runs WHERE {where})", params)
            out["events"] += conn.changes()
            found, params = _events_of(["prefect.flow-run." + i for i in chunk])
            conn.execute(f"DELETE FROM events WHERE id IN ({found})", params)
            out["events"] += conn.changes()
            for table in ("task_runs", "logs", "artifacts", "flow_runs"):
                where, params = which[table]
                conn.execute(f"DELETE FROM {table} WHERE {where}", params)
                out[table] += conn.changes()

        return self._delete_in_chunks(sorted(ids), delete)  # in order: a chunk's span of task run ids is narrow

    def _delete_in_chunks(self, ids: list, delete: Callable) -> dict:
        """Run ``delete(conn, chunk, marks, out, paths)`` over ``ids`` 500 at a time in one transaction, then
        remove the result files it named that no remaining run uses; returns ``out``, the counts of what went."""
        out = {"flow_runs": 0, "task_runs": 0, "logs": 0, "artifacts": 0, "events": 0, "result_files": 0, "bytes": 0}
        paths: list = []

        def chunks(conn: apsw.Connection) -> None:
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                delete(conn, chunk, ",".join("?" * len(chunk)), out, paths)

        if ids:
            self._write_fn(chunks)
        for path in self._unreferenced_result_files(paths):
            with contextlib.suppress(OSError):
                out["bytes"] += os.path.getsize(path)
                os.remove(path)
                out["result_files"] += 1
        return out

    def _unreferenced_result_files(self, names: list) -> list:
        """The files of the results folder that ``names`` name and no remaining run still uses (a cached
        or reused result shares its file). Nothing outside the folder is ever named."""
        files = {path: name for name in names if (path := _result_file(self.results_dir, name))}
        kept: set = set()
        names = sorted(set(names))
        for start in range(0, len(names), 500):
            chunk = names[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for table in ("task_runs", "flow_runs"):
                kept.update(_result_file(self.results_dir, r["result_path"]) for r in self._query(
                    f"SELECT result_path FROM {table} WHERE result_path IN ({marks})", tuple(chunk)))
        return [path for path in files if path not in kept and os.path.isfile(path)]

    def delete_background_runs(self, before: float, states: tuple = ()) -> dict:
        """Delete final background task runs queued before ``before`` (of these states, if given), with their
        logs, events and result files; returns what went (``delete_flow_runs``'s keys)."""
        where, params = f"deferred = 1 AND id < ? AND state_type IN {_FINAL_SQL}", [_id_at(before)]
        if states:
            clause, values = _state_filter(states)
            where, params = f"{where} AND {clause}", params + values
        ids = [r["id"] for r in self._query(f"SELECT id FROM task_runs WHERE {where}", tuple(params))]

        def delete(conn: apsw.Connection, chunk: list, marks: str, out: dict, paths: list) -> None:
            paths.extend(p for (p,) in conn.execute(
                f"SELECT result_path FROM task_runs WHERE id IN ({marks}) AND result_path IS NOT NULL", chunk))
            out["bytes"] += conn.execute(f"SELECT coalesce(sum({_ROW_BYTES['task_runs']}), 0) FROM task_runs WHERE id IN"
                                         f" ({marks})", chunk).fetchall()[0][0]
            conn.execute(f"DELETE FROM events WHERE state_index IS NULL AND resource_id IN ({marks})",
                         ["prefect.task-run." + i for i in chunk])
            out["events"] += conn.changes()
            conn.execute(f"DELETE FROM logs WHERE flow_run_id IS NULL AND task_run_id IN ({marks})", chunk)
            out["logs"] += conn.changes()
            conn.execute(f"DELETE FROM task_runs WHERE id IN ({marks})", chunk)
            out["task_runs"] += conn.changes()

        return self._delete_in_chunks(ids, delete)

    def prune_events(self, before: float) -> int:
        """Delete events that occurred before ``before``; returns how many. A flow run's state events go by
        the time of the write that made them (since migration 18): states written together go together."""
        gone = [0]

        def delete(conn: apsw.Connection) -> None:
            conn.execute("DELETE FROM events WHERE occurred < ?", (before,))
            gone[0] = conn.changes()

        self._write_fn(delete)
        return gone[0]

    def prunable(self, before: float, states: tuple = ()) -> list:
        where = f"id < ? AND state_type IN {_FINAL_SQL}"
        params: list = [_id_at(before)]
        if states:
            clause, values = _state_filter(states)
            where += " AND " + clause
            params += values
        return [r["id"] for r in self._query(f"SELECT id FROM flow_runs WHERE {where}", tuple(params))]

    def has_state_name(self, name: str) -> bool:
        """Whether some flow run has a state of this name (any case): custom state names are valid filters."""
        return self._query_one("SELECT 1 AS x FROM flow_runs WHERE upper(state_name)=? LIMIT 1",
                               (name.upper(),)) is not None

    def schema_version(self) -> int:
        return self._query_one("PRAGMA user_version")["user_version"]

    def integrity(self) -> list:
        return [r["integrity_check"] for r in self._query("PRAGMA integrity_check")]

    def vacuum(self) -> None:
        """Rebuild the file without its free pages; the write-ahead log is folded in and emptied, so the
        file's size afterwards is its real size."""
        with self._wlock:
            self.flush()
            try:
                self._writer.execute("VACUUM")
                self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except apsw.Error as exc:
                raise StoreError(f"could not vacuum {self.path}: {exc}") from exc

    def file_bytes(self) -> int:
        """The database's size on disk, with its write-ahead log."""
        return sum(os.path.getsize(p) for p in (self.path, self.path + "-wal") if os.path.exists(p))


class _Coordination:
    """Part of :class:`_Store` (its SQL lives here): Variables, artifacts, concurrency slots and limits, pause and resume."""

    # -- variables, artifacts, concurrency limits ---------------------------------------------------
    def variable(self, name: str) -> Optional[dict]:
        return self._query_one("SELECT * FROM variables WHERE name=?", (name,))

    def variables(self, limit: int = 100) -> list:
        return self._query("SELECT * FROM variables ORDER BY name LIMIT ?", (limit,))

    def set_variable(self, name: str, value_json: str, tags: list, overwrite: bool) -> None:
        now = self.clock.time()

        def put(conn: apsw.Connection) -> None:
            exists = conn.execute("SELECT 1 FROM variables WHERE name=?", (name,)).fetchall()
            if exists and not overwrite:
                raise ObjectAlreadyExists(f"Variable {name!r} already exists. Use `overwrite=True` to update it.")
            conn.execute("INSERT INTO variables (name, value, tags, created, updated) VALUES (?,?,?,?,?)"
                         " ON CONFLICT(name) DO UPDATE SET value=excluded.value, tags=excluded.tags,"
                         " updated=excluded.updated", (name, value_json, _json(tags), now, now))

        self._write_fn(put)

    def unset_variable(self, name: str) -> bool:
        out = {"n": 0}

        def delete(conn: apsw.Connection) -> None:
            conn.execute("DELETE FROM variables WHERE name=?", (name,))
            out["n"] = conn.changes()

        self._write_fn(delete)
        return bool(out["n"])

    def add_artifact(self, row: tuple) -> None:
        self._write([("INSERT INTO artifacts (id, key, type, data, description, flow_run_id, task_run_id, created,"
                      " updated) VALUES (?,?,?,?,?,?,?,?,?)", row)])

    def update_artifact(self, artifact_id: str, data: str, description: Optional[str]) -> bool:
        out = {"n": 0}

        def update(conn: apsw.Connection) -> None:
            conn.execute("UPDATE artifacts SET data=?, description=coalesce(?, description), updated=? WHERE id=?",
                         (data, description, self.clock.time(), artifact_id))
            out["n"] = conn.changes()

        self._write_fn(update)
        return bool(out["n"])

    def artifacts(self, key: Optional[str] = None, limit: int = 100, latest_only: bool = True) -> list:
        if key is not None:
            return self._query("SELECT * FROM artifacts WHERE key=? ORDER BY created DESC LIMIT ?", (key, limit))
        if latest_only:
            return self._query("SELECT * FROM artifacts a WHERE key IS NULL OR created = (SELECT max(created) FROM"
                               " artifacts b WHERE b.key = a.key) ORDER BY created DESC LIMIT ?", (limit,))
        return self._query("SELECT * FROM artifacts ORDER BY created DESC LIMIT ?", (limit,))

    def artifact(self, ref: str) -> Optional[dict]:
        return self._query_one("SELECT * FROM artifacts WHERE id=? OR key=? ORDER BY created DESC LIMIT 1", (ref, ref))

    def add_event(self, row: tuple) -> None:
        self._write([("INSERT INTO events (event_id, occurred, event, resource_id, resource, related, payload)"
                      " VALUES (?,?,?,?,?,?,?)", row)])

    def events(self, after: int = 0, limit: int = 100, event: Optional[str] = None,
               resource_id: Optional[str] = None, since: Optional[float] = None, oldest_first: bool = False) -> list:
        """Events after row ``after``, newest first (``oldest_first``: in order, for following);
        ``event`` matches a name or a prefix ending in ``*`` (``prefect.flow-run.*``)."""
        where, params = ["id > ?"], [after]
        if event:
            where.append("event GLOB ?" if event.endswith("*") else "event = ?")
            params.append(event)
        if resource_id:
            found, found_params = _events_of([resource_id])
            where.append(f"id IN ({found})")
            params.extend(found_params)
        if since is not None:
            where.append("occurred >= ?")
            params.append(since)
        order = "id" if oldest_first else "id DESC"
        return self._query(f"SELECT * FROM event_rows WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?",
                           (*params, limit))

    def automations(self) -> list:
        return self._query("SELECT * FROM automations ORDER BY name")

    def automation(self, ref: str) -> Optional[dict]:
        return self._query_one("SELECT * FROM automations WHERE id=? OR name=?", (ref, ref))

    def add_automation(self, row: tuple) -> str:
        """Insert an automation; it looks only at events from now on. One by that name with the same
        trigger and actions is kept as it is (a file that creates it each time it starts is fine); its
        id is returned. ObjectAlreadyExists when that name has another definition."""
        found: list = []

        def add(conn: apsw.Connection) -> None:
            same = conn.execute("SELECT id, trigger, actions FROM automations WHERE name=?", (row[1],)).fetchall()
            if same and (same[0][1], same[0][2]) == (row[4], row[5]):
                found.append(same[0][0])
                return
            if same:
                raise ObjectAlreadyExists(f"An automation named {row[1]!r} already exists with another trigger or "
                                          f"actions (delete it first: automations delete {row[1]!r}).")
            found.append(row[0])
            last = conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchall()[0][0]
            conn.execute("INSERT INTO automations (id, name, description, enabled, trigger, actions, cursor,"
                         " last_fired, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?)", (*row[:6], last, last, *row[6:]))

        self._write_fn(add)
        return found[0]

    def update_automation(self, automation_id: str, trigger: str, actions: str, enabled: bool) -> None:
        self._write([("UPDATE automations SET trigger=?, actions=?, enabled=?, updated=? WHERE id=?",
                      (trigger, actions, int(enabled), self.clock.time(), automation_id))])

    def set_automation_enabled(self, automation_id: str, enabled: bool) -> None:
        """Pause or resume an automation; resumed, it looks only at events from now on (those while it
        was paused are not acted on)."""
        self._write([("UPDATE automations SET enabled=?, updated=?, cursor=CASE WHEN ? THEN (SELECT coalesce(max(id),"
                      " 0) FROM events) ELSE cursor END WHERE id=?",
                      (int(enabled), self.clock.time(), int(enabled), automation_id))])

    def delete_automation(self, automation_id: str) -> None:
        self._write([("DELETE FROM deliveries WHERE automation_id=?", (automation_id,)),
                     ("DELETE FROM automations WHERE id=?", (automation_id,))])

    def file_arrived(self, watch: str, path: str, size: int, mtime_ns: int, event: tuple) -> bool:
        """Record a file that arrived and its event, once per version of the file (whichever process sees it
        first); True when this call recorded it."""
        new = [False]

        def record(conn: apsw.Connection) -> None:
            conn.execute("INSERT OR IGNORE INTO arrived_files (watch, path, size, mtime_ns, seen) VALUES (?,?,?,?,?)",
                         (watch, path, size, mtime_ns, self.clock.time()))
            if conn.changes():
                conn.execute("INSERT INTO events (event_id, occurred, event, resource_id, resource, related, payload)"
                             " VALUES (?,?,?,?,?,?,?)", event)
                new[0] = True

        self._write_fn(record)
        return new[0]

    def known_files(self, watch: str) -> set:
        return {(r["path"], r["size"], r["mtime_ns"]) for r in self._query(
            "SELECT path, size, mtime_ns FROM arrived_files WHERE watch=?", (watch,))}

    def any_enabled_automation(self) -> bool:
        return bool(self._query("SELECT 1 FROM automations WHERE enabled=1 LIMIT 1"))

    def fire_automations(self, decide: Callable[..., tuple], batch: int = 500) -> int:
        """One transaction: each enabled automation looks at the events after its cursor; for a reactive
        one ``decide(automation, events)`` gives the event rows that fire it and its new last_fired row;
        for a proactive one ``decide(automation, events, now)`` gives the events to write for the windows
        that ended short (they fire it) and its open windows. A delivery is written per action (once: the
        pair is unique) and the cursor moves on. Returns how many deliveries were made."""
        made = [0]

        def fire(conn: apsw.Connection) -> None:
            now = self.clock.time()
            cols = ("id", "name", "trigger", "actions", "cursor", "last_fired", "windows", "created")
            for auto in [dict(zip(cols, r)) for r in conn.execute(
                    f"SELECT {', '.join(cols)} FROM automations WHERE enabled=1").fetchall()]:
                names = ("id", "event_id", "occurred", "event", "resource_id", "resource", "related", "payload")
                events = [dict(zip(names, r)) for r in conn.execute(
                    f"SELECT {', '.join(names)} FROM event_rows WHERE id > ? ORDER BY id LIMIT ?",
                    (auto["cursor"], batch)).fetchall()]
                proactive = json.loads(auto["trigger"]).get("posture") == "Proactive"
                if not events and not proactive:
                    continue
                if proactive:  # the windows that closed short of their expected events fire, as new events
                    ended, windows = decide(auto, events, now)
                    fired = []
                    for event in ended:
                        conn.execute("INSERT INTO events (event_id, occurred, event, resource_id, resource, related,"
                                     " payload) VALUES (?,?,?,?,?,?,?)", event)
                        fired.append(conn.last_insert_rowid())
                    conn.execute("UPDATE automations SET windows=? WHERE id=?", (json.dumps(windows), auto["id"]))
                    last_fired = fired[-1] if fired else auto["last_fired"]
                else:
                    fired, last_fired = decide(auto, events)
                for row in fired:
                    for index in range(len(json.loads(auto["actions"]))):
                        conn.execute("INSERT OR IGNORE INTO deliveries (automation_id, event_row, action, next_attempt,"
                                     " created, updated) VALUES (?,?,?,?,?,?)", (auto["id"], row, index, now, now, now))
                        made[0] += conn.changes()
                conn.execute("UPDATE automations SET cursor=?, last_fired=? WHERE id=?",
                             (max([auto["cursor"], *(e["id"] for e in events), *fired]), last_fired, auto["id"]))

        self._write_fn(fire)
        return made[0]

    def claim_deliveries(self, owner: str, lease: float, limit: int = 20) -> list:
        """Claim due deliveries (pending, not held by a live claim) for ``lease`` seconds; returns them with
        their automation's actions and their event."""
        claimed: list = []

        def claim(conn: apsw.Connection) -> None:
            now = self.clock.time()
            ids = [r[0] for r in conn.execute(
                "SELECT id FROM deliveries WHERE state='pending' AND next_attempt <= ? AND (claimed_until IS NULL"
                " OR claimed_until < ?) ORDER BY next_attempt LIMIT ?", (now, now, limit)).fetchall()]
            for delivery_id in ids:
                conn.execute("UPDATE deliveries SET claimed_by=?, claimed_until=? WHERE id=?",
                             (owner, now + lease, delivery_id))
            if ids:
                names = ("id", "automation_id", "event_row", "action", "attempts", "name", "actions", "event_id",
                         "occurred", "event", "resource_id", "resource", "related", "payload")
                claimed.extend(dict(zip(names, r)) for r in conn.execute(
                    f"SELECT d.id, d.automation_id, d.event_row, d.action, d.attempts, a.name, a.actions, e.event_id,"
                    f" e.occurred, e.event, e.resource_id, e.resource, e.related, e.payload FROM deliveries d"
                    f" JOIN automations a ON a.id = d.automation_id JOIN event_rows e ON e.id = d.event_row"
                    f" WHERE d.id IN ({','.join('?' * len(ids))})", ids).fetchall())

        self._write_fn(claim)
        return claimed

    def finish_delivery(self, delivery_id: int, error: Optional[str], retry_at: Optional[float]) -> None:
        """Record an attempt: done (no error), to try again at ``retry_at``, or given up (no retry_at)."""
        state = "done" if error is None else ("pending" if retry_at is not None else "failed")
        self._write([("UPDATE deliveries SET state=?, attempts=attempts+1, next_attempt=coalesce(?, next_attempt),"
                      " last_error=?, claimed_by=NULL, claimed_until=NULL, updated=? WHERE id=?",
                      (state, retry_at, error, self.clock.time(), delivery_id))])

    def delivery_summary(self, automation_id: str) -> tuple:
        """({"done": n, "pending": n, "failed": n}, the latest error or None) of an automation's deliveries."""
        counts = {"done": 0, "pending": 0, "failed": 0}
        for r in self._query("SELECT state, count(*) AS n FROM deliveries WHERE automation_id=? GROUP BY state",
                             (automation_id,)):
            counts[r["state"]] = r["n"]
        latest = self._query_one("SELECT last_error FROM deliveries WHERE automation_id=? AND last_error IS NOT NULL"
                                 " ORDER BY updated DESC LIMIT 1", (automation_id,))
        return counts, latest["last_error"] if latest else None

    def limits(self) -> list:
        return self._query('SELECT l.*, (SELECT coalesce(sum(occupy), 0) FROM concurrency_slots s WHERE'
                           ' s.limit_name = l.name) AS active_slots FROM concurrency_limits l ORDER BY name')

    def create_limit(self, name: str, limit: int, decay: float, mode: str = "create") -> str:
        """Create a limit (``mode`` "create": an existing one is an error), update one ("update": a missing
        one is), or either ("upsert"). Held slots stay held. Returns "created", "updated" or "unchanged"."""
        now = self.clock.time()
        out = {"what": "created"}

        def put(conn: apsw.Connection) -> None:
            row = conn.execute('SELECT "limit", slot_decay_per_second FROM concurrency_limits WHERE name=?',
                               (name,)).fetchall()
            if row and mode == "create":
                raise ObjectAlreadyExists(f"A concurrency limit named {name!r} already exists.")
            if not row and mode == "update":
                raise ObjectNotFound(f"No concurrency limit named {name!r}.")
            if not row:
                conn.execute('INSERT INTO concurrency_limits (name, "limit", slot_decay_per_second, created, updated)'
                             " VALUES (?,?,?,?,?)", (name, limit, decay, now, now))
            elif tuple(row[0]) == (limit, decay):
                out["what"] = "unchanged"
            else:
                conn.execute('UPDATE concurrency_limits SET "limit"=?, slot_decay_per_second=?, updated=? WHERE name=?',
                             (limit, decay, now, name))
                out["what"] = "updated"

        self._write_fn(put)
        self._limit_cache = None
        return out["what"]

    def delete_limit(self, name: str, slots_only: bool = False) -> bool:
        out = {"n": 0}

        def delete(conn: apsw.Connection) -> None:
            out["n"] = len(conn.execute("SELECT 1 FROM concurrency_limits WHERE name=?", (name,)).fetchall())
            conn.execute("DELETE FROM concurrency_slots WHERE limit_name=?", (name,))
            if not slots_only:
                conn.execute("DELETE FROM concurrency_limits WHERE name=?", (name,))

        self._write_fn(delete)
        self._limit_cache = None
        return bool(out["n"])

    def acquire_slots(self, names: list, occupy: int, process_id: Optional[str], lease: float,
                      decay_only: bool = False) -> tuple:
        """Take ``occupy`` slots on every named limit at once, or none: (slot ids or None, missing names).

        Concurrency limits hold rows (freed by release_slots, or when the holder's lease runs out);
        limits with slot decay are leaky buckets whose level drains at the decay rate.
        """
        now = self.clock.time()
        out: dict = {"ids": None, "missing": []}

        def take(conn: apsw.Connection) -> None:
            limits = {r[0]: r for r in conn.execute(
                'SELECT name, "limit", active, slot_decay_per_second, level, level_at FROM concurrency_limits'
                f" WHERE name IN ({','.join('?' * len(names))})", names).fetchall()}
            out["missing"] = [n for n in names if n not in limits]
            plans = []
            for name, limit, active, decay, level, level_at in limits.values():
                if not active:
                    continue
                if occupy > limit:
                    raise ConcurrencySlotAcquisitionError(
                        f"Unable to acquire {occupy} slot(s) on {name!r}: its limit is {limit}")
                if decay > 0:
                    level = max(0.0, level - decay * (now - (level_at or now)))
                    if level + occupy > limit + 1e-9:
                        return
                    plans.append(("bucket", name, level + occupy))
                elif decay_only:
                    raise ConcurrencySlotAcquisitionError(f"Rate limit {name!r} has no slot decay; give it "
                                                          f"--slot-decay-per-second to use it with rate_limit()")
                else:
                    used = conn.execute("SELECT coalesce(sum(occupy), 0) FROM concurrency_slots WHERE limit_name=?"
                                        " AND (expires IS NULL OR expires > ?)", (name, now)).fetchall()[0][0]
                    if used + occupy > limit:
                        return
                    plans.append(("slot", name, None))
            ids = []
            for kind, name, level in plans:
                if kind == "bucket":
                    conn.execute("UPDATE concurrency_limits SET level=?, level_at=? WHERE name=?", (level, now, name))
                else:
                    conn.execute("INSERT INTO concurrency_slots (limit_name, occupy, process_id, acquired, expires)"
                                 " VALUES (?,?,?,?,?)", (name, occupy, process_id, now, now + lease))
                    ids.append(conn.last_insert_rowid())
            out["ids"] = ids

        self._write_fn(take)
        return out["ids"], out["missing"]

    def release_slots(self, ids: list) -> None:
        """Give slots back. The delete is staged: this process's next acquire runs it first (so its waiters,
        woken now, see the slot free at once) and the flusher commits it for other processes within
        _FLUSH_SECONDS (woken at once)."""
        if ids:
            self._stage(op=(f"DELETE FROM concurrency_slots WHERE id IN ({','.join('?' * len(ids))})", tuple(ids)))
            self._wake.set()  # other processes' waiters see it after the flusher's commit, not 0.2 s later
        with self._slot_freed:
            self._slot_freed.notify_all()

    def wait_for_slot(self, seconds: float) -> None:
        """Sleep until a slot is freed in this process, or ``seconds`` (other processes are polled)."""
        with self._slot_freed:
            self._slot_freed.wait(seconds)

    def limit_names(self) -> set:
        """The names of existing limits, cached for a second (tasks with tags ask on every run)."""
        cached = self._limit_cache
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        names = {r["name"] for r in self._query("SELECT name FROM concurrency_limits")}
        self._limit_cache = (time.monotonic() + 1.0, names)
        return names

    def limit(self, name: str) -> Optional[dict]:
        return self._query_one('SELECT name, "limit", active, slot_decay_per_second FROM concurrency_limits WHERE name=?',
                               (name,))

    # -- pause and resume -----------------------------------------------------------------------------
    def run_state(self, run_id: str) -> Optional[tuple]:
        try:
            return self._reader().execute("SELECT state_type, state_name, run_input FROM flow_runs WHERE id=?",
                                          (run_id,)).fetchone()
        except apsw.Error as exc:
            raise StoreError(f"could not read {self.path}: {exc}") from exc

    def resume_run(self, run_id: str, run_input: Optional[str]) -> None:
        now = self.clock.time()

        def resume(conn: apsw.Connection) -> None:
            rows = conn.execute("SELECT state_type, history FROM flow_runs WHERE id=?", (run_id,)).fetchall()
            if not rows:
                raise ObjectNotFound(f"No flow run with id {run_id!r}.")
            if rows[0][0] != "PAUSED":
                raise NotPausedError("Cannot resume a run that isn't paused!")
            self._append_state(conn, run_id, rows[0][1], ("RUNNING", "Resuming", None, now),
                               extra=", run_input=?", params=(run_input,))

        self._write_fn(resume)


# == 7. Store: schedules, processes and the connection ====================================================

class _Scheduling:
    """Part of :class:`_Store` (its SQL lives here): Deployments, the scheduled runs of their slots, claims, and runs that serve finishes."""

    # -- deployments and scheduled runs -------------------------------------------------------------
    def upsert_deployment(self, dep: dict) -> str:
        """Create or update a deployment by (flow name, name); returns its id."""
        now = self.clock.time()
        out: dict = {}

        def upsert(conn: apsw.Connection) -> None:
            rows = conn.execute("SELECT id, last_slot, paused, schedules FROM deployments WHERE flow_name=? AND name=?",
                                (dep["flow_name"], dep["name"])).fetchall()
            fields = ("entrypoint", "schedules", "parameters", "parameters_blob", "tags", "description", "version",
                      "paused", "concurrency_limit", "collision_strategy", "catchup", "max_catchup", "misfire_grace",
                      "parameter_schema")
            if rows:
                dep_id, last_slot, _, old_schedules = rows[0]
                if old_schedules != dep["schedules"]:
                    last_slot = now  # changed schedules start from now, as in Prefect
                conn.execute("UPDATE deployments SET " + ", ".join(f"{f}=?" for f in fields)
                             + ", last_slot=?, updated=? WHERE id=?",
                             (*(dep[f] for f in fields), last_slot, now, dep_id))
            else:
                dep_id = _uuid7()
                conn.execute("INSERT INTO deployments (id, name, flow_name, " + ", ".join(fields)
                             + ", last_slot, created, updated) VALUES (" + ",".join("?" * (len(fields) + 6)) + ")",
                             (dep_id, dep["name"], dep["flow_name"], *(dep[f] for f in fields), now, now, now))
            out["id"] = dep_id

        self._write_fn(upsert)
        return out["id"]

    def deployment(self, ref: str) -> dict:
        """A deployment by id or "flow-name/deployment-name" (or a unique deployment name)."""
        rows = self._query("SELECT * FROM deployments WHERE id=?", (ref,))
        if not rows and "/" in ref:
            flow_name, _, name = ref.partition("/")
            rows = self._query("SELECT * FROM deployments WHERE flow_name=? AND name=?", (flow_name, name))
        if not rows:
            rows = self._query("SELECT * FROM deployments WHERE name=?", (ref,))
        if not rows:
            raise ObjectNotFound(f"No deployment named {ref!r}. Name it as 'flow-name/deployment-name'.")
        if len(rows) > 1:
            names = ", ".join(f"{r['flow_name']}/{r['name']}" for r in rows)
            raise ObjectNotFound(f"{ref!r} matches several deployments: {names}.")
        return rows[0]

    def deployments(self) -> list:
        return self._query("SELECT * FROM deployments ORDER BY flow_name, name")

    def last_state_name(self, dep_id: str) -> Optional[str]:
        """The state name of a deployment's newest run that left Scheduled, or None."""
        row = self._query_one("SELECT state_name FROM flow_runs WHERE deployment_id=? AND state_type NOT IN"
                              " ('SCHEDULED') ORDER BY created DESC LIMIT 1", (dep_id,))
        return row and row["state_name"]

    def set_paused(self, dep_id: str, paused: bool) -> int:
        """Pause or resume a deployment. Pausing cancels its auto-scheduled runs that have not started
        (running ones go on; manual runs wait for resume); resuming starts the schedule from now. Returns
        how many scheduled runs were cancelled."""
        now = self.clock.time()
        out = {"n": 0}

        def change(conn: apsw.Connection) -> None:
            conn.execute("UPDATE deployments SET paused=?, last_slot=CASE WHEN ? THEN last_slot ELSE ? END,"
                         " updated=? WHERE id=?", (int(paused), int(paused), now, now, dep_id))
            if paused:
                for run_id, history in conn.execute(
                        "SELECT id, history FROM flow_runs WHERE deployment_id=? AND state_type='SCHEDULED'"
                        " AND idempotency_key LIKE 'scheduled %'", (dep_id,)).fetchall():
                    entry = ("CANCELLED", "Cancelled", "The deployment was paused.", now)
                    self._append_state(conn, run_id, history, entry, end=True)
                    out["n"] += 1

        self._write_fn(change)
        return out["n"]

    def delete_deployment(self, dep_id: str) -> None:
        self._write([("DELETE FROM deployments WHERE id=?", (dep_id,))])

    @staticmethod
    def _append_state(conn: apsw.Connection, run_id: str, history: str, entry: tuple, end: bool = False,
                      extra: str = "", params: tuple = ()) -> None:
        conn.execute("UPDATE flow_runs SET state_type=?, state_name=?, state_message=?, state_timestamp=?,"
                     " history=?" + (", end_time=?" if end else "") + extra + " WHERE id=?",
                     (*entry, _history_json([*map(tuple, json.loads(history)), entry]),
                      *((entry[3],) if end else ()), *params, run_id))

    def insert_scheduled_runs(self, runs: list, dep_id: Optional[str] = None,
                              last_slot: Optional[float] = None) -> int:
        """Insert Scheduled flow runs (FlowRun records, each unique by its idempotency key); returns how many
        were new."""
        out = {"n": 0}

        def insert(conn: apsw.Connection) -> None:
            for run in runs:
                conn.execute(_FLOW_RUNS.insert_sql.replace("INSERT", "INSERT OR IGNORE", 1), _FLOW_RUNS.insert_values(run))
                out["n"] += conn.changes()
            if dep_id is not None and last_slot is not None:
                conn.execute("UPDATE deployments SET last_slot=max(coalesce(last_slot, 0), ?) WHERE id=?",
                             (last_slot, dep_id))

        self._write_fn(insert)
        return out["n"]

    def due_runs(self, deployment_ids: list, now: float, limit: int) -> list:
        marks = ",".join("?" * len(deployment_ids))
        # "+deployment_id": use the small index of Scheduled runs, not the one over a deployment's history
        return self._query(f"SELECT id, deployment_id, expected_start_time, state_name FROM flow_runs"
                           f" WHERE state_type='SCHEDULED' AND expected_start_time <= ? AND +deployment_id IN ({marks})"
                           f" ORDER BY expected_start_time LIMIT ?", (now, *deployment_ids, limit))

    def claim_run(self, run_id: str, process_id: str, concurrency_limit: Optional[int],
                  collision_strategy: str) -> str:
        """Atomically take a due Scheduled run: "claimed", "taken" (someone else has it), "waiting" or
        "cancelled" (its deployment is at its concurrency limit)."""
        now = self.clock.time()
        out = {"result": "taken"}

        def claim(conn: apsw.Connection) -> None:
            rows = conn.execute("SELECT history, deployment_id, state_name FROM flow_runs WHERE id=? AND"
                                " state_type='SCHEDULED'", (run_id,)).fetchall()
            if not rows:
                return
            history, dep_id, name = rows[0]
            if concurrency_limit is not None:
                active = conn.execute("SELECT count(*) FROM flow_runs WHERE +deployment_id=? AND state_type IN"
                                      f" ('PENDING', 'RUNNING', 'CANCELLING') AND {_NOT_COMPLETED}",
                                      (dep_id,)).fetchall()[0][0]
                if active >= concurrency_limit:
                    if collision_strategy == "CANCEL_NEW":
                        entry = ("CANCELLED", "Cancelled", "The deployment's concurrency limit was reached.", now)
                        self._append_state(conn, run_id, history, entry, end=True)
                        out["result"] = "cancelled"
                    else:
                        if name != "AwaitingConcurrencySlot":
                            entry = ("SCHEDULED", "AwaitingConcurrencySlot", "Waiting for the deployment's "
                                     "concurrency limit.", now)
                            self._append_state(conn, run_id, history, entry)
                        out["result"] = "waiting"
                    return
            entry = ("PENDING", "Pending", None, now)
            self._append_state(conn, run_id, history, entry, extra=", process_id=?, hostname=?, pid=?",
                               params=(process_id, _hostname(), os.getpid()))
            out["result"] = "claimed"

        self._write_fn(claim)
        return out["result"]

    def mark_late(self, before: Optional[float] = None) -> int:
        """Scheduled runs still waiting for a slot before ``before`` (default: the late-runs setting ago)
        become Late. Whoever notices first does it: serve, ``status``, any process opening the file.
        Returns how many; with nothing overdue it only reads (one index lookup)."""
        now = self.clock.time()
        before = now - _setting("ORCHESTRATOR_LATE_RUNS_AFTER_SECONDS") if before is None else before
        overdue = ("SELECT id, history FROM flow_runs WHERE state_type='SCHEDULED' AND expected_start_time < ?"
                   " AND state_name='Scheduled'")
        out = {"n": 0}

        def late(conn: apsw.Connection) -> None:
            for run_id, history in conn.execute(overdue, (before,)).fetchall():
                self._append_state(conn, run_id, history, ("SCHEDULED", "Late", None, now))
                out["n"] += 1

        if self._query(overdue + " LIMIT 1", (before,)):
            self._write_fn(late)
        return out["n"]

    def finish_run(self, run_id: str, type_: str, name: str, message: str) -> bool:
        """Give a run that is not final yet a final state (serve does this for children that died)."""
        now = self.clock.time()
        out = {"done": False}

        def finish(conn: apsw.Connection) -> None:
            rows = conn.execute("SELECT history, state_type FROM flow_runs WHERE id=?", (run_id,)).fetchall()
            if rows and rows[0][1] not in _FINAL_NAMES:
                self._append_state(conn, run_id, rows[0][0], (type_, name, message, now), end=True)
                self._end_task_runs(conn, run_id, (type_, name, message, now))
                out["done"] = True

        self._write_fn(finish)
        return out["done"]


_TASK_RUN_NAMES = tuple(c.name for c in _TASK_RUNS.columns)
# what a worker reads of the runs it claims (the record's columns and the queue's own)
_CLAIMED_COLUMNS = ", ".join(_TASK_RUN_NAMES + ("parameters_blob", "claims", "max_retries", "wait_for"))


class _TaskQueue:
    """Part of :class:`_Store` (its SQL lives here): background task runs, queued by ``task.delay()`` and
    claimed by task workers. A queued run is a task run row in state Scheduled with ``deferred = 1``; a
    worker claims runs with one atomic UPDATE (so each goes to exactly one worker), and its heartbeat holds
    them: the runs of a worker that died go back to the queue while their retries allow, else they crash."""

    _ENQUEUE_SQL = (f"INSERT INTO task_runs ({', '.join(_TASK_RUN_NAMES)}, deferred, parameters_blob, max_retries,"
                    f" wait_for) VALUES ({'?,' * len(_TASK_RUN_NAMES)}1,?,?,?)")

    def enqueue_task_run(self, run: "TaskRun", blob: Optional[bytes], max_retries: int,
                         wait_for: Optional[list]) -> None:
        """Commit a new Scheduled background run (with everything staged before it). With nothing staged,
        the INSERT is its own transaction, written at once without the staging buffer's bookkeeping (about
        a sixth of an enqueue's cost)."""
        values = (*_TASK_RUNS.insert_values(run), blob, max_retries, _json(wait_for) if wait_for else None)
        run.stored = True
        with self._wlock:
            if not self._dirty and not self._ops:
                try:
                    self._writer.execute(self._ENQUEUE_SQL, values)
                    return
                except apsw.Error as exc:
                    raise self._write_error(exc) from exc
        self._sync(self._stage(None, (self._ENQUEUE_SQL, values)))

    # a run a worker holds may be Scheduled again (AwaitingRetry, AwaitingConcurrencySlot): it is not queued
    _QUEUED_SQL = (f"SELECT q.id FROM task_runs q WHERE q.deferred = 1 AND q.state_type = 'SCHEDULED' AND"
                   f" q.task_key = ? AND q.process_id IS NULL AND (q.wait_for IS NULL OR NOT EXISTS"
                   f" (SELECT 1 FROM json_each(q.wait_for) w JOIN task_runs d ON d.id = w.value"
                   f" WHERE d.state_type NOT IN {_FINAL_SQL})) ORDER BY q.id LIMIT ?")

    def _queued(self, conn: apsw.Connection, task_keys: list, n: int) -> list:
        """The ids of the ``n`` oldest queued runs of these tasks whose upstream runs are all final (one
        index range a task: ordering them all by id at once would read every queued run)."""
        ids = [r[0] for key in task_keys for r in conn.execute(self._QUEUED_SQL, (key, n))]
        return sorted(ids)[:n] if len(task_keys) > 1 else ids

    def has_queued_task_runs(self, task_keys: list) -> bool:
        """Whether a run of these tasks is ready to be claimed (a read: no write lock is taken)."""
        try:
            return bool(self._queued(self._reader(), task_keys, 1))
        except apsw.Error as exc:
            raise StoreError(f"could not read {self.path}: {exc}") from exc

    def claim_task_runs(self, task_keys: list, process_id: str, n: int) -> list:
        """Claim up to ``n`` ready runs of these tasks for worker ``process_id``: they become Pending, held
        by it. Returns their rows (dicts), oldest first. The write lock makes the pick and the update one
        step (an UPDATE over a subquery of the same table costs five times more here)."""
        now = self.clock.time()
        names = _CLAIMED_COLUMNS.split(", ")
        rows: list = []

        def claim(conn: apsw.Connection) -> None:
            ids = self._queued(conn, task_keys, n)
            if ids:
                rows.extend(dict(zip(names, row)) for row in conn.execute(
                    "UPDATE task_runs SET state_type = 'PENDING', state_name = 'Pending', state_message = NULL,"
                    " state_timestamp = ?1, process_id = ?2, claims = claims + 1,"
                    " history = json_insert(history, '$[#]', json_array('PENDING', 'Pending', NULL, ?1))"
                    f" WHERE id IN ({','.join('?' * len(ids))}) RETURNING {_CLAIMED_COLUMNS}", (now, process_id, *ids)))

        if n > 0:
            self._write_fn(claim)
        return sorted(rows, key=lambda r: r["id"])

    def background_task_run(self, task_run_id: str) -> Optional[dict]:
        """A task run's state and persisted result (any task run: futures read them by id)."""
        return self._query_one("SELECT id, name, state_type, state_name, state_message, state_timestamp, result,"
                               " result_serializer, result_path, result_note FROM task_runs WHERE id=?",
                               (task_run_id,))

    def task_run_states(self, task_run_ids: list) -> dict:
        """{id: state_type} of these task runs (ids not found are left out)."""
        out: dict = {}
        for i in range(0, len(task_run_ids), 500):
            chunk = task_run_ids[i:i + 500]
            for r in self._query(f"SELECT id, state_type FROM task_runs WHERE id IN ({','.join('?' * len(chunk))})",
                                 tuple(chunk)):
                out[r["id"]] = r["state_type"]
        return out

    def background_task_runs(self, state: Optional[str] = None, limit: int = 50) -> list:
        """The newest background runs (optionally of one state type), with the pid of the worker holding them."""
        where = "AND t.state_type = ?" if state else ""
        return self._query(
            "SELECT t.*, p.pid AS worker_pid, p.hostname AS worker_host FROM task_runs t"
            " LEFT JOIN processes p ON p.id = t.process_id"
            f" WHERE t.deferred = 1 {where} ORDER BY t.id DESC LIMIT ?", ((state,) if state else ()) + (limit,))

    def background_counts(self) -> dict:
        """{state type: count} over every background run."""
        return {r["state_type"]: r["n"] for r in self._query(
            "SELECT state_type, count(*) AS n FROM task_runs WHERE deferred = 1 GROUP BY state_type")}

    def lose_task_runs(self, task_run_ids: list, why: str) -> None:
        """Background runs whose worker stops before they finish: queued again while their retries allow,
        else Crashed (a worker stopping past its grace period does this for the runs it still holds)."""
        now = self.clock.time()

        def lose(conn: apsw.Connection) -> None:
            for run_id in task_run_ids:
                self._lose_task_runs(conn, "id = ?", (run_id,), why, now)

        self._write_fn(lose)

    @staticmethod
    def _lose_task_runs(conn: apsw.Connection, where: str, params: tuple, why: str, now: float) -> None:
        """Requeue or crash the unfinished background runs that ``where`` picks. Attempts used are the most
        of the attempts recorded and the claims made (a start record written behind may not have landed)."""
        for run_id, history, run_count, claims, max_retries in conn.execute(
                "SELECT id, history, run_count, claims, max_retries FROM task_runs WHERE deferred = 1 AND"
                f" state_type NOT IN {_FINAL_SQL} AND {where}", params).fetchall():
            used = max(run_count, claims)
            if used <= max_retries:
                entry = ("SCHEDULED", "AwaitingRetry", f"{why}; queued again for another worker (attempt {used + 1}"
                         f" of {max_retries + 1}).", now)
            else:
                entry = ("CRASHED", "Crashed", f"{why}; marked Crashed" + (
                    f" (its {max_retries} retries are used up)." if max_retries else "."), now)
            conn.execute("UPDATE task_runs SET state_type=?, state_name=?, state_message=?, state_timestamp=?,"
                         " end_time=CASE WHEN ?='CRASHED' THEN ? END, process_id=CASE WHEN ?='CRASHED' THEN"
                         " process_id END, run_count=?, history=? WHERE id=?",
                         (*entry, entry[0], now, entry[0], used,
                          _history_json([*map(tuple, json.loads(history)), entry]), run_id))


class _Processes:
    """Part of :class:`_Store` (its SQL lives here): Heartbeat rows, crash detection, and cancellation requests."""

    # -- processes: heartbeats, crash detection, cancellation requests ------------------------------
    def register_process(self, kind: str = "flows") -> str:
        """This process's heartbeat row, written once; the heartbeat thread keeps it fresh."""
        with self._plock:
            if self._process_id is not None:
                return self._process_id
            self._process_id = _uuid7()
        now = self.clock.time()
        self._write([("INSERT INTO processes (id, pid, hostname, proc_start, started, heartbeat, kind)"
                      " VALUES (?,?,?,?,?,?,?)", (self._process_id, os.getpid(), _hostname(),
                                                  _proc_start(os.getpid()), now, now, kind))])
        self._heartbeat = threading.Thread(target=self._heartbeat_loop, name="orchestrator-heartbeat",
                                           daemon=True)
        self._heartbeat.start()
        _at_exit(self._process_stopped)
        return self._process_id

    def _process_stopped(self) -> None:
        """Record that this process stops. A run of it still active then can never finish (its engine
        failed in a way it could not record, or a thread still ran it): it is marked Crashed, since crash
        detection passes over the runs of a process that stopped."""
        if self._process_id is None:
            return
        self._stop.set()
        self.flush()
        now = self.clock.time()
        message = (f"Process {os.getpid()} on {_hostname()} exited while this run was active; marked Crashed "
                   f"as the process stopped.")

        def stop(conn: apsw.Connection) -> None:
            self._crash_runs(conn, self._process_id, message, now)
            conn.execute("UPDATE processes SET stopped=? WHERE id=?", (now, self._process_id))

        self._write_fn(stop)

    def _heartbeat_loop(self) -> None:
        interval = _heartbeat_seconds()
        last = time.monotonic()
        while not self._stop.wait(min(0.25, interval)):
            try:
                if _ACTIVE_FLOWS:
                    self._deliver_cancellations()
                if time.monotonic() - last >= interval:
                    last = time.monotonic()
                    now = self.clock.time()
                    self._write([("UPDATE processes SET heartbeat=? WHERE id=?", (now, self._process_id)),
                                 ("UPDATE concurrency_slots SET expires=? WHERE process_id=?",
                                  (now + _lease_seconds(), self._process_id))])
                    self.detect_crashes()
            except StoreError as exc:  # a busy or broken file: try again next round
                print(f"orchestrator: heartbeat could not be written yet: {exc}", file=sys.stderr)

    def _deliver_cancellations(self) -> None:
        for r in self._query("SELECT id, state_message, state_timestamp FROM flow_runs"
                             f" WHERE process_id=? AND state_type='CANCELLING' AND {_NOT_COMPLETED}",
                             (self._process_id,)):
            engine = _ACTIVE_FLOWS.get(r["id"])
            if engine is not None:
                engine.cancel_requested(r["state_message"], r["state_timestamp"])

    def detect_crashes(self) -> list:
        """Mark the active runs of processes that died as Crashed; returns the flow run ids."""
        now = self.clock.time()
        stale = now - 3 * _heartbeat_seconds()
        suspects = [p for p in self._query("SELECT * FROM processes WHERE stopped IS NULL")
                    if p["id"] != self._process_id and _process_dead(p, stale)]
        crashed: list = []
        if not suspects:
            return crashed

        def mark(conn: apsw.Connection) -> None:
            for p in suspects:
                row = conn.execute("SELECT heartbeat, stopped FROM processes WHERE id=?", (p["id"],)).fetchall()
                if not row or row[0][1] is not None or not _process_dead({**p, "heartbeat": row[0][0]}, stale):
                    continue
                why = ("it is no longer running" if p["hostname"] == _hostname() and not _pid_alive(p)
                       else f"it sent no heartbeat since {time.strftime('%H:%M:%S', time.localtime(row[0][0]))}")
                message = (f"Process {p['pid']} on {p['hostname']} stopped while this run was active ({why}); "
                           f"marked Crashed by process {os.getpid()}.")
                crashed.extend(self._crash_runs(conn, p["id"], message, now))
                conn.execute("UPDATE processes SET stopped=? WHERE id=?", (now, p["id"]))
                conn.execute("DELETE FROM concurrency_slots WHERE process_id=?", (p["id"],))

        self._write_fn(mark)
        return crashed

    def _crash_runs(self, conn: apsw.Connection, process_id: str, message: str, now: float) -> list:
        ids = []
        for run_id, history in conn.execute(
                "SELECT id, history FROM flow_runs WHERE process_id=? AND state_type IN (?,?,?,?)"
                f" AND {_NOT_COMPLETED}",
                (process_id, *_ACTIVE_STATES)).fetchall():
            entry = ("CRASHED", "Crashed", message, now)
            conn.execute("UPDATE flow_runs SET state_type='CRASHED', state_name='Crashed', state_message=?,"
                         " state_timestamp=?, end_time=?, history=? WHERE id=?",
                         (message, now, now, _history_json([*map(tuple, json.loads(history)), entry]), run_id))
            self._end_task_runs(conn, run_id, entry)
            ids.append(run_id)
        why = message.split(" while this run was active")[0] + " while this background run was active"
        self._lose_task_runs(conn, "process_id = ? AND state_type IN ('SCHEDULED', 'PENDING', 'RUNNING')",
                             (process_id,), why, now)
        return ids

    @staticmethod
    def _end_task_runs(conn: apsw.Connection, flow_run_id: str, entry: tuple) -> None:
        """Give a flow run's task runs that are not final yet its final state ``entry`` (type, name,
        message, time): its process is gone, or serve ended it."""
        type_, name, message, now = entry
        for task_id, task_history in conn.execute(
                f"SELECT id, history FROM task_runs WHERE {_flow_tasks()} AND state_type NOT IN {_FINAL_SQL}",
                (flow_run_id,) * 3).fetchall():
            conn.execute("UPDATE task_runs SET state_type=?, state_name=?, state_message=?, state_timestamp=?,"
                         " end_time=?, history=? WHERE id=?",
                         (type_, name, message, now, now, _history_json([*map(tuple, json.loads(task_history)), entry]),
                          task_id))

    def request_cancel(self, run_id: str) -> str:
        """Cancel a flow run: Cancelled at once when nothing runs it, else Cancelling. Returns the new name."""
        self.detect_crashes()
        outcome: dict = {}

        def cancel(conn: apsw.Connection) -> None:
            rows = conn.execute("SELECT state_type, state_name, history FROM flow_runs WHERE id=?",
                                (run_id,)).fetchall()
            if not rows:
                raise ObjectNotFound(f"No flow run with id {run_id!r}.")
            type_, name, history = rows[0]
            if type_ in _FINAL_NAMES:
                raise OrchestratorError(f"Flow run {run_id} is already final ({name}); there is nothing to cancel.")
            if type_ == "CANCELLING":
                outcome["name"] = "Cancelling"
                return
            now = self.clock.time()
            if type_ in ("SCHEDULED", "PAUSED"):
                entry = ("CANCELLED", "Cancelled", "Cancelled before it started.", now)
            else:
                entry = ("CANCELLING", "Cancelling", "Cancellation was requested.", now)
            conn.execute("UPDATE flow_runs SET state_type=?, state_name=?, state_message=?, state_timestamp=?,"
                         " history=?, end_time=CASE WHEN ?='CANCELLED' THEN ? ELSE end_time END WHERE id=?",
                         (*entry, _history_json([*map(tuple, json.loads(history)), entry]), entry[0], now, run_id))
            outcome["name"] = entry[1]

        self._write_fn(cancel)
        return outcome["name"]


class _Store(_RunRecords, _Coordination, _Scheduling, _TaskQueue, _Processes):
    """One SQLite state database. ``_get_store(path)`` opens (creating or upgrading) it once per process."""

    def __init__(self, path: str, readonly: bool = False, clock: Optional["_SystemClock"] = None,
                 busy_ms: int = _BUSY_TIMEOUT_MS) -> None:
        self.path = path
        self.readonly = readonly
        self.busy_ms = busy_ms  # how long a read or write waits for a lock (the web view waits less)
        self.committing = False  # a commit is under way (see _commit)
        self.clock = clock or _CLOCK  # what "now" is for every row this store writes (tests inject one)
        events = _setting("ORCHESTRATOR_TASK_RUN_EVENTS")
        if events not in ("failures", "all"):
            raise ValueError(f"$ORCHESTRATOR_TASK_RUN_EVENTS is 'failures' or 'all', not {events!r}")
        self.task_run_events = events == "all"
        self._readers = threading.local()
        self._wlock = threading.RLock()
        self._plock = threading.Lock()
        self._dirty: dict = {}  # task run id -> TaskRun whose record is behind
        self._logs: list = []
        self._dropped_logs = 0  # log lines a full disk refused
        self._ops: list = []
        self._seq = 0  # bumped by every staged change; _done is the last one committed
        self._done = 0
        self._commits = 0
        self._flusher: Optional[threading.Thread] = None
        self._stop = threading.Event()
        self._wake = threading.Event()  # set to have the flusher commit now (a slot was given back)
        self._process_id: Optional[str] = None
        self._slot_freed = threading.Condition()
        self._limit_cache: Optional[tuple] = None
        self.results_dir = os.path.join(os.path.dirname(os.path.abspath(path)), "results")
        self._writer = self._connect()
        self._migrate()
        if readonly:
            return
        with contextlib.suppress(OSError):  # a results folder an older version made with the umask's mode
            if os.stat(self.results_dir).st_mode & 0o077:
                os.chmod(self.results_dir, 0o700)
        _at_exit(self.flush)
        with contextlib.suppress(StoreError):  # best effort: a busy file must not stop a reader
            self.detect_crashes()  # the next process to open the database finds the runs of dead ones
            self.mark_late()  # and the runs nothing started in time

    # -- connections and transactions --------------------------------------------------------------
    def _connect(self) -> apsw.Connection:
        folder = os.path.dirname(os.path.abspath(self.path))
        try:
            if getattr(self, "readonly", False):
                conn = self._connect_readonly()
            else:
                os.makedirs(folder, exist_ok=True)
                if not os.path.exists(self.path):
                    self._create_file()
                conn = apsw.Connection(self.path)
        except (OSError, apsw.Error) as exc:
            raise StoreError(f"cannot create the state database at {self.path}: "
                             f"{getattr(exc, 'strerror', None) or exc}") from exc
        if os.path.getsize(self.path) == 0:  # never one we made (see _create_file): a touched or truncated file
            conn.close()
            raise StoreError(f"{self.path} is an empty file, not a state database (remove it to start a new one, "
                             f"or give the right --db)")
        conn.setbusyhandler(_busy_handler(getattr(self, "busy_ms", _BUSY_TIMEOUT_MS)))
        try:
            conn.execute("PRAGMA foreign_keys=ON")
            if not getattr(self, "readonly", False):
                _while_busy(lambda: self._wal(conn))
                conn.execute("PRAGMA synchronous=NORMAL")
        except apsw.NotADBError as exc:
            raise StoreError(f"{self.path} is not a SQLite database (is it the right file?)") from exc
        except (apsw.ReadOnlyError, apsw.CantOpenError) as exc:
            raise StoreReadOnlyError(f"cannot write the state database at {self.path}: {exc}") from exc
        except apsw.Error as exc:
            raise StoreError(f"cannot open the state database at {self.path}: {exc}") from exc
        return conn

    def _connect_readonly(self) -> apsw.Connection:
        """A read-only connection. A WAL database whose shared-memory file is missing, in a folder this
        process cannot write, cannot be opened as usual (SQLite would create that file); nobody can be
        writing it then, so it is opened as immutable."""
        conn = apsw.Connection(self.path, flags=apsw.SQLITE_OPEN_READONLY)
        try:
            conn.execute("PRAGMA user_version").fetchall()
        except apsw.CantOpenError:
            conn.close()
            from urllib.parse import quote

            conn = apsw.Connection(f"file:{quote(os.path.abspath(self.path))}?immutable=1",
                                   flags=apsw.SQLITE_OPEN_READONLY | apsw.SQLITE_OPEN_URI)
        return conn

    def _create_file(self) -> None:
        """Make a new database file, readable by its owner only (SQLite gives its -wal and -shm files the
        same mode), whole before it appears: written beside and linked into place, so no process ever
        opens an empty file at the path and an empty file there is never taken for a new database."""
        spare = f"{self.path}.{os.getpid()}-{threading.get_ident()}.new"
        os.close(os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        try:
            conn = apsw.Connection(spare)
            conn.execute("PRAGMA user_version=0")  # writes the header: the file is a database now
            conn.close()
            with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
                os.link(spare, self.path)
        finally:
            with contextlib.suppress(OSError):
                os.remove(spare)

    @staticmethod
    def _wal(conn: apsw.Connection) -> None:
        if conn.execute("PRAGMA journal_mode").fetchall()[0][0] != "wal":
            conn.execute("PRAGMA journal_mode=WAL")

    def _reader(self) -> apsw.Connection:
        conn = getattr(self._readers, "conn", None)
        if conn is None:
            conn = self._readers.conn = self._connect()
        return conn

    def _migrate(self) -> None:
        try:
            current = self._writer.execute("PRAGMA user_version").fetchall()[0][0]
        except apsw.NotADBError as exc:
            raise StoreError(f"{self.path} is not a SQLite database (is it the right file?)") from exc
        except apsw.CantOpenError as exc:  # a folder this process cannot write: a reader opens it read-only
            raise StoreReadOnlyError(f"cannot write the state database at {self.path} (its folder is "
                                     f"read-only): {exc}") from exc
        except apsw.Error as exc:
            raise StoreError(f"cannot read the state database at {self.path}: {exc}") from exc
        if current == len(_MIGRATIONS):
            return  # up to date: no write lock needed, so readers open a busy file at once
        if self.readonly:
            if current > len(_MIGRATIONS):
                raise StoreError(f"{self.path} was written by a newer orchestrator (schema version {current}); "
                                 f"this orchestrator {__version__} knows up to version {len(_MIGRATIONS)}")
            raise StoreError(f"{self.path} has schema version {current} and is read-only, so it cannot be "
                             f"upgraded to version {len(_MIGRATIONS)}")
        with self._wlock:
            conn = self._writer
            try:
                conn.execute("BEGIN IMMEDIATE")
                version = conn.execute("PRAGMA user_version").fetchall()[0][0]
                if version > len(_MIGRATIONS):
                    raise StoreError(
                        f"{self.path} was written by a newer orchestrator (schema version {version}); "
                        f"this orchestrator {__version__} knows up to version {len(_MIGRATIONS)}")
                if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchall()[0][0]:
                    raise StoreError(f"{self.path} is a SQLite database of another program, not an "
                                     f"orchestrator state database")
                for number in range(version, len(_MIGRATIONS)):
                    conn.execute(_MIGRATIONS[number])
                    conn.execute(f"PRAGMA user_version={number + 1}")
                conn.execute("COMMIT")
            except BaseException as exc:
                if not conn.getautocommit():
                    conn.execute("ROLLBACK")
                if isinstance(exc, apsw.NotADBError):
                    raise StoreError(f"{self.path} is not a SQLite database (is it the right file?)") from exc
                if isinstance(exc, (apsw.ReadOnlyError, apsw.CantOpenError)):
                    raise StoreReadOnlyError(f"cannot upgrade the state database at {self.path}: {exc}") from exc
                if isinstance(exc, apsw.Error):
                    raise StoreError(f"cannot prepare the state database at {self.path}: {exc}") from exc
                raise

    def _stage(self, run: Optional["TaskRun"] = None, op: Optional[tuple] = None) -> int:
        """Queue a run record (its latest values are written) or a statement; returns its sequence number."""
        with self._plock:
            if run is not None:
                self._dirty[run.id] = run
            if op is not None:
                self._ops.append(op)
            self._seq += 1
            seq = self._seq
        if self._flusher is None:
            self._start_flusher()
        return seq

    def _sync(self, seq: int) -> None:
        """Commit the run records staged up to ``seq``. A thread whose change another thread's
        transaction already carried returns at once: that is the group commit. Log lines are left to
        the flusher, which writes them in large batches (each commit that carries them costs more)."""
        with self._wlock:
            if self._done < seq:
                self._commit((), with_logs=False)

    def _commit(self, ops: Iterable, with_logs: bool = True, body: Optional[Callable] = None) -> None:
        with self._plock:
            dirty, self._dirty = self._dirty, {}
            logs, self._logs = (self._logs, []) if with_logs else ((), self._logs)
            staged, self._ops = self._ops, []
            seq = self._seq
        conn = self._writer
        self.committing = True  # a thread pool reads it: threads waiting on a commit are not stalled
        try:
            if len(dirty) == 1 and not logs and not staged and not ops and body is None \
                    and not self.task_run_events:  # one record: its statement is its own transaction
                run = next(iter(dirty.values()))
                if run.stored or (run.state.type is not _FAILED and run.state.type is not _CRASHED):
                    self._write_run(conn, run)
                    return self._committed(dirty, seq)
            conn.execute("BEGIN IMMEDIATE")
            for run in dirty.values():
                if self.task_run_events and run.__class__ is TaskRun:
                    _task_run_events(conn, run)  # first: Failed and Crashed are written after them
                self._write_run(conn, run)
                if not run.stored and run.__class__ is TaskRun and run.state.type in (_FAILED, _CRASHED):
                    conn.execute(_TASK_RUN_FAILURE_EVENT_SQL, (run.id,))  # (an UPDATE's comes from its trigger)
            if logs:
                _insert_logs(conn, logs)
            for sql, params in (*staged, *ops):
                conn.execute(sql, params)
            if body is not None:
                body(conn)
            conn.execute("COMMIT")
        except BaseException as exc:
            self.committing = False
            if not conn.getautocommit():
                conn.execute("ROLLBACK")
            full = isinstance(exc, apsw.FullError) and logs
            with self._plock:  # nothing staged is dropped: it goes back for the next transaction
                for run_id, run in dirty.items():
                    self._dirty.setdefault(run_id, run)
                if not full:
                    self._logs[:0] = list(logs)
                self._ops[:0] = staged
            if full:  # a full disk: the log lines give way, so that run states are still recorded
                self._logs_dropped(len(logs), exc)
                return self._commit(ops, with_logs=False, body=body)
            if isinstance(exc, apsw.Error):
                raise self._write_error(exc) from exc
            raise
        self._committed(dirty, seq)

    @staticmethod
    def _write_run(conn: apsw.Connection, run: Any) -> None:
        table = _FLOW_RUNS if run.__class__ is FlowRun else _TASK_RUNS
        if run.stored:
            conn.execute(table.update_sql, table.update_values(run))
        else:
            conn.execute(table.insert_sql, table.insert_values(run))

    def _committed(self, dirty: dict, seq: int) -> None:
        self.committing = False
        for run in dirty.values():
            run.stored = True
            if self.task_run_events and run.__class__ is TaskRun:
                run.evented = len(run.history)
        self._done = seq
        self._commits += 1
        if not self._commits & (_WAKE_COMMITS - 1):  # to checkpoint the log once it grows (see _checkpoint)
            self._wake.set()

    def _write_error(self, exc: apsw.Error) -> StoreError:
        """The store's error for a failed write: read-only files say so."""
        if isinstance(exc, (apsw.ReadOnlyError, apsw.CantOpenError)):
            return StoreReadOnlyError(f"could not write to {self.path}, which is read-only here: {exc}")
        return StoreError(f"could not write to {self.path}: {exc}")

    def _logs_dropped(self, n: int, exc: BaseException) -> None:
        """Say once what a full disk cost (and, as the process exits, the total if it grew)."""
        first = not self._dropped_logs
        self._dropped_logs += n
        if first:
            _stderr_line(f"orchestrator: {n} log line(s) could not be recorded in {self.path} ({exc}); run states "
                         f"are still recorded, and log lines that do not fit from now on are dropped too")
            _at_exit(lambda: self._dropped_logs > n and _stderr_line(
                f"orchestrator: in all, {self._dropped_logs} log line(s) could not be recorded in {self.path}"))

    def _write(self, ops: Iterable) -> None:
        """Commit ``ops`` (``(sql, params)`` pairs), with everything staged before them, now."""
        with self._wlock:
            self._commit(ops)

    def _write_fn(self, fn: Callable[[apsw.Connection], None]) -> None:
        """Run ``fn(conn)`` (reads and writes, never user code) in one write transaction, now."""
        with self._wlock:
            self._commit((), body=fn)

    def _start_flusher(self) -> None:
        with self._plock:
            if self._flusher is not None:
                return
            self._flusher = threading.Thread(target=self._flush_loop, name="orchestrator-flusher", daemon=True)
        self._flusher.start()

    def _flush_loop(self) -> None:
        with self._wlock:  # from now on this thread checkpoints, so that committing threads need not
            with contextlib.suppress(apsw.Error):
                self._writer.execute(f"PRAGMA wal_autocheckpoint={_WAL_CHECKPOINT_PAGES * 8}")
        while not self._stop.is_set():
            self._wake.wait(_FLUSH_SECONDS)
            self._wake.clear()
            try:
                self.flush()
                self._checkpoint()
            except StoreError as exc:  # a busy or broken file: the records stay queued for the next round
                print(f"orchestrator: could not write run records yet: {exc}", file=sys.stderr)

    def _checkpoint(self) -> None:
        """Copy the write-ahead log back into the database once it holds _WAL_CHECKPOINT_PAGES pages, from
        the flusher's own connection. SQLite would do it in whichever thread commits past that size, adding
        a copy and two syncs to that task's time; here it runs beside the committing threads (a passive
        checkpoint never waits for them). The writer still checkpoints at eight times the size, should
        this thread fall behind."""
        try:
            size = os.path.getsize(self.path + "-wal")
        except OSError:
            return
        if size >= _WAL_CHECKPOINT_PAGES * 4096:
            try:
                self._reader().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except apsw.Error as exc:
                raise StoreError(f"could not checkpoint {self.path}: {exc}") from exc

    def flush(self) -> None:
        """Commit whatever is staged now, log lines included."""
        if self._done < self._seq or self._logs:
            with self._wlock:
                self._commit(())

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        self.flush()
        if self._process_id is not None:
            self._process_stopped()

    def _query(self, sql: str, params: tuple = ()) -> list:
        try:
            cursor = self._reader().execute(sql, params)
            names = [d[0] for d in cursor.getdescription()] if cursor.description else []
            return [dict(zip(names, row)) for row in cursor]
        except apsw.ExecutionCompleteError:
            return []
        except apsw.Error as exc:
            raise StoreError(f"could not read {self.path}: {exc}") from exc

    def data_version(self) -> int:
        """A number that changes whenever another connection commits to the file (cheap to poll)."""
        try:
            return self._reader().execute("PRAGMA data_version").fetchall()[0][0]
        except apsw.Error as exc:
            raise StoreError(f"could not read {self.path}: {exc}") from exc

    def _query_one(self, sql: str, params: tuple = ()) -> Optional[dict]:
        """The first row of a query as a dict, or None."""
        rows = self._query(sql, params)
        return rows[0] if rows else None


_LOG_INSERT = "INSERT INTO logs (flow_run_id, task_run_id, level, logger, message, timestamp) VALUES "
_LOG_CHUNK = 32  # rows a statement: 192 variables
_LOG_INSERT_CHUNK = _LOG_INSERT + ",".join(("(?,?,?,?,?,?)",) * _LOG_CHUNK)


def _insert_logs(conn: apsw.Connection, logs: list) -> None:
    """Insert log rows in statements of _LOG_CHUNK rows (the rest one by one). APSW's statement cache is a ring
    of 100 places, one taken at each statement run: row by row, a flush pushed the task run's INSERT out (45-65
    us to prepare again). A larger cache would not do: each lookup scans it (512 places: twice the cost)."""
    full = len(logs) - len(logs) % _LOG_CHUNK
    for i in range(0, full, _LOG_CHUNK):
        conn.execute(_LOG_INSERT_CHUNK, tuple(itertools.chain.from_iterable(logs[i:i + _LOG_CHUNK])))
    if full < len(logs):
        conn.executemany(_LOG_INSERT + "(?,?,?,?,?,?)", logs[full:])


def _task_run_events(conn: apsw.Connection, run: "TaskRun") -> None:
    """With ORCHESTRATOR_TASK_RUN_EVENTS=all: an event for each state the task run entered since its last
    write, in Prefect's shape (Failed and Crashed ones are written by _commit, or an UPDATE's trigger)."""
    related = json.dumps(([{"prefect.resource.id": f"prefect.flow-run.{run.flow_run_id}",
                            "prefect.resource.role": "flow-run"}] if run.flow_run_id else [])
                         + [{"prefect.resource.id": f"prefect.task.{run.task_key}", "prefect.resource.role": "task",
                             "prefect.resource.name": run.name}]
                         + [{"prefect.resource.id": f"prefect.tag.{t}", "prefect.resource.role": "tag"}
                            for t in sorted(run.tags)])
    for type_, name, message, at in run.history[run.evented or 0:]:
        if type_ in ("FAILED", "CRASHED"):
            continue
        resource = {"prefect.resource.id": f"prefect.task-run.{run.id}", "prefect.resource.name": run.name,
                    "prefect.run-count": str(run.run_count), "prefect.state-message": message or "",
                    "prefect.state-name": name, "prefect.state-type": type_}
        conn.execute("INSERT INTO events (event_id, occurred, event, resource_id, resource, related, payload)"
                     " VALUES (?,?,?,?,?,?,'{}')", (str(uuid.uuid4()), at, f"prefect.task-run.{name}",
                                                    resource["prefect.resource.id"], json.dumps(resource), related))


def _busy_handler(timeout_ms: int) -> Callable[[int], bool]:
    """What a connection does when another process holds the lock it needs: wait a little and try again,
    for at most ``timeout_ms``. SQLite's own handler sleeps 1, 2, 5, 10 ms and more between tries, which
    caps processes that take turns writing (task workers) at a few hundred commits a second; these waits
    start at 50 µs and double up to 5 ms (with jitter, so waiting processes do not wake together)."""
    started: list = [0.0]

    def busy(tries: int) -> bool:
        if tries == 0:
            started[0] = time.monotonic()
        elif time.monotonic() - started[0] > timeout_ms / 1000:
            return False
        time.sleep(min(0.00005 * (1 << min(tries, 7)), 0.005) * (0.5 + random.random()))
        return True

    return busy


def _while_busy(step: Callable[[], Any]) -> Any:
    """Run a step that SQLite may refuse with BUSY without consulting its busy handler (switching a new
    file to WAL while another process does the same), retrying until the busy timeout."""
    deadline = time.monotonic() + _BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return step()
        except apsw.BusyError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.005 + random.random() * 0.02)


_STORES: dict = {}
_STORES_LOCK = threading.Lock()
_ABSOLUTE: dict = {}  # absolute paths as given -> normalised (a relative path depends on the working folder)


def _absolute(path: str) -> str:
    full = os.path.abspath(path)
    if os.path.isabs(path) and len(_ABSOLUTE) < 64:
        _ABSOLUTE[path] = full
    return full


def _at_exit(fn: Callable[[], None]) -> None:
    """Run ``fn`` as the process exits; a database that cannot be written then is one line, not a traceback."""
    import atexit

    def guarded() -> None:
        try:
            fn()
        except StoreError as exc:
            _stderr_line(f"orchestrator: as the process exited, {exc}")

    atexit.register(guarded)


def _stderr_line(text: str) -> None:
    with contextlib.suppress(Exception):
        print(text, file=sys.stderr)


def _get_store(path: Optional[str] = None) -> _Store:
    """The process's store for ``path`` (default: the configured database), opened on first use."""
    given = path or _db_path()
    path = _ABSOLUTE.get(given) or _absolute(given)
    store = _STORES.get(path)
    if store is None:
        with _STORES_LOCK:
            store = _STORES.get(path)
            if store is None:
                store = _STORES[path] = _Store(path)
    return store


@functools.lru_cache(maxsize=1)
def _hostname() -> str:
    import socket

    return socket.gethostname()


def _heartbeat_seconds() -> float:
    return _setting("ORCHESTRATOR_HEARTBEAT_SECONDS")


def _lease_seconds() -> float:
    """How long a held concurrency slot lasts without its process's heartbeat renewing it."""
    return 3 * _heartbeat_seconds()


def _proc_start(pid: int) -> Optional[str]:
    """The process's start time in clock ticks since boot (Linux), to tell a reused pid apart."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        return fields[19].decode() if fields[0] != b"Z" else None
    except (OSError, IndexError):
        return None


def _pid_alive(process: dict) -> bool:
    pid = process["pid"]
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    if os.path.exists(f"/proc/{pid}"):
        start = _proc_start(pid)  # None for a zombie
        return start is not None and (process.get("proc_start") in (None, start))
    return True


def _process_dead(process: dict, stale_before: float) -> bool:
    """A process row whose process is gone: not running (same host) or silent for three heartbeats."""
    if process["hostname"] == _hostname() and not _pid_alive(process):
        return True
    return process["heartbeat"] < stale_before


# == 8. Results & caching =================================================================================


_INLINE_LIMIT = 64 * 1024  # results up to this size live in the database row; larger ones in files
_SERIALIZERS = ("pickle", "json")


class _SpillWriter:
    """A write target for pickle that keeps small output in memory and spills large output to a file,
    so that a large result is never held twice."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.buffer: Optional[bytearray] = bytearray()
        self.file: Any = None

    def write(self, data: Any) -> int:
        if self.file is None and len(self.buffer) + len(data) > _INLINE_LIMIT:  # spill before copying ``data``
            _results_folder(os.path.dirname(self.path))
            self.file = open(os.open(self.path + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")
            self.file.write(self.buffer)
            self.buffer = None
        if self.file is not None:
            return self.file.write(data)
        self.buffer += data
        return len(data)

    def close(self) -> tuple:
        """(inline bytes, None) or (None, the file's name in the results folder)."""
        if self.file is None:
            return bytes(self.buffer), None
        self.file.close()
        os.replace(self.path + ".tmp", self.path)
        return None, os.path.basename(self.path)

    def discard(self) -> None:
        if self.file is not None:
            self.file.close()
            with contextlib.suppress(OSError):
                os.remove(self.path + ".tmp")


def _persist(value: Any, serializer: str, results_dir: str, name: str) -> tuple:
    """(blob, serializer, file name, note, preview): the serialized value inline or in a file of the results
    folder, or why it was not kept; and the preview history shows of it.

    >>> _persist(5, "pickle", "/nonexistent", "x")[1:]
    ('pickle', None, None, '5')
    >>> _persist(object, "json", "/nonexistent", "x")[3]
    'not persisted: TypeError: Object of type type is not JSON serializable'
    """
    if value is None or value.__class__ in (int, float, bool, str) and (
            value.__class__ is not str or len(value) < _INLINE_LIMIT // 4):
        blob = pickle.dumps(value, 5) if serializer == "pickle" else json.dumps(value).encode()
        return blob, serializer, None, None, _preview(value)
    writer = _SpillWriter(os.path.join(results_dir, f"{name}.{serializer}"))
    try:
        if serializer == "json":
            writer.write(json.dumps(value).encode())
        else:
            pickle.Pickler(writer, protocol=5).dump(value)
        blob, path = writer.close()
    except Exception as exc:
        writer.discard()
        return None, None, None, f"not persisted: {type(exc).__name__}: {exc}", None
    return blob, serializer, path, None, _preview(value)


def _results_folder(path: str) -> None:
    """Make the results folder, readable by its owner only (result files are 600, as the database is)."""
    os.makedirs(path, mode=0o700, exist_ok=True)


def _result_file(results_dir: str, name: Optional[str]) -> Optional[str]:
    """The path of a result file a row names: always inside the database's own results folder.

    A row holds the file's name; older versions wrote an absolute path, and only its last part counts. So a
    moved or copied database reads its own results, and a crafted row cannot reach a file outside the folder.

    >>> _result_file("/db/results", "/elsewhere/results/r1.pickle"), _result_file("/db/results", "../../etc")
    ('/db/results/r1.pickle', '/db/results/etc')
    >>> _result_file("/db/results", "..") is None
    True
    """
    base = os.path.basename(name or "")
    return None if base in ("", ".", "..") else os.path.join(results_dir, base)


def _load(blob: Optional[bytes], serializer: Optional[str], name: Optional[str], results_dir: str) -> Any:
    """A persisted value back from its row columns (only a run's own code path calls this: history never
    unpickles)."""
    if name is not None:
        path = _result_file(results_dir, name)
        if path is None:
            raise MissingResult(f"the recorded result file name {name!r} is not a file name")
        with open(path, "rb") as fh:
            return json.load(fh) if serializer == "json" else pickle.load(fh)
    return json.loads(blob) if serializer == "json" else pickle.loads(blob)


_PREVIEW_LENGTH = 200


def _preview(value: Any) -> str:
    """The text history shows of a result: a repr bounded in depth, items and length.

    >>> _preview(list(range(100)))
    '[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, ...]'
    """
    global _PREVIEW_REPR
    kind = value.__class__
    if value is None or kind is bool or kind is float or kind is int and -_SMALL_INT < value < _SMALL_INT:
        return repr(value)  # the common case, on every task run's commit: no reprlib
    if _PREVIEW_REPR is None:
        import reprlib

        _PREVIEW_REPR = reprlib.Repr()
        for attr, n in (("maxlevel", 4), ("maxdict", 20), ("maxlist", 20), ("maxtuple", 20), ("maxset", 20),
                        ("maxfrozenset", 20), ("maxdeque", 20), ("maxarray", 20), ("maxlong", 80),
                        ("maxstring", _PREVIEW_LENGTH), ("maxother", _PREVIEW_LENGTH)):
            setattr(_PREVIEW_REPR, attr, n)
    try:
        if isinstance(value, (bytes, bytearray, memoryview)):  # reprlib would repr all of it first
            head = bytes(value[:40])  # at most 160 characters of repr
            text = repr(head) + (f"... ({len(value):,} bytes)" if len(value) > len(head) else "")
        else:
            text = _PREVIEW_REPR.repr(value)
    except Exception as exc:  # noqa: BLE001 - a __repr__ that raises
        text = f"<{type(value).__qualname__}: its repr raised {type(exc).__name__}>"
    return text if len(text) <= _PREVIEW_LENGTH else text[:_PREVIEW_LENGTH - 3] + "..."


_PREVIEW_REPR: Any = None
_SMALL_INT = 10 ** 18


class _Unserializable(Exception):
    """A value with no JSON form that neither pickle nor cloudpickle can serialize."""


def _hash_form(value: Any) -> Any:
    """A form of a value for JSON that is the same in every process. Unlike the display form, nothing
    falls back on ``repr``, which names memory addresses and, for a set of strings, an order that
    changes from process to process: a value with no JSON form stands as the digest of its pickle."""
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, (set, frozenset)):
        return {"__set__": sorted(_HASH_ENCODER.encode(item) for item in value)}
    if _is_dataclass_instance(value):
        return {name: getattr(value, name) for name in value.__dataclass_fields__}
    if hasattr(value, "model_dump") and not isinstance(value, type):
        return value.model_dump(mode="json")
    if value.__class__ is _RemoteValue:  # its identity: fetching the value from the cluster would cost more
        return {"__task_run_value__": value.task_run_id}
    return {"__pickle__": _pickle_digest(value)}


def _pickle_digest(value: Any) -> str:
    """The digest of a value's pickle (cloudpickle's for what plain pickle refuses); _Unserializable
    when neither can."""
    try:
        data = pickle.dumps(value, protocol=5)
    except Exception as exc:
        try:
            import cloudpickle

            data = cloudpickle.dumps(value, protocol=5)
        except Exception:
            raise _Unserializable(f"{type(exc).__name__}: {exc}") from None
    return hashlib.blake2b(data, digest_size=16).hexdigest()


_HASH_ENCODER = json.JSONEncoder(default=_hash_form, sort_keys=True)
_PROCESS_TOKEN = os.urandom(8).hex()


def _hash(*parts: Any, strict: bool = False) -> str:
    """A hex digest of ``parts`` that is the same in every process: their JSON, where a value with no
    JSON form counts by its pickle (cloudpickle's, when installed, for what plain pickle refuses).

    A value that nothing can serialize (a lock, an open file) raises ValueError with ``strict`` (cache
    keys: the task then runs uncached); without it, the part counts by identity, which matches
    nothing in another process (so a retried flow runs that call again rather than guess).

    >>> _hash(1, "a") == _hash(1, "a") != _hash(1, "b")
    True
    """
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        try:
            data = _hash_bytes(part)
        except (_Unserializable, RecursionError) as exc:  # RecursionError: nested deeper than Python goes
            if strict:
                raise ValueError(f"the inputs hold a value that cannot be serialized for a cache key ({exc}); "
                                 f"leave it out with INPUTS - 'name', or give the task a cache_key_fn") from None
            data = f"unserializable {type(part).__qualname__} {id(part)} {_PROCESS_TOKEN}".encode()
        h.update(data)
        h.update(b"\x00")
    return h.hexdigest()


def _hash_bytes(part: Any) -> bytes:
    """What stands for one part in :func:`_hash`: its JSON, else its pickle's digest."""
    try:
        return _HASH_ENCODER.encode(part).encode()
    except TypeError:  # a dict keyed by tuples, say, which JSON does not take as it stands
        pass
    except ValueError:  # a value that holds itself, an int past the digit limit: pickle copes
        return _pickle_digest(part).encode()
    try:
        return _HASH_ENCODER.encode(_encodable(part, for_hash=True)).encode()
    except ValueError:
        return _pickle_digest(part).encode()


_NO_INPUTS_HASH = _hash({})  # a call with no parameters (most subflows): made once


def _inputs_key(run: "TaskRun", resolved: dict) -> str:
    """What identifies a call's inputs for durable retry: with no upstream values resolved, the
    parameters' JSON (already made for the record) when short; else a hash of the resolved inputs."""
    if not run.task_inputs and len(run.parameters_json) <= 64:
        return run.parameters_json
    return _hash(resolved)


class CachePolicy:
    """Computes a task run's cache key from its context and inputs; ``None`` means: do not cache.

    Policies add (``INPUTS + TASK_SOURCE``) and inputs can be left out (``INPUTS - "debug"``); policies
    with the same settings are equal. ``configure(key_storage=..., isolation_level=..., lock_manager=...)``
    returns a configured copy; the settings are kept and compared, while cache records always live in the
    database (whose writes are serializable).

    >>> isinstance(INPUTS + TASK_SOURCE, CachePolicy), (NO_CACHE + INPUTS) is INPUTS, INPUTS - "x" == Inputs(["x"])
    (True, True, True)
    """

    _fields = ("key_storage", "isolation_level", "lock_manager")

    def __init__(self, key_storage: Any = None, isolation_level: Any = None, lock_manager: Any = None) -> None:
        self.key_storage, self.isolation_level, self.lock_manager = key_storage, isolation_level, lock_manager

    @classmethod
    def from_cache_key_fn(cls, cache_key_fn: Callable) -> "CacheKeyFnPolicy":
        """The policy of a ``cache_key_fn(context, parameters)``."""
        return CacheKeyFnPolicy(cache_key_fn=cache_key_fn)

    def configure(self, key_storage: Any = None, lock_manager: Any = None, isolation_level: Any = None
                  ) -> "CachePolicy":
        """A copy with the settings given (those left None stay as they are)."""
        import copy

        new = copy.copy(self)
        for name, value in (("key_storage", key_storage), ("lock_manager", lock_manager),
                            ("isolation_level", isolation_level)):
            if value is not None:
                setattr(new, name, value)
        return new

    def compute_key(self, task_ctx: "TaskRunContext", inputs: dict, flow_parameters: dict,
                    **kwargs: Any) -> Optional[str]:
        raise NotImplementedError

    def _settings_of(self, other: "CachePolicy") -> dict:
        """The settings of ``self + other``; ValueError when both set one differently."""
        for name, what in (("key_storage", "storage locations"), ("isolation_level", "isolation levels"),
                           ("lock_manager", "lock implementations")):
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine is not None and theirs is not None and mine != theirs:
                raise ValueError(f"Cannot add CachePolicies with different {what}.")
        return {name: getattr(self, name) or getattr(other, name) for name in CachePolicy._fields}

    def __add__(self, other: "CachePolicy") -> "CachePolicy":
        if isinstance(other, _None):
            return self
        return CompoundCachePolicy([self, other], **self._settings_of(other))

    def __sub__(self, name: str) -> "CachePolicy":
        if not isinstance(name, str):
            raise TypeError("Can only subtract strings from key policies.")
        return self

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__ and all(
            getattr(self, f) == getattr(other, f) for f in self._fields)

    __hash__ = None  # type: ignore[assignment]  # as Prefect's (dataclass) policies

    def __repr__(self) -> str:
        shown = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields if getattr(self, f) not in (None, [], ()))
        return f"{type(self).__name__}({shown})"


class CompoundCachePolicy(CachePolicy):
    """Several policies: the key is the hash of their keys (None keys left out; all None: no caching).
    Nested compounds are flattened and their ``Inputs`` merged into one."""

    _fields = CachePolicy._fields + ("policies",)

    def __init__(self, policies: Optional[list] = None, key_storage: Any = None, isolation_level: Any = None,
                 lock_manager: Any = None) -> None:
        super().__init__(key_storage, isolation_level, lock_manager)
        flat = [q for p in policies or () for q in (p.policies if isinstance(p, CompoundCachePolicy) else [p])]
        inputs = [p for p in flat if isinstance(p, Inputs)]
        self.policies = [p for p in flat if not isinstance(p, Inputs)]
        if inputs:
            self.policies.append(Inputs(sorted({name for p in inputs for name in p.exclude})))

    def compute_key(self, task_ctx, inputs, flow_parameters, **kwargs):
        keys = [p.compute_key(task_ctx, inputs, flow_parameters) for p in self.policies]
        keys = sorted(k for k in keys if k is not None)  # sorted: keys stay those earlier versions wrote
        return _hash(*keys) if keys else None

    def __add__(self, other: CachePolicy) -> CachePolicy:
        if isinstance(other, _None):
            return self
        more = other.policies if isinstance(other, CompoundCachePolicy) else [other]
        return CompoundCachePolicy([*self.policies, *more], **self._settings_of(other))

    def __sub__(self, name: str) -> CachePolicy:
        super().__sub__(name)
        if not any(isinstance(p, Inputs) for p in self.policies):
            return self
        return CompoundCachePolicy([*self.policies, Inputs([name])], self.key_storage, self.isolation_level,
                                   self.lock_manager)

    def __repr__(self) -> str:
        return " + ".join(map(repr, self.policies))


class Inputs(CachePolicy):
    """The key of the task's inputs (those in ``exclude`` left out); no inputs: no key."""

    _fields = CachePolicy._fields + ("exclude",)

    def __init__(self, exclude: Optional[list] = None, key_storage: Any = None, isolation_level: Any = None,
                 lock_manager: Any = None) -> None:
        super().__init__(key_storage, isolation_level, lock_manager)
        self.exclude = list(exclude or ())

    def compute_key(self, task_ctx, inputs, flow_parameters, **kwargs):
        if not inputs:
            return None
        return _hash({k: v for k, v in inputs.items() if k not in self.exclude}, strict=True)

    def __sub__(self, name: str) -> CachePolicy:
        super().__sub__(name)
        return Inputs(self.exclude + [name], self.key_storage, self.isolation_level, self.lock_manager)

    def __repr__(self) -> str:
        return "INPUTS" + "".join(f" - {n!r}" for n in self.exclude)


class TaskSource(CachePolicy):
    """The key of the task's source code (its lines, not those of tasks it calls)."""

    def compute_key(self, task_ctx, inputs, flow_parameters, **kwargs):
        if not task_ctx:
            return None
        task = task_ctx.task
        if isinstance(task, Task):
            return task._source_hash()
        lines = getattr(task, "source_code", None)
        if lines is None:
            try:
                lines = inspect.getsource(task)
            except (OSError, TypeError):
                code = getattr(task, "__code__", None)
                lines = code.co_code.hex() if code else repr(task)
        return _hash(lines)

    def __repr__(self) -> str:
        return "TASK_SOURCE"


class RunId(CachePolicy):
    """The key of the flow run (the task run's own id outside a flow): caching within one run."""

    def compute_key(self, task_ctx, inputs, flow_parameters, **kwargs):
        if not task_ctx:
            return None
        run = task_ctx.task_run
        return str(run.flow_run_id if run.flow_run_id is not None else run.id)

    def __repr__(self) -> str:
        return "RUN_ID"


class FlowParameters(CachePolicy):
    """The key of the flow run's parameters (none: no key)."""

    def compute_key(self, task_ctx, inputs, flow_parameters, **kwargs):
        return _hash(flow_parameters, strict=True) if flow_parameters else None

    def __repr__(self) -> str:
        return "FLOW_PARAMETERS"


class _None(CachePolicy):
    """No key: the task never caches (``NO_CACHE``); adding it to a policy changes nothing."""

    def compute_key(self, task_ctx, inputs, flow_parameters, **kwargs):
        return None

    def __add__(self, other: CachePolicy) -> CachePolicy:
        return other

    def __repr__(self) -> str:
        return "NO_CACHE"


class CacheKeyFnPolicy(CachePolicy):
    """The key a ``cache_key_fn(context, parameters)`` returns (a string, or None for no caching)."""

    _fields = CachePolicy._fields + ("cache_key_fn",)

    def __init__(self, cache_key_fn: Optional[Callable] = None, key_storage: Any = None,
                 isolation_level: Any = None, lock_manager: Any = None) -> None:
        super().__init__(key_storage, isolation_level, lock_manager)
        self.cache_key_fn = cache_key_fn

    def compute_key(self, task_ctx, inputs, flow_parameters, **kwargs):
        if self.cache_key_fn is None:
            return None
        key = self.cache_key_fn(task_ctx, inputs)
        if key is not None and not isinstance(key, str):
            raise TypeError(f"cache_key_fn must return a str or None, not {type(key).__name__}")
        return key


INPUTS: CachePolicy = Inputs()
TASK_SOURCE: CachePolicy = TaskSource()
RUN_ID: CachePolicy = RunId()
FLOW_PARAMETERS: CachePolicy = FlowParameters()
NO_CACHE: CachePolicy = _None()
NONE = NO_CACHE
DEFAULT: CachePolicy = INPUTS + TASK_SOURCE + RUN_ID


def task_input_hash(context: "TaskRunContext", arguments: dict) -> Optional[str]:
    """The legacy cache key function: the task's key, its source and its inputs.

    Example: ``@task(cache_key_fn=task_input_hash)``.
    """
    try:
        return _hash(context.task.task_key, context.task._source_hash(), arguments, strict=True)
    except ValueError:  # as in Prefect: inputs that cannot be hashed mean no caching, quietly
        return None


# -- transactions -----------------------------------------------------------------------------------


class TransactionState(enum.Enum):
    """Where a transaction is in its life: ``txn.state is TransactionState.COMMITTED``."""

    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    STAGED = "STAGED"
    COMMITTED = "COMMITTED"
    ROLLED_BACK = "ROLLED_BACK"


class CommitMode(enum.Enum):
    """When a nested transaction commits: EAGER at its own exit, LAZY with its parent, OFF never."""

    EAGER = "EAGER"
    LAZY = "LAZY"
    OFF = "OFF"


class IsolationLevel(enum.Enum):
    """Accepted for Prefect compatibility; records are written with SQLite's serializable writes."""

    READ_COMMITTED = "READ_COMMITTED"
    SERIALIZABLE = "SERIALIZABLE"


_TXN: contextvars.ContextVar = contextvars.ContextVar("orchestrator_transaction", default=None)


class Transaction:
    """A unit of work that commits or rolls back as a whole; made by :func:`transaction`.

    Every task run is a transaction of its own, a child of the one around it: ``get_transaction()`` in a
    task returns it, and what the task ``set``s stays there. Tasks that complete inside an enclosing
    transaction are staged: their ``on_commit`` hooks run when the outermost transaction commits, their
    ``on_rollback`` hooks (in reverse order) when it rolls back. A keyed transaction writes a record on
    commit, so ``is_committed()`` makes work idempotent across runs::

        with transaction(key="load-2024-01-01") as txn:
            if txn.is_committed():
                return
            load()
    """

    def __init__(self, key: Optional[str] = None, commit_mode: Optional[CommitMode] = None,
                 isolation_level: Optional[IsolationLevel] = None, overwrite: bool = False,
                 write_on_commit: bool = True, logger: Any = None, store: Any = None,
                 state: TransactionState = TransactionState.PENDING) -> None:
        self.key, self.overwrite, self.write_on_commit, self.logger = key, overwrite, write_on_commit, logger
        self.commit_mode, self.isolation_level, self.store = commit_mode, isolation_level, store
        self.state = state
        self.parent: Optional[Transaction] = None
        self.children: list = []
        self.on_commit_hooks: list = []
        self.on_rollback_hooks: list = []
        self._values: dict = {}
        self._staged_value: Any = None
        self._on_rolled_back: Optional[Callable[[], None]] = None
        self._token: Any = None

    # -- lifecycle -----------------------------------------------------------------------------------
    def __enter__(self) -> "Transaction":
        if self._token is not None:
            raise RuntimeError("Context already entered. Context enter calls cannot be nested.")
        self.parent = _current_transaction()
        if self.parent is not None:
            self.parent.add_child(self)
            self.commit_mode = self.commit_mode or self.parent.commit_mode
            self.isolation_level = self.isolation_level or self.parent.isolation_level
        self.commit_mode = self.commit_mode or CommitMode.LAZY
        self.isolation_level = self.isolation_level or IsolationLevel.READ_COMMITTED
        self.state = TransactionState.ACTIVE
        if self.key is not None and not self.overwrite and _get_store().transaction_record(self.key) is not None:
            self.state = TransactionState.COMMITTED
        self._token = _TXN.set(self)
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self._token is None:
            raise RuntimeError("Asymmetric use of context. Context exit called without an enter.")
        try:
            if exc_type is not None:
                self._rollback()
            elif self.commit_mode is CommitMode.EAGER:
                self._commit()
            elif self.parent is not None:
                pass  # the parent commits or rolls it back
            elif self.commit_mode is CommitMode.OFF:
                self._rollback()  # nobody commits it (nothing happens when it was committed by hand)
            else:
                self._commit()
        finally:
            _TXN.reset(self._token)
            self._token = None

    async def __aenter__(self) -> "Transaction":
        return self.__enter__()

    async def __aexit__(self, *exc: Any) -> None:
        self.__exit__(*exc)

    def begin(self) -> None:
        """Start the transaction without a ``with`` block (pair with commit() or rollback())."""
        self.__enter__()

    def add_child(self, transaction: "Transaction") -> None:
        self.children.append(transaction)

    def get_parent(self) -> Optional["Transaction"]:
        """The transaction this one runs inside, or None."""
        return self.parent

    @classmethod
    def get_active(cls) -> Optional["Transaction"]:
        return _current_transaction()

    def commit(self) -> bool:
        """Commit children, run on_commit hooks, write the record; False if already over or if that
        failed (the error is logged and the transaction rolled back)."""
        return self._commit()

    def rollback(self) -> bool:
        """Run on_rollback hooks (latest first), roll back children and the parent; False if too late."""
        return self._rollback()

    def _commit(self) -> bool:
        if self.state in (TransactionState.ROLLED_BACK, TransactionState.COMMITTED):
            return False
        try:
            for child in self.children:
                _settle(child.commit())
            for hook in self.on_commit_hooks:
                self._run_hook(hook, "commit")
            if self.key is not None and self.write_on_commit:
                flow_ctx = _FLOW_CTX.get()
                _get_store().write_transaction(self.key, _pickled_or_none(self._staged_value),
                                               flow_ctx.flow_run.id if flow_ctx else None)
        except Exception:
            (self.logger or _fallback_logger()).exception(
                f"An error was encountered while committing transaction {self.key!r}")
            self._rollback()
            return False
        self.state = TransactionState.COMMITTED
        return True

    def _rollback(self) -> bool:
        if self.state in (TransactionState.COMMITTED, TransactionState.ROLLED_BACK):
            return False
        try:
            for hook in reversed(self.on_rollback_hooks):
                self._run_hook(hook, "rollback")
        except Exception:
            (self.logger or _fallback_logger()).exception(
                f"An error was encountered while rolling back transaction {self.key!r}")
        self.state = TransactionState.ROLLED_BACK
        for child in reversed(self.children):
            with contextlib.suppress(Exception):
                _settle(child.rollback())
        if self._on_rolled_back is not None:
            self._on_rolled_back()
        if self.parent is not None:
            _settle(self.parent.rollback())
        return True

    def _run_hook(self, hook: Callable, kind: str) -> None:
        name = _hook_name(hook)
        logger = self.logger or _fallback_logger()
        try:
            _settle(hook(self))
        except Exception:
            logger.error(f"An error was encountered while running {kind} hook {name!r}")
            raise

    def stage(self, value: Any, on_rollback_hooks: Optional[list] = None,
              on_commit_hooks: Optional[list] = None) -> None:
        """Hold a value and hooks until the transaction commits or rolls back."""
        if self.state is TransactionState.COMMITTED:
            return
        self._staged_value = value
        self.on_rollback_hooks += list(on_rollback_hooks or ())
        self.on_commit_hooks += list(on_commit_hooks or ())
        self.state = TransactionState.STAGED

    def read(self) -> Any:
        """The value a committed keyed transaction recorded (None when there is none)."""
        record = _get_store().transaction_record(self.key) if self.key else None
        return pickle.loads(record["value"]) if record and record["value"] is not None else None

    # -- values shared with children ----------------------------------------------------------------
    def set(self, name: str, value: Any) -> None:
        """Store a value for this transaction and its children (they read copies; a child's ``set``
        stays in the child)."""
        self._values[name] = value

    def get(self, name: str, default: Any = _NO_DATA) -> Any:
        """A copy of a value set on this transaction or a parent; ValueError if unknown and no default."""
        import copy

        txn: Optional[Transaction] = self
        while txn is not None:
            if name in txn._values:
                return copy.deepcopy(txn._values[name])
            txn = txn.parent
        if default is _NO_DATA:
            raise ValueError(f"Could not retrieve value for unknown key: {name}")
        return default

    def is_committed(self) -> bool:
        return self.state is TransactionState.COMMITTED

    def is_rolled_back(self) -> bool:
        return self.state is TransactionState.ROLLED_BACK

    def is_staged(self) -> bool:
        return self.state is TransactionState.STAGED

    def is_pending(self) -> bool:
        return self.state is TransactionState.PENDING

    def is_active(self) -> bool:
        return self.state is TransactionState.ACTIVE

    def _fields(self) -> tuple:
        return (type(self), self.key, self.commit_mode, self.isolation_level, self.state, self.overwrite,
                self.write_on_commit, self.store, self.children, self.on_commit_hooks, self.on_rollback_hooks)

    def __eq__(self, other: object) -> bool:
        """Transactions with the same settings, state, children and hooks are equal (as in Prefect)."""
        return isinstance(other, Transaction) and other._fields() == self._fields()

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"{type(self).__name__}(key={self.key!r}, state={self.state.value})"


class AsyncTransaction(Transaction):
    """A :class:`Transaction` whose ``commit`` and ``rollback`` are awaitable, for ``async with``."""

    async def commit(self) -> bool:  # type: ignore[override]
        return self._commit()

    async def rollback(self) -> bool:  # type: ignore[override]
        return self._rollback()


def _settle(outcome: Any) -> Any:
    """What a hook or a transaction's commit returned, awaited when it is awaitable (async hooks run to
    the end before the next one starts)."""
    return _run_coro_sync(outcome) if inspect.isawaitable(outcome) else outcome


def transaction(key: Optional[str] = None, store: Any = None, commit_mode: Optional[CommitMode] = None,
                isolation_level: Optional[IsolationLevel] = None, overwrite: bool = False,
                write_on_commit: bool = True, logger: Any = None) -> Transaction:
    """Group task runs so that they commit or roll back together (use with ``with``).

    Example: ``with transaction(key="daily-load") as txn: ...`` (see :class:`Transaction`).
    """
    return Transaction(key, commit_mode, isolation_level, overwrite, write_on_commit, logger, store)


def atransaction(key: Optional[str] = None, store: Any = None, commit_mode: Optional[CommitMode] = None,
                 isolation_level: Optional[IsolationLevel] = None, overwrite: bool = False,
                 write_on_commit: bool = True, logger: Any = None) -> AsyncTransaction:
    """:func:`transaction` for ``async with``: ``commit()`` and ``rollback()`` are awaitable."""
    return AsyncTransaction(key, commit_mode, isolation_level, overwrite, write_on_commit, logger, store)


def get_transaction() -> Optional[Transaction]:
    """The innermost active transaction (in a task run: the task's own, at the least), or None."""
    return _current_transaction()


def _current_transaction() -> Optional[Transaction]:
    """The innermost transaction. In a task run with none opened in its body, that is the run's own,
    made the first time something asks (most runs never do), as a child of the one around the run."""
    txn = _TXN.get()
    ctx = _TASK_CTX.get()
    if ctx is not None and txn is ctx.outer_txn:
        own = ctx.txn
        if own is None:
            own = ctx.txn = Transaction(logger=ctx.logger, state=TransactionState.ACTIVE)
            own.parent = txn
            own.commit_mode = txn.commit_mode if txn is not None else CommitMode.LAZY
            own.isolation_level = txn.isolation_level if txn is not None else IsolationLevel.READ_COMMITTED
        return own
    return txn


def _fallback_logger() -> logging.LoggerAdapter:
    ctx = _TASK_CTX.get() or _FLOW_CTX.get()
    return ctx.logger if ctx is not None else logging.LoggerAdapter(logging.getLogger("orchestrator"), {})


# == 9. Time ==============================================================================================
#
# Pure functions of time: the cron parser, the schedule kinds, durations. Nothing here reads the clock
# except through a ``start``/``now`` argument's default, and the clock object the rest of the module reads.


class _SystemClock:
    """What "now" is: wall time for records, monotonic time for durations. The store, the engine (through
    its store) and the serve loop read it from the object they were given, so that tests can hand them a
    clock that stands still or jumps (see ``FixedClock`` in the tests) instead of sleeping."""

    monotonic = staticmethod(time.monotonic)
    time = staticmethod(time.time)  # (last: the name shadows the module in the class body)


_CLOCK = _SystemClock()


_MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_CRON_MACROS = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
                "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"}


def _cron_number(text: str, names: tuple, lo: int, hi: int, field: str) -> int:
    upper = text.upper()
    if upper in names:
        return names.index(upper) + (1 if names is _MONTH_NAMES else 0)
    if not text.isdigit():
        raise ScheduleError(f"Invalid cron string: {text!r} is not a valid {field} value")
    value = int(text)
    if not lo <= value <= hi:
        raise ScheduleError(f"Invalid cron string: {field} value {value} is outside {lo}-{hi}")
    return value


def _cron_field(text: str, lo: int, hi: int, field: str, names: tuple = ()) -> set:
    """The set of values a cron field matches (``*``, ``a-b``, ``*/s``, ``a-b/s``, ``a/s``, lists, names).

    >>> sorted(_cron_field("1-10/3,20", 0, 59, "minute"))
    [1, 4, 7, 10, 20]
    """
    values: set = set()
    top = 7 if field == "day of week" else hi
    for part in text.split(","):
        rng, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise ScheduleError(f"Invalid cron string: bad step {step_text!r} in the {field} field")
            step = int(step_text)
        if rng in ("*", "?"):
            start, end = lo, hi
        elif "-" in rng:
            first, _, last = rng.partition("-")
            start, end = _cron_number(first, names, lo, top, field), _cron_number(last, names, lo, top, field)
            if start > end:
                raise ScheduleError(f"Invalid cron string: the range {rng!r} in the {field} field runs backwards")
        else:
            start = _cron_number(rng, names, lo, top, field)
            end = hi if step_text else start
        values.update(range(start, end + 1, step))
    if field == "day of week" and 7 in values:
        values.discard(7)
        values.add(0)
    return values


class _CronExpr:
    """A parsed cron expression: matching sets per field plus Vixie cron's day rules.

    >>> e = _CronExpr("*/15 9-17 * * MON-FRI")
    >>> sorted(e.minutes), sorted(e.hours)[:2], sorted(e.weekdays), e.follows_clock
    ([0, 15, 30, 45], [9, 10], [1, 2, 3, 4, 5], True)
    """

    def __init__(self, expr: str, day_or: bool = True) -> None:
        if not isinstance(expr, str) or not expr.strip():
            raise ScheduleError(f"Invalid cron string: {expr!r}")
        self.expr = expr
        text = _CRON_MACROS.get(expr.strip().lower(), expr.strip())
        fields = text.split()
        if len(fields) not in (5, 6):
            raise ScheduleError(f"Invalid cron string: {expr!r} has {len(fields)} fields; expected 5 "
                                f"(minute hour day month weekday) or 6 (with seconds first)")
        if len(fields) == 5:
            fields.insert(0, "0")
        sec, minute, hour, dom, month, dow = fields
        self.has_seconds = len(text.split()) == 6
        self.seconds = _cron_field(sec, 0, 59, "second")
        self.minutes = _cron_field(minute, 0, 59, "minute")
        self.hours = _cron_field(hour, 0, 23, "hour")
        self.months = _cron_field(month, 1, 12, "month", _MONTH_NAMES)
        self._parse_days(dom, dow)
        self.dom_star, self.dow_star = dom.startswith(("*", "?")), dow.startswith(("*", "?"))
        self.day_or = day_or and not self.dom_star and not self.dow_star
        self.follows_clock = hour.startswith("*") or minute.startswith("*")
        if self.next_naive(_dt.datetime(2000, 1, 1)) is None:  # 50 years hold every leap-day case
            raise ScheduleError(f"Invalid cron string: {expr!r} never fires (no month it allows has the day it names)")

    def _parse_days(self, dom: str, dow: str) -> None:
        self.last_day = self.last_workday = False
        self.days: set = set()
        for part in dom.split(","):
            if part.upper() == "L":
                self.last_day = True
            elif part.upper() == "LW":  # the last weekday (Monday to Friday) of the month
                self.last_workday = True
            else:
                self.days |= _cron_field(part, 1, 31, "day of month")
        self.weekdays: set = set()
        self.last_weekdays: set = set()
        self.nth_weekdays: set = set()
        for part in dow.split(","):
            upper = part.upper()
            if upper.endswith("L") and len(upper) > 1:
                self.last_weekdays.add(_cron_number(upper[:-1], _DAY_NAMES, 0, 7, "day of week") % 7)
            elif "#" in upper:
                day, _, nth = upper.partition("#")
                if not nth.isdigit() or not 1 <= int(nth) <= 5:
                    raise ScheduleError(f"Invalid cron string: {part!r} in the day of week field needs a week "
                                        f"number from 1 to 5")
                self.nth_weekdays.add((_cron_number(day, _DAY_NAMES, 0, 7, "day of week") % 7, int(nth)))
            else:
                self.weekdays |= _cron_field(part, 0, 6, "day of week", _DAY_NAMES)

    def matches_day(self, day: _dt.date) -> bool:
        import calendar

        first_weekday, last = calendar.monthrange(day.year, day.month)
        dom = day.day in self.days or (self.last_day and day.day == last)
        if self.last_workday and not dom:
            final = (first_weekday + last - 1) % 7  # Monday is 0
            dom = day.day == last - max(0, final - 4)  # a Saturday or Sunday backs off to the Friday
        wd = (day.weekday() + 1) % 7
        dow = (wd in self.weekdays or (wd in self.last_weekdays and day.day + 7 > last)
               or (wd, (day.day - 1) // 7 + 1) in self.nth_weekdays)
        return (dom or dow) if self.day_or else (dom and dow)

    def next_naive(self, t: _dt.datetime) -> Optional[_dt.datetime]:
        """The first wall-clock time at or after ``t`` that matches, or None within 50 years."""
        t = t.replace(microsecond=0)
        if not self.has_seconds and t.second:
            t = t.replace(second=0) + _dt.timedelta(minutes=1)
        limit = t.year + 50
        day = _dt.timedelta(days=1)
        while t.year <= limit:
            if t.month not in self.months:
                month = next((m for m in sorted(self.months) if m > t.month), None)
                t = _dt.datetime(t.year + (month is None), month or min(self.months), 1)
                continue
            if not self.matches_day(t.date()):
                t = _dt.datetime(t.year, t.month, t.day) + day
                continue
            found = self._next_time_of_day(t)
            if found is None:
                t = _dt.datetime(t.year, t.month, t.day) + day
                continue
            return found
        return None

    def _next_time_of_day(self, t: _dt.datetime) -> Optional[_dt.datetime]:
        for hour in sorted(h for h in self.hours if h >= t.hour):
            first_minute = t.minute if hour == t.hour else 0
            for minute in sorted(m for m in self.minutes if m >= first_minute):
                first_second = t.second if (hour, minute) == (t.hour, t.minute) else 0
                second = min((s for s in self.seconds if s >= first_second), default=None)
                if second is not None:
                    return t.replace(hour=hour, minute=minute, second=second)
        return None


def _parse_cron(expr: Any, day_or: bool) -> _CronExpr:
    """A parsed cron expression, once per expression: serve rebuilds its schedules every tick, and the
    check that an expression can fire at all may scan a year of days (``0 0 13 * 5``, ``day_or=False``)."""
    return _parsed_cron(expr, bool(day_or)) if isinstance(expr, str) else _CronExpr(expr, day_or)


_parsed_cron = functools.lru_cache(maxsize=256)(_CronExpr)


def _zone(name: Optional[str]) -> Any:
    """A tzinfo for an IANA name (None means UTC)."""
    if name is None or name.upper() == "UTC":
        return _dt.timezone.utc
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleError(f"Unknown timezone {name!r}") from exc


def _utc_now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


def _aware(value: Optional[_dt.datetime], tz: Any) -> _dt.datetime:
    """An aware datetime: naive values are taken as UTC (as Prefect does); None means now."""
    if value is None:
        return _utc_now()
    if value.tzinfo is None:
        return value.replace(tzinfo=_dt.timezone.utc)
    return value


def _transition(lo: _dt.datetime, hi: _dt.datetime, tz: Any) -> _dt.datetime:
    """The instant where the UTC offset changes between ``lo`` (old offset) and ``hi`` (new offset).
    Offsets change on whole seconds, so the search runs over whole seconds.

    >>> import zoneinfo; ny = zoneinfo.ZoneInfo("America/New_York")
    >>> _transition(_dt.datetime(2024, 3, 10, 6, 30, tzinfo=_dt.timezone.utc),
    ...             _dt.datetime(2024, 3, 10, 7, 30, tzinfo=_dt.timezone.utc), ny).isoformat()
    '2024-03-10T07:00:00+00:00'
    """
    before = lo.astimezone(tz).utcoffset()
    a, b = int(lo.timestamp()), -int(-hi.timestamp() // 1)  # floor(lo) has the old offset, ceil(hi) the new
    while b - a > 1:
        mid = (a + b) // 2
        if _dt.datetime.fromtimestamp(mid, tz).utcoffset() == before:
            a = mid
        else:
            b = mid
    return _dt.datetime.fromtimestamp(b, _dt.timezone.utc)


class _Slot:
    """Maps a wall-clock time in a zone to the instants a job runs at, with the DST rules of Vixie cron."""

    def __init__(self, tz: Any, follows_clock: bool) -> None:
        self.tz, self.follows_clock = tz, follows_clock

    def instants(self, naive: _dt.datetime) -> list:
        tz, utc = self.tz, _dt.timezone.utc
        first = naive.replace(tzinfo=tz, fold=0).astimezone(utc)
        second = naive.replace(tzinfo=tz, fold=1).astimezone(utc)
        if first == second:
            return [first]
        if first.astimezone(tz).replace(tzinfo=None) == naive:  # it happens twice (the clock went back)
            return sorted((first, second)) if self.follows_clock else [min(first, second)]
        if self.follows_clock:  # skipped by a jump forward: a clock-following job does not run
            return []
        return [_transition(min(first, second), max(first, second), tz)]  # runs right after the jump


class _Schedule:
    """What every schedule kind shares: ``get_dates`` over a "next instant after" function."""

    timezone: Optional[str] = None

    def get_dates(self, n: Optional[int] = None, start: Optional[_dt.datetime] = None,
                  end: Optional[_dt.datetime] = None) -> list:
        """Up to ``n`` run times strictly after ``start`` (default now) and not after ``end``, as aware
        datetimes in the schedule's timezone."""
        if n is None and end is None:
            n = 1
        tz = _zone(self.timezone)
        after = _aware(start, tz).astimezone(_dt.timezone.utc)
        limit = _aware(end, tz).astimezone(_dt.timezone.utc) if end is not None else None
        dates = []
        while n is None or len(dates) < n:
            nxt = self._next_after(after)
            if nxt is None or (limit is not None and nxt > limit):
                break
            dates.append(nxt.astimezone(tz))
            after = nxt
        return dates

    def _next_after(self, after: _dt.datetime) -> Optional[_dt.datetime]:
        raise NotImplementedError


class Cron(_Schedule):
    """A cron schedule, Vixie cron's rules, in a timezone (default UTC).

    >>> [d.strftime("%a %H:%M") for d in Cron("0 9 * * 1-5", "America/New_York").get_dates(
    ...     2, start=_dt.datetime(2024, 3, 8, 15, tzinfo=_dt.timezone.utc))]
    ['Mon 09:00', 'Tue 09:00']
    """

    def __init__(self, cron: str, /, timezone: Optional[str] = None, day_or: bool = True, active: bool = True,
                 parameters: Optional[dict] = None, slug: Optional[str] = None) -> None:
        self.cron, self.timezone, self.day_or = cron, timezone, day_or
        self.active, self.parameters, self.slug = active, dict(parameters or {}), slug
        self._expr = _parse_cron(cron, day_or)
        self._slot = _Slot(_zone(timezone), self._expr.follows_clock)

    def _next_after(self, after: _dt.datetime) -> Optional[_dt.datetime]:
        tz, expr, slot = self._slot.tz, self._expr, self._slot
        local = after.astimezone(tz)
        unit = _dt.timedelta(seconds=1)
        naive = expr.next_naive(local.replace(tzinfo=None) + unit)
        if naive is None:
            return None
        found = [i for i in slot.instants(naive) if i > after]
        here = local.replace(tzinfo=None)
        simple = (len(slot.instants(naive)) == 1 and found
                  and found[0].astimezone(tz).utcoffset() == local.utcoffset()
                  and len({here.replace(tzinfo=tz, fold=f).utcoffset() for f in (0, 1)}) == 1)
        if simple:
            return found[0]
        return self._scan(after, here - _dt.timedelta(hours=3), unit)

    def _scan(self, after: _dt.datetime, naive: _dt.datetime, unit: _dt.timedelta) -> Optional[_dt.datetime]:
        """Near a DST change: every matching wall time from three hours back, keeping the earliest
        instant after ``after`` (a later wall time more than three hours on cannot be earlier)."""
        best = bound = None
        while True:
            naive = self._expr.next_naive(naive)
            if naive is None or (bound is not None and naive > bound):
                return best
            for instant in self._slot.instants(naive):
                if instant > after and (best is None or instant < best):
                    best, bound = instant, naive + _dt.timedelta(hours=3)
            naive += unit

    def __repr__(self) -> str:
        return f"Cron({self.cron!r}, timezone={self.timezone!r})"


class Interval(_Schedule):
    """Runs at ``anchor_date + k × interval``: in absolute time under 24 h, at the same local wall-clock
    time for 24 h or more. Without ``anchor_date`` the anchor is 2020-01-01 00:00 (UTC under 24 h, else
    local midnight in the schedule's timezone), so every process computes the same slots (Prefect
    anchors at the time ``Interval()`` is called).

    >>> [d.strftime("%H:%M:%S") for d in Interval(90, anchor_date=_dt.datetime(2024, 1, 1, tzinfo=_dt.timezone.utc))
    ...  .get_dates(2, start=_dt.datetime(2024, 1, 1, 0, 1, tzinfo=_dt.timezone.utc))]
    ['00:01:30', '00:03:00']
    """

    def __init__(self, interval: Any, /, anchor_date: Optional[_dt.datetime] = None,
                 timezone: Optional[str] = None, active: bool = True, parameters: Optional[dict] = None,
                 slug: Optional[str] = None) -> None:
        if not isinstance(interval, _dt.timedelta):
            if isinstance(interval, bool) or not isinstance(interval, (int, float)):
                raise ScheduleError(f"An interval must be a number of seconds or a timedelta, not {interval!r}")
            interval = _dt.timedelta(seconds=interval)
        if interval.total_seconds() <= 0:
            raise ScheduleError(f"An interval must be greater than zero, not {interval.total_seconds():g} seconds")
        self.interval, self.timezone = interval, timezone
        zone = _zone(timezone)
        if anchor_date is None:  # a fixed anchor: the same slots in every process and after restarts
            anchor_date = _dt.datetime(2020, 1, 1, tzinfo=zone if interval >= _dt.timedelta(hours=24) else _dt.timezone.utc)
        self.anchor_date = _aware(anchor_date, None)
        self.active, self.parameters, self.slug = active, dict(parameters or {}), slug

    def _next_after(self, after: _dt.datetime) -> Optional[_dt.datetime]:
        step = self.interval
        anchor = self.anchor_date.astimezone(_dt.timezone.utc)
        if step < _dt.timedelta(hours=24):
            k = max(0, int((after - anchor) // step) + 1) if after >= anchor else 0
            while anchor + k * step <= after:
                k += 1
            return anchor + k * step
        tz = _zone(self.timezone)
        local = self.anchor_date.astimezone(tz).replace(tzinfo=None)
        slot = _Slot(tz, follows_clock=False)
        k = max(0, int((after - anchor) // step) - 1)
        while True:
            instants = slot.instants(local + k * step)
            if instants and instants[0] > after:
                return instants[0]
            k += 1

    def __repr__(self) -> str:
        return f"Interval({self.interval!r}, anchor_date={self.anchor_date.isoformat()!r})"


class RRule(_Schedule):
    """An iCalendar recurrence rule (python-dateutil, an optional extra), in a timezone (default UTC).

    Without a DTSTART the rule counts from 2020-01-01 00:00 in its timezone, so every process computes
    the same dates. Example: ``RRule("FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=8;BYMINUTE=0")``.
    """

    def __init__(self, rrule: str, /, timezone: Optional[str] = None, active: bool = True,
                 parameters: Optional[dict] = None, slug: Optional[str] = None) -> None:
        if not isinstance(rrule, str) or len(rrule) > 6500:
            raise ScheduleError("An rrule must be a string of at most 6,500 characters")
        self.rrule, self.timezone = rrule, timezone
        self.active, self.parameters, self.slug = active, dict(parameters or {}), slug
        self._rule = self._parse()

    def _parse(self) -> Any:
        try:
            from dateutil import rrule as dateutil_rrule
        except ImportError:
            raise ScheduleError("RRule schedules need python-dateutil: pip install 'orchestrator[rrule]'") from None
        tz = _zone(self.timezone)
        try:
            return dateutil_rrule.rrulestr(self.rrule, dtstart=_dt.datetime(2020, 1, 1, tzinfo=tz), forceset=True)
        except (ValueError, TypeError) as exc:
            raise ScheduleError(f"Invalid rrule {self.rrule!r}: {exc}") from exc

    def _next_after(self, after: _dt.datetime) -> Optional[_dt.datetime]:
        nxt = self._rule.after(after.astimezone(_zone(self.timezone)), inc=False)
        return None if nxt is None else nxt.astimezone(_dt.timezone.utc)

    def __repr__(self) -> str:
        return f"RRule({self.rrule!r}, timezone={self.timezone!r})"


def _parse_duration(text: str) -> float:
    """Seconds in a duration such as ``90``, ``30s``, ``10m``, ``2h``, ``7d`` or ``1h30m``.

    >>> _parse_duration("10m"), _parse_duration("1h30m"), _parse_duration("45")
    (600.0, 5400.0, 45.0)
    """
    import re

    units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
    text = str(text).strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([smhdw])", text)
    if not parts or re.sub(r"(\d+(?:\.\d+)?)\s*([smhdw])", "", text).strip():
        raise ValueError(f"{text!r} is not a duration (use forms like 30s, 10m, 2h, 7d or 1h30m)")
    return float(sum(float(n) * units[u] for n, u in parts))


def _parse_when(text: str) -> _dt.datetime:
    """An ISO date or datetime; naive values are local time."""
    try:
        value = _dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO date or datetime (like 2024-01-31 or 2024-01-31T09:00)") from None
    return value.astimezone() if value.tzinfo is None else value


def _fmt_duration(seconds: Optional[float]) -> str:
    """A short human duration.

    >>> _fmt_duration(0.0123), _fmt_duration(3.14159), _fmt_duration(75), _fmt_duration(7440)
    ('12ms', '3.14s', '1m 15s', '2h 4m')
    """
    if seconds is None:
        return ""
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    if seconds < 60:
        return f"{seconds:.2f}s" if seconds < 10 else f"{seconds:.1f}s"
    minutes, sec = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m {sec}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h {minutes}m"
    return f"{hours // 24}d {hours % 24}h"


def _fmt_bytes(n: float) -> str:
    """
    >>> _fmt_bytes(0), _fmt_bytes(12_288), _fmt_bytes(3_400_000)
    ('0 bytes', '12.3 kB', '3.4 MB')
    """
    if n < 1000:
        return f"{n:.0f} bytes"
    return f"{n / 1e3:.1f} kB" if n < 1e6 else f"{n / 1e6:.1f} MB" if n < 1e9 else f"{n / 1e9:.2f} GB"


def _fmt_ago(ts: Optional[float], now: Optional[float] = None) -> str:
    """Local time plus how long ago, e.g. ``2026-11-24 09:10:11 (3m ago)``."""
    if ts is None:
        return ""
    now = time.time() if now is None else now
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts))
    if ts > now + 0.5:
        return f"{stamp} (in {_fmt_duration(ts - now)})"
    return f"{stamp} ({_fmt_duration(max(0.0, now - ts))} ago)"


def _utc(ts: Optional[float]) -> Optional[_dt.datetime]:
    return None if ts is None else _dt.datetime.fromtimestamp(ts, _dt.timezone.utc)


# == 10. Context & logging ================================================================================


class _RunRecord:
    """What flow runs and task runs share: the persisted result's columns."""

    __slots__ = ()

    def keep_result(self, persisted: tuple) -> None:
        """Take (blob, serializer, file name, note, preview), as :func:`_persist` returns them."""
        self.result_blob, self.result_serializer, self.result_path, self.result_note, self.result_preview = persisted


class FlowRun(_RunRecord):
    """The record of one flow run, as hooks and ``runtime.flow_run`` see it."""

    _OWN = ("id", "name", "flow_name", "state", "parameters", "tags", "flow_version", "parent_flow_run_id",
            "root_flow_run_id", "entrypoint", "created", "expected_start_time", "run_count", "history", "stored",
            "parameters_blob", "process_id", "result_blob", "result_serializer", "result_path", "result_note")
    __slots__ = tuple(dict.fromkeys(_OWN + _FLOW_RUNS.attributes))
    _UNSET = _FLOW_RUNS.attributes_besides(_OWN)  # column attributes __init__ sets to None

    def __init__(self, id: str, name: str, flow_name: str, state: "State", parameters: Optional[dict] = None,
                 tags: Any = (), flow_version: Optional[str] = None, parent_flow_run_id: Optional[str] = None,
                 root_flow_run_id: Optional[str] = None, entrypoint: Optional[str] = None,
                 created: Optional[float] = None) -> None:
        for attr in self._UNSET:
            setattr(self, attr, None)
        self.id, self.name, self.flow_name, self.state = id, name, flow_name, state
        self.parameters, self.tags, self.flow_version = parameters or {}, tags, flow_version
        self.parent_flow_run_id, self.root_flow_run_id = parent_flow_run_id, root_flow_run_id or id
        self.entrypoint = entrypoint
        self.created = self.expected_start_time = time.time() if created is None else created
        self.run_count, self.history, self.stored = 0, [], False
        self.parameters_blob = self.process_id = None
        self.result_blob = self.result_serializer = self.result_path = self.result_note = None

    def __repr__(self) -> str:
        return f"FlowRun(id={self.id!r}, name={self.name!r}, flow_name={self.flow_name!r}, state={self.state})"


class TaskRun(_RunRecord):
    """The record of one task run, as hooks and ``runtime.task_run`` see it."""

    _OWN = ("id", "name", "task_key", "flow_run_id", "state", "parameters", "parameters_json", "tags", "created",
            "dynamic_key", "run_count", "task_inputs", "history", "start_time", "end_time", "cache_key",
            "child_flow_run_id", "stored", "inputs_hash", "result_blob", "result_serializer", "result_path",
            "result_note", "remote_ref", "ended_by_flow", "evented")
    __slots__ = tuple(dict.fromkeys(_OWN + _TASK_RUNS.attributes))
    _UNSET = _TASK_RUNS.attributes_besides(_OWN)

    def __init__(self, id: str, name: str, task_key: str, flow_run_id: Optional[str], state: "State",
                 parameters: Optional[dict] = None, parameters_json: str = "{}", tags: Any = (),
                 created: Optional[float] = None, dynamic_key: Optional[str] = None) -> None:
        for attr in self._UNSET:
            setattr(self, attr, None)
        self.id, self.name, self.task_key, self.flow_run_id = id, name, task_key, flow_run_id
        self.state, self.parameters, self.parameters_json, self.tags = state, parameters, parameters_json, tags
        self.created = time.time() if created is None else created
        self.dynamic_key = dynamic_key
        self.run_count, self.task_inputs, self.history = 0, {}, []
        self.start_time = self.end_time = self.cache_key = self.child_flow_run_id = None
        self.stored = False
        self.inputs_hash = self.result_blob = self.result_serializer = self.result_path = self.result_note = None
        self.remote_ref: Any = None  # the Dask future holding the value on a cluster, if it ran on one
        self.ended_by_flow = False  # its flow ended first and recorded its end: later writes are dropped
        self.evented = 0  # history entries already written as events (ORCHESTRATOR_TASK_RUN_EVENTS=all)

    def __repr__(self) -> str:
        return f"TaskRun(id={self.id!r}, name={self.name!r}, state={self.state})"


class FlowRunContext:
    """What the engine knows inside a flow run. ``FlowRunContext.get()`` is None outside one."""

    __slots__ = ("flow", "flow_run", "parameters", "_task_runner", "start_runner", "log_prints", "store", "logger",
                 "futures", "futures_lock", "task_counter", "replay", "cancelled", "cancel_deadline", "orphans",
                 "dropped", "keep")

    def __init__(self, flow: Any, flow_run: Any, parameters: dict, log_prints: bool, store: Any,
                 logger: Any, task_runner: Any = None) -> None:
        self.flow, self.flow_run, self.parameters, self.log_prints = flow, flow_run, parameters, log_prints
        self.store, self.logger, self._task_runner = store, logger, task_runner
        self.start_runner: Optional[Callable[[], Any]] = None  # starts the runner on first use (see _Running)
        self.futures, self.futures_lock, self.task_counter = [], threading.Lock(), {}
        self.replay: Optional[dict] = None  # on a retried run: recorded results by (task key, call order)
        self.cancelled, self.cancel_deadline = False, 0.0
        self.orphans: list = []  # subflow placeholder task runs whose subflow's engine could not end them
        # finished futures leave ``futures`` now and then (a flow that maps a million tasks in batches
        # would otherwise hold a million); ``dropped`` counts them, and their failures, for the progress line
        self.dropped, self.keep = [0, 0], 10_000

    @property
    def task_runner(self) -> Any:
        """The run's task runner. A thread pool starts when first asked for: most subflows submit nothing."""
        runner = self._task_runner
        if runner is None and self.start_runner is not None:
            with self.futures_lock:
                if self._task_runner is None:
                    self._task_runner = self.start_runner()
            runner = self._task_runner
        return runner

    @task_runner.setter
    def task_runner(self, runner: Any) -> None:
        self._task_runner = runner

    def add_future(self, future: Any) -> None:
        """Track a submitted task's future, letting go of finished ones once the list doubles."""
        with self.futures_lock:
            futures = self.futures
            futures.append(future)
            if len(futures) < self.keep:
                return
            pending = [f for f in futures if f._final_state is None]
            finals = [f._final_state for f in futures if f._final_state is not None]
            self.dropped[0] += len(finals)
            self.dropped[1] += sum(1 for st in finals if st.type in (_FAILED, _CRASHED))
            self.futures, self.keep = pending, max(10_000, 2 * len(pending))

    @staticmethod
    def get() -> Optional["FlowRunContext"]:
        return _FLOW_CTX.get()


class TaskRunContext:
    """What the engine knows inside a task run. ``TaskRunContext.get()`` is None outside one."""

    __slots__ = ("task", "task_run", "parameters", "log_prints", "store", "_logger", "flow_ctx", "outer_txn", "txn")

    def __init__(self, task: Any = None, task_run: Any = None, parameters: Any = None, log_prints: Any = None,
                 store: Any = None, logger: Any = None, flow_ctx: Any = None, outer_txn: Any = None) -> None:
        self.task, self.task_run, self.parameters, self.log_prints = task, task_run, parameters, log_prints
        self.store, self._logger, self.flow_ctx = store, logger, flow_ctx
        self.outer_txn = outer_txn  # the transaction around the run; the run's own (``txn``) is made on demand
        self.txn = None

    @property
    def logger(self) -> Any:
        """The run's logger, made the first time it is asked for (most task runs never log)."""
        if self._logger is None and self.task_run is not None and self.store is not None:
            self._logger = _task_logger(self.store, self.task_run)
        return self._logger

    @logger.setter
    def logger(self, logger: Any) -> None:
        self._logger = logger

    @staticmethod
    def get() -> Optional["TaskRunContext"]:
        return _TASK_CTX.get()


_FLOW_CTX: contextvars.ContextVar = contextvars.ContextVar("orchestrator_flow_run", default=None)
_TASK_CTX: contextvars.ContextVar = contextvars.ContextVar("orchestrator_task_run", default=None)
_TAGS: contextvars.ContextVar = contextvars.ContextVar("orchestrator_tags", default=frozenset())


class TagsContext:
    """The tags in effect here (from enclosing ``with tags(...)`` blocks), as Prefect's context has them.

    >>> with tags("a"):
    ...     sorted(TagsContext.get().current_tags)
    ['a']
    """

    __slots__ = ("current_tags",)

    def __init__(self, current_tags: Optional[set] = None) -> None:
        self.current_tags = set(current_tags or ())

    @classmethod
    def get(cls) -> "TagsContext":
        return cls(_TAGS.get())


def get_run_context() -> Any:
    """The innermost task run context, else the flow run context; raises outside any run."""
    ctx = _TASK_CTX.get() or _FLOW_CTX.get()
    if ctx is None:
        raise MissingContextError("No run context available. You are not in a flow or task run context.")
    return ctx


@contextlib.contextmanager
def tags(*new_tags: str):
    """Add tags to every flow and task run created inside the block; blocks nest.

    >>> with tags("a"):
    ...     with tags("b") as current:
    ...         sorted(current)
    ['a', 'b']
    """
    current = _TAGS.get() | set(new_tags)
    token = _TAGS.set(current)
    try:
        yield set(current)
    finally:
        _TAGS.reset(token)


class _RuntimeSection:
    """One of ``runtime.flow_run``, ``runtime.task_run``, ``runtime.deployment``."""

    def __init__(self, section: str, getters: dict) -> None:
        self._section = section
        self._getters = getters
        self.__all__ = list(getters)  # as Prefect's runtime modules list their names

    def __getattr__(self, name: str) -> Any:
        getter = self._getters.get(name)
        if getter is None:
            raise AttributeError(f"runtime.{self._section} has no attribute {name!r}")
        value = getter()
        for prefix in ("ORCHESTRATOR__RUNTIME__", "PREFECT__RUNTIME__"):
            override = os.environ.get(f"{prefix}{self._section.upper()}__{name.upper()}")
            if override is not None:
                return _cast_like(value, override)
        return value

    def __dir__(self) -> list:
        return sorted(self._getters)


def _cast_like(value: Any, text: str) -> Any:
    if isinstance(value, bool):
        return text.lower() in ("1", "true", "yes", "on")
    for kind in (int, float):
        if isinstance(value, kind):
            return kind(text)
    if isinstance(value, _dt.datetime):
        return _dt.datetime.fromisoformat(text)
    return text


def _fr(attr: str, default: Any = None) -> Callable[[], Any]:
    def get() -> Any:
        ctx = _FLOW_CTX.get()
        return default if ctx is None else getattr(ctx.flow_run, attr)
    return get


def _tr(attr: str, default: Any = None) -> Callable[[], Any]:
    def get() -> Any:
        ctx = _TASK_CTX.get()
        return default if ctx is None else getattr(ctx.task_run, attr)
    return get


def _flow_run_scheduled() -> _dt.datetime:
    """When the flow run was due; outside a flow run (or for a run never scheduled), now, as in Prefect."""
    ctx = _FLOW_CTX.get()
    when = ctx.flow_run.expected_start_time if ctx is not None else None
    return _utc(when if when is not None else time.time())


class _Runtime:
    """``runtime.flow_run``, ``runtime.task_run`` and ``runtime.deployment``, as in ``prefect.runtime``.

    >>> runtime.flow_run.name is None, runtime.task_run.run_count
    (True, 0)
    """

    flow_run = _RuntimeSection("flow_run", {
        "id": _fr("id"), "name": _fr("name"), "flow_name": _fr("flow_name"),
        "flow_version": _fr("flow_version"), "parameters": lambda: dict(_fr("parameters")() or {}),
        "tags": lambda: sorted(_fr("tags")() or []), "run_count": _fr("run_count", 0),
        "scheduled_start_time": _flow_run_scheduled, "parent_flow_run_id": _fr("parent_flow_run_id"),
        "parent_deployment_id": lambda: None, "root_flow_run_id": _fr("root_flow_run_id"),
        "api_url": lambda: None, "ui_url": lambda: None, "job_variables": lambda: None,
    })
    task_run = _RuntimeSection("task_run", {
        "id": _tr("id"), "name": _tr("name"), "task_name": lambda: (
            _TASK_CTX.get().task.name if _TASK_CTX.get() else None),
        "tags": lambda: sorted(_tr("tags")() or []),
        "parameters": lambda: dict(_tr("parameters")() or {}), "run_count": _tr("run_count", 0),
        "api_url": lambda: None, "ui_url": lambda: None,
    })
    deployment = _RuntimeSection("deployment", {
        "id": _fr("deployment_id"), "flow_run_id": _fr("id"), "name": lambda: _deployment_name(_fr("deployment_id")()),
        "version": lambda: None, "parameters": lambda: dict(_fr("parameters")() or {}),
    })


runtime = _Runtime()


@functools.lru_cache(maxsize=64)
def _deployment_name(deployment_id: Optional[str]) -> Optional[str]:
    if deployment_id is None:
        return None
    with contextlib.suppress(OrchestratorError):
        return _get_store().deployment(deployment_id)["name"]
    return None

_LOGGING_READY = False
_LOGGING_LOCK = threading.Lock()
_ROOT_HANDLERS: list = []  # the engine's own lines go straight to these (no filters, no caller lookup)
_ROOT = logging.getLogger("orchestrator")
_LEVEL_NAMES = {lvl: logging.getLevelName(lvl) for lvl in (10, 20, 30, 40, 50)}
_LEVEL_COLUMNS = {lvl: f" | {name:<7} | " for lvl, name in _LEVEL_NAMES.items()}  # as the console line has it


class _Clock:
    """Formats ``HH:MM:SS.mmm`` for log lines, re-reading the local time once per second."""

    second = -1
    text = ""

    @classmethod
    def stamp(cls, created: float) -> str:
        second = int(created)
        if second != cls.second:
            cls.second, cls.text = second, time.strftime("%H:%M:%S", time.localtime(second))
        return cls.text + ".%03d" % ((created - second) * 1000)


class _ConsoleFormatter(logging.Formatter):
    """``HH:MM:SS.mmm | LEVEL   | Flow run 'name' - message``, as Prefect prints it."""

    def format(self, record: logging.LogRecord) -> str:
        who = getattr(record, "run_label", None) or record.name
        line = f"{_Clock.stamp(record.created)} | {record.levelname:<7} | {who} - {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class _ConsoleHandler(logging.Handler):
    """Writes to whatever ``sys.stderr`` is at the time (so redirections and test captures follow)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(_ConsoleFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:  # noqa: BLE001 - a message whose arguments do not format
            self.handleError(record)
            return
        _console_write(text + "\n")


_CONSOLE_GONE = False  # stderr was closed (``... 2>&1 | head``): console lines stop, the database keeps them
_CONSOLE_LOCK = threading.Lock()


def _console_write(text: str) -> None:
    """Write a log line to the console; a closed or broken stderr never fails a run. A progress line
    on the terminal is cleared first and drawn again after."""
    global _CONSOLE_GONE
    if _CONSOLE_GONE:
        return
    try:
        shown = _ProgressLine.current
        if shown is None or not shown.text:
            sys.stderr.write(text)
            return
        with _CONSOLE_LOCK:
            sys.stderr.write("\r\033[K" + text + shown.text)
            sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # EPIPE, EIO, a closed file, no stderr at all
        _CONSOLE_GONE = True


class _ProgressLine:
    """While a top-level flow runs on a terminal: one line at the foot of its log, redrawn twice a
    second, with how many submitted and mapped tasks are done (``etl: 120/200 tasks done, 3 failed,
    41.0/s``). Not drawn when stderr is not a terminal, nor for a run done within a second."""

    current: Optional["_ProgressLine"] = None

    def __init__(self, engine: "_FlowEngine") -> None:
        self.engine, self.text, self.started = engine, "", time.monotonic()
        self.stopped = threading.Event()

    @classmethod
    def start(cls, engine: "_FlowEngine") -> Optional["_ProgressLine"]:
        try:
            if cls.current is not None or _CONSOLE_GONE or not sys.stderr.isatty():
                return None
        except (AttributeError, ValueError):
            return None
        line = cls.current = cls(engine)
        threading.Thread(target=line._loop, name="orchestrator-progress", daemon=True).start()
        return line

    def _loop(self) -> None:
        while not self.stopped.wait(0.5):
            ctx = self.engine.ctx
            with ctx.futures_lock:
                futures, (dropped, dropped_failed) = list(ctx.futures), ctx.dropped
            if not futures and not dropped:
                continue
            finals = [f._final_state for f in futures if f._final_state is not None]
            failed = dropped_failed + sum(1 for st in finals if st.type in (_FAILED, _CRASHED))
            done = dropped + len(finals)
            rate = done / (time.monotonic() - self.started)
            self.text = (f"{self.engine.run.name}: {done}/{dropped + len(futures)} tasks done"
                         + (f", {failed} failed" if failed else "") + f", {rate:.1f}/s")
            _console_write("")  # redraw

    def stop(self) -> None:
        self.stopped.set()
        if _ProgressLine.current is self:
            _ProgressLine.current = None
            if self.text:
                with contextlib.suppress(OSError, ValueError, AttributeError), _CONSOLE_LOCK:
                    sys.stderr.write("\r\033[K")
                    sys.stderr.flush()


class _StoreHandler(logging.Handler):
    """Buffers every record that belongs to a run into that run's database."""

    def emit(self, record: logging.LogRecord) -> None:
        store = getattr(record, "store", None)
        if store is None:
            return
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
        store.stage_log(getattr(record, "flow_run_id", None), getattr(record, "task_run_id", None),
                         record.levelno, record.name, message, record.created)


class _ToRootHandlers(logging.Handler):
    """Hands each record on to the handlers of Python's root logger (a log file, a log shipper, pytest's
    caplog), as propagation would, but leaves out root handlers that print to the terminal: this module
    prints every line there once already (``logging.basicConfig()`` does not double the lines)."""

    def emit(self, record: logging.LogRecord) -> None:
        for handler in logging.root.handlers:
            if getattr(handler, "stream", None) in (sys.stderr, sys.stdout, sys.__stderr__, sys.__stdout__):
                continue
            if record.levelno >= handler.level:
                handler.handle(record)

    def handle(self, record: logging.LogRecord) -> bool:  # no lock: each root handler takes its own
        if logging.root.handlers:
            self.emit(record)
        return True


def _setup_logging() -> None:
    """Install the console and database handlers on the ``orchestrator`` logger, once, and the handler
    that passes records on to the root logger's handlers. Handlers users add to ``orchestrator`` (or to
    the root logger) later receive every record, the engine's own lines too."""
    global _LOGGING_READY
    if _LOGGING_READY:  # every task call asks: once set up, no lock
        return
    with _LOGGING_LOCK:
        if _LOGGING_READY:
            return
        root = logging.getLogger("orchestrator")
        root.setLevel(_log_level())
        root.propagate = False
        root.addHandler(_ConsoleHandler())
        root.addHandler(_StoreHandler())
        root.addHandler(_ToRootHandlers())
        _ROOT_HANDLERS[:] = root.handlers
        _LOGGING_READY = True


class _RunLogger(logging.LoggerAdapter):
    """A run logger: records carry the run's ids, its label and its store."""

    def process(self, msg: Any, kwargs: Any) -> tuple:
        extra = kwargs.get("extra")
        kwargs["extra"] = {**self.extra, **extra} if extra else self.extra
        return msg, kwargs

    def engine(self, level: int, msg: str, exc: Optional[BaseException] = None) -> None:
        """The engine's own lines (see _engine_line)."""
        _engine_line(self.logger, self.extra, level, msg, exc)


def _engine_line(logger: logging.Logger, extra: dict, level: int, msg: str,
                 exc: Optional[BaseException] = None) -> None:
    """One of the engine's own lines, for the run ``extra`` describes (a run logger's extra): no caller
    lookup (the caller is always the engine). With only this module's handlers installed, the line is
    written and stored without building a LogRecord."""
    if not logger.isEnabledFor(level):
        return
    if exc is None and _ROOT.handlers == _ROOT_HANDLERS and not logger.handlers and not logger.filters \
            and not logging.root.handlers:
        now = time.time()
        if level >= _ROOT_HANDLERS[0].level:
            _console_write(f"{_Clock.stamp(now)}{_LEVEL_COLUMNS[level]}{extra['run_label']} - {msg}\n")
        extra["store"].stage_log(extra["flow_run_id"], extra["task_run_id"], level, logger.name, msg, now)
        return
    record = _engine_record(logger.name, level, msg, exc, extra)
    for handler in (*logger.handlers, *_ROOT.handlers):  # as they are now: handlers added later count
        if level >= handler.level:
            if handler.__class__ in (_ConsoleHandler, _StoreHandler):
                handler.emit(record)  # our own handlers need neither filters nor the handler lock
            else:
                handler.handle(record)


_RECORD_BASE: dict = {}


def _engine_record(name: str, level: int, msg: str, exc: Optional[BaseException], extra: dict) -> logging.LogRecord:
    """A LogRecord for the engine's own lines, built without LogRecord.__init__'s per-call lookups."""
    if not _RECORD_BASE:
        _RECORD_BASE.update(vars(logging.LogRecord("orchestrator", logging.INFO, __file__, 0, "", (), None)))
        _RECORD_BASE["funcName"] = "engine"
    record = logging.LogRecord.__new__(logging.LogRecord)
    d = record.__dict__
    d.update(_RECORD_BASE)
    d.update(extra)
    now = time.time()
    d["name"], d["msg"], d["levelno"], d["levelname"] = name, msg, level, logging.getLevelName(level)
    d["created"], d["msecs"] = now, (now - int(now)) * 1000
    d["relativeCreated"] = (now - logging._startTime) * 1000
    d["thread"], d["threadName"] = threading.get_ident(), threading.current_thread().name
    d["exc_info"] = (type(exc), exc, exc.__traceback__) if exc is not None else None
    return record


_FLOW_RUNS_LOGGER = logging.getLogger("orchestrator.flow_runs")
_TASK_RUNS_LOGGER = logging.getLogger("orchestrator.task_runs")


def _flow_logger(store: _Store, run: FlowRun) -> _RunLogger:
    return _RunLogger(_FLOW_RUNS_LOGGER, {
        "flow_run_id": run.id, "task_run_id": None, "run_label": f"Flow run {run.name!r}", "store": store})


def _task_logger(store: _Store, run: TaskRun) -> _RunLogger:
    return _RunLogger(_TASK_RUNS_LOGGER, _task_extra(store, run))


def _task_extra(store: _Store, run: TaskRun) -> dict:
    """What a task run's log records carry: its ids, its label and its store."""
    return {"flow_run_id": run.flow_run_id, "task_run_id": run.id, "run_label": f"Task run {run.name!r}",
            "store": store}


def get_run_logger(context: Any = None, **extra: Any) -> logging.LoggerAdapter:
    """The logger of the current task run, else of the current flow run.

    Its records go to stderr in Prefect's format and into the run's log in the database::

        @flow
        def hello():
            get_run_logger().info("hi")
    """
    ctx = context or _TASK_CTX.get() or _FLOW_CTX.get()
    if ctx is None:
        raise MissingContextError("There is no active flow or task run context.")
    logger = ctx.logger
    return _RunLogger(logger.logger, {**logger.extra, **extra}) if extra else logger


def get_logger(name: Optional[str] = None) -> logging.Logger:
    """A plain logger under ``orchestrator`` (console only, not tied to a run)."""
    _setup_logging()
    return logging.getLogger(f"orchestrator.{name}" if name else "orchestrator")


_ORIGINAL_PRINT = builtins.print
_PRINT_PATCHED = False


def _print_as_log(*args: Any, sep: Optional[str] = " ", end: Optional[str] = "\n", file: Any = None,
                  flush: bool = False) -> None:
    ctx = _TASK_CTX.get() or _FLOW_CTX.get()
    if ctx is not None and ctx.log_prints and (file is None or file is sys.stdout):
        ctx.logger.info((" " if sep is None else sep).join(map(str, args)), stacklevel=2)  # the caller's line
    else:
        _ORIGINAL_PRINT(*args, sep=sep, end=end, file=file, flush=flush)


def _patch_print() -> None:
    """Route ``print`` inside ``log_prints`` runs to the run logger (outside them it prints as usual)."""
    global _PRINT_PATCHED
    if not _PRINT_PATCHED:
        builtins.print = _print_as_log
        _PRINT_PATCHED = True


# == 11. Futures & the thread pool ========================================================================


def _acquire_interruptibly(lock: threading.Lock) -> None:
    """Acquire ``lock``, waking now and then so that a cancelled flow can interrupt the waiting thread."""
    while not lock.acquire(timeout=0.25):
        pass


class PrefectFuture(abc.ABC):
    """A handle to a run that may still be going: wait for it, read its state, take its result.

    The base users subclass, as in Prefect: implement ``wait``, ``result`` and ``add_done_callback``; set
    ``_final_state`` once the run is final. Example: ``fut = double.submit(2); fut.wait(); fut.result()``.
    Run ids are strings here (Prefect's are ``uuid.UUID``), as everywhere in orchestrator.py.
    """

    __slots__ = ("_task_run_id", "_final_state", "__dict__")

    def __init__(self, task_run_id: Any) -> None:
        self._task_run_id = task_run_id
        self._final_state: Optional[State] = None

    @property
    def task_run_id(self) -> Any:
        return self._task_run_id

    @property
    def state(self) -> State:
        """The final state once known, else Pending."""
        return self._final_state or Pending()

    @abc.abstractmethod
    def wait(self, timeout: Optional[float] = None) -> None:
        """Wait for the run to finish, at most ``timeout`` seconds; never raises on timeout."""

    @abc.abstractmethod
    def result(self, timeout: Optional[float] = None, raise_on_failure: bool = True) -> Any:
        """The run's value, waiting for it; raises ``TimeoutError`` when ``timeout`` passes first."""

    @abc.abstractmethod
    def add_done_callback(self, fn: Callable[["PrefectFuture"], None]) -> None:
        """Call ``fn(self)`` once the run is final (at once if it already is)."""


class PrefectTaskRunFuture(PrefectFuture):
    """A future for one task run (Prefect's name for the base of task-run futures)."""

    __slots__ = ()


class PrefectWrappedFuture(PrefectTaskRunFuture):
    """A future that wraps another future object (``wrapped_future``), whose result is the run's state."""

    __slots__ = ("_wrapped_future",)

    def __init__(self, task_run_id: Any, wrapped_future: Any) -> None:
        self._wrapped_future = wrapped_future
        super().__init__(task_run_id)

    @property
    def wrapped_future(self) -> Any:
        return self._wrapped_future

    def add_done_callback(self, fn: Callable[["PrefectFuture"], None]) -> None:
        if self._final_state is None:
            self._wrapped_future.add_done_callback(lambda _: fn(self))
            return
        fn(self)


class PrefectConcurrentFuture(PrefectWrappedFuture):
    """A future over a ``concurrent.futures.Future`` whose result is the run's final state (or its value).

    >>> from concurrent.futures import Future
    >>> inner = Future(); inner.set_result(Completed(data=42))
    >>> PrefectConcurrentFuture("some-id", inner).result()
    42
    """

    __slots__ = ()

    def wait(self, timeout: Optional[float] = None) -> None:
        from concurrent.futures import TimeoutError as FutureTimeout

        try:
            value = self._wrapped_future.result(timeout=timeout)
        except FutureTimeout:
            return
        except BaseException:  # the wrapped call raised: the run is over all the same
            return
        if isinstance(value, State):
            self._final_state = value

    def result(self, timeout: Optional[float] = None, raise_on_failure: bool = True) -> Any:
        from concurrent.futures import TimeoutError as FutureTimeout

        if self._final_state is None:
            try:
                value = self._wrapped_future.result(timeout=timeout)
            except FutureTimeout as exc:
                raise TimeoutError(f"Task run {self.task_run_id} did not complete within {timeout} seconds") from exc
            if not isinstance(value, State):
                return value
            self._final_state = value
        return self._final_state._result(raise_on_failure)


class _TaskFuture(PrefectConcurrentFuture):
    """The future ``task.submit()`` and a runner's ``submit`` return: a lock held until the engine
    finishes the run (waiting is acquire-then-release). ``wrapped_future`` is made only when asked for."""

    __slots__ = ("_run", "_gate", "_callbacks")

    def __init__(self, run: TaskRun) -> None:
        self._task_run_id = run.id
        self._run = run
        self._final_state = None
        self._wrapped_future = None
        self._gate = threading.Lock()
        self._gate.acquire()
        self._callbacks: Optional[list] = None

    @property
    def state(self) -> State:
        return self._final_state or self._run.state

    @property
    def wrapped_future(self) -> Any:
        if self._wrapped_future is None:
            from concurrent.futures import Future

            wrapped = Future()
            self.add_done_callback(lambda fut: wrapped.set_result(fut._final_state))
            self._wrapped_future = wrapped
        return self._wrapped_future

    def done(self) -> bool:
        return self._final_state is not None

    def _wait(self, timeout: Optional[float] = None) -> bool:
        gate = self._gate
        if self._final_state is not None or gate is None:  # a finished future lets go of its lock
            return True
        if timeout is None:
            _acquire_interruptibly(gate)
        elif not gate.acquire(timeout=max(0.0, timeout)):
            return False
        gate.release()
        return True

    def wait(self, timeout: Optional[float] = None) -> None:
        self._wait(timeout)

    def _wait_state(self) -> State:
        self._wait()
        return self._final_state

    def result(self, timeout: Optional[float] = None, raise_on_failure: bool = True) -> Any:
        if not self._wait(timeout):
            raise TimeoutError(f"Task run {self.task_run_id} did not complete within {timeout} seconds")
        return self._final_state._result(raise_on_failure)

    def add_done_callback(self, fn: Callable[["PrefectFuture"], None]) -> None:
        with _CALLBACK_LOCK:
            if self._final_state is None:
                self._callbacks = (self._callbacks or []) + [fn]
                return
        fn(self)

    def _finish(self, state: State) -> None:
        with _CALLBACK_LOCK:
            if self._final_state is not None:  # its flow ended it first (see _FlowEngine._end_unfinished_tasks)
                return
            self._final_state = state
            callbacks, self._callbacks = self._callbacks, None
            if self._run.remote_ref is None:
                self._run = None  # a 100,000-item map keeps 100,000 finished futures: not their run records
        gate, self._gate = self._gate, None  # nor their locks (a waiter that read it first still wakes)
        gate.release()
        for fn in callbacks or ():
            try:
                fn(self)
            except Exception:
                logging.getLogger("orchestrator").exception("A future's done callback raised")

    def __repr__(self) -> str:
        return f"PrefectConcurrentFuture(task_run_id={self.task_run_id!r}, state={self.state})"

    def __hash__(self) -> int:
        return hash(self._task_run_id)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _TaskFuture) and other._task_run_id == self._task_run_id


_CALLBACK_LOCK = threading.Lock()


def _future_state(future: PrefectFuture) -> State:
    """A future's final state, waiting for it (any future: ours, or a user's subclass)."""
    if future.__class__ is _TaskFuture:
        return future._wait_state()
    future.wait()
    return future.state


def _resolve_futures(expr: Any, resolve: Callable[[PrefectFuture], Any]) -> Any:
    """``expr`` rebuilt with each future in it (in lists, tuples, sets, dicts' keys and values, named
    tuples and dataclasses, at any depth; not inside ``quote``) replaced by ``resolve(future)``, each
    future resolved once; ``expr`` itself when it holds none."""
    import dataclasses

    seen: dict = {}
    found = [False]

    def visit(value: Any) -> Any:
        cls = value.__class__
        if cls in _ATOMS or cls is quote:
            return value
        if isinstance(value, PrefectFuture):
            found[0] = True
            if id(value) not in seen:
                seen[id(value)] = (value, resolve(value))
            return seen[id(value)][1]
        if isinstance(value, PrefectFutureList):
            return [visit(v) for v in value]
        if isinstance(value, tuple) and hasattr(value, "_fields"):
            return cls(*(visit(v) for v in value))
        if isinstance(value, (list, tuple, set, frozenset)):
            return cls(visit(v) for v in value)
        if isinstance(value, dict):
            return cls((visit(k), visit(v)) for k, v in value.items())
        if _is_dataclass_instance(value):
            return cls(**{f.name: visit(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init})
        return value

    result = visit(expr)
    return result if found[0] else expr


def resolve_futures_to_states(expr: Any) -> Any:
    """``expr`` with every future in it (at any depth of built-in collections and dataclasses) replaced by
    its final state, waiting as needed; a ``PrefectFutureList`` becomes a plain list.

    Example: ``resolve_futures_to_states({"a": fut})`` gives ``{"a": Completed(...)}``.
    """
    return _resolve_futures(expr, _future_state)


def resolve_futures_to_results(expr: Any) -> Any:
    """:func:`resolve_futures_to_states`, with values instead of states; raises when a run did not
    complete."""

    def value(future: PrefectFuture) -> Any:
        if not _future_state(future).is_completed():
            raise Exception("At least one result did not complete successfully")
        return future.result()

    return _resolve_futures(expr, value)


class PrefectFutureList(list):
    """The list ``.map()`` returns: ``.wait()`` for all, ``.result()`` for all values in input order
    (the first failure raises as soon as it happens, even while earlier runs still go)."""

    def wait(self, timeout: Optional[float] = None) -> None:
        wait(self, timeout=timeout)

    def result(self, timeout: Optional[float] = None, raise_on_failure: bool = True) -> list:
        if all(f.__class__ is _TaskFuture and f._final_state is not None for f in self):
            return [f._final_state._result(raise_on_failure) for f in self]  # all done: nothing to wait for
        values: list = [None] * len(self)
        places: dict = {}  # id(future) -> (future, its places): the unfinished ones, each once
        for i, fut in enumerate(self):
            if fut.__class__ is _TaskFuture and fut._final_state is not None:  # most of a large map's, by now
                values[i] = fut._final_state._result(raise_on_failure)
            else:
                places.setdefault(id(fut), (fut, []))[1].append(i)
        try:
            for fut in _as_completed([fut for fut, _ in places.values()], timeout):
                value = fut.result(raise_on_failure=raise_on_failure)
                for i in places[id(fut)][1]:
                    values[i] = value
        except TimeoutError as exc:
            if not str(exc).endswith("futures unfinished"):
                raise  # a run's own TimeoutError
            raise TimeoutError(f"Timed out waiting for all futures to complete within {timeout} seconds") from None
        return values


class DoneAndNotDoneFutures(NamedTuple):
    done: set
    not_done: set


def wait(futures: Iterable[PrefectFuture], timeout: Optional[float] = None) -> DoneAndNotDoneFutures:
    """Wait for futures; returns ``(done, not_done)`` sets, and never raises on timeout.

    Example: ``done, not_done = wait(futures, timeout=5)``.
    """
    futures = set(futures)
    not_done = {f for f in futures if getattr(f, "_final_state", None) is None}
    if not not_done:
        return DoneAndNotDoneFutures(futures, set())
    if timeout is None:
        for fut in not_done:
            fut.wait()
        return DoneAndNotDoneFutures(futures, set())
    finished: list = []
    event = threading.Event()

    def mark(fut: PrefectFuture) -> None:
        finished.append(fut)
        event.set()

    for fut in not_done:
        fut.add_done_callback(mark)
    deadline = time.monotonic() + timeout
    while len(finished) < len(not_done):
        left = deadline - time.monotonic()
        if left <= 0 or not event.wait(left):
            break
        event.clear()
    pending = not_done - set(finished)
    return DoneAndNotDoneFutures(futures - pending, pending)


def as_completed(futures: Iterable[PrefectFuture], timeout: Optional[float] = None):
    """Yield futures as they finish; raises ``TimeoutError`` when ``timeout`` passes first.

    Example: ``for fut in as_completed(futures): print(fut.result())``.
    """
    return _as_completed(list(dict.fromkeys(futures)), timeout)


def _as_completed(futures: list, timeout: Optional[float]):
    """as_completed for a list of distinct futures."""
    import queue

    finished: queue.SimpleQueue = queue.SimpleQueue()
    for fut in futures:
        fut.add_done_callback(finished.put)
    deadline = None if timeout is None else time.monotonic() + timeout
    for count in range(len(futures)):
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        try:
            yield finished.get(timeout=left)
        except queue.Empty:
            raise TimeoutError(f"{len(futures) - count} (of {len(futures)}) futures unfinished") from None


class TaskRunner:
    """Runs submitted task runs; the flow's process records their states.

    A runner is a context manager. Inside a flow the engine uses the flow's runner; used directly
    (``with ThreadPoolTaskRunner() as r: r.submit(task, {"x": 1})``) it runs tasks in or outside a flow,
    as Prefect's runners do. ``duplicate()`` makes a fresh runner with the same settings for each flow
    run; runners with the same settings compare equal.
    """

    name = "base"
    remote = False  # True: submitted task bodies run elsewhere through execute()
    keeps_values = False  # True: values of tasks that do not persist their results stay where they ran
    _started = False

    def duplicate(self) -> "TaskRunner":
        return type(self)()

    def _settings(self) -> tuple:
        """What ``duplicate`` copies, and what equality compares."""
        return ()

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._settings() == self._settings()

    def __hash__(self) -> int:
        return hash((type(self), self._settings()))

    def execute(self, engine: Any) -> Any:
        """Run one attempt of a submitted task's body somewhere else; returns an _Attempt."""
        raise NotImplementedError

    def submit(self, task: "Task", parameters: dict, wait_for: Optional[Iterable] = None,
               dependencies: Optional[dict] = None) -> PrefectFuture:
        """Run ``task`` with ``parameters`` (a dict of its arguments) on this runner; returns its future at
        once. In a flow, the run belongs to the flow run; outside one, it is a run of its own.

        Example: ``with ThreadPoolTaskRunner() as r: r.submit(add, {"x": 1, "y": 2}).result()``.
        """
        if not self._started:
            raise RuntimeError("Task runner is not started")
        return _submit_task(_engine_view(task), dict(parameters), _wait_list(wait_for), self)

    def map(self, task: "Task", parameters: dict, wait_for: Optional[Iterable] = None) -> "PrefectFutureList":
        """Submit one run per element of the iterable values in ``parameters`` (others, and ``unmapped``
        ones, are given to every run); returns their futures in order."""
        if not self._started:
            raise RuntimeError("The task runner must be started before submitting work.")
        return _map_task(_engine_view(task), dict(parameters), _wait_list(wait_for), self)

    def _submit_call(self, call: Callable[[], Any]) -> None:
        """Run the zero-argument ``call`` (one task run, from start to final state) somewhere."""
        raise NotImplementedError

    def _admit(self) -> None:
        """Called before each new run is made for this runner: a runner may make the caller wait here."""

    def abandon(self) -> None:
        """Stop waiting for calls still running (a cancelled flow past its grace period)."""

    def __enter__(self) -> "TaskRunner":
        self._started = True
        return self

    def __exit__(self, *exc: Any) -> None:
        self._started = False


def _wait_list(wait_for: Optional[Iterable]) -> Optional[list]:
    """``wait_for`` as the engine keeps it: a list as given (not a copy: as in Prefect, futures added to it
    before the run starts are waited for too), anything else as a list."""
    return wait_for if wait_for is None or wait_for.__class__ is list else list(wait_for)


def _engine_view(task: Any) -> Any:
    if not isinstance(task, Task):
        raise TypeError(f"A task runner runs tasks (made with @task), not {type(task).__name__}")
    return task._engine_view()


class ThreadPoolTaskRunner(TaskRunner):
    """The default runner: submitted tasks run on a pool of threads in the flow's process.

    ``max_workers=None`` means ``$ORCHESTRATOR_TASK_RUNNER_MAX_WORKERS`` or 256. Threads start only when
    no idle one can take the work, and exiting the runner waits for every submitted call. Past the
    first, a thread starts only when the queued work stalls (see ``_watch``: threads waiting for the GIL
    are not stalled), and then their number doubles: short tasks run on one thread or a few (threads
    taking turns at the GIL make a map of no-op tasks slower), blocking ones on as many as they need
    within a few tens of milliseconds.

    >>> ThreadPoolTaskRunner(max_workers=4).max_workers
    4
    """

    name = "threadpool"

    def __init__(self, max_workers: Optional[int] = None) -> None:
        if max_workers is None:
            max_workers = _setting("ORCHESTRATOR_TASK_RUNNER_MAX_WORKERS")
        if max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        self.max_workers = max_workers
        self._queue: Any = None
        self._threads: list = []
        self._idle = 0
        self._lock = threading.Lock()
        self._abandoned = False
        self._finished = 0  # calls done, which the stall watcher reads
        self._watching = False
        self._closing = False  # __exit__ has queued the threads' stop signals: the watcher adds no threads

    def duplicate(self) -> "ThreadPoolTaskRunner":
        return type(self)(self.max_workers)

    def _settings(self) -> tuple:
        return (self.max_workers,)

    def _submit_call(self, call: Callable[[], Any]) -> None:
        if self._queue is None:
            import queue

            self._queue = queue.SimpleQueue()
        self._queue.put((contextvars.copy_context(), call))
        with self._lock:
            if len(self._threads) >= self.max_workers:
                return
            if len(self._threads) >= _EAGER_THREADS:  # past the first, the watcher decides
                if not self._watching:
                    self._watching = True
                    threading.Thread(target=self._watch, name="orchestrator-pool", daemon=True).start()
                return
            if self._idle >= self._queue.qsize():  # threads wait for work: they take what is queued
                return
        self._start_threads(1)

    def _admit(self) -> None:
        """A flow that queues more than _QUEUE_LIMIT runs at once waits here until the queue drains to 90%
        of that, so a 100,000-item map holds at most that many runs that have not started (each holds
        about 2 KB until it runs). Calls from the pool's own threads never wait: they would wait on
        themselves."""
        queue = self._queue
        if queue is None or queue.qsize() < _QUEUE_LIMIT or threading.current_thread() in self._threads:
            return
        while queue.qsize() >= _QUEUE_LIMIT * 0.9 and not self._abandoned and queue is self._queue:
            time.sleep(0.002)

    def _start_threads(self, n: int) -> None:
        started = []
        with self._lock:
            for _ in range(min(n, self.max_workers - len(self._threads))):
                thread = threading.Thread(target=self._work, name=f"orchestrator-task-{len(self._threads)}",
                                          daemon=True)
                self._threads.append(thread)
                started.append(thread)
            self._idle += len(started)
        for thread in started:
            thread.start()

    def _watch(self) -> None:
        """While calls wait in the queue, every 5 ms: when the threads block (I/O, sleeps, waits on other
        tasks), double them, up to ``max_workers``. They block when no call finished in the last 5 ms while
        the process used less than half a core, or when it used less than 0.4 of a core over the last 20 ms
        (calls that each block for a moment: a thread finishes one every few ms, yet waits most of the time).
        Where the kernel tells (``_cpu_wants``), threads that other processes keep from a CPU are not
        blocked: the stall must last two ticks with no thread running or runnable for most of the second."""
        queue, empty, seen, recent = self._queue, 0, -1, collections.deque([time.process_time()], 5)
        suspect = None  # the threads' _cpu_wants and when, read when the last tick looked stalled
        while True:
            time.sleep(0.005)
            now = time.process_time()
            used = now - recent[-1]
            recent.append(now)
            with self._lock:
                empty = empty + 1 if queue.qsize() == 0 else 0
                # it lingers for 50 ms with nothing queued: calls submitted one by one reuse it
                if queue is not self._queue or empty >= 10 or len(self._threads) >= self.max_workers \
                        or self._closing:  # the stop signals queued are not work
                    self._watching = False
                    return
                # threads waiting on a commit are not stalled: the database is working for them; nor are
                # threads waiting for the GIL while a busy thread (the flow submitting a large map) holds
                # it: the process then used most of a core meanwhile, and more threads would only wait too
                stalled = (self._finished == seen and used < 0.0025
                           or len(recent) == 5 and now - recent[0] < 0.008) \
                    and not any(st.committing for st in list(_STORES.values()))
                seen = self._finished
            if stalled:
                # nor are threads that other processes keep from a CPU (a loaded machine): where the kernel
                # tells (Linux), a stall counts when the next tick looks stalled too and meanwhile no thread
                # was running or waiting to run for most of it (a thread that holds the GIL, say)
                wants, at = _cpu_wants(), time.monotonic()
                if wants is not None:
                    stalled = suspect is not None and max(
                        (ns - suspect[0].get(tid, 0) for tid, ns in wants.items()), default=0) \
                        < 0.8e9 * (at - suspect[1])
                    suspect = (wants, at)
            else:
                suspect = None
            grow = min(len(self._threads), queue.qsize()) if stalled else 0
            if grow:
                suspect = None
                recent.clear()  # the new threads' effect is judged afresh
                recent.append(now)
                self._start_threads(grow)

    def _work(self) -> None:
        queue = self._queue
        while True:
            item = queue.get()
            if item is None:
                return
            with self._lock:  # _idle: the threads not running a call
                self._idle -= 1
            ctx, call = item
            try:
                ctx.run(call)
            except BaseException:  # the engine records task errors; this is a last resort
                logging.getLogger("orchestrator").exception("A task runner call failed")
            with self._lock:
                self._idle += 1
                self._finished += 1

    def abandon(self) -> None:
        """Stop waiting for running calls (a cancelled flow past its grace period); queued ones still
        start, see the cancellation, and end at once."""
        self._abandoned = True

    def __exit__(self, *exc: Any) -> None:
        self._started = False
        if self._queue is not None:
            with self._lock:
                self._closing = True
                count = len(self._threads)
            for _ in range(count):  # one stop signal (None) for each thread
                self._queue.put(None)
            while not self._abandoned:
                with self._lock:
                    alive = [thread for thread in self._threads if thread.is_alive()]
                if not alive:
                    break
                alive[0].join(0.25)
                if alive[0].is_alive() and self._queue.qsize() == 0:
                    # a thread started since (for a call a running task submitted) took a signal: one more
                    self._queue.put(None)
            self._threads, self._queue, self._idle, self._closing = [], None, 0, False


def _cpu_wants() -> Optional[dict]:
    """For each of this process's threads but the calling one, the nanoseconds it has spent running or
    runnable yet waiting for a CPU (Linux's per-thread schedstat); None where the kernel does not say."""
    me, wants = str(threading.get_native_id()), {}
    try:
        tids = os.listdir("/proc/self/task")
    except OSError:
        return None
    for tid in tids:
        if tid != me:
            try:
                with open(f"/proc/self/task/{tid}/schedstat", "rb") as fh:
                    ran, waited = fh.read().split()[:2]
                wants[tid] = int(ran) + int(waited)
            except (OSError, ValueError):  # a thread that ended meanwhile
                continue
    return wants


ConcurrentTaskRunner = ThreadPoolTaskRunner
_EAGER_THREADS = 1  # threads a ThreadPoolTaskRunner starts without waiting to see its work stall
_QUEUE_LIMIT = 2_000  # runs a ThreadPoolTaskRunner holds queued before a flow's submissions wait


# == 12. Process and Dask task runners ====================================================================


class _WorkerLost(Exception):
    """The process running a task's body died (or a Dask worker was lost) before it answered."""


def _task_payload(engine: Any, by_value: bool = False, arguments: Optional[dict] = None,
                  guard: bool = False) -> bytes:
    """What a worker needs to run one attempt: the function (by reference, or by value through
    cloudpickle for closures and lambdas), the resolved arguments (or ``arguments``, where upstream
    values are placeholders), and the run's identity; with ``guard``, the database path that lets a
    worker recognise a recomputation (see ``_recorded_outcome``)."""
    task = engine.task
    owner = getattr(task, "_task", task)
    fn = owner.fn
    qualname, module = getattr(fn, "__qualname__", ""), getattr(fn, "__module__", None)
    if by_value or "<locals>" in qualname or "<lambda>" in qualname or module is None:
        fn_ref = owner.__dict__.get("_fn_by_value")
        if fn_ref is None:  # pickled once per task, not once per call
            try:
                import cloudpickle
            except ImportError:
                raise OrchestratorError(f"Task {task.name!r} is a closure or a lambda; running it in another "
                                        f"process needs cloudpickle (pip install cloudpickle)") from None
            fn_ref = owner._fn_by_value = ("value", cloudpickle.dumps(fn))
    else:
        fn_ref = ("ref", module, qualname)
    run = engine.run
    info = {"id": run.id, "name": run.name, "task_name": task.name, "task_key": run.task_key,
            "flow_run_id": run.flow_run_id, "tags": sorted(run.tags), "run_count": run.run_count,
            "log_prints": engine.log_prints, "level": _log_level(), "db": engine.store.path if guard else None,
            **{opt.name: getattr(task, opt.attr or opt.name) for opt in _TASK_OPTIONS if opt.remote}}
    try:
        return pickle.dumps((fn_ref, engine.resolved if arguments is None else arguments, info), protocol=5)
    except MissingResult:  # an upstream value left on a Dask cluster is gone
        raise
    except Exception as exc:
        raise OrchestratorError(f"The task's arguments could not be pickled for another process: "
                                f"{type(exc).__name__}: {exc}") from None


def _resolve_fn(fn_ref: tuple) -> Callable:
    if fn_ref[0] == "value":
        fn = _REMOTE_FNS.get(fn_ref[1])
        if fn is None:
            if len(_REMOTE_FNS) >= 256:
                _REMOTE_FNS.clear()
            fn = _REMOTE_FNS[fn_ref[1]] = pickle.loads(fn_ref[1])
        return fn
    import importlib

    _, module, qualname = fn_ref
    if module == "__main__":
        mod = sys.modules.get("__mp_main__") or sys.modules["__main__"]
    else:
        mod = sys.modules.get(module) or importlib.import_module(module)
    obj: Any = mod
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj.fn if isinstance(obj, Task) else obj


class _LeftOnCluster:
    """From a worker, in place of a value that stays on the Dask cluster (the class itself is the sign)."""


def _outcome_meta(outcome: tuple) -> tuple:
    """On a worker: a run's outcome without its value, for a task whose result is not persisted."""
    value, exc, records, timed_out, seconds = outcome
    kept = value if exc is not None or timed_out or isinstance(value, State) else _LeftOnCluster
    return kept, exc, records, timed_out, seconds


class _RemoteValue:
    """A completed task's value left on the Dask cluster (the task does not persist its result).

    The flow's process fetches it the first time something needs it there (``.result()``, or a task
    that runs in the flow's process); tasks on the cluster get it from the workers. After the flow
    run's cluster closes, an unfetched value is gone: ``MissingResult`` says so.
    """

    __slots__ = ("future", "task_run_id", "_value")

    def __init__(self, future: Any, task_run_id: str) -> None:
        self.future, self.task_run_id, self._value = future, task_run_id, _NO_DATA

    def get(self) -> Any:
        if self._value is _NO_DATA:
            try:
                value, exc = self.future.result()[:2]
            except Exception as error:
                exc = error
            if exc is not None:
                raise MissingResult(f"The value of task run {self.task_run_id} stayed on the Dask cluster and "
                                    f"could not be fetched ({type(exc).__name__}: {exc}); the cluster closes "
                                    f"with the flow run. Use persist_result=True to keep it.") from None
            self._value = value
        return self._value

    def __reduce__(self) -> tuple:
        return _identity, (self.get(),)

    def __repr__(self) -> str:
        return f"<value of task run {self.task_run_id} on the Dask cluster>"


def _identity(value: Any) -> Any:
    return value


class _UpstreamLost(Exception):
    """From a worker: the values of these upstream runs are gone from the cluster."""

    def __init__(self, indexes: list) -> None:
        super().__init__(indexes)
        self.indexes = indexes


class _Upstream:
    """In a payload sent to Dask: where the value of the n-th upstream Dask future goes."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index

    def __reduce__(self) -> tuple:
        return _Upstream, (self.index,)


def _swap_upstream(given: Any, resolved: Any, refs: list) -> Any:
    """``resolved`` with each value that came from a future whose data is on the cluster replaced by an
    ``_Upstream`` placeholder; (that data's Dask future, its task run) is appended to ``refs``. Walks the
    arguments as given (futures, in lists, tuples and dicts) beside their resolved values."""
    cls = given.__class__
    if cls is _TaskFuture:
        ref = given._run.remote_ref if given._run is not None else None
        if ref is None or given._final_state is None or given._final_state.type is not _COMPLETED:
            return resolved
        refs.append((ref, given._run))
        return _Upstream(len(refs) - 1)
    if cls is unmapped:
        return _swap_upstream(given.value, resolved, refs)
    if cls in (list, tuple, PrefectFutureList) and resolved.__class__ in (list, tuple) and len(given) == len(resolved):
        return resolved.__class__(_swap_upstream(g, r, refs) for g, r in zip(given, resolved))
    if cls is dict and resolved.__class__ is dict and given.keys() == resolved.keys():
        return {k: _swap_upstream(v, resolved[k], refs) for k, v in given.items()}
    return resolved


def _fill_upstream(value: Any, values: list) -> Any:
    """In a worker: the arguments with each ``_Upstream`` placeholder replaced by its value."""
    cls = value.__class__
    if cls is _Upstream:
        return values[value.index]
    if cls in (list, tuple):
        return cls(_fill_upstream(v, values) for v in value)
    if cls is dict:
        return {k: _fill_upstream(v, values) for k, v in value.items()}
    return value


_REMOTE_RECORDS: contextvars.ContextVar = contextvars.ContextVar("orchestrator_remote_records", default=None)
_REMOTE_FNS: dict = {}  # in a worker: functions that came by value, unpickled once


class _CollectHandler(logging.Handler):
    """In a worker: keeps each task's log records, in that task's context, to send back to the flow."""

    def emit(self, record: logging.LogRecord) -> None:
        sink = _REMOTE_RECORDS.get()
        if sink is not None and record.levelno >= sink[0]:
            sink[1].append((record.levelno, record.getMessage(), record.created))


def _remote_logger() -> logging.Logger:
    """In a worker: the one logger every task's run logger writes to."""
    logger = logging.getLogger("orchestrator.remote")
    if not any(isinstance(h, _CollectHandler) for h in logger.handlers):
        logger.handlers, logger.propagate = [_CollectHandler()], False
        logger.setLevel(1)
    return logger


_GUARDS = threading.local()  # in a worker: read-only stores of flows' databases, by path


def _recorded_outcome(info: dict) -> Optional[tuple]:
    """In a Dask worker: when this attempt's run is already recorded as finished, its recorded outcome.

    Dask recomputes a value that was lost with its worker while the flow still holds its future (for
    a later task). The body must not run again unrecorded: where the flow's database is reachable (the
    same machine), the recorded result stands in; elsewhere Dask's recomputation runs the body.
    """
    path = info.get("db")
    if not path or not os.path.exists(path):
        return None
    try:
        store = _GUARDS.__dict__.get(path) or _GUARDS.__dict__.setdefault(path, _Store(path, readonly=True))
        row = store.task_outcome(info["id"])
    except (StoreError, apsw.Error):
        return None
    if not row or row[0] not in _FINAL_TYPES or row[1] < info["run_count"]:
        return None
    state_type, _, blob, serializer, result_path = row
    if state_type == "COMPLETED" and (blob is not None or result_path):
        return _load(blob, serializer, result_path, store.results_dir), None, [], False, 0.0
    return None, MissingResult(f"Task run {info['id']} already finished ({state_type}) and its result was not "
                               f"persisted; Dask lost the value with a worker"), [], False, 0.0


def _run_remote(payload: bytes, upstream: Optional[list] = None) -> tuple:
    """In a worker process: run one attempt of a task body; returns (value, exception, log records,
    timed out, seconds the body took). The task's timeout runs here, around the body only, not while
    the attempt waits in a queue on its way to a worker.

    ``upstream`` holds the outcomes of upstream runs that Dask passed from worker to worker; their
    values replace the ``_Upstream`` placeholders in the arguments.
    """
    fn_ref, kwargs, info = pickle.loads(payload)
    recorded = _recorded_outcome(info)
    if recorded is not None:
        return recorded
    if upstream:
        lost = [i for i, outcome in enumerate(upstream) if outcome[1] is not None]
        if lost:  # values Dask lost with a worker and could not bring back: the flow sends them instead
            return None, _UpstreamLost(lost), [], False, 0.0
        kwargs = _fill_upstream(kwargs, [outcome[0] for outcome in upstream])
    records: list = []
    records_token = _REMOTE_RECORDS.set((info["level"], records))
    run = TaskRun(info["id"], info["name"], info["task_key"], info["flow_run_id"], State(_RUNNING), kwargs,
                  tags=set(info["tags"]))
    run.run_count = info["run_count"]
    adapter = _RunLogger(_remote_logger(), {"flow_run_id": info["flow_run_id"], "task_run_id": info["id"],
                                            "run_label": f"Task run {info['name']!r}", "store": None})
    token = _TASK_CTX.set(TaskRunContext(task=_RemoteTaskInfo(info["task_name"]), task_run=run, parameters=kwargs,
                                         log_prints=info["log_prints"], logger=adapter))
    if info["log_prints"]:
        _patch_print()
    started = time.perf_counter()
    try:
        value, exc, timed_out = _call_sync(_resolve_fn(fn_ref), (), kwargs, info["timeout_seconds"])
    except Exception as error:  # the function could not be found or unpickled here
        value, exc, timed_out = None, error, False
    finally:
        _TASK_CTX.reset(token)
        _REMOTE_RECORDS.reset(records_token)
    if not isinstance(exc, Exception):  # a BaseException such as KeyboardInterrupt or SystemExit
        exc = None if exc is None else RuntimeError(f"{type(exc).__name__}: {exc}")
    try:
        pickle.dumps(exc)
    except Exception:
        exc = RuntimeError(f"{type(exc).__name__}: {exc}")
    return value, exc, records, timed_out, time.perf_counter() - started


def _run_pack(payloads: list) -> list:
    """On a Dask worker: several short attempts, one after another, as one Dask task."""
    return [_run_remote(payload) for payload in payloads]


class _RemoteTaskInfo:
    """What ``TaskRunContext.task`` offers inside a worker (the name; the Task object stays home)."""

    def __init__(self, name: str) -> None:
        self.name = name


def _attempt_from_remote(engine: Any, outcome: tuple) -> Any:
    value, exc, records, timed_out, _ = outcome
    for level, message, _ in records:
        engine.logger.log(level, message)
    return _Attempt(value, exc, timed_out)


class ProcessPoolTaskRunner(ThreadPoolTaskRunner):
    """Submitted tasks run in worker processes (spawned); the flow's process records every state.

    Task functions go by reference (closures and lambdas by value, with cloudpickle); arguments and
    results must pickle. ``max_workers=None`` means the number of CPUs::

        @flow(task_runner=ProcessPoolTaskRunner(max_workers=4))
        def crunch(): ...
    """

    name = "processpool"
    remote = True

    def __init__(self, max_workers: Optional[int] = None) -> None:
        self.processes = max_workers or os.cpu_count() or 1
        super().__init__(self.processes + 2)  # threads that orchestrate (and wait); bodies run in processes
        self._pool: Any = None
        self._pool_lock = threading.Lock()

    def duplicate(self) -> "ProcessPoolTaskRunner":
        return type(self)(self.processes)

    def _settings(self) -> tuple:
        return (self.processes,)

    def _executor(self) -> Any:
        with self._pool_lock:
            if self._pool is None:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                self._pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"))
            return self._pool

    def execute(self, engine: Any) -> Any:
        from concurrent.futures import TimeoutError as FutureTimeout
        from concurrent.futures.process import BrokenProcessPool

        try:
            payload = _task_payload(engine)
        except OrchestratorError as exc:
            return _Attempt(None, exc, False)
        pool = self._executor()
        future = pool.submit(_run_remote, payload)
        try:
            while True:  # the worker times the body out; this wakes now and then so a cancelled flow interrupts
                try:
                    return _attempt_from_remote(engine, future.result(0.25))
                except FutureTimeout:
                    continue
        except BrokenProcessPool as exc:
            with self._pool_lock:
                if self._pool is pool:  # a worker died: later tasks get a fresh pool
                    self._pool = None
            return _Attempt(None, _WorkerLost(f"The worker process running this task died ({exc})."), False)

    def __exit__(self, *exc: Any) -> None:
        super().__exit__(*exc)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class _DaskTicket:
    """One attempt on its way to the cluster and back: the engine's thread waits on ``gate``."""

    __slots__ = ("key", "payload", "upstream", "lazy", "short", "slot", "gate", "future", "watch", "outcome",
                 "abandoned")

    def __init__(self, key: str, payload: bytes, upstream: list, lazy: bool, short: bool = False) -> None:
        self.key, self.payload, self.upstream, self.lazy, self.short = key, payload, upstream, lazy, short
        self.slot: Optional[int] = None  # its place in a pack of short attempts run as one Dask task
        self.gate = threading.Lock()
        self.gate.acquire()
        self.future: Any = None  # the run's outcome on the cluster
        self.watch: Any = None  # what comes back: the outcome, or for a lazy ticket the outcome without its value
        self.outcome: Any = None  # ("ok", remote outcome) or ("error", exception)
        self.abandoned = False

    def settle(self, outcome: tuple) -> None:
        if self.outcome is None:
            self.outcome = outcome
            self.gate.release()


# Settings for the LocalCluster a DaskTaskRunner starts itself. A task whose worker dies is not re-run by
# Dask behind the engine's back (the engine retries it, recorded, when it has retries, else records it
# Crashed). The rest quiet the housekeeping timers of a cluster that shares the flow's machine: without a
# dashboard nobody reads the workers' profiles, and an event-loop tick every 20 ms, a system monitor every
# 0.5 s and a memory check every 0.1 s cost an idle 2-worker cluster about 5% of two cores. Each of these
# applies only while the user's Dask configuration holds Dask's own default for it.
_LOCAL_CLUSTER_CONFIG = {
    "distributed.scheduler.allowed-failures": 0,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "500ms",
}


def _local_cluster_config() -> Any:
    """``dask.config.set`` of the settings above that the user has left at Dask's defaults."""
    import dask
    import distributed  # noqa: F401 - its import adds its defaults to Dask's configuration

    defaults = dask.config.merge(*dask.config.defaults)
    return dask.config.set({key: value for key, value in _LOCAL_CLUSTER_CONFIG.items()
                            if dask.config.get(key, None) == dask.config.get(key, None, config=defaults)})


class DaskTaskRunner(ThreadPoolTaskRunner):
    """Submitted tasks run on a dask.distributed cluster (``pip install 'orchestrator[dask]'``); the
    flow's process records every state. Without ``address`` a LocalCluster is started for each flow
    run; with one, it connects to a running scheduler::

        @flow(task_runner=DaskTaskRunner(address="tcp://127.0.0.1:8786"))
        def crunch(): ...

    Attempts go to the cluster in batches (one ``client.map`` for all that are ready) and come back in
    batches (one ``client.gather`` for all that finished), from one dispatching and one collecting
    thread. A future passed to another task goes as its Dask future: the value moves from worker to
    worker, not through the flow's process.
    """

    name = "dask"
    remote = True
    keeps_values = True  # a task that does not persist its result leaves its value on the cluster
    batch_window = 0.01  # seconds a submission waits for company while the cluster has work queued
    gather_window = 0.1  # seconds a finished result may wait for company while many are in flight
    short_task = 0.05  # seconds: a task whose bodies take less than this on average may be packed
    max_pack = 8  # short attempts run as one Dask task, at most, while the cluster is saturated

    def __init__(self, address: Optional[str] = None, cluster_class: Any = None,
                 cluster_kwargs: Optional[dict] = None, client_kwargs: Optional[dict] = None,
                 adapt_kwargs: Optional[dict] = None) -> None:
        super().__init__(_setting("ORCHESTRATOR_DASK_ORCHESTRATION_THREADS"))
        self.address, self.cluster_class = address, cluster_class
        self.cluster_kwargs, self.client_kwargs = dict(cluster_kwargs or {}), dict(client_kwargs or {})
        self.adapt_kwargs = adapt_kwargs
        self.client: Any = None
        self._cluster: Any = None
        self._outbox: Any = None  # tickets to submit
        self._inbox: Any = None  # tickets whose Dask future finished
        self._pumps: list = []
        self._in_flight = 0  # submitted and not yet brought back, as the collector last counted
        self._durations: dict = {}  # task key -> (bodies timed, their total seconds)
        self._threads_at = (0, 0.0)  # (worker threads in the cluster, when counted)

    def duplicate(self) -> "DaskTaskRunner":
        return type(self)(*self._settings())

    def _settings(self) -> tuple:
        return self.address, self.cluster_class, self.cluster_kwargs, self.client_kwargs, self.adapt_kwargs

    def __enter__(self) -> "DaskTaskRunner":
        try:
            import distributed
        except ImportError:
            raise OrchestratorError("DaskTaskRunner needs dask.distributed: pip install 'orchestrator[dask]'") from None
        try:
            if self.address:
                self.client = distributed.Client(self.address, **{"timeout": 10, **self.client_kwargs})
            else:
                if self.cluster_class is None:  # LocalCluster's defaults here: worker processes, no dashboard
                    with _local_cluster_config():
                        self._cluster = distributed.LocalCluster(**{"processes": True, "dashboard_address": None,
                                                                    **self.cluster_kwargs})
                else:
                    self._cluster = self.cluster_class(**self.cluster_kwargs)
                if self.adapt_kwargs:
                    self._cluster.adapt(**self.adapt_kwargs)
                self.client = distributed.Client(self._cluster, **self.client_kwargs)
        except (OSError, TimeoutError) as exc:
            self._close()
            raise OrchestratorError(f"Could not reach the Dask scheduler at {self.address or 'a local cluster'}: "
                                    f"{exc}") from None
        import queue

        self._outbox, self._inbox = queue.SimpleQueue(), queue.SimpleQueue()
        self._pumps = [threading.Thread(target=pump, name=f"orchestrator-dask-{pump.__name__[1:]}", daemon=True)
                       for pump in (self._dispatch, self._collect)]
        for thread in self._pumps:
            thread.start()
        self._started = True
        return self

    def execute(self, engine: Any) -> Any:
        run, refs = engine.run, []
        arguments = {name: _swap_upstream(engine.parameters[name], value, refs)
                     for name, value in engine.resolved.items()} if run.task_inputs else None
        for attempt in ("via the cluster", "by value"):
            try:
                payload = _task_payload(engine, by_value=True, arguments=arguments, guard=True)
            except OrchestratorError as exc:
                return _Attempt(None, exc, False)
            timed, total = self._durations.get(run.task_key, (0, 0.0))
            short = timed >= 8 and total / timed < self.short_task and engine.persist and not refs
            ticket = _DaskTicket(f"{run.name}-{run.id}-{run.run_count}-{attempt[0]}", payload,
                                 [ref for ref, _ in refs], lazy=not engine.persist, short=short)
            self._outbox.put(ticket)
            try:  # the worker times the body out; waiting in the cluster's queue does not count
                _acquire_interruptibly(ticket.gate)
            except BaseException:
                ticket.abandoned = True
                for future in {id(f): f for f in (ticket.future, ticket.watch) if f is not None}.values():
                    future.cancel()
                raise
            kind, outcome = ticket.outcome
            if kind == "error":
                return _Attempt(None, outcome, False)
            if not isinstance(outcome[1], _UpstreamLost):
                break
            for index in outcome[1].indexes:  # Dask lost these values: send every upstream value from here
                refs[index][1].remote_ref = None
            arguments, refs = None, []
        timed, total = self._durations.get(run.task_key, (0, 0.0))
        self._durations[run.task_key] = (timed + 1, total + outcome[4])
        if outcome[1] is None and ticket.slot is None:
            run.remote_ref = ticket.future  # downstream tasks take the value from the cluster
        if outcome[0] is _LeftOnCluster:
            outcome = (_RemoteValue(ticket.future, run.id),) + tuple(outcome[1:])
        return _attempt_from_remote(engine, outcome)

    @staticmethod
    def _drain(box: Any, first: Any) -> list:
        import queue

        batch = [first]
        while True:
            try:
                batch.append(box.get_nowait())
            except queue.Empty:
                return batch

    def _dispatch(self) -> None:
        """Submit what is ready as one batch: ``client.map`` for plain attempts, ``submit`` with futures."""
        outbox, inbox, client = self._outbox, self._inbox, self.client
        while True:
            first = outbox.get()
            if self._in_flight >= 8:  # the cluster has work queued: wait a moment to submit a bigger batch
                time.sleep(self.batch_window)
            batch = self._drain(outbox, first)
            live = [t for t in batch if t is not None and not t.abandoned]
            packs = self._packs([t for t in live if t.short])
            packed = {id(t) for pack in packs for t in pack}
            plain = [t for t in live if not t.upstream and id(t) not in packed]
            chained = [t for t in live if t.upstream]
            try:
                futures = client.map(_run_remote, [t.payload for t in plain], key=[t.key for t in plain],
                                     pure=False) if plain else []
                futures += [client.submit(_run_remote, t.payload, t.upstream, key=t.key, pure=False)
                            for t in chained]
                pack_futures = client.map(_run_pack, [[t.payload for t in p] for p in packs],
                                          key=[f"pack-{p[0].key}" for p in packs], pure=False) if packs else []
            except Exception as exc:  # a closed client, or a payload Dask refused
                for ticket in live:
                    ticket.settle(("error", exc))
                futures = pack_futures = []
            for ticket, future in zip(plain + chained, futures):
                ticket.future = ticket.watch = future
            for pack, future in zip(packs, pack_futures):
                for slot, ticket in enumerate(pack):
                    ticket.future, ticket.watch, ticket.slot = future, future, slot
            plain += [t for pack in packs for t in pack]
            lazy = [t for t in plain + chained if t.lazy and t.future is not None]
            if lazy:
                try:
                    metas = client.map(_outcome_meta, [t.future for t in lazy], key=[f"{t.key}-meta" for t in lazy],
                                       pure=False)
                except Exception as exc:
                    for ticket in lazy:
                        ticket.settle(("error", exc))
                    metas = []
                for ticket, meta in zip(lazy, metas):
                    ticket.watch = meta
            for ticket in plain + chained:
                if ticket.outcome is None and ticket.future is not None:
                    inbox.put(ticket)
            if None in batch:
                inbox.put(None)
                return

    def _packs(self, short: list) -> list:
        """Short attempts grouped to run as one Dask task each, while the cluster has more than four
        attempts queued per worker thread (Dask's own cost per task is about as large as a short body).
        With the cluster not saturated, none are grouped: every attempt gets a worker of its own."""
        if len(short) < 2:
            return []
        threads, counted = self._threads_at
        if time.monotonic() - counted > 2:
            try:
                threads = sum(self.client.nthreads().values())
            except Exception:
                threads = 0
            self._threads_at = threads, time.monotonic()
        size = min(self.max_pack, -(-(self._in_flight + len(short)) // (4 * max(threads, 1))))
        if threads == 0 or size < 2:
            return []
        count = -(-len(short) // size)  # as few packs as the size allows, their sizes as even as can be
        packs = [short[i::count] for i in range(count)]
        return [pack for pack in packs if len(pack) > 1]

    def _collect(self) -> None:
        """Bring back what finished in batches, one ``client.gather`` each; failures one by one.

        It looks at the submitted futures every few milliseconds (a done-callback per future costs the
        client's event loop more than the look). With one in flight it gathers at once; with more, when
        half of them have finished or ``gather_window`` has passed, whichever is first.
        """
        import queue

        inbox, client = self._inbox, self.client
        pending: list = []
        stopping, delay, last = False, 0.002, time.monotonic()
        while True:
            try:
                first = inbox.get(timeout=delay) if pending else inbox.get()
            except queue.Empty:
                first = False
            for ticket in self._drain(inbox, first):
                if ticket is None:
                    stopping = True
                elif ticket is not False:
                    pending.append(ticket)
            self._in_flight = len(pending)
            finished = [t for t in pending if t.watch.status != "pending" or t.abandoned]
            if stopping and len(finished) == len(pending):
                self._settle(finished, client)
                return
            if not finished or (len(finished) * 2 < len(pending) and time.monotonic() - last < self.gather_window):
                delay = min(delay * 2, 0.05) if not finished else 0.01
                continue
            self._settle(finished, client)
            done = set(map(id, finished))
            pending = [t for t in pending if id(t) not in done]
            self._in_flight = len(pending)
            delay, last = 0.002, time.monotonic()

    def _settle(self, finished: list, client: Any) -> None:
        live = [t for t in finished if not t.abandoned]
        done = [t for t in live if t.watch.status == "finished"]
        if done:
            futures = list({id(t.watch): t.watch for t in done}.values())  # a pack is one future for many
            try:
                outcomes = dict(zip(map(id, futures), client.gather(futures)))
            except Exception:  # a value went missing between finishing and gathering
                outcomes = None
            if outcomes is not None:
                for ticket in done:
                    outcome = outcomes[id(ticket.watch)]
                    ticket.settle(("ok", outcome if ticket.slot is None else outcome[ticket.slot]))
        for ticket in live:
            if ticket.outcome is None:
                ticket.settle(("error", self._failure(ticket.watch)))

    @staticmethod
    def _failure(future: Any) -> BaseException:
        """Why a Dask future did not bring back an outcome: a lost worker, a cancellation, or an error."""
        if future.status == "cancelled":
            return _WorkerLost("The Dask task was cancelled (its worker or the scheduler went away).")
        try:
            exc = future.exception(timeout=10)
        except Exception as error:
            exc = error
        if type(exc).__name__ == "KilledWorker":
            return _WorkerLost(f"The Dask worker running this task died ({exc}).")
        return exc if isinstance(exc, BaseException) else RuntimeError(f"The Dask task failed: {exc!r}")

    def __exit__(self, *exc: Any) -> None:
        super().__exit__(*exc)
        if self._pumps:
            self._outbox.put(None)
            self._pumps[0].join(30)
            self._inbox.put(None)  # the dispatcher passes its stop on; this one covers a dispatcher that died
            self._pumps[1].join(30)
            self._pumps = []
        self._close()

    def _close(self) -> None:
        for thing in (self.client, self._cluster):
            if thing is not None:
                with contextlib.suppress(Exception):
                    thing.close()
        self.client = self._cluster = None


# == 13. Task engine: arguments, timeouts and retries =====================================================

_RESERVED = ("return_state", "wait_for")
_BANNED_NAME_CHARS = ("/", "%", "&", ">", "<")
# Run names: adjective-noun, 650 x 582 = 378,300 of them (Prefect's coolname slugs give 370,170)
_ADJECTIVES = tuple("""
    able absolute abstract academic adept adorable adventurous affable agile airy alert alive amazing
    amber amiable ample amused ancient angelic animated antique apricot aquatic arctic ardent aromatic
    artful artistic astute athletic atomic attentive auburn august auspicious authentic autumn avid
    awake aware azure balanced balmy bashful beaming beautiful beige benevolent best big bittersweet
    blazing blessed blissful blithe blond blue blushing bold bony boreal bouncy boundless brainy brave
    breezy brief bright brilliant brisk bronze brotherly bubbly buoyant burly bustling busy buttery calm
    candid canny capable capital carefree careful caring cautious celestial celadon certain charming
    cheerful cherry chief chipper chivalrous chromatic chunky cinnamon civic civil classic clean clear
    clever cloudy coastal cobalt cocoa colossal comfy comic compact competent complete composed concise
    confident congenial content cool copper coral cordial cosmic cosy courageous courteous cozy crafty
    creamy creative crimson crisp crystal cuddly cultured cunning curious curly cyan dainty dancing
    dandy dapper daring dashing dazzling dear decent decisive dedicated deep deft delicate delightful
    demure dependable descriptive determined devoted dexterous diligent dimpled diplomatic direct
    discreet distinct divine dizzy docile dotted dreamy driven dual dusky dutiful dynamic eager earnest
    earthy easy eccentric ecstatic educated efficient elastic elated electric elegant elemental eloquent
    emerald eminent enchanted endless energetic engaging enormous enthusiastic epic equable equal
    esteemed eternal ethereal even evergreen exact excellent excited exotic expert exquisite extra
    exuberant fabulous fair faithful famous fancy fantastic far fast fearless feathered festive fiery
    fine firm first fit flawless fleet flexible floral fluent fluffy flying focused fond formal
    fortunate fragrant frank free fresh friendly frosty frugal fun funny futuristic gallant game gentle
    genuine giant gifted giving glad glamorous gleaming glistening global glorious glossy glowing golden
    good gorgeous graceful gracious grand grateful great green gregarious groovy grounded growing
    guiding gusty handsome handy happy hardy harmonious hazel healthy hearty heavenly helpful heroic
    hidden high hilarious hip holistic honest honeyed hopeful hospitable huge humble humorous hushed
    hyper icy ideal idyllic illustrious imaginative immense impartial impeccable important impressive
    indigo industrious infinite ingenious innocent inquisitive inspired intense intrepid inventive
    invincible iridescent ivory jade jaunty jazzy jolly jovial joyful joyous jubilant judicious jumbo
    just keen kind kindly kinetic knowing lavender lavish lawful leading learned legal legendary lemon
    level liberal light likable limber limitless lithe little lively loving loyal lucid lucky luminous
    lunar lush lustrous lyrical magenta magical magnetic magnificent majestic mammoth maroon marvelous
    masterful mature maximal measured mellow melodic merciful merry meteoric mighty mild mindful mint
    mirthful modern modest molten moonlit mossy motivated musical mutual mystic natural nautical neat
    nebulous noble nimble nifty nocturnal northern notable novel oaken obliging observant ochre olive
    open optimal optimistic opulent orange orchid organic original ornate outgoing outstanding overjoyed
    pacific paisley palatial pastel patient peaceful pearly peppy perfect perky persistent pink placid
    playful pleasant plucky plum plush poetic poised polar polished polite popular positive potent
    powerful practical precious precise premium prepared pretty prime principled pristine prized
    productive proficient profound prompt proper prosperous proud prudent punctual pure purple quaint
    quick quiet quirky radiant rapid rare rational ready real regal relaxed reliable remarkable
    resilient resolute resourceful respectful restful rich righteous robust romantic rosy round royal
    ruby rugged rustic sage salty sandy sapphire satisfied savvy scarlet scenic scholarly secure
    sensible serene sharp shimmering shiny silent silken silver simple sincere skilled sleek slick smart
    smiling smooth snappy snowy soaring sociable soft solar solid sophisticated sparkling special speedy
    spicy spirited splendid spotless spry stable stalwart starry statuesque steady stellar sterling
    stoic striking strong stunning sturdy stylish suave sublime successful sugary sunny super superb
    supreme sure swift tactful talented tame tan tangy tasteful teal tender terrific thankful thoughtful
    thrifty thriving tidy timeless tiny tireless titanic tough tranquil tremendous trim tropical true
    trusty truthful turquoise ultimate unbeaten unique united upbeat upright urban useful valiant valid
    valued vast velvet venerable verdant versatile vibrant victorious vigilant vigorous violet virtuous
    visionary vital vivacious vivid warm watchful wavy wealthy whimsical whispering wholesome wild
    willing windy wise witty wonderful wondrous woolly worthy xenial youthful zany zealous zen zesty
    zippy
""".split())
_NOUNS = tuple("""
    aardvark albatross alligator alpaca anchovy angelfish anole ant anteater antelope ape armadillo asp
    avocet axolotl baboon badger barnacle barracuda basilisk bass bat beagle bear beaver bee beetle
    beluga bison bittern blackbird bluebird bluejay boar bobcat bonobo bream buffalo bulldog bullfrog
    bumblebee bunting butterfly buzzard caiman camel canary capybara caracal cardinal caribou carp
    cassowary cat caterpillar catfish centipede chameleon chamois cheetah chickadee chimpanzee
    chinchilla chipmunk cicada civet clam cobra cockatoo cod collie condor coral cormorant cougar cow
    coyote crab crane crayfish cricket crocodile crow cuckoo curlew cuttlefish dachshund dalmatian deer
    dingo dodo dog dolphin donkey dormouse dotterel dove dragonfly duck dugong dunlin eagle earthworm
    echidna eel egret eland elephant elk emu ermine falcon ferret finch firefly flamingo flounder fly
    fossa fox frog gannet gar gazelle gecko gerbil gibbon giraffe gnat gnu goat goldfinch goldfish goose
    gopher gorilla goshawk grasshopper grebe greyhound grouse guanaco gull guppy haddock hagfish halibut
    hamster hare harrier hawk hedgehog heron herring hippo hornet horse hound hummingbird husky hyena
    ibex ibis iguana impala jackal jaguar jay jellyfish kakapo kangaroo kestrel kingfisher kinkajou kite
    kiwi koala koi kookaburra krill kudu labrador ladybug lamprey lark lemming lemur leopard limpet
    linnet lion lionfish lizard llama lobster locust loon lorikeet loris lynx macaque macaw mackerel
    magpie mallard manatee mandrill mantis marlin marmoset marmot marten mastiff meerkat merlin mink
    minnow mole mongoose monkey moose moth mouse mule mussel narwhal newt nightingale ocelot octopus
    okapi opossum orangutan orca oriole oryx osprey ostrich otter owl ox oyster panda pangolin panther
    parakeet parrot partridge peacock pelican penguin perch petrel pheasant pig pigeon pika pike piranha
    platypus plover pony poodle porcupine porpoise possum prawn puffin puma python quail quetzal quokka
    rabbit raccoon ram rat rattlesnake raven ray redstart reindeer rhino roadrunner robin rook rooster
    salamander salmon sandpiper sardine scorpion seahorse seal serval shark sheep shrew shrimp skink
    skunk sloth snail snake snipe sparrow spider sponge squid squirrel starfish starling stingray stoat
    stork sturgeon swallow swan swift tamarin tapir tarantula tarsier termite tern terrier thrush tiger
    toad tortoise toucan trout tuna turkey turtle urchin viper vole vulture wallaby walrus warbler wasp
    weasel whale whippet wildcat wolf wolverine wombat woodpecker wren yak zebra acorn alder almond aloe
    anemone apple ash aspen aster azalea bamboo banyan baobab basil bay beech begonia birch blossom
    bluebell bramble briar buttercup cactus camellia cedar chestnut clover cypress daffodil dahlia daisy
    elm fern fig fir foxglove gardenia geranium ginkgo hawthorn hazel heather hemlock hibiscus holly
    honeysuckle iris ivy jasmine juniper larch laurel lilac lily linden lotus magnolia maple marigold
    mimosa mistletoe moss myrtle oak oleander olive orchid palm pansy peony pine plum poplar poppy
    primrose redwood rose rowan sage sequoia sorrel spruce sunflower sycamore tamarind teak thistle
    thyme tulip violet walnut willow wisteria yew yucca abyss atoll avalanche beach bluff boulder breeze
    brook butte canyon cape cascade cavern cliff cloud coast comet cosmos cove crater creek dawn delta
    desert dune dusk eclipse estuary fjord flame forest fountain galaxy geyser glacier glade glen gorge
    grove gulf harbor haze hill horizon iceberg island isle jungle lagoon lake lava meadow mesa meteor
    mist moon moor mountain nebula oasis ocean orbit peak pebble planet plateau pond prairie quasar rain
    rainbow rapids reef ridge river rock sand savanna sea shore sky snow spring star stone storm stream
    summit sun thunder tide trail tundra valley volcano waterfall wave wind aurora beacon compass ember
    feather harp lantern meridian nova pixel prism quill rocket sail spark tempest zephyr basalt jade
    marble onyx opal pearl quartz topaz garnet agate amethyst emerald ruby sapphire cobalt granite flint
""".split())


def _random_name() -> str:
    """A flow run's name, as Prefect's look: ``"brave-otter"``."""
    bits = random.getrandbits(32)  # one draw for both words (random.choice draws twice, in Python, per word)
    return f"{_ADJECTIVES[(bits >> 16) % len(_ADJECTIVES)]}-{_NOUNS[(bits & 0xFFFF) % len(_NOUNS)]}"


def _check_name(name: str) -> str:
    bad = [c for c in _BANNED_NAME_CHARS if c in name]
    if bad:
        raise InvalidNameError(f"Name {name!r} contains an invalid character. "
                               f"Must not contain any of: {list(_BANNED_NAME_CHARS)}.")
    return name


class _TimeoutSignal(BaseException):
    """Raised inside a run whose deadline passed; the engine turns it into a TimedOut state."""


def _raise_in_thread(thread_id: int, exc_type: Optional[type]) -> None:
    """Raise ``exc_type`` in another thread at its next bytecode (None takes back one not yet raised)."""
    import ctypes

    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               None if exc_type is None else ctypes.py_object(exc_type))


class _Deadline:
    """Interrupts the current thread after ``seconds``: SIGALRM in the main thread, else an async exception.

    Blocking C calls in worker threads cannot be interrupted; ``fired`` still tells the engine to time out.
    """

    def __init__(self, seconds: Optional[float]) -> None:
        self.seconds = seconds
        self.fired = False
        self._mode = None
        self._lock = threading.Lock()

    def __enter__(self) -> "_Deadline":
        if not self.seconds:
            return self
        if (threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
                and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None)):
            self._previous = signal.signal(signal.SIGALRM, self._on_alarm)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
            self._mode = "signal"
        else:
            self._tid = threading.get_ident()
            self._timer = threading.Timer(self.seconds, self._inject)
            self._timer.daemon = True
            self._timer.start()
            self._mode = "thread"
        return self

    def _on_alarm(self, signum: int, frame: Any) -> None:
        self.fired = True
        raise _TimeoutSignal()

    def _inject(self) -> None:
        import ctypes

        with self._lock:
            if self._mode is None:
                return
            self.fired = True
            _raise_in_thread(self._tid, _TimeoutSignal)

    def __exit__(self, *exc: Any) -> None:
        if self._mode == "signal":
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)
        elif self._mode == "thread":
            self._timer.cancel()
            with self._lock:
                self._mode = None
                if self.fired:  # an exception not yet delivered must not hit later code
                    _raise_in_thread(self._tid, None)
        self._mode = None


class unmapped:
    """Marks a ``.map()`` argument as static: ``add.map([1, 2], unmapped([10, 20]))``."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def unwrap(self) -> Any:
        return self.value

    def __getitem__(self, _: Any) -> Any:
        return self.value


class allow_failure:
    """Lets a task run when this upstream fails; the task receives the upstream's exception."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def unwrap(self) -> Any:
        return self.value


class quote:
    """Passes a value through untouched: no future resolution, no traversal."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def unwrap(self) -> Any:
        return self.value


class opaque(quote):
    """Resolves a top-level future but does not look inside the value."""


_ATOMS = (int, float, str, bytes, bool, type(None), complex)


class _Inputs_:
    """Resolves futures and states inside a task's arguments, noting upstream run ids."""

    __slots__ = ("upstream", "task_inputs", "failed", "current_param", "allowed", "keep_remote", "own")

    def __init__(self, keep_remote: bool = False, own: Optional[str] = None) -> None:
        self.task_inputs: dict = {}
        self.failed: Optional[str] = None
        self.current_param = ""
        self.allowed = False
        self.keep_remote = keep_remote  # values left on a Dask cluster stay there (the task runs there too)
        self.own = own  # the run whose arguments these are: its own future among them would never finish

    def resolve(self, value: Any) -> Any:
        cls = value.__class__
        if cls in _ATOMS:
            return value
        if cls is _TaskFuture:
            if value._task_run_id == self.own:
                raise _SelfDependency(self.own)
            return self._upstream(value._task_run_id, value._wait_state())
        if cls is State:
            return self._upstream(value.state_details.task_run_id, value)
        if cls is quote:
            return value.value
        if cls is opaque:
            inner = value.value
            return self.resolve(inner) if isinstance(inner, (PrefectFuture, State)) else inner
        if cls is allow_failure:
            previous, self.allowed = self.allowed, True
            try:
                return self.resolve(value.value)
            finally:
                self.allowed = previous
        if cls is unmapped:
            return self.resolve(value.value)
        # A container is rebuilt only when something in it was resolved: otherwise the task gets the very
        # object it was given, as in Prefect (what .map() returns always becomes a plain list).
        if cls is list or cls is PrefectFutureList:
            items = [self.resolve(v) for v in value]
            return items if cls is PrefectFutureList or _changed(items, value) else value
        if cls is tuple:
            items = tuple(self.resolve(v) for v in value)
            return items if _changed(items, value) else value
        if cls is dict:
            pairs = [(self.resolve(k), self.resolve(v)) for k, v in value.items()]
            if any(k2 is not k or v2 is not v for (k2, v2), (k, v) in zip(pairs, value.items())):
                return dict(pairs)
            return value
        if cls in (set, frozenset):
            items = [self.resolve(v) for v in value]
            return cls(items) if _changed(items, value) else value
        if isinstance(value, tuple) and hasattr(value, "_fields"):
            items = [self.resolve(v) for v in value]
            return cls(*items) if _changed(items, value) else value
        if isinstance(value, PrefectFuture):  # a future of the user's own making
            return self._upstream(str(value.task_run_id), _future_state(value))
        if _is_dataclass_instance(value):
            import dataclasses

            changes = {f.name: self.resolve(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
            if any(changes[k] is not getattr(value, k) for k in changes):
                return dataclasses.replace(value, **changes)
        return value

    def _upstream(self, run_id: Optional[str], state: State) -> Any:
        if run_id:
            self.task_inputs.setdefault(self.current_param, []).append(run_id)
        if state.type is _COMPLETED:
            if self.keep_remote and state.data.__class__ is _RemoteValue:
                return state.data
            return state._result()
        if self.allowed:
            return state._exception() if state.is_final() else None
        if self.failed is None:
            self.failed = run_id or "?"
        return None


def _changed(items: Any, originals: Any) -> bool:
    return any(a is not b for a, b in zip(items, originals))


class _CycleSafeInputs(_Inputs_):
    """The resolver for arguments that hold themselves: a value met again inside itself stays as it is
    (the plain resolver, on the hot path, does not pay for the bookkeeping)."""

    __slots__ = ("path",)

    def __init__(self, keep_remote: bool = False, own: Optional[str] = None) -> None:
        super().__init__(keep_remote, own)
        self.path: set = set()

    def resolve(self, value: Any) -> Any:
        if value.__class__ in _ATOMS:
            return value
        key = id(value)
        if key in self.path:
            return value
        self.path.add(key)
        try:
            return super().resolve(value)
        finally:
            self.path.discard(key)


class _SelfDependency(ValueError):
    """A task run's arguments or ``wait_for`` hold its own future (Prefect raises the same ValueError)."""

    def __init__(self, run_id: str) -> None:
        super().__init__(f"Discovered a task depending on itself. Raising to avoid a deadlock. Please inspect the "
                         f"inputs and dependencies of task run {run_id}.")


def _resolve_arguments(parameters: dict, wait_for: Optional[Iterable], keep_remote: bool = False,
                       own: Optional[str] = None) -> tuple:
    """(resolved parameters, task_inputs, failed upstream run id or None); raises _SelfDependency when
    they hold the future of run ``own``."""
    if not parameters and not wait_for:  # a call with no arguments (a subflow, often): nothing to resolve
        return {}, {}, None
    try:
        return _resolve_with(_Inputs_(keep_remote, own), parameters, wait_for)
    except RecursionError:  # an argument that holds itself
        try:
            return _resolve_with(_CycleSafeInputs(keep_remote, own), parameters, wait_for)
        except RecursionError:  # nested deeper than Python recurses: no future can be found in it
            return dict(parameters), {}, None


def _resolve_with(resolver: _Inputs_, parameters: dict, wait_for: Optional[Iterable]) -> tuple:
    resolved = {}
    for name, value in parameters.items():
        resolver.current_param = name
        resolved[name] = resolver.resolve(value)
    if wait_for:
        resolver.current_param = "wait_for"
        for item in wait_for:
            resolver.resolve(item)
    return resolved, resolver.task_inputs, resolver.failed


def _hook_name(hook: Callable) -> str:
    return getattr(hook, "__name__", None) or getattr(getattr(hook, "func", None), "__name__", repr(hook))


def _run_hooks(hooks: list, logger: logging.LoggerAdapter, args: tuple, state: State) -> None:
    """Run state hooks in order; a hook that raises is logged and changes nothing."""
    for hook in hooks:
        name = _hook_name(hook)
        logger.info(f"Running hook {name!r} in response to entering state {state.name!r}")
        try:
            outcome = hook(*args)
            if inspect.isawaitable(outcome):
                _run_coro_sync(outcome)
        except Exception:
            logger.exception(f"An error was encountered while running hook {name!r}")
        else:
            logger.info(f"Hook {name!r} finished running successfully")


def _in_event_loop() -> bool:
    """True inside a running asyncio loop in this thread (asyncio is imported only if it is loaded)."""
    asyncio = sys.modules.get("asyncio")
    if asyncio is None:
        return False
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _run_coro_sync(coro: Any) -> Any:
    """Run a coroutine to completion from sync code, inside or outside a running event loop."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict = {}
    ctx = contextvars.copy_context()

    def target() -> None:
        try:
            box["value"] = ctx.run(asyncio.run, coro)
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="orchestrator-async")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def _retry_delays(retries: int, retry_delay_seconds: Any) -> list:
    """The delay before each retry, as Prefect computes it.

    >>> _retry_delays(3, [0.5, 1.0]), _retry_delays(2, 4), _retry_delays(2, exponential_backoff(1))
    ([0.5, 1.0, 1.0], [4, 4], [1, 2])
    """
    if retries <= 0:
        return []
    if retry_delay_seconds is None:
        return [0] * retries
    if callable(retry_delay_seconds):
        retry_delay_seconds = retry_delay_seconds(retries)
    if isinstance(retry_delay_seconds, (int, float)) and not isinstance(retry_delay_seconds, bool):
        return [retry_delay_seconds] * retries
    if isinstance(retry_delay_seconds, (list, tuple)):
        if len(retry_delay_seconds) > 50:
            raise ValueError("Can not configure more than 50 retry delays per task.")
        if not retry_delay_seconds:
            return [0] * retries
        return [retry_delay_seconds[min(i, len(retry_delay_seconds) - 1)] for i in range(retries)]
    raise TypeError(f"retry_delay_seconds must be a number, a list of numbers or a callable, "
                    f"not {type(retry_delay_seconds).__name__}")


def exponential_backoff(backoff_factor: float) -> Callable[[int], list]:
    """Retry delays that double each time: ``exponential_backoff(2)(4) == [2, 4, 8, 16]``.

    >>> exponential_backoff(2)(4)
    [2, 4, 8, 16]
    """

    def retry_backoff_callable(retries: int) -> list:
        return [backoff_factor * 2 ** r for r in range(min(retries, 50))]

    return retry_backoff_callable


def _jittered(delay: float, factor: Optional[float]) -> float:
    if not factor or delay <= 0:
        return delay
    return random.uniform(delay, delay * (1 + factor))


# == 14. Task engine: attempts, generators and the run ====================================================


class _Attempt(NamedTuple):
    value: Any
    error: Optional[BaseException]
    timed_out: bool


def _drive_sync(steps: Any, call: Callable[[], _Attempt]) -> Any:
    """Run an engine step generator: it yields ("call",) or ("sleep", s) and returns the final state."""
    try:
        command = next(steps)
        while True:
            if command[0] == "call":
                command = steps.send(call())
            else:
                time.sleep(command[1])
                command = next(steps)
    except StopIteration as stop:
        return stop.value


async def _drive_async(steps: Any, call: Callable[[], Any]) -> Any:
    import asyncio

    try:
        command = next(steps)
        while True:
            if command[0] == "call":
                command = steps.send(await call())
            else:
                await asyncio.sleep(command[1])
                command = next(steps)
    except StopIteration as stop:
        return stop.value


# -- generator tasks and flows: the run lasts while its caller iterates --------------------------------
#
# As in Prefect, calling a generator task or flow returns a generator; each value is handed to the caller as
# the body yields it, with the run's context active (the caller's code between values runs inside the run).
# A retry starts the body again, so its values come again; ``timeout_seconds`` bounds the whole attempt; a
# caller that stops early ends the run Completed; the body's ``return`` value is the run's result.


def _generator_attempt(make: Callable[[], Any], timeout: Optional[float]):
    """One attempt of a generator body: yields its values, returns the ``_Attempt``."""
    started = time.monotonic()
    try:
        inner = make()
    except BaseException as exc:
        return _Attempt(None, exc, False)
    while True:
        left = None if not timeout else timeout - (time.monotonic() - started)
        if left is not None and left <= 0:
            inner.close()
            return _Attempt(None, None, True)
        deadline = _Deadline(left)
        try:
            with deadline:
                value = next(inner)
        except StopIteration as stop:
            return _Attempt(stop.value, None, False)
        except _TimeoutSignal:
            return _Attempt(None, None, True)
        except BaseException as exc:
            return _Attempt(None, exc, deadline.fired)
        if deadline.fired:
            return _Attempt(None, None, True)
        try:
            yield value
        except GeneratorExit:
            inner.close()
            raise


def _drive_generator(steps: Any, make: Callable[[], Any], timeout: Optional[float]):
    """:func:`_drive_sync` for a generator body: yields the body's values; returns the final state."""
    try:
        command = next(steps)
        while True:
            if command[0] == "call":
                try:
                    attempt = yield from _generator_attempt(make, timeout)
                except GeneratorExit:  # the caller stopped iterating: the run ends as it is, Completed
                    with contextlib.suppress(StopIteration):
                        steps.send(_Attempt(None, None, False))
                    raise
                command = steps.send(attempt)
            else:
                time.sleep(command[1])
                command = next(steps)
    except StopIteration as stop:
        return stop.value


async def _drive_async_generator(steps: Any, make: Callable[[], Any], timeout: Optional[float], box: list):
    """:func:`_drive_generator` for an async generator body; the final state is appended to ``box``."""
    import asyncio

    try:
        command = next(steps)
        while True:
            if command[0] == "sleep":
                await asyncio.sleep(command[1])
                command = next(steps)
                continue
            started, attempt = time.monotonic(), None
            try:
                inner = make()
            except BaseException as exc:
                attempt = _Attempt(None, exc, False)
            while attempt is None:
                left = None if not timeout else timeout - (time.monotonic() - started)
                try:
                    if left is not None and left <= 0:
                        raise asyncio.TimeoutError()
                    step = inner.__anext__()
                    value = await (asyncio.wait_for(step, left) if left is not None else step)
                except StopAsyncIteration:
                    attempt = _Attempt(None, None, False)
                    break
                except asyncio.TimeoutError:
                    attempt = _Attempt(None, None, True)
                    break
                except BaseException as exc:
                    attempt = _Attempt(None, exc, False)
                    break
                try:
                    yield value
                except GeneratorExit:
                    with contextlib.suppress(StopIteration):
                        steps.send(_Attempt(None, None, False))
                    raise
            command = steps.send(attempt)
    except StopIteration as stop:
        box.append(stop.value)


def _generator_outcome(state: State) -> Any:
    """What a generator run gives its caller at the end: its return value, or its exception raised."""
    _raise_crash(state)
    return state._result()


def _generator_kind(fn: Callable) -> Optional[str]:
    """"sync" for a generator function, "async" for an async one, else None."""
    return "sync" if inspect.isgeneratorfunction(fn) else "async" if inspect.isasyncgenfunction(fn) else None


def _no_state_for_generators(kind: str, return_state: bool) -> None:
    if return_state:
        raise ValueError(f"The return_type for a generator {kind} must be 'result'")


def _call_sync(fn: Callable, args: tuple, kwargs: dict, timeout: Optional[float]) -> _Attempt:
    if not timeout:  # the common case: no timer to set and clear
        try:
            value = fn(*args, **kwargs)
            if value.__class__ not in _ATOMS and inspect.isawaitable(value):
                value = _run_coro_sync(value)
        except _TimeoutSignal:
            return _Attempt(None, None, True)
        except BaseException as exc:
            return _Attempt(None, exc, False)
        return _Attempt(value, None, False)
    deadline = _Deadline(timeout)
    try:
        with deadline:
            value = fn(*args, **kwargs)
            if inspect.isawaitable(value):
                value = _run_coro_sync(value)
    except _TimeoutSignal:
        return _Attempt(None, None, True)
    except BaseException as exc:
        return _Attempt(None, exc, deadline.fired)
    return _Attempt(None if deadline.fired else value, None, deadline.fired)


async def _call_async(fn: Callable, args: tuple, kwargs: dict, timeout: Optional[float]) -> _Attempt:
    import asyncio

    try:
        value = fn(*args, **kwargs)
        if inspect.isawaitable(value):
            value = await (asyncio.wait_for(value, timeout) if timeout else value)
    except asyncio.TimeoutError:
        return _Attempt(None, None, True)
    except BaseException as exc:
        return _Attempt(None, exc, False)
    return _Attempt(value, None, False)


def _time_of(store: _Store, state: State) -> float:
    """When a record written with ``state`` happened (its run's creation, its start): with the system
    clock, the state's own time (the clock read once, so that a plain history is stored as a code, see
    _history_text); with a clock the store was given, that clock's."""
    return state.timestamp if store.clock is _CLOCK else store.clock.time()


class _TaskEngine:
    """One task run: inputs, cache, attempts with retries and timeouts, hooks, and its records."""

    def __init__(self, task: "Task", parameters: dict, wait_for: Optional[list], flow_ctx: Optional[FlowRunContext],
                 parent_task: Optional[TaskRunContext], run: Optional[TaskRun] = None,
                 store: Optional[_Store] = None) -> None:
        self.task = task
        self.parameters = parameters
        self.wait_for = wait_for
        self.flow_ctx = flow_ctx
        self.store = store or (flow_ctx.store if flow_ctx else _get_store())
        self.background = run is not None  # a run a task worker claimed: it exists, named and Pending
        if run is None:
            pending = State(_PENDING)
            now = _time_of(self.store, pending)
            if flow_ctx is None:
                flow_run_id, dynamic_key = None, "0"
            else:  # the call's order among the flow run's calls of this task
                flow_run = flow_ctx.flow_run
                flow_run_id = flow_run.id
                if flow_run.task_ids_to is not None:  # called after its flow run ended (by a hook, say)
                    flow_run.task_ids_to = None  # the span opens again, written with (or before) this run
                    self.store.stage_flow_run(flow_run)
                counter = flow_ctx.task_counter.get(task.task_key)
                if counter is None:  # setdefault: two threads calling the task's first time share one counter
                    counter = flow_ctx.task_counter.setdefault(task.task_key, itertools.count())
                dynamic_key = str(next(counter))  # next() on a count is atomic: no lock
            extra_tags = _TAGS.get()
            self.run = TaskRun(_uuid7(), task.name, task.task_key, flow_run_id, pending, parameters,
                               _json(parameters) if parameters else "{}",
                               (task.tags | extra_tags) if extra_tags else task.tags, now, dynamic_key)
            self._record(pending)
        else:
            self.run = run
        self.log_prints = task.log_prints if task.log_prints is not None else (
            (parent_task.log_prints if parent_task else flow_ctx.log_prints if flow_ctx else False))
        self._logger: Optional[_RunLogger] = None
        self.persist = task._persist
        self.cache_key: Optional[str] = None
        self.remote: Optional["TaskRunner"] = None  # a runner that executes the body elsewhere
        self.slot_ids: Any = ()  # concurrency slots held for the run's tags
        # where it was called or submitted (outside a task run: no run's own transaction to make)
        self.outer_txn = _TXN.get() if parent_task is None else _current_transaction()
        self.ctx: Optional[TaskRunContext] = None

    @property
    def logger(self) -> _RunLogger:
        """The run's logger, made when first needed (a plain run that completes writes its line without it)."""
        if self._logger is None:
            self._logger = _task_logger(self.store, self.run)
        return self._logger

    @logger.setter
    def logger(self, logger: _RunLogger) -> None:
        self._logger = logger

    def _line(self, level: int, msg: str, exc: Optional[BaseException] = None) -> None:
        """One of the engine's lines about this run, through its logger if it has one, else from its ids
        (most runs never make a logger)."""
        if self._logger is not None:
            self._logger.engine(level, msg, exc)
            return
        _engine_line(_TASK_RUNS_LOGGER, _task_extra(self.store, self.run), level, msg, exc)

    def _record(self, state: State) -> None:
        run = self.run
        if state._details is None:  # State._link, inline: every task run records two or three states
            state._task_run_id, state._flow_run_id = run.id, run.flow_run_id
        else:
            state._link(run.id, run.flow_run_id)
        run.state = state
        run.history.append((state.type._value_, state.name, state.message, state.timestamp))

    def create(self) -> None:
        """Buffer the new run record (Pending)."""
        self.store.stage_task_run(self.run)

    def _name(self, parameters: dict) -> str:
        if self.background:  # named when it was queued
            return self.run.name
        template = self.task.task_run_name
        if template is None:
            return f"{self.task.name}-{random.getrandbits(12):03x}" if self.flow_ctx else self.task.name
        if not callable(template):
            return _render_run_name(template, parameters)
        token = _TASK_CTX.set(TaskRunContext(task=self.task, task_run=self.run, parameters=parameters,
                                             log_prints=self.log_prints, store=self.store, flow_ctx=self.flow_ctx))
        try:  # a callable may read runtime.task_run (its task_name, parameters), as in Prefect
            return _render_run_name(template, parameters)
        finally:
            _TASK_CTX.reset(token)

    def steps(self):
        """The run as a generator of commands for a sync or async driver; returns the final state."""
        run, task = self.run, self.task
        try:
            resolved, inputs, failed = _resolve_arguments(
                self.parameters, self.wait_for, self.remote is not None and self.remote.keeps_values, run.id)
            run.task_inputs = {**run.task_inputs, **inputs} if run.task_inputs else inputs  # apply_async's too
        except _SelfDependency as exc:
            self.logger = _task_logger(self.store, run)
            return self._finish(_exception_state(exc, "Task"))
        try:
            run.name = self._name(resolved)
        except RunNameError as exc:
            run.name = f"{task.name}-{os.urandom(2).hex()[:3]}"
            self.logger = _task_logger(self.store, run)
            return self._finish(Failed(message=str(exc), data=exc))
        self.logger = _task_logger(self.store, run)
        self.resolved = resolved
        if failed is not None:
            return self._finish(Pending(name="NotReady", message=(
                f"Upstream task run '{failed}' did not reach a 'COMPLETED' state.")))
        if self.flow_ctx is not None and self.flow_ctx.cancelled:
            return self._finish(Cancelled(message="The flow run was cancelled before this task started."))
        cached = self._cache_lookup(resolved)
        if cached is not None:
            return self._finish(cached)
        refused = self._take_tag_slots()
        if refused is not None:
            return self._finish(refused)
        if self.persist:
            run.inputs_hash = _inputs_key(run, resolved)
            reused = self._replay()
            if reused is not None:
                return self._finish(reused)
        delays = [_jittered(d, task.retry_jitter_factor) for d in task._delays]
        while True:
            self._begin_attempt()
            attempt = yield ("call",)
            state = self._attempt_state(attempt)
            if state.type is not _FAILED or not self._should_retry(state, len(delays)):
                break
            delay = delays[run.run_count - 1]
            self._log_retry(state, delay, len(delays))
            if delay > 0:
                self._record(AwaitingRetry(scheduled_time=self.store.clock.time() + delay))
                self.store.stage_task_run(run)
                yield ("sleep", delay)
        if state.type is _FAILED and isinstance(state.data, _WorkerLost):
            state = Crashed(message=str(state.data), data=state.data)
        if state.type is _FAILED and task.retries:
            self._log_failure(state, " - Retries are exhausted")
        elif state.type is _FAILED:
            self._log_failure(state, "")
        return self._finish(state)

    def _begin_attempt(self) -> None:
        """An attempt starts: Running (Retrying after the first), staged, and the on_running hooks."""
        run, task = self.run, self.task
        run.run_count += 1
        running = Running() if run.run_count == 1 else Retrying()
        run.start_time = run.start_time or _time_of(self.store, running)
        self._record(running)
        self.store.stage_task_run(run)
        if task.on_running_hooks:
            _run_hooks(task.on_running_hooks, self.logger, (task, run, run.state), run.state)

    def _attempt_state(self, attempt: _Attempt) -> State:
        if attempt.timed_out:
            msg = f"Task run exceeded timeout of {float(self.task.timeout_seconds)} second(s)"
            exc = TaskRunTimeoutError(f"Scope timed out after {float(self.task.timeout_seconds)} second(s).")
            return Failed(name="TimedOut", message=msg, data=exc)
        if attempt.error is not None:
            return _exception_state(attempt.error, "Task")
        value = attempt.value
        if value.__class__ in _ATOMS:
            return Completed(data=value)
        if isinstance(value, (State, PrefectFuture)):
            return _return_value_to_state(_collect_states(value))
        if inspect.isgenerator(value):  # a returned generator is run now: it could not be kept otherwise
            value = list(value)
        return Completed(data=value)

    def _should_retry(self, state: State, retries: int) -> bool:
        if self.run.run_count > retries:
            return False
        condition = self.task.retry_condition_fn
        if condition is None:
            return True
        try:
            verdict = condition(self.task, self.run, state)
            if inspect.isawaitable(verdict):
                verdict = _run_coro_sync(verdict)
            return bool(verdict)
        except Exception:
            self.logger.exception("retry_condition_fn raised; the task will not be retried")
            return False

    def _log_retry(self, state: State, delay: float, retries: int) -> None:
        when = "immediately" if delay <= 0 else f"{delay} second(s) from now"
        exc = state.data if isinstance(state.data, BaseException) else None
        what = f"exception: {exc!r}" if exc is not None else f"state: {state}"
        self._line(logging.ERROR, f"Task run failed with {what} - Retry {self.run.run_count}/{retries} "
                                          f"will start {when}", exc)

    def _log_failure(self, state: State, suffix: str) -> None:
        exc = state.data if isinstance(state.data, BaseException) else None
        what = f"exception: {exc!r}" if exc is not None else f"state: {state}"
        self._line(logging.ERROR, f"Task run failed with {what}{suffix}", exc)

    # -- caching -------------------------------------------------------------------------------------
    def _take_tag_slots(self) -> Optional[State]:
        """Before running: a slot on ``tag:<tag>`` for each of the run's tags that has a limit (waiting as
        AwaitingConcurrencySlot). Returns a Failed state when a limit can never admit the task."""
        if not self.run.tags:
            return None
        limited = self.store.limit_names()
        names = sorted(f"tag:{t}" for t in self.run.tags if f"tag:{t}" in limited)
        if not names:
            return None
        self._record(AwaitingConcurrencySlot(scheduled_time=self.store.clock.time()))
        self.store.stage_task_run(self.run)
        try:
            self.slot_ids = _acquire(names, 1, None, True, rate=False, store=self.store)
        except ConcurrencySlotAcquisitionError as exc:
            return Failed(message=f"{exc}; the task cannot start (a limit of 0 admits nothing).", data=exc)
        return None

    def _replay(self) -> Optional[State]:
        """On a retried flow run: the result an earlier attempt recorded for this same call, if any.

        A call matches when its task key, its call order and the hash of its inputs all equal the
        record's; anything that diverges runs afresh.
        """
        replay = self.flow_ctx.replay if self.flow_ctx is not None else None
        record = replay.get((self.run.task_key, self.run.dynamic_key)) if replay else None
        if record is None or record["inputs_hash"] != self.run.inputs_hash or record["child_flow_run_id"]:
            return None
        stored = self.store.task_result(record["id"])
        try:
            value = _load(stored["result"], stored["result_serializer"], stored["result_path"], self.store.results_dir)
        except Exception as exc:
            self.logger.warning(f"The result recorded by task run {record['id']} could not be read ({exc}); "
                                f"running the task again")
            return None
        self.run.keep_result((stored["result"], stored["result_serializer"], stored["result_path"], None,
                              stored["result_preview"]))
        return Completed(name="Cached", message=f"Result reused from task run {record['id']} (an earlier attempt).",
                         data=value)

    def _cache_lookup(self, resolved: dict) -> Optional[State]:
        policy = self.task._cache_policy
        if policy is None:
            return None
        task = self.task
        if task._bound_self is not None:  # a method: its instance (or class) is an input, as in Prefect
            resolved = {next(iter(task._signature.parameters)): task._bound_self, **resolved}
        ctx = TaskRunContext(task=task, task_run=self.run, parameters=resolved, flow_ctx=self.flow_ctx)
        flow_params = self.flow_ctx.parameters if self.flow_ctx else {}
        try:
            key = policy.compute_key(ctx, resolved, flow_params)
        except Exception as exc:
            self.logger.warning(f"Could not compute a cache key ({type(exc).__name__}: {exc}); not caching")
            return None
        self.cache_key = self.run.cache_key = key
        if key is None or self.task.refresh_cache:
            return None
        record = self.store.read_cache(key)
        if record is None or (record[0] is not None and record[0] < self.store.clock.time()):
            return None
        _, _, blob, serializer, path, preview = record
        try:
            value = _load(blob, serializer, path, self.store.results_dir)
        except Exception as exc:
            self.logger.warning(f"Cache record {key!r} could not be read ({exc}); running the task")
            return None
        self.run.keep_result((blob, serializer, path, None, preview))
        return Completed(name="Cached", data=value)

    def _keep(self, state: State) -> State:
        """Persist a completed run's value; a task that asked for persistence fails when it cannot be kept."""
        if not self.persist or state.type is not _COMPLETED or state.name == "Cached":
            return state
        run = self.run
        run.keep_result(_persist(state.data, self.task.result_serializer, self.store.results_dir, run.id))
        if run.result_note is not None:
            if self.task._user_persist_result:
                return Failed(message=f"The result could not be persisted ({run.result_note[15:]}).",
                              data=MissingResult(run.result_note))
            self.logger.warning(f"The result was {run.result_note}; the task still completed"
                                + (" (not cached)" if self.cache_key is not None else ""))
        return state

    def _cache_record(self, state: State) -> Optional[tuple]:
        if self.cache_key is None or state.name != "Completed" or self.run.result_note is not None:
            return None
        now = self.store.clock.time()
        expiration = now + self.task.cache_expiration.total_seconds() if self.task.cache_expiration else None
        return (self.cache_key, self.run.id, expiration, now)

    def _finish(self, state: State, kept: bool = False) -> State:
        """The run's end: its value kept (unless ``kept`` says that is done), recorded, committed, logged,
        its transaction and hooks served."""
        run, task = self.run, self.task
        if self.background:
            state = self._background_outcome(state)
        if self.slot_ids:
            self.store.release_slots(self.slot_ids)
            self.slot_ids = ()
        if self.persist and not kept:
            state = self._keep(state)
        self._record(state)
        kind = state.type
        if kind in _FINAL_TYPES:
            run.end_time = state.timestamp
        if state.name == "Cached" and self.flow_ctx is not None:
            self.store.stage_task_run(run)  # the value is already durable in the record it came from
        else:
            self.store.commit_task_run(run, self._cache_record(state) if self.cache_key is not None else None)
        level = logging.ERROR if kind is _FAILED or kind is _CRASHED or state.name == "NotReady" else logging.INFO
        self._line(level, f"Finished in state {state}")
        if kind is _COMPLETED:
            if self.outer_txn is not None or task.on_commit_hooks or self.ctx is not None and self.ctx.txn is not None:
                self._transact(state)
            if task.on_completion_hooks:
                _run_hooks(task.on_completion_hooks, self.logger, (task, run, state), state)
        elif kind is _FAILED and task.on_failure_hooks:
            _run_hooks(task.on_failure_hooks, self.logger, (task, run, state), state)
        return state

    def _background_outcome(self, state: State) -> State:
        """A background run's end, as its caller in another process reads it: an upstream run that did not
        complete fails it (nothing would make it ready later), and its exception is kept with it."""
        if state.name == "NotReady":
            state = Failed(message=state.message, data=UpstreamTaskError(state.message))
        if state.type in (_FAILED, _CRASHED) and isinstance(state.data, BaseException):
            kept = _persist(state.data, "pickle", self.store.results_dir, self.run.id)
            if kept[3] is None:  # an exception that does not pickle is told by its message alone
                self.run.keep_result(kept)
        return state

    def _transact(self, state: State) -> None:
        """Every completed task run is a transaction, a child of the one around it: staged there (and
        committed with it), else committed now; EAGER commits now either way."""
        task, parent = self.task, self.outer_txn
        own = self.ctx.txn if self.ctx is not None else None
        if own is None:
            if parent is None and not task.on_commit_hooks:
                return
            own = Transaction(logger=self.logger, state=TransactionState.ACTIVE)
            own.parent = parent
            own.commit_mode = parent.commit_mode if parent is not None else CommitMode.LAZY
        if parent is not None:
            parent.add_child(own)
            own._on_rolled_back = self._rolled_back
        own.stage(state.data, task.on_rollback_hooks, task.on_commit_hooks)
        if parent is None or own.commit_mode is CommitMode.EAGER:
            own._commit()

    def _rolled_back(self) -> None:
        """An enclosing transaction rolled back: the run is recorded RolledBack (type COMPLETED)."""
        self._record(Completed(name="RolledBack", message="The enclosing transaction rolled back."))
        self.store.commit_task_run(self.run)

    # -- drivers -------------------------------------------------------------------------------------
    def plain(self) -> bool:
        """Whether this call (direct, or on the thread pool) needs none of the steps that make ``steps()`` a
        generator: a sync task with no retries, timeout, run-name template, hooks or tags (a cache policy is
        fine), called in a flow (not cancelled, not replaying a retried run's results) with arguments that
        hold no futures."""
        task, ctx = self.task, self.flow_ctx
        if not (ctx is not None and self.wait_for is None and not ctx.cancelled and not ctx.replay
                and not task.retries and not task.timeout_seconds and task._generator is None
                and not task._is_async and task.task_run_name is None
                and not task.on_running_hooks and not task.on_completion_hooks and not task.on_failure_hooks
                and not self.run.tags):
            return False
        for value in self.parameters.values():  # a loop, not all(...): no generator on every call
            if value.__class__ not in _ATOMS:
                return False
        return True

    def run_plain(self) -> State:
        """``run_sync`` for a call ``plain()`` allows: what ``steps()`` does for it, in a straight line
        (the same records, states and log lines), and Pending is written with Running rather than alone."""
        run, task, store = self.run, self.task, self.store
        self.resolved = params = self.parameters
        run.name = f"{task.name}-{random.getrandbits(12):03x}"
        if task._cache_policy is not None:
            cached = self._cache_lookup(params)
            if cached is not None:
                return self._finish(cached)
        if self.persist:  # what a retry of the flow run matches this call by (see _replay)
            run.inputs_hash = _inputs_key(run, params)
        # _begin_attempt, for a first attempt with no on_running hooks
        run.run_count = 1
        running = State(_RUNNING)
        run.start_time = run.start_time or _time_of(store, running)
        self._record(running)
        store.stage_task_run(run)
        if self.log_prints:
            _patch_print()
        self.ctx = ctx = TaskRunContext(task, run, params, self.log_prints, store, self._logger, self.flow_ctx,
                                        self.outer_txn)
        token = _TASK_CTX.set(ctx)
        try:  # _call_sync, inline: a plain value (the common case) needs no _Attempt
            value = task.fn(**params)
            if value.__class__ in _ATOMS:
                attempt = None
            else:
                attempt = _Attempt(_run_coro_sync(value) if inspect.isawaitable(value) else value, None, False)
        except _TimeoutSignal:
            attempt = _Attempt(None, None, True)
        except BaseException as exc:
            attempt = _Attempt(None, exc, False)
        finally:
            _TASK_CTX.reset(token)
        if attempt is None:
            return self._completed(State(_COMPLETED, None, None, value))
        state = self._attempt_state(attempt)
        if state.type is _FAILED:
            self._log_failure(state, "")
        return self._finish(state)

    def _completed(self, state: State) -> State:
        """``_finish`` for a plain run that completed with a plain value, in a straight line: with no cache
        key, transaction or hook to serve, its value is kept, its record committed and its line written.
        Anything else goes through ``_finish``."""
        run, task, store, ctx = self.run, self.task, self.store, self.ctx
        if self.cache_key is not None or self.outer_txn is not None or ctx.txn is not None or task.on_commit_hooks:
            return self._finish(state)
        if self.persist:
            state = self._keep(state)
            if state.type is not _COMPLETED:  # the value could not be kept, and the task asked for it to be
                return self._finish(state, kept=True)
        self._record(state)
        run.end_time = state.timestamp
        store.commit_task_run(run)
        self._line(logging.INFO, "Finished in state Completed()")
        return state

    def _context(self) -> TaskRunContext:
        self.ctx = TaskRunContext(task=self.task, task_run=self.run, parameters=self.resolved,
                                  log_prints=self.log_prints, store=self.store, logger=self.logger,
                                  flow_ctx=self.flow_ctx, outer_txn=self.outer_txn)
        return self.ctx

    def run_sync(self) -> State:
        token = None

        def call() -> _Attempt:
            nonlocal token
            if token is None:
                token = _TASK_CTX.set(self._context())
            if self.remote is not None:
                return self.remote.execute(self)
            return _call_sync(self.task.fn, (), self.resolved, self.task.timeout_seconds)

        if self.log_prints:
            _patch_print()
        try:
            return _drive_sync(self.steps(), call)
        finally:
            if token is not None:
                _TASK_CTX.reset(token)

    async def run_async(self) -> State:
        token = None

        async def call() -> _Attempt:
            nonlocal token
            if token is None:
                token = _TASK_CTX.set(self._context())
            return await _call_async(self.task.fn, (), self.resolved, self.task.timeout_seconds)

        if self.log_prints:
            _patch_print()
        try:
            return await _drive_async(self.steps(), call)
        finally:
            if token is not None:
                _TASK_CTX.reset(token)


def _render_run_name(template: Any, parameters: dict) -> str:
    """A run name from a template (``"add-{x}"``) or a callable (with ``parameters=`` if it takes it).

    >>> _render_run_name("add-{x}", {"x": 5}), _render_run_name(lambda parameters: f"p-{parameters['x']}", {"x": 9})
    ('add-5', 'p-9')
    """
    if callable(template):
        try:
            takes_params = "parameters" in inspect.signature(template).parameters
        except (TypeError, ValueError):
            takes_params = False
        name = template(parameters=parameters) if takes_params else template()
        if not isinstance(name, str):
            raise TypeError(f"Callable {template!r} for a run name must return a string, "
                            f"not {type(name).__name__}")
        return name
    try:
        return template.format(**parameters)
    except KeyError as exc:
        raise RunNameError(f"The run name template {template!r} names {exc.args[0]!r}, which is not a parameter "
                           f"(the parameters are: {', '.join(parameters) or 'none'})") from None
    except (IndexError, ValueError, AttributeError) as exc:
        raise RunNameError(f"The run name template {template!r} cannot be filled in: {exc}") from None


def _raise_crash(state: State) -> None:
    """Re-raise KeyboardInterrupt and SystemExit that crashed a run, as Prefect does."""
    if state.type is _CRASHED and isinstance(state.data, (KeyboardInterrupt, SystemExit)):
        raise state.data


def _task_generator_run(task: "Task", parameters: dict, wait_for: Optional[list], return_state: bool) -> tuple:
    """What both generator task drivers start from: the engine, the body's maker (which enters the run's
    context on the first attempt) and the context token it holds."""
    _no_state_for_generators("task", return_state)
    _setup_logging()
    engine = _TaskEngine(task, parameters, wait_for, _FLOW_CTX.get(), _TASK_CTX.get())
    engine.create()
    tokens: list = []

    def make() -> Any:
        if not tokens:
            tokens.append(_TASK_CTX.set(engine._context()))
        return task.fn(**engine.resolved)

    return engine, make, tokens


def _run_task_generator(task: "Task", parameters: dict, wait_for: Optional[list], return_state: bool):
    """A direct call of a generator task: a generator over its body's values (see above)."""
    engine, make, tokens = _task_generator_run(task, parameters, wait_for, return_state)
    try:
        state = yield from _drive_generator(engine.steps(), make, task.timeout_seconds)
    finally:
        if tokens:
            _TASK_CTX.reset(tokens[0])
    return _generator_outcome(state)


async def _arun_task_generator(task: "Task", parameters: dict, wait_for: Optional[list], return_state: bool):
    """:func:`_run_task_generator` for an async generator task."""
    engine, make, tokens = _task_generator_run(task, parameters, wait_for, return_state)
    box: list = []
    try:
        async for value in _drive_async_generator(engine.steps(), make, task.timeout_seconds, box):
            yield value
    finally:
        if tokens:
            _TASK_CTX.reset(tokens[0])
    _generator_outcome(box[0])


def _run_task_now(task: "Task", parameters: dict, wait_for: Optional[list], return_state: bool) -> Any:
    """A direct call of a task: run it in this thread and return its value (or state)."""
    _setup_logging()
    engine = _TaskEngine(task, parameters, wait_for, _FLOW_CTX.get(), _TASK_CTX.get())
    if engine.plain():
        state = engine.run_plain()
    else:
        engine.create()
        state = engine.run_sync()
    if state.type is _CRASHED:
        _raise_crash(state)
    if state.type is _CANCELLED and engine.flow_ctx is not None and engine.flow_ctx.cancelled:
        raise _CancelSignal()  # the flow's code stops at its next task call
    return state if return_state else state._result()


async def _arun_task_now(task: "Task", parameters: dict, wait_for: Optional[list], return_state: bool) -> Any:
    _setup_logging()
    engine = _TaskEngine(task, parameters, wait_for, _FLOW_CTX.get(), _TASK_CTX.get())
    engine.create()
    state = await engine.run_async()
    _raise_crash(state)
    return state if return_state else state._result()


def _submit_task(task: "Task", parameters: dict, wait_for: Optional[list],
                 runner: Optional[TaskRunner] = None) -> PrefectFuture:
    """Create the run of ``task`` and hand it to ``runner`` (default: the flow's); its future at once."""
    flow_ctx = _FLOW_CTX.get()
    if flow_ctx is None:
        if runner is None:
            raise RuntimeError("Unable to determine task runner to use for submission. If you are submitting a "
                               "task outside of a flow, call it directly instead, or wrap the calls in a flow.")
        _setup_logging()
    else:
        if flow_ctx.cancelled and _TASK_CTX.get() is None:
            raise _CancelSignal()
        runner = runner or flow_ctx.task_runner
    runner._admit()
    engine = _TaskEngine(task, parameters, wait_for, flow_ctx, _TASK_CTX.get())
    if runner.remote and not task._is_async:
        engine.remote = runner
    plain = engine.remote is None and engine.plain()
    if not plain:  # a plain run's record is first written when it starts (Pending with Running)
        engine.create()
    future = _TaskFuture(engine.run)

    def call() -> None:
        state = None
        try:
            if task._is_async:
                state = _run_coro_sync(engine.run_async())
            else:
                # of what plain() asked at submission, only the flow's cancellation can have changed since
                state = engine.run_plain() if plain and not flow_ctx.cancelled else engine.run_sync()
        except BaseException as exc:  # an engine error must still finish the future
            state = _exception_state(exc, "Task")
            engine._record(state)
            engine.store.commit_task_run(engine.run)
        finally:
            future._finish(state)

    if flow_ctx is not None:
        flow_ctx.add_future(future)
    runner._submit_call(call)
    return future


_NOT_ITERABLE = (str, bytes, bytearray, dict)


def _map_task(task: "Task", parameters: dict, wait_for: Optional[list],
              runner: Optional[TaskRunner] = None) -> PrefectFutureList:
    if _FLOW_CTX.get() is None and runner is None:
        raise RuntimeError("Unable to determine task runner to use for mapped task runs. Call .map() "
                           "inside a flow.")
    iterables, static = {}, {}
    for name, value in parameters.items():
        if isinstance(value, PrefectFuture):
            value = value.result()
        if isinstance(value, (unmapped, quote)) or isinstance(value, _NOT_ITERABLE) or hasattr(value, "read"):
            static[name] = value
            continue
        try:
            iterables[name] = list(value)
        except TypeError:
            static[name] = value
    if not iterables:
        raise MappingMissingIterable("No iterable parameters were received. Parameters for map must include "
                                     f"at least one iterable. Parameter values: {parameters}")
    lengths = {name: len(values) for name, values in iterables.items()}
    if len(set(lengths.values())) > 1:
        raise MappingLengthMismatch("Received iterable parameters with different lengths. Parameters for map "
                                    f"must all be the same length. Got lengths: {lengths}")
    n = next(iter(lengths.values()))
    futures = PrefectFutureList()
    for i in range(n):
        call_params = {name: (iterables[name][i] if name in iterables else static[name]) for name in parameters}
        futures.append(_submit_task(task, call_params, wait_for, runner))
    return futures


# == 15. Flow engine ======================================================================================
#
# A flow run: parameters, the run record, subflows, cancellation, timeouts, retries of the whole flow,
# parameter validation, and the durable retry and cancellation that the CLI drives.


class _CancelSignal(BaseException):
    """Raised in a flow's code once its run is being cancelled; the engine ends the run Cancelled."""


_ACTIVE_FLOWS: dict = {}  # flow run id -> _FlowEngine, for the runs this process is executing


def _cancel_grace_seconds() -> float:
    return _setting("ORCHESTRATOR_CANCEL_GRACE_SECONDS")


class _FlowEngine:
    """One flow run: parameters, the run record, attempts with retries and timeouts, hooks, subflow links,
    replay of recorded task results on a retried run, and cancellation."""

    def __init__(self, flow: "Flow", parameters: dict, wait_for: Optional[list],
                 resume: Optional[dict] = None) -> None:
        self.flow = flow
        self.parent_ctx: Optional[FlowRunContext] = _FLOW_CTX.get()
        self.parent_task: Optional[TaskRunContext] = _TASK_CTX.get()
        self.store = self.parent_ctx.store if self.parent_ctx else _get_store()
        self.parameters = parameters
        self.wait_for = wait_for
        parent = self.parent_ctx.flow_run if self.parent_ctx else None
        run_id = resume["id"] if resume else _uuid7()
        pending = State(_PENDING)  # its time is the run's creation (a plain history is stored as a code)
        self.run = FlowRun(run_id, _random_name(), flow.name, pending, parameters, set(_TAGS.get()),
                           flow.version, parent.id if parent else None,
                           parent.root_flow_run_id if parent else run_id, flow._entrypoint(), pending.timestamp)
        if resume:
            self._resume_from(resume)
        else:
            self._record(self.run.state)
        self.log_prints = flow.log_prints if flow.log_prints is not None else (
            self.parent_ctx.log_prints if self.parent_ctx else _setting("ORCHESTRATOR_LOGGING_LOG_PRINTS"))
        self.logger: Optional[_RunLogger] = None  # made by create(), once the run's name is final
        self.placeholder: Optional[_TaskEngine] = None
        self.prior_ids_to: Optional[str] = None  # where an earlier attempt's span of task run ids ended
        self.ctx: Optional[FlowRunContext] = None
        self.runner: Optional[TaskRunner] = None
        self.thread_id: Optional[int] = None
        self.finished = False  # the final state is recorded
        self.returned: Any = _NO_DATA  # what the body returned (futures as states), unless that was a State

    def _resume_from(self, row: dict) -> None:
        """Continue a recorded run (``retry``, a serve child): same id and name, its history, the next
        attempt number; the flow's current version and the parameters given."""
        fresh = self.run
        run = self.run = _flow_run_record(row)
        run.flow_version, run.parameters, run.stored = fresh.flow_version, fresh.parameters, True
        run.expected_start_time = run.expected_start_time or fresh.expected_start_time

    def _record(self, state: State) -> None:
        details = state._details
        if details is None:  # the details are made only when read (see State)
            state._flow_run_id = self.run.id
        else:
            details.flow_run_id = self.run.id
        self.run.state = state
        self.run.history.append((state.type._value_, state.name, state.message, state.timestamp))

    def _set(self, state: State, commit: bool = True) -> None:
        self._record(state)
        if state.type in _FINAL_TYPES:
            self.run.end_time = state.timestamp
            self._close_task_ids()
        else:
            self.run.end_time = None
        if commit:
            self.store.commit_flow_run(self.run)
        else:
            self.store.stage_flow_run(self.run)

    def create(self) -> Optional[State]:
        """Name the run, validate its parameters and record it; returns a state when nothing is to run
        (a subflow whose completed result an earlier attempt recorded)."""
        upstream_failed = None
        self._open_task_ids()
        if self.parent_ctx is not None:
            # futures and states among a subflow's arguments arrive as their values, as Prefect's do, and
            # are recorded as the parent task run's upstream inputs
            resolved, inputs, upstream_failed = _resolve_arguments(self.parameters, None)
            self.parameters = self.run.parameters = resolved
            self.placeholder = _TaskEngine(self.flow._placeholder_task(), {}, None, self.parent_ctx,
                                           self.parent_task)
            holder = self.placeholder.run
            holder.task_inputs = inputs
            holder.inputs_hash = _hash(self.parameters) if self.parameters else _NO_INPUTS_HASH
            reused = self._replay_subflow()
            if reused is not None:
                return reused
            holder.child_flow_run_id = self.run.id
            self.run.parent_task_run_id = holder.id
            self.placeholder.create()
        self.error: Optional[State] = None
        try:
            if self.flow.flow_run_name is not None and not self.run.stored:
                self.logger = _flow_logger(self.store, self.run)  # for the name's own code, under the first name
                with self._as_current():
                    self.run.name = _render_run_name(self.flow.flow_run_name, self.parameters)
            if self.flow.should_validate_parameters:
                self.parameters = self.run.parameters = _validate_parameters(self.flow, self.parameters)
        except ParameterTypeError as exc:
            self.error = Failed(message=f"Validation of flow parameters failed with error: "
                                        f"{type(exc).__name__}: {exc}", data=exc)
        except RunNameError as exc:
            self.error = Failed(message=str(exc), data=exc)
        if upstream_failed is not None:
            exc = UpstreamTaskError(f"Upstream task run '{upstream_failed}' did not reach a 'COMPLETED' state.")
            self.error = Failed(message=f"Flow run encountered an exception: UpstreamTaskError: {exc}", data=exc)
        self.logger = _flow_logger(self.store, self.run)  # the label carries the final run name
        run = self.run
        run.process_id = self.store.register_process()
        if not run.stored:
            run.parameters_blob = _parameters_blob(self.parameters)
        if self.parent_ctx is None:
            self.store.commit_flow_run(run)  # a top-level run is on record before its code runs
        else:
            self.store.stage_flow_run(run)  # a subflow is committed with its next state
        return None

    def _open_task_ids(self) -> None:
        """Open the span of ids the run's task runs get (read by _flow_tasks): from an id made in this
        process before any of them (ids one process makes only grow, whatever its clock does), to no end
        until the run is final (see _set)."""
        run = self.run
        if run.stored:  # a recorded run continues here: its earlier task runs keep their ids
            mark = _uuid7()
            run.task_ids_from = min(run.task_ids_from or mark, mark)
            self.prior_ids_to, run.task_ids_to = run.task_ids_to, None
        else:
            run.task_ids_from = run.id  # made here, before any task run of it

    def _close_task_ids(self) -> None:
        """Close the span: above every id this process has made (the last one's time and version digit,
        then a character above every hex digit), so above every id it gave the run's task runs."""
        mark = _UUID_NOW[2] + "~"
        prior = self.prior_ids_to
        self.run.task_ids_to = mark if prior is None else max(prior, mark)

    def _replay_subflow(self) -> Optional[State]:
        """On a retried parent: a completed subflow call recorded by an earlier attempt is not run again."""
        replay = self.parent_ctx.replay
        holder = self.placeholder.run
        record = replay.get((holder.task_key, holder.dynamic_key)) if replay else None
        if record is None or not record["child_flow_run_id"] or record["inputs_hash"] != holder.inputs_hash:
            return None
        stored = self.store.flow_result(record["child_flow_run_id"])
        if not stored or stored["state_type"] != "COMPLETED" or not stored["result_serializer"]:
            return None
        try:
            value = _load(stored["result"], stored["result_serializer"], stored["result_path"], self.store.results_dir)
        except Exception:
            return None
        holder.child_flow_run_id = record["child_flow_run_id"]
        state = Completed(name="Cached", data=value,
                          message=f"Result reused from flow run {record['child_flow_run_id']} (an earlier attempt).")
        self.placeholder.logger = _task_logger(self.store, holder)
        return self.placeholder._finish(state)

    def _as_current(self) -> "_FlowScope":
        return _FlowScope(FlowRunContext(self.flow, self.run, self.parameters, self.log_prints, self.store,
                                         self.logger))

    def steps(self, ctx: FlowRunContext):
        """The run as a generator of driver commands; returns the final state."""
        run, flow = self.run, self.flow
        if self.error is not None:
            return self._finish(self.error)
        if self.wait_for:
            _, _, failed = _resolve_arguments({}, self.wait_for)
            if failed is not None:
                return self._finish(Pending(name="NotReady", message=(
                    f"Upstream task run '{failed}' did not reach a 'COMPLETED' state.")))
        kind = "subflow" if self.parent_ctx else "flow"
        self.logger.engine(logging.INFO, f"Beginning {kind} run {run.name!r} for flow {flow.name!r}")
        delays = _retry_delays(flow.retries, flow.retry_delay_seconds) if flow.retries else ()
        first_attempt = run.run_count
        while True:
            run.run_count += 1
            running = Running()
            run.start_time = run.start_time or _time_of(self.store, running)
            self._prepare_attempt(ctx)
            # a top-level run's Running is on record before its code runs, so a kill at once still shows
            # the attempt (a subflow's is written with its next state, or its parent's next commit)
            self._set(running, commit=self.placeholder is None)
            if flow.on_running_hooks:
                _run_hooks(flow.on_running_hooks, self.logger, (flow, run, run.state), run.state)
            attempt = yield ("call",)
            state = self._attempt_state(attempt, ctx)
            if state.type is not _FAILED or run.run_count - first_attempt > len(delays):
                break
            delay = delays[run.run_count - first_attempt - 1]
            self.logger.info(f"Received non-final state 'AwaitingRetry' when proposing final state "
                             f"{state.name!r} and will attempt to run again...")
            self._set(AwaitingRetry(scheduled_time=self.store.clock.time() + delay), commit=False)
            if delay > 0:
                yield ("sleep", delay)
        return self._finish(state)

    def _prepare_attempt(self, ctx: FlowRunContext) -> None:
        """Reset call numbering; from the second attempt on, offer the recorded task results for reuse."""
        ctx.task_counter = {}
        if self.run.run_count > 1:
            self.store.flush()
            ctx.replay = self.store.replay_index(self.run.id)

    def _attempt_state(self, attempt: _Attempt, ctx: FlowRunContext) -> State:
        self._wait_for_children(ctx)
        if ctx.cancelled:
            return Cancelled(message="Flow run was cancelled successfully.")
        if attempt.timed_out:
            secs = float(self.flow.timeout_seconds)
            return Failed(name="TimedOut", message=f"Flow run exceeded timeout of {secs} second(s)",
                          data=FlowRunTimeoutError(f"Scope timed out after {secs} second(s)."))
        if attempt.error is not None:
            if not isinstance(attempt.error, (KeyboardInterrupt, SystemExit)):
                self.logger.engine(logging.ERROR, f"Encountered exception during execution: {attempt.error!r}",
                                   attempt.error)
            return _exception_state(attempt.error, "Flow")
        value = attempt.value
        if value.__class__ in _ATOMS:  # a plain value holds no futures or states
            self.returned = value
            return State(_COMPLETED, None, None, value)
        value = _collect_states(value)
        self.returned = _NO_DATA if isinstance(value, State) else value
        return _return_value_to_state(value)

    def _wait_for_children(self, ctx: FlowRunContext) -> None:
        """Tasks still queued or running when the flow returns are waited for, not dropped (a cancelled
        run waits only until its grace period ends)."""
        if not ctx.futures:  # nothing was submitted: a task that submits more was itself submitted first
            return
        while True:
            with ctx.futures_lock:
                pending = [f for f in ctx.futures if not f.done()]
            if not pending:
                return
            for fut in pending:
                while not fut._wait(0.25):
                    if ctx.cancelled and time.monotonic() >= ctx.cancel_deadline:
                        if self.runner is not None:  # None: the futures are another runner's
                            self.runner.abandon()
                        return

    # -- cancellation (called from the heartbeat thread) -------------------------------------------
    def cancel_requested(self, message: Optional[str], timestamp: float) -> None:
        ctx = self.ctx
        if ctx is None or ctx.cancelled:
            return
        grace = _cancel_grace_seconds()
        ctx.cancel_deadline = time.monotonic() + grace
        ctx.cancelled = True
        self.run.history.append(("CANCELLING", "Cancelling", message, timestamp))
        self.run.state = State(_CANCELLING, message=message, timestamp=timestamp)
        self.logger.engine(logging.INFO, f"Cancellation requested: no new task starts; running tasks have "
                                         f"{grace:g} s to finish.")
        timer = threading.Timer(grace, self._interrupt)
        timer.daemon = True
        timer.start()

    def _interrupt(self) -> None:
        """After the grace period: raise _CancelSignal in the flow's own thread (at its next bytecode)."""
        if self.run.id in _ACTIVE_FLOWS and self.thread_id is not None:
            _raise_in_thread(self.thread_id, _CancelSignal)

    def _end_unfinished_tasks(self, state: State) -> None:
        """Task runs still running as the flow ends (a cancelled flow past its grace period, a flow whose
        engine failed) end with it: recorded Cancelled or Crashed now, and nothing later overwrites that."""
        ctx = self.ctx
        if ctx is None or not (ctx.futures or ctx.orphans):
            return
        with ctx.futures_lock:
            pending = [(f, f._run) for f in ctx.futures if not f.done()]
        pending += [(None, orphan) for orphan in ctx.orphans]
        now = self.store.clock.time()
        for future, task_run in pending:
            ended = task_run.state
            if not ended.is_final():
                message = f"The flow run ended ({state.name}) before this task run finished."
                ended = State(_CANCELLED if state.type is _CANCELLED else _CRASHED, message=message, timestamp=now)
                ended.state_details.task_run_id, ended.state_details.flow_run_id = task_run.id, self.run.id
                task_run.state, task_run.end_time = ended, now
                task_run.history.append((ended.type._value_, ended.name, ended.message, now))
            self.store.commit_task_run(task_run)
            task_run.ended_by_flow = True
            if future is not None:
                future._finish(ended)

    def _finish(self, state: State) -> State:
        """Commit the final state (a subflow's with its placeholder task run), log it, run the hooks."""
        flow, run = self.flow, self.run
        self._end_unfinished_tasks(state)
        if state.type is _COMPLETED and flow.persist_result is not False:
            run.keep_result(_persist(state.data, "pickle", self.store.results_dir, run.id))
        self._set(state, commit=self.placeholder is None)
        if self.placeholder is not None:  # the parent's task run: the same state, linked to this run
            child = State(state.type, state.name, state.message, state.data, None,
                          StateDetails(child_flow_run_id=run.id))
            holder = self.placeholder.run
            holder.start_time, holder.run_count = run.start_time, max(1, run.run_count)
            self.placeholder._record(child)
            holder.end_time = child.timestamp if child.is_final() else None
            self.store.commit_task_run(holder)
        self.finished = True  # on record: what follows (the log line, hooks) cannot change it
        level = logging.ERROR if state.type in (_FAILED, _CRASHED) else logging.INFO
        self.logger.engine(level, f"Finished in state {state}")
        kind = state.type
        hooks = flow.on_completion_hooks if kind is _COMPLETED else flow.on_failure_hooks if kind is _FAILED else \
            flow.on_crashed_hooks if kind is _CRASHED else \
            flow.on_cancellation_hooks if kind is _CANCELLED or kind is _CANCELLING else ()
        if hooks:
            _run_hooks(hooks, self.logger, (flow, run, state), state)
            if run.task_ids_to is None:  # a hook called a task, which opened the span again: close it
                self._close_task_ids()
                self.store.stage_flow_run(run)
        if self.placeholder is None:
            self.store.flush()  # a top-level run ends with its log lines written
            _run_automations(self.store, f"flow-run:{run.id}")  # e.g. "tell me when it fails", before exiting
        return state

    def _prepare(self) -> Optional[State]:
        """Set up logging and create the run record; a state when there is nothing to run."""
        _setup_logging()
        if self.log_prints:
            _patch_print()
        return self.create()

    def _running(self) -> "_Running":
        """The run's context, its task runner and its entry in the active registry, for one execution."""
        return _Running(self)

    def run_sync(self) -> State:
        try:
            done = self._prepare()
            if done is not None:
                return done
            args, kwargs = self.flow._call_args(self.parameters)
            with self._running() as ctx:
                return _drive_sync(self.steps(ctx), lambda: _call_sync(
                    self.flow.fn, args, kwargs, self.flow.timeout_seconds))
        except BaseException as exc:
            self._abandoned(exc)
            raise

    async def run_async(self) -> State:
        try:
            done = self._prepare()
            if done is not None:
                return done
            args, kwargs = self.flow._call_args(self.parameters)
            with self._running() as ctx:
                return await _drive_async(self.steps(ctx), lambda: _call_async(
                    self.flow.fn, args, kwargs, self.flow.timeout_seconds))
        except BaseException as exc:
            self._abandoned(exc)
            raise

    def run_generator(self, return_state: bool):
        """A call of a generator flow: a generator over its body's values (see the task engine)."""
        _no_state_for_generators("flow", return_state)
        try:
            done = self._prepare()
            if done is not None:
                return _generator_outcome(done)
            args, kwargs = self.flow._call_args(self.parameters)
            with self._running() as ctx:
                state = yield from _drive_generator(self.steps(ctx), lambda: self.flow.fn(*args, **kwargs),
                                                    self.flow.timeout_seconds)
        except BaseException as exc:
            if not isinstance(exc, GeneratorExit):
                self._abandoned(exc)
            raise
        return _generator_outcome(state)

    async def run_async_generator(self, return_state: bool):
        """:meth:`run_generator` for an async generator flow."""
        _no_state_for_generators("flow", return_state)
        done = self._prepare()
        if done is not None:
            _generator_outcome(done)
            return
        args, kwargs = self.flow._call_args(self.parameters)
        box: list = []
        with self._running() as ctx:
            async for value in _drive_async_generator(self.steps(ctx), lambda: self.flow.fn(*args, **kwargs),
                                                      self.flow.timeout_seconds, box):
                yield value
        _generator_outcome(box[0])

    def _abandoned(self, exc: BaseException) -> None:
        """The engine itself raised before the run's final state was recorded (a RecursionError in its own
        bookkeeping, say): record it now, a few frames up, so the run does not stay active. Should that
        fail too, the process marks the run Crashed when it stops."""
        if self.finished:
            return
        if self.placeholder is not None and self.parent_ctx is not None:
            self.parent_ctx.orphans.append(self.placeholder.run)  # first: it needs next to no stack
        state = self.run.state if self.run.state.is_final() else Crashed(
            message=f"The engine could not finish this run: {type(exc).__name__}: {exc}")
        try:
            self._set(state)
            if self.placeholder is not None:
                self.placeholder._record(state.fresh_copy())
                self.store.commit_task_run(self.placeholder.run)
        except Exception:  # noqa: BLE001 - still too deep, say: the parent's finish or the process's stop ends it
            pass


class _Running:
    """What ``_FlowEngine._running`` gives: on entry the run's task runner is started and its context made
    current, and the run is registered as active; on exit, the reverse (a class rather than a generator
    context manager: every subflow call enters one)."""

    __slots__ = ("engine", "runner", "scope", "progress")

    def __init__(self, engine: "_FlowEngine") -> None:
        self.engine = engine

    def __enter__(self) -> FlowRunContext:
        engine = self.engine
        self.runner = runner = None
        if engine.flow.task_runner.__class__ is not ThreadPoolTaskRunner:  # one that can fail to start: now
            runner = self._start_runner()
        self.scope, self.progress = engine._as_current(), None
        ctx = self.scope.__enter__()
        try:
            engine.ctx = ctx
            if runner is None:  # a thread pool, when first asked for (FlowRunContext.task_runner)
                ctx.start_runner = self._start_runner
            else:
                ctx.task_runner = runner
            engine.thread_id = threading.get_ident()
            _ACTIVE_FLOWS[engine.run.id] = engine
            if engine.parent_ctx is None:
                self.progress = _ProgressLine.start(engine)
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return ctx

    def _start_runner(self) -> "TaskRunner":
        engine = self.engine
        runner = engine.flow.task_runner.duplicate()
        try:
            runner.__enter__()
        except OrchestratorError as exc:
            engine._finish(Failed(message=f"The task runner could not start: {exc}", data=exc))
            raise
        self.runner = engine.runner = runner
        return runner

    def __exit__(self, *exc: Any) -> None:
        try:
            _ACTIVE_FLOWS.pop(self.engine.run.id, None)
            if self.progress is not None:
                self.progress.stop()
        finally:
            try:
                if self.runner is not None:
                    self.runner.__exit__(*exc)
            finally:
                self.scope.__exit__(*exc)


def _pickled_or_none(value: Any) -> Optional[bytes]:
    try:
        return pickle.dumps(value, 5)
    except Exception:
        return None


def _parameters_blob(params: dict) -> Optional[bytes]:
    """The pickle a run keeps of its parameters for a retry, or None when their JSON (always recorded)
    gives them back exactly, so that a large plain parameter is not stored twice."""
    return None if not params or _plain_json(params) else _pickled_or_none(params)


def _plain_json(value: Any, depth: int = 0) -> bool:
    """Whether JSON gives ``value`` back as it is: str, bool, None, float, int within JSON's digits, and
    lists and str-keyed dicts of them.

    >>> _plain_json({"a": [1, 2.5, None, "x"]}), _plain_json({"a": (1, 2)}), _plain_json({1: "x"})
    (True, False, False)
    """
    kind = value.__class__
    if kind is str or kind is bool or kind is float or value is None:
        return True
    if kind is int:
        return value.bit_length() < 10_000  # Python refuses to print an int of more than 4,300 digits
    if depth > 50:
        return False
    if kind is list:
        return all(_plain_json(v, depth + 1) for v in value)
    if kind is dict:
        return all(k.__class__ is str and _plain_json(v, depth + 1) for k, v in value.items())
    return False


class _FlowScope:
    """Makes a flow run context current (and no task run) for the duration of a ``with`` block."""

    __slots__ = ("ctx", "_tokens")

    def __init__(self, ctx: FlowRunContext) -> None:
        self.ctx = ctx

    def __enter__(self) -> FlowRunContext:
        self._tokens = (_FLOW_CTX.set(self.ctx), _TASK_CTX.set(None))
        return self.ctx

    def __exit__(self, *exc: Any) -> None:
        _TASK_CTX.reset(self._tokens[1])
        _FLOW_CTX.reset(self._tokens[0])


def _collect_states(value: Any) -> Any:
    """Replace futures in a flow's return value with their final states."""
    if isinstance(value, PrefectFuture):
        return _future_state(value)
    if isinstance(value, (list, tuple, set)) and any(isinstance(v, PrefectFuture) for v in value):
        return (list if isinstance(value, PrefectFutureList) else type(value))(_collect_states(v) for v in value)
    if isinstance(value, dict) and any(isinstance(v, PrefectFuture) for v in value.values()):
        return {k: _collect_states(v) for k, v in value.items()}
    return value


# -- parameter validation (type-hint coercion; pydantic models when pydantic is installed) -------------


def _validate_parameters(flow: "Flow", parameters: dict) -> dict:
    """Coerce parameters to the flow's type hints; raise ParameterTypeError naming each bad one."""
    hints = flow._hints()
    if not hints:
        return parameters
    errors, out = [], dict(parameters)
    defaults = flow._defaults()
    for name, value in parameters.items():
        hint = hints.get(name)
        if hint is None or (value is None and defaults.get(name, _NO_DATA) is None):
            continue
        try:
            out[name] = _coerce(value, hint)
        except (TypeError, ValueError) as exc:
            errors.append(f" - {name}: {exc}")
    if errors:
        raise ParameterTypeError("Flow run received invalid parameters:\n" + "\n".join(errors))
    return out


def _coerce(value: Any, hint: Any) -> Any:
    """Coerce ``value`` to ``hint`` the way pydantic's lax mode does for common types.

    >>> _coerce("3", int), _coerce("0.5", float), _coerce("yes", bool), _coerce(["1"], list[int])
    (3, 0.5, True, [1])
    """
    import typing

    if hint is Any or hint is inspect.Parameter.empty:
        return value
    origin = typing.get_origin(hint)
    if origin is typing.Union or (origin is not None and origin.__class__.__name__ == "UnionType") or \
            hint.__class__.__name__ == "UnionType":
        return _coerce_union(value, typing.get_args(hint))
    if origin is typing.Literal:
        for option in typing.get_args(hint):
            if value == option or (isinstance(option, str) is False and str(option) == str(value)):
                return option
        raise ValueError(f"Input should be {' or '.join(repr(o) for o in typing.get_args(hint))}")
    if origin in (list, set, frozenset, tuple, dict):
        return _coerce_container(value, origin, typing.get_args(hint))
    if origin is not None:
        return value
    return _coerce_plain(value, hint)


def _coerce_union(value: Any, options: tuple) -> Any:
    if value is None and type(None) in options:
        return None
    for option in options:  # an exact type match wins, as in pydantic's smart mode
        if option is not type(None) and isinstance(option, type) and type(value) is option:
            return value
    errors = []
    for option in options:
        if option is type(None):
            continue
        try:
            return _coerce(value, option)
        except (TypeError, ValueError) as exc:
            errors.append(str(exc))
    raise ValueError("; ".join(errors) or "Input should be None")


def _coerce_container(value: Any, origin: type, args: tuple) -> Any:
    if origin is dict:
        if not isinstance(value, dict):
            if isinstance(value, str):
                value = json.loads(value)
            if not isinstance(value, dict):
                raise ValueError("Input should be a valid dictionary")
        if len(args) == 2:
            return {_coerce(k, args[0]): _coerce(v, args[1]) for k, v in value.items()}
        return dict(value)
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValueError(f"Input should be a valid {origin.__name__}") from None
    if isinstance(value, (dict, str, bytes)) or not hasattr(value, "__iter__"):
        raise ValueError(f"Input should be a valid {origin.__name__}")
    items = list(value)
    if origin is tuple and args and not (len(args) == 2 and args[1] is Ellipsis):
        if len(items) != len(args):
            raise ValueError(f"Tuple should have {len(args)} items, not {len(items)}")
        return tuple(_coerce(v, a) for v, a in zip(items, args))
    item_hint = args[0] if args else Any
    return origin(_coerce(v, item_hint) for v in items)


def _coerce_plain(value: Any, hint: Any) -> Any:
    if not isinstance(hint, type):
        return value
    if hint is bool:
        return _coerce_bool(value)
    if hint in (int, float):
        return _coerce_number(value, hint)
    if hint is str:
        if isinstance(value, (str, enum.Enum)):
            return value.value if isinstance(value, enum.Enum) and isinstance(value.value, str) else value
        raise ValueError("Input should be a valid string")
    if isinstance(value, hint):
        return value
    if hint is _dt.datetime:
        return _parse_iso(value, _dt.datetime.fromisoformat, "datetime")
    if hint is _dt.date:
        return _parse_iso(value, _dt.date.fromisoformat, "date")
    if issubclass(hint, enum.Enum):
        try:
            return hint(value)
        except ValueError:
            raise ValueError(f"Input should be {', '.join(repr(m.value) for m in hint)}") from None
    if hasattr(hint, "__dataclass_fields__") and isinstance(value, dict):
        return hint(**value)
    if _is_pydantic_model(hint):
        return _pydantic_validate(hint, value)
    raise ValueError(f"Input should be an instance of {hint.__name__}")


def _coerce_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on", "y", "t"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("0", "false", "no", "off", "n", "f"):
        return False
    raise ValueError("Input should be a valid boolean")


def _coerce_number(value: Any, hint: type) -> Any:
    label = "an integer" if hint is int else "a number"
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"Input should be a valid {label[2:] if hint is int else 'number'}")
    try:
        number = hint(value.strip()) if isinstance(value, str) else value
    except ValueError:
        raise ValueError(f"Input should be {label}, unable to parse string as {label}") from None
    if hint is int and isinstance(number, float):
        if not number.is_integer():
            raise ValueError("Input should be a valid integer, got a number with a fractional part")
        number = int(number)
    return float(number) if hint is float else number


def _parse_iso(value: Any, parse: Callable, label: str) -> Any:
    if isinstance(value, str):
        try:
            return parse(value)
        except ValueError:
            pass
    raise ValueError(f"Input should be a valid {label}")


def _is_pydantic_model(hint: type) -> bool:
    return any(base.__module__.startswith("pydantic") and base.__name__ == "BaseModel" for base in hint.__mro__)


def _pydantic_validate(model: type, value: Any) -> Any:
    try:
        return model.model_validate(value)
    except Exception as exc:  # pydantic.ValidationError, imported only when a model is used
        raise ValueError(str(exc).replace("\n", " ")) from None


# -- durable retry and cancellation -----------------------------------------------------------------


def _load_entrypoint(entrypoint: Optional[str]) -> "Flow":
    """The Flow object an entrypoint (``/path/file.py:qualname``) names, importing the file if needed."""
    if not entrypoint or ":" not in entrypoint:
        raise OrchestratorError("This flow run has no recorded entrypoint, so it cannot be run again.")
    path, _, qualname = entrypoint.rpartition(":")
    if "<locals>" in qualname:
        raise OrchestratorError(f"The flow {qualname!r} was defined inside a function, so it cannot be imported "
                                f"again; define it at the top level of {os.path.basename(path)} to retry its runs.")
    if not os.path.exists(path):
        raise OrchestratorError(f"The flow's source file {path} does not exist.")
    try:
        module = _import_file(path)
    except ScriptError as exc:
        raise OrchestratorError(f"The entrypoint {entrypoint} does not import: "
                                f"{type(exc.user_exc).__name__}: {exc.user_exc}") from exc.user_exc
    obj: Any = module
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            raise OrchestratorError(f"{os.path.basename(path)} does not define {qualname!r}.")
    if not isinstance(obj, Flow):
        raise OrchestratorError(f"{qualname!r} in {os.path.basename(path)} is not a flow.")
    return obj


def _recorded_parameters(row: dict) -> dict:
    if row.get("parameters_blob") is not None:
        try:
            return pickle.loads(row["parameters_blob"])
        except Exception as exc:
            raise OrchestratorError(f"The recorded parameters of flow run {row['id']} could not be read: "
                                    f"{type(exc).__name__}: {exc}") from exc
    return json.loads(row["parameters"] or "{}")


def retry_flow_run(flow_run_id: str) -> State:
    """Run a Failed, Crashed, Cancelled or TimedOut flow run again, as the next attempt of the same run.

    The recorded parameters are used; task calls whose earlier attempt completed with a persisted result
    (same task, same call order, same inputs) return that result without running again::

        state = retry_flow_run("0193a4f2")   # a full id, a unique prefix, or the run's name
    """
    store = _get_store()
    store.detect_crashes()
    row = store.resolve_flow_run(flow_run_id)
    if row["state_type"] not in ("FAILED", "CRASHED", "CANCELLED"):
        what = "is still running" if row["state_type"] in _ACTIVE_STATES else f"is {row['state_name']}"
        raise OrchestratorError(f"Flow run {row['name']!r} ({row['id']}) {what}; only a Failed, Crashed, "
                                f"Cancelled or TimedOut run can be retried.")
    flow_obj = _load_entrypoint(row["entrypoint"])
    engine_args = (flow_obj, _recorded_parameters(row), None)

    def run() -> State:
        engine = _FlowEngine(*engine_args, resume=row)
        return _run_coro_sync(engine.run_async()) if flow_obj._is_async else engine.run_sync()

    state = contextvars.Context().run(run)  # a top-level run, even when called from inside a flow
    _raise_crash(state)
    return state


def cancel_flow_run(flow_run_id: str) -> str:
    """Cancel a flow run: a run nothing executes yet is Cancelled at once; a running one goes to
    Cancelling, starts no new task within a second, and ends Cancelled. Returns the new state name::

        cancel_flow_run("nightly-1")
    """
    store = _get_store()
    row = store.resolve_flow_run(flow_run_id)
    return store.request_cancel(row["id"])


# == 16. Public decorators ================================================================================

_UNSET: Any = type("_Unset", (), {"__repr__": lambda self: "NotSet", "__bool__": lambda self: False})()
NotSet = _UNSET


def _check_hooks(kind: str, hooks: Any) -> list:
    if hooks is None:
        return []
    try:
        hooks = list(hooks)
    except TypeError:
        raise TypeError(f"Expected iterable for {kind!r}; got {type(hooks).__name__} instead. "
                        f"Please provide a list of hooks to {kind!r}") from None
    for hook in hooks:
        if not callable(hook):
            raise TypeError(f"Expected callables in {kind!r}; got {type(hook).__name__} instead.")
    return hooks


def _check_timeout(seconds: Optional[float]) -> Optional[float]:
    if seconds is not None and (isinstance(seconds, bool) or not seconds > 0):
        raise ValueError(f"timeout_seconds must be greater than 0 (or None for no timeout), not {seconds!r}")
    return None if seconds is None else float(seconds)


def _unwrap_method(decorated: Any, fn: Any) -> Any:
    """The function inside a classmethod or staticmethod that ``@flow``/``@task`` decorates (noting how it
    binds, as Prefect does); any other ``fn`` as it is."""
    if isinstance(fn, (classmethod, staticmethod)):
        decorated._method_kind = "class" if isinstance(fn, classmethod) else "static"
        return fn.__func__
    return fn


def _check_fn(fn: Any, kind: str) -> None:
    if not callable(fn):
        raise TypeError(f"@{kind} must decorate a function, not {type(fn).__name__} ({fn!r})")
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return
    for reserved in _RESERVED:
        if reserved in params:
            raise ReservedArgumentError(f"{reserved!r} is a reserved argument name and cannot be used.")


def _bind(fn: Callable, signature: inspect.Signature, args: tuple, kwargs: dict) -> dict:
    """Map a call's arguments to parameter names, with defaults filled in.

    >>> def f(a, b=2, *, c=3): pass
    >>> _bind(f, inspect.signature(f), (1,), {"c": 4})
    {'a': 1, 'b': 2, 'c': 4}
    """
    plan = _plain_signature(signature)
    if plan is not None and len(args) <= len(plan[0]):
        names, defaults = plan
        params = dict(zip(names, args))
        for key, value in kwargs.items():
            if key not in defaults or key in params:
                break
            params[key] = value
        else:
            if len(params) == len(names):
                return params
            missing = [n for n in names if n not in params]
            if all(defaults[n] is not _NO_DATA for n in missing):
                for n in missing:
                    params[n] = defaults[n]
                return {n: params[n] for n in names}
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as exc:
        raise ParameterBindError(f"Error binding parameters for function {fn.__name__!r}: {exc}") from None
    bound.apply_defaults()
    params = dict(bound.arguments)
    for name, p in signature.parameters.items():  # **kwargs are flattened, *args stay a tuple
        if p.kind is inspect.Parameter.VAR_KEYWORD and name in params:
            params.update(params.pop(name))
    return params


_PLAIN_SIGNATURES: dict = {}


def _plain_signature(signature: inspect.Signature) -> Optional[tuple]:
    """(names, defaults) for a signature of ordinary parameters only, else None (cached)."""
    plan = _PLAIN_SIGNATURES.get(id(signature), False)
    if plan is False:
        P = inspect.Parameter
        params = signature.parameters.values()
        if all(p.kind in (P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY) for p in params) and \
                [p.kind for p in params] == sorted(p.kind for p in params):
            names = tuple(p.name for p in params if p.kind is P.POSITIONAL_OR_KEYWORD)
            kw_only = tuple(p.name for p in params if p.kind is P.KEYWORD_ONLY)
            defaults = {p.name: (_NO_DATA if p.default is P.empty else p.default) for p in params}
            plan = (names + kw_only, defaults) if not kw_only else None
        else:
            plan = None
        _PLAIN_SIGNATURES[id(signature)] = (plan, signature)  # keeps the signature alive, so its id stays its own
        return plan
    return plan[0]


def _call_args(signature: inspect.Signature, params: dict) -> tuple:
    """(args, kwargs) that call a function with named ``params`` (positional-only and *args respected).

    >>> def f(a, *rest, k=1, **kw): pass
    >>> _call_args(inspect.signature(f), {"a": 1, "rest": (2, 3), "k": 4, "z": 5})
    ((1, 2, 3), {'k': 4, 'z': 5})
    """
    if _plain_signature(signature) is not None:
        return (), params
    P = inspect.Parameter
    varargs = any(p.kind is P.VAR_POSITIONAL and params.get(n) for n, p in signature.parameters.items())
    args, kwargs = [], {}
    for name, p in signature.parameters.items():
        if name not in params or p.kind is P.VAR_KEYWORD:
            continue
        if p.kind is P.POSITIONAL_ONLY or (p.kind is P.POSITIONAL_OR_KEYWORD and varargs):
            args.append(params[name])
        elif p.kind is P.VAR_POSITIONAL:
            args.extend(params[name])
        else:
            kwargs[name] = params[name]
    kwargs.update({k: v for k, v in params.items() if k not in signature.parameters})
    return tuple(args), kwargs


def _source_file(fn: Callable) -> Optional[str]:
    try:
        return inspect.getsourcefile(inspect.unwrap(fn))
    except (TypeError, OSError):
        return None


class _Option(NamedTuple):
    """One option of ``@task`` or ``@flow``: its keyword, default, the attribute that keeps it, the check
    that turns a given value into the kept one (``check(value, fn)``, raising on bad input), and whether a
    process or Dask worker needs it (it then travels in the task's payload)."""

    name: str
    default: Any = None
    attr: Optional[str] = None  # None: the option's own name
    check: Optional[Callable] = None
    remote: bool = False


def _hooks_option(kind: str) -> _Option:
    return _Option(kind, None, f"{kind}_hooks", lambda v, fn: _check_hooks(kind, v))


def _check_jitter(value: Optional[float], fn: Any) -> Optional[float]:
    if value is not None and value < 0:
        raise ValueError("`retry_jitter_factor` must be >= 0.")
    return value


def _check_serializer(value: Optional[str], fn: Any) -> str:
    value = value or "pickle"
    if value not in _SERIALIZERS:
        raise ValueError(f"result_serializer must be one of {', '.join(_SERIALIZERS)}, not {value!r}")
    return value


def _default_task_name(name: Optional[str], fn: Any) -> str:
    return _check_name(name or getattr(fn, "__name__", "unknown-lambda").replace("<lambda>", "unknown-lambda"))


def _default_flow_name(name: Optional[str], fn: Any) -> str:
    default = getattr(fn, "__name__", "unknown").replace("<lambda>", "unknown-lambda").replace("_", "-")
    return _check_name(name or default)


def _refresh_cache(value: Optional[bool], fn: Any) -> bool:
    return value if value is not None else _setting("ORCHESTRATOR_TASKS_REFRESH_CACHE")


def _task_runner(value: Any, fn: Any) -> Any:
    return (value() if isinstance(value, type) else value) or ThreadPoolTaskRunner()


_DESCRIPTION = _Option("description", None, None, lambda v, fn: v or inspect.getdoc(fn))
_RETRIES = _Option("retries", None, None, lambda v, fn: int(v or 0))
_TIMEOUT = _Option("timeout_seconds", None, None, lambda v, fn: _check_timeout(v), remote=True)

# Every option of @task, in the order of Task.__init__'s signature (a test holds them to it).
_TASK_OPTIONS = (
    _Option("name", check=_default_task_name), _DESCRIPTION,
    _Option("tags", check=lambda v, fn: set(v or ())), _Option("version"),
    _Option("cache_policy", _UNSET, "_user_cache_policy"),
    _Option("cache_key_fn"), _Option("cache_expiration"), _Option("task_run_name"), _RETRIES,
    _Option("retry_delay_seconds"), _Option("retry_jitter_factor", check=_check_jitter),
    _Option("persist_result", None, "_user_persist_result"), _Option("result_storage"), _Option("result_storage_key"), _Option("result_serializer", check=_check_serializer),
    _Option("cache_result_in_memory", True), _TIMEOUT, _Option("log_prints"),
    _Option("refresh_cache", check=_refresh_cache), *map(_hooks_option, ("on_completion", "on_failure", "on_running",
                                                                        "on_commit", "on_rollback")),
    _Option("retry_condition_fn"), _Option("viz_return_value"), _Option("asset_deps"),
)

# Every option of @flow, in the order of Flow.__init__'s signature.
_FLOW_OPTIONS = (
    _Option("name", check=_default_flow_name), _Option("version", attr="_version"), _Option("flow_run_name"),
    _RETRIES, _Option("retry_delay_seconds", check=lambda v, fn: v or 0), _Option("task_runner", check=_task_runner),
    _DESCRIPTION, _TIMEOUT, _Option("validate_parameters", True, "should_validate_parameters"),
    _Option("persist_result"), _Option("result_storage"), _Option("result_serializer"),
    _Option("cache_result_in_memory", True), _Option("log_prints"),
    *map(_hooks_option, ("on_completion", "on_failure", "on_cancellation", "on_crashed", "on_running")),
)


def _hook_registrar(kind: str, when: str) -> Callable:
    def register(self: Any, fn: Callable) -> Callable:
        getattr(self, f"{kind}_hooks").append(fn)
        return fn

    register.__name__ = register.__qualname__ = kind
    register.__doc__ = f"Add a hook run {when}: ``@my_flow_or_task.{kind}``."
    return register


class _Decorated(Generic[_P, _R]):
    """What Task and Flow share: options kept from a table (``_OPTIONS``), ``with_options``, hook
    registrars, and binding to an instance when used as a method."""

    _OPTIONS: tuple = ()
    _bound_self: Any = None
    _method_kind: Optional[str] = None  # "class" or "static" when it decorates a classmethod or staticmethod

    def _keep_options(self, values: dict) -> None:
        fn = self.fn
        for opt in self._OPTIONS:
            value = values[opt.name]
            setattr(self, opt.attr or opt.name, opt.check(value, fn) if opt.check else value)

    def _option_values(self) -> dict:
        return {opt.name: getattr(self, opt.attr or opt.name) for opt in self._OPTIONS}

    def with_options(self, **options: Any) -> Any:
        """A copy with some options changed. Example: ``fetch.with_options(retries=5)``."""
        current = self._option_values()
        unknown = set(options) - set(current)
        if unknown:
            raise TypeError(f"with_options() got unexpected keyword argument(s): {', '.join(sorted(unknown))}")
        new = type(self)(self.fn, **{**current, **options})
        new._bound_self, new._method_kind = self._bound_self, self._method_kind
        return new

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        """Bind as the function it decorates would: to the instance, to the class for a classmethod
        (``@flow`` over ``@classmethod``, or under it), to nothing for a staticmethod."""
        kind = self._method_kind
        if kind == "static" or (instance is None and kind != "class"):
            return self
        bound = self._copy()
        bound._bound_self = (owner if owner is not None else type(instance)) if kind == "class" else instance
        return bound

    def _copy(self) -> Any:
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.__dict__.pop("_plain_call", None)
        return new

    on_completion = _hook_registrar("on_completion", "when a run completes")
    on_failure = _hook_registrar("on_failure", "when a run fails")
    on_running = _hook_registrar("on_running", "when each attempt starts")


class Task(_Decorated[_P, _R]):
    """A function whose calls inside a flow are tracked task runs. Made by :func:`task`.

    >>> @task
    ... def double(x: int) -> int:
    ...     return 2 * x
    >>> double.name, double.fn(4)
    ('double', 8)
    """

    _OPTIONS = _TASK_OPTIONS

    def __init__(self, fn: Callable, name: Optional[str] = None, description: Optional[str] = None,
                 tags: Optional[Iterable[str]] = None, version: Optional[str] = None, cache_policy: Any = _UNSET,
                 cache_key_fn: Optional[Callable] = None, cache_expiration: Optional[_dt.timedelta] = None,
                 task_run_name: Any = None, retries: Optional[int] = None, retry_delay_seconds: Any = None,
                 retry_jitter_factor: Optional[float] = None, persist_result: Optional[bool] = None,
                 result_storage: Any = None, result_storage_key: Optional[str] = None,
                 result_serializer: Optional[str] = None, cache_result_in_memory: bool = True,
                 timeout_seconds: Optional[float] = None, log_prints: Optional[bool] = None,
                 refresh_cache: Optional[bool] = None, on_completion: Optional[list] = None,
                 on_failure: Optional[list] = None, on_running: Optional[list] = None,
                 on_commit: Optional[list] = None, on_rollback: Optional[list] = None,
                 retry_condition_fn: Optional[Callable] = None, viz_return_value: Any = None,
                 asset_deps: Any = None) -> None:
        fn = _unwrap_method(self, fn)
        _check_fn(fn, "task")
        functools.update_wrapper(self, fn)
        self.fn = fn
        self._keep_options(locals())
        self._delays = _retry_delays(self.retries, retry_delay_seconds)
        self._signature = inspect.signature(fn)
        self._is_async = inspect.iscoroutinefunction(fn)
        self._generator = _generator_kind(fn)
        self._resolve_result_options()
        self._cache_policy = self._resolve_cache_policy()
        self._persist = self._cache_policy is not None or bool(persist_result) or (
            persist_result is None and not isinstance(cache_policy, _None)
            and _setting("ORCHESTRATOR_RESULTS_PERSIST_BY_DEFAULT"))
        code = getattr(fn, "__code__", None)
        digest = hashlib.md5(code.co_code if code else repr(fn).encode()).hexdigest()[:10]
        self.task_key = f"{getattr(fn, '__qualname__', self.name).split('.')[-1]}-{digest}"

    def _resolve_result_options(self) -> None:
        """``persist_result`` and ``cache_policy`` as Prefect shows them, from what was given (kept as
        ``_user_persist_result`` and ``_user_cache_policy``, which ``with_options`` passes on): persisting
        is True once a cache policy, cache key function, storage key, storage or serializer is set; the
        policy is NO_CACHE when persisting is off, None under a storage key, DEFAULT when none was given.
        Whether results are kept here without being asked is a setting (see "Coming from Prefect")."""
        policy, persist = self._user_cache_policy, self._user_persist_result
        warn = logging.getLogger("orchestrator.tasks").warning
        if self.cache_key_fn is not None:
            if policy is not _UNSET:
                warn(f"Both `cache_policy` and `cache_key_fn` are set on task {self.name!r}. `cache_key_fn` "
                     f"will be used.")
            policy = CacheKeyFnPolicy(self.cache_key_fn)
        if persist is False and policy and not isinstance(policy, _None):
            warn("Ignoring `cache_policy` because `persist_result` is False")
        if persist is None and ((policy and not isinstance(policy, _None)) or self.cache_key_fn is not None
                                or self.result_storage_key is not None or self.result_storage is not None
                                or self.result_serializer != "pickle"):
            persist = True
        if persist is False:
            policy = None if policy is None else NO_CACHE
        elif policy is _UNSET and self.result_storage_key is None:
            policy = DEFAULT
        elif not isinstance(policy, _None) and self.result_storage_key:
            policy = None
        self.persist_result, self.cache_policy = persist, policy

    def _resolve_cache_policy(self) -> Optional[CachePolicy]:
        """The policy that computes cache keys, or None when this task does not cache (a policy shown
        as DEFAULT caches only when results are persisted on request, as in Prefect)."""
        if self.result_storage_key is not None:
            template = self.result_storage_key
            return CacheKeyFnPolicy(lambda ctx, params: template.format(parameters=params, **params))
        if self.cache_key_fn is not None:
            return CacheKeyFnPolicy(self.cache_key_fn)
        policy = self._user_cache_policy
        if isinstance(policy, _None) or self._user_persist_result is False:
            return None
        if isinstance(policy, CachePolicy):
            return policy
        if self.persist_result:
            return DEFAULT
        return None

    def _source_hash(self) -> str:
        try:
            return _hash(inspect.getsource(self.fn))
        except (OSError, TypeError):
            code = getattr(self.fn, "__code__", None)
            return _hash(code.co_code.hex() if code else repr(self.fn))

    # -- calling -------------------------------------------------------------------------------------
    def _parameters(self, args: tuple, kwargs: dict) -> dict:
        if self._bound_self is not None:
            args = (self._bound_self, *args)
        params = _bind(self.fn, self._signature, args, kwargs)
        if self._bound_self is not None:
            params.pop(next(iter(self._signature.parameters)), None)
        return params

    def _call_fn(self, **params: Any) -> Any:
        args, kwargs = _call_args(self._signature, self._with_self(params))
        return self._raw_fn(*args, **kwargs)

    def _with_self(self, params: dict) -> dict:
        if self._bound_self is None:
            return params
        return {next(iter(self._signature.parameters)): self._bound_self, **params}

    def __call__(self, *args: Any, return_state: bool = False, wait_for: Optional[Iterable] = None,
                 **kwargs: Any) -> Any:
        params = self._parameters(args, kwargs)
        wait_for = list(wait_for) if wait_for is not None else None
        if self._generator is not None:
            run = _run_task_generator if self._generator == "sync" else _arun_task_generator
            return run(self._engine_view(), params, wait_for, return_state)
        if self._is_async:
            coro = _arun_task_now(self._engine_view(), params, wait_for, return_state)
            return coro if _in_event_loop() else _run_coro_sync(coro)
        return _run_task_now(self._engine_view(), params, wait_for, return_state)

    def submit(self, *args: Any, return_state: bool = False, wait_for: Optional[Iterable] = None,
               **kwargs: Any) -> Any:
        """Run the task on the flow's task runner; returns a :class:`PrefectFuture` at once.

        Example: ``fut = add.submit(1, 2); fut.result()``.
        """
        params = self._parameters(args, kwargs)
        future = _submit_task(self._engine_view(), params, _wait_list(wait_for))
        if return_state:
            future.wait()
            return future.state
        return future

    def map(self, *args: Any, return_state: bool = False, wait_for: Optional[Iterable] = None,
            deferred: bool = False, **kwargs: Any) -> Any:
        """Submit one run per element of the iterable arguments; others are broadcast.

        Example: ``add.map([1, 2, 3], unmapped(10))`` runs add(1, 10), add(2, 10), add(3, 10).
        """
        params = self._map_parameters(args, kwargs)
        futures = _map_task(self._engine_view(), params, _wait_list(wait_for))
        if return_state:
            futures.wait()
            return [f.state for f in futures]
        return futures

    def delay(self, *args: Any, **kwargs: Any) -> "PrefectDistributedFuture":
        """Queue a run of this task for a task worker (see ``serve``); returns its future at once.

        Example: ``fut = resize.delay("a.png"); ...; fut.result()`` (a worker runs ``serve(resize)``).
        """
        return self.apply_async(args, kwargs)

    def apply_async(self, args: Optional[tuple] = None, kwargs: Optional[dict] = None,
                    wait_for: Optional[Iterable] = None, dependencies: Optional[dict] = None
                    ) -> "PrefectDistributedFuture":
        """:meth:`delay` with the arguments as a tuple and a dict; the run waits for the runs of the futures in
        ``wait_for``; ``dependencies`` ({parameter: futures or ids}) are recorded as its upstream inputs.

        Example: ``second = report.apply_async(("daily",), wait_for=[first])``.
        """
        params = self._parameters(tuple(args or ()), dict(kwargs or {}))
        return _enqueue(self, params, wait_for, dependencies)

    def serve(self, limit: Optional[int] = 10, timeout: Optional[float] = None) -> None:
        """Run this task's background runs in this process until SIGINT or SIGTERM (``serve(self)``).

        Example: ``resize.serve()``.
        """
        serve(self, limit=limit, timeout=timeout)

    async def aserve(self, limit: Optional[int] = 10, timeout: Optional[float] = None) -> None:
        """:meth:`serve` for async code (the worker loop runs in a thread)."""
        await aserve(self, limit=limit, timeout=timeout)

    def _map_parameters(self, args: tuple, kwargs: dict) -> dict:
        """Bind without defaults: defaults are not mapped over."""
        if self._bound_self is not None:
            args = (self._bound_self, *args)
        try:
            bound = self._signature.bind_partial(*args, **kwargs)
        except TypeError as exc:
            raise ParameterBindError(f"Error binding parameters for function {self.name!r}: {exc}") from None
        params = dict(bound.arguments)
        if self._bound_self is not None:
            params.pop(next(iter(self._signature.parameters)), None)
        return params

    def _engine_view(self) -> "Task":
        """The task as the engine runs it: ``fn`` takes the parameters as keywords."""
        return self if self._plain_call else _EngineTask(self)

    @functools.cached_property
    def _plain_call(self) -> bool:
        if self._bound_self is not None:
            return False
        kinds = {p.kind for p in self._signature.parameters.values()}
        return not kinds & {inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.VAR_POSITIONAL,
                            inspect.Parameter.VAR_KEYWORD}

    @property
    def _raw_fn(self) -> Callable:
        return self.fn

    on_commit = _hook_registrar("on_commit", "when the task's transaction commits")
    on_rollback = _hook_registrar("on_rollback", "when the task's transaction rolls back")

    def __repr__(self) -> str:
        return f"Task(name={self.name!r})"


class _EngineTask:
    """A view of a Task whose ``fn`` takes parameters by name (for methods, *args, **kwargs)."""

    def __init__(self, task: Task) -> None:
        self.__dict__.update(task.__dict__)
        self._task = task
        self.fn = task._call_fn
        self._is_async = task._is_async

    def __getattr__(self, name: str) -> Any:
        return getattr(self._task, name)


def task(__fn: Optional[Callable] = None, **options: Any) -> Any:
    """Make a function a task, bare (``@task``) or with options (``@task(retries=3)``).

    >>> @task(name="add-one", retries=2)
    ... def inc(x):
    ...     return x + 1
    >>> inc.name, inc.retries
    ('add-one', 2)
    """
    if __fn is not None:
        return Task(__fn, **options)
    return lambda fn: Task(fn, **options)


class Flow(_Decorated[_P, _R]):
    """A function whose calls are tracked flow runs. Made by :func:`flow`.

    >>> @flow(name="etl")
    ... def etl(n: int = 1):
    ...     return n
    >>> etl.name
    'etl'
    """

    _OPTIONS = _FLOW_OPTIONS

    def __init__(self, fn: Callable, name: Optional[str] = None, version: Optional[str] = None,
                 flow_run_name: Any = None, retries: Optional[int] = None,
                 retry_delay_seconds: Optional[float] = None, task_runner: Any = None,
                 description: Optional[str] = None, timeout_seconds: Optional[float] = None,
                 validate_parameters: bool = True, persist_result: Optional[bool] = None,
                 result_storage: Any = None, result_serializer: Any = None, cache_result_in_memory: bool = True,
                 log_prints: Optional[bool] = None, on_completion: Optional[list] = None,
                 on_failure: Optional[list] = None, on_cancellation: Optional[list] = None,
                 on_crashed: Optional[list] = None, on_running: Optional[list] = None) -> None:
        fn = _unwrap_method(self, fn)
        _check_fn(fn, "flow")
        functools.update_wrapper(self, fn)
        self.fn = fn
        self._keep_options(locals())
        self._signature = inspect.signature(fn)
        self._is_async = inspect.iscoroutinefunction(fn)
        self._generator = _generator_kind(fn)

    @functools.cached_property
    def version(self) -> Optional[str]:
        """The given version, else a hash of the flow's source file (None if it cannot be read)."""
        if self._version is not None:
            return self._version
        path = _source_file(self.fn)
        try:
            with open(path, "rb") as fh:
                return hashlib.md5(fh.read()).hexdigest()
        except (OSError, TypeError):
            return None

    @functools.cached_property
    def _entrypoint_value(self) -> Optional[str]:
        path = _source_file(self.fn)
        return f"{os.path.abspath(path)}:{self.fn.__qualname__}" if path else None

    def _entrypoint(self) -> Optional[str]:
        return self._entrypoint_value

    def _hints(self) -> dict:
        """Each parameter's type hint, resolved one by one (a hint that cannot be resolved is skipped)."""
        hints = self.__dict__.get("_hint_cache")
        if hints is None:
            hints = {}
            namespace = dict(getattr(self.fn, "__globals__", {}))
            closure = getattr(self.fn, "__closure__", None) or ()
            namespace.update(zip(self.fn.__code__.co_freevars, (c.cell_contents for c in closure))
                             if closure else ())
            for name, p in self._signature.parameters.items():
                hint = p.annotation
                if isinstance(hint, str):
                    try:
                        hint = eval(hint, namespace)  # noqa: S307 - the user's own annotation text
                    except Exception:
                        continue
                if hint is not inspect.Parameter.empty:
                    hints[name] = hint
            self._hint_cache = hints
        return hints

    def _defaults(self) -> dict:
        return {n: p.default for n, p in self._signature.parameters.items()
                if p.default is not inspect.Parameter.empty}

    def _placeholder_task(self) -> Task:
        cached = self.__dict__.get("_placeholder")
        if cached is None:
            cached = self._placeholder = Task(self.fn, name=self.name)
        return cached

    # -- calling -------------------------------------------------------------------------------------
    def _parameters(self, args: tuple, kwargs: dict) -> dict:
        if self._bound_self is not None:
            args = (self._bound_self, *args)
        params = _bind(self.fn, self._signature, args, kwargs)
        if self._bound_self is not None:
            params.pop(next(iter(self._signature.parameters)), None)
        return params

    def _call_args(self, params: dict) -> tuple:
        if self._bound_self is not None:
            params = {next(iter(self._signature.parameters)): self._bound_self, **params}
        return _call_args(self._signature, params)

    def __call__(self, *args: Any, return_state: bool = False, wait_for: Optional[Iterable] = None,
                 **kwargs: Any) -> Any:
        params = self._parameters(args, kwargs)
        wait_for = list(wait_for) if wait_for is not None else None
        if self._generator == "sync":
            return _FlowEngine(self, params, wait_for).run_generator(return_state)
        if self._generator == "async":
            return _FlowEngine(self, params, wait_for).run_async_generator(return_state)
        if self._is_async:
            return self._acall(params, wait_for, return_state)
        engine = _FlowEngine(self, params, wait_for)
        return _deliver(engine.run_sync(), return_state, engine.returned)

    async def _acall(self, params: dict, wait_for: Optional[list], return_state: bool) -> Any:
        engine = _FlowEngine(self, params, wait_for)
        return _deliver(await engine.run_async(), return_state, engine.returned)

    on_cancellation = _hook_registrar("on_cancellation", "when a run is cancelled")
    on_crashed = _hook_registrar("on_crashed", "when a run crashes")

    @classmethod
    def from_source(cls, source: Any, entrypoint: str, _sync: Optional[bool] = None) -> Any:
        """The flow at ``entrypoint`` (``"flows.py:my_flow"``, relative to ``source``; or a module path)
        in ``source``: a local folder or file, or a storage object (``pull_code()``/``destination``,
        ``get_directory()``). Awaitable in async code, as in Prefect; ``afrom_source`` always is.

        Example: ``Flow.from_source("/srv/jobs", "etl.py:nightly")()``.
        """
        if _wants_await(_sync):
            return _awaitable(_flow_from_source, source, entrypoint)
        return _flow_from_source(source, entrypoint)

    @classmethod
    async def afrom_source(cls, source: Any, entrypoint: str) -> "Flow":
        """:meth:`from_source` for async code."""
        return _flow_from_source(source, entrypoint)

    async def ato_deployment(self, *args: Any, **kwargs: Any) -> "Deployment":
        """:meth:`to_deployment` for async code."""
        return self.to_deployment(*args, **kwargs)

    def to_deployment(self, name: str, interval: Any = None, cron: Any = None, rrule: Any = None,
                      paused: Optional[bool] = None, schedule: Any = None, schedules: Optional[list] = None,
                      concurrency_limit: Any = None, parameters: Optional[dict] = None,
                      description: Optional[str] = None, tags: Optional[list] = None, version: Optional[str] = None,
                      triggers: Optional[list] = None, version_type: Any = None,
                      enforce_parameter_schema: bool = True, work_pool_name: Optional[str] = None,
                      work_queue_name: Optional[str] = None, job_variables: Optional[dict] = None,
                      entrypoint_type: Any = None, _sla: Any = None,
                      catchup: str = "latest", max_catchup: int = 100, misfire_grace: float = 3600) -> "Deployment":
        """A deployment of this flow, to pass to :func:`serve`. Example:
        ``serve(etl.to_deployment("nightly", cron="0 2 * * *"))``.

        Prefect's keywords for work pools, job variables, version types, entrypoint types and SLAs are
        taken and have no effect here (serve runs each flow in a local process); ``triggers``
        (``DeploymentEventTrigger``) start runs on events; an unknown keyword is a TypeError."""
        deployment = Deployment(self, name, _make_schedules(interval, cron, rrule, schedule, schedules), parameters,
                                tags, description, version, bool(paused), concurrency_limit, catchup, max_catchup,
                                misfire_grace)
        deployment.triggers = _check_triggers(triggers)
        return deployment

    def serve(self, name: Optional[str] = None, interval: Any = None, cron: Any = None, rrule: Any = None,
              paused: Optional[bool] = None, schedule: Any = None, schedules: Optional[list] = None,
              global_limit: Any = None, parameters: Optional[dict] = None, description: Optional[str] = None,
              tags: Optional[list] = None, version: Optional[str] = None, limit: Optional[int] = None,
              triggers: Optional[list] = None, enforce_parameter_schema: bool = True,
              pause_on_shutdown: bool = True, print_starting_message: bool = True, webserver: bool = False,
              entrypoint_type: Any = None, catchup: str = "latest", max_catchup: int = 100,
              misfire_grace: float = 3600) -> None:
        """Serve this flow on its schedules until SIGINT/SIGTERM. Example: ``hello.serve(cron="* * * * *")``.

        ``global_limit`` caps this deployment's concurrent runs (Prefect's name for ``concurrency_limit``),
        ``limit`` the serve process's; an unknown keyword is a TypeError."""
        deployment = self.to_deployment(name or self.name, interval, cron, rrule, paused, schedule, schedules,
                                        global_limit, parameters, description, tags, version, triggers=triggers,
                                        enforce_parameter_schema=enforce_parameter_schema, catchup=catchup,
                                        max_catchup=max_catchup, misfire_grace=misfire_grace)
        serve(deployment, limit=limit, pause_on_shutdown=pause_on_shutdown,
              print_starting_message=print_starting_message, webserver=webserver)

    def __repr__(self) -> str:
        return f"Flow(name={self.name!r})"


def _deliver(state: State, return_state: bool, returned: Any = _NO_DATA) -> Any:
    """What a flow call gives: its state, or what its body returned (futures in it as their states), as
    Prefect's call does, even when states in that value failed the run; a returned State's result."""
    _raise_crash(state)
    if return_state:
        return state
    if returned is not _NO_DATA and state.data is returned:
        return returned
    return state._result()


# -- loading flows from files and modules ---------------------------------------------------------
#
# An entrypoint is ``path/to/file.py:name`` (``name`` may be ``Class.method``) or ``package.module.name``.


def _import_file(path: str) -> Any:
    """The module of a Python file, executed once per process (a module already loaded from that file is
    reused); ScriptError when the file raises."""
    import importlib.util

    path = os.path.abspath(path)
    module = next((m for m in list(sys.modules.values())
                   if os.path.abspath(getattr(m, "__file__", None) or "") == path), None)
    if module is not None:
        return module
    if not os.path.exists(path):
        raise ScriptError(FileNotFoundError(f"No such file: {path}"), path)
    name = "_orchestrator_entry_" + hashlib.md5(path.encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    sys.path.insert(0, os.path.dirname(path))
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(name, None)
        raise ScriptError(exc, path) from exc
    return module


def _split_entrypoint(entrypoint: str) -> tuple:
    """(file path or module name, object path, True for a file)."""
    if ":" in entrypoint:
        path, _, qualname = entrypoint.rpartition(":")
        return path, qualname, True
    module, _, name = entrypoint.rpartition(".")
    if not module:
        raise ValueError(f"An entrypoint is 'path/to/file.py:name' or 'module.name', not {entrypoint!r}")
    return module, name, False


def _import_object(entrypoint: str) -> Any:
    """What an entrypoint names, importing its file or module; AttributeError when it names nothing."""
    import importlib

    where, qualname, is_file = _split_entrypoint(entrypoint)
    obj: Any = _import_file(where) if is_file else importlib.import_module(where)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def load_flow_from_entrypoint(entrypoint: str, use_placeholder_flow: bool = True) -> "Flow":
    """The flow an entrypoint names, running its file. When the file cannot run (a dependency is
    missing), the flow's own definition is loaded alone instead (``use_placeholder_flow=False``:
    ScriptError). MissingFlowError when there is no flow by that name.

    Example: ``load_flow_from_entrypoint("flows/etl.py:nightly")()``.
    """
    where, qualname, _ = _split_entrypoint(entrypoint)
    try:
        found = _import_object(entrypoint)
    except AttributeError as exc:
        raise MissingFlowError(f"Flow function with name {qualname!r} not found in {where!r}. ") from exc
    except ScriptError:
        if not use_placeholder_flow:
            raise
        found = safe_load_flow_from_entrypoint(entrypoint)
        if found is None:
            raise
    if not isinstance(found, Flow):
        raise MissingFlowError(f"Function with name {qualname!r} is not a flow. Make sure that it is decorated "
                               f"with '@flow'.")
    return found


def load_function_and_convert_to_flow(entrypoint: str) -> "Flow":
    """The flow an entrypoint names; a plain function there becomes a flow (with ``log_prints=True``)."""
    where, qualname, _ = _split_entrypoint(entrypoint)
    try:
        found = _import_object(entrypoint)
    except AttributeError as exc:
        raise RuntimeError(f"Function with name {qualname!r} not found in {where!r}.") from exc
    return found if isinstance(found, Flow) else Flow(found, log_prints=True)


def _entrypoint_definition(entrypoint: str) -> tuple:
    """(the ``def`` or ``class`` node the entrypoint starts with, the file's source, its path or None,
    the object path's parts); ValueError when the source has no such definition."""
    import ast
    import importlib.util

    where, qualname, is_file = _split_entrypoint(entrypoint)
    if is_file:
        path = where
    else:
        spec = importlib.util.find_spec(where)
        if spec is None or not spec.origin:
            raise ValueError(f"Could not find module {where!r}")
        path = spec.origin
    with open(path, encoding="utf-8") as fh:
        source = fh.read()
    parts = qualname.split(".")
    node = next((n for n in ast.walk(ast.parse(source))
                 if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n.name == parts[0]),
                None)
    if node is None:
        raise ValueError(f"Could not find object {parts[0]!r} in {where!r}")
    return node, source, path if is_file else None, parts


def _safe_namespace(source: str, path: Optional[str]) -> dict:
    """The names a file defines, each import, class, function and assignment run on its own so that one
    that fails (a missing dependency) leaves the rest; the ``__main__`` block is left out."""
    import ast

    namespace: dict = {"__name__": "orchestrator_safe_namespace", "__file__": path}
    tree = ast.parse(source)
    if path:
        sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        for kinds in ((ast.Import, ast.ImportFrom), (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef, ast.Assign)):
            for node in tree.body:
                if isinstance(node, kinds):
                    try:
                        exec(compile(ast.Module(body=[node], type_ignores=[]), path or "<entrypoint>", "exec"),
                             namespace)
                    except Exception:  # noqa: BLE001 - that name stays undefined, as in Prefect
                        pass
    finally:
        if path:
            with contextlib.suppress(ValueError):
                sys.path.remove(os.path.dirname(os.path.abspath(path)))
    return namespace


def _flow_definition(node: Any, parts: list) -> Any:
    """The function node of the flow: the entrypoint's function, or the named method of its class."""
    import ast

    if isinstance(node, ast.ClassDef) and len(parts) > 1:
        return next((n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                     and n.name == parts[1]), None)
    return node


def safe_load_flow_from_entrypoint(entrypoint: str) -> Optional["Flow"]:
    """The flow an entrypoint names, loaded without running the whole file: imports that fail are left
    out and, if need be, the flow's own definition is compiled alone (annotations and defaults that
    cannot be evaluated dropped). None when it cannot be loaded; ValueError when the file defines no such
    name."""
    import ast

    node, source, path, parts = _entrypoint_definition(entrypoint)
    namespace = _safe_namespace(source, path)
    if parts[0] in namespace:
        obj: Any = namespace[parts[0]]
        for part in parts[1:]:
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return obj
    func = _flow_definition(node, parts)
    if func is None:
        return None

    def evaluates(expr: Any) -> bool:
        try:
            eval(compile(ast.Expression(expr), "<entrypoint>", "eval"), namespace)
            return True
        except Exception:  # noqa: BLE001
            return False

    args = func.args
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
        if arg is not None and arg.annotation is not None and not evaluates(arg.annotation):
            arg.annotation = None
    args.defaults = [d if evaluates(d) else ast.Constant(value=None) for d in args.defaults]
    args.kw_defaults = [d if d is None or evaluates(d) else ast.Constant(value=None) for d in args.kw_defaults]
    if func.returns is not None and not evaluates(func.returns):
        func.returns = None
    func.decorator_list = [d for d in func.decorator_list if not (isinstance(d, ast.Name)
                                                                 and d.id in ("staticmethod", "classmethod"))]
    try:
        module = ast.fix_missing_locations(ast.Module(body=[func], type_ignores=[]))
        exec(compile(module, path or "<entrypoint>", "exec"), namespace)
    except Exception:  # noqa: BLE001
        return None
    found = namespace.get(func.name)
    return found if isinstance(found, Flow) else None


_FLOW_ARGUMENTS = ("name", "version", "retries", "retry_delay_seconds", "description", "timeout_seconds",
                   "validate_parameters", "persist_result", "cache_result_in_memory", "log_prints")


def load_flow_arguments_from_entrypoint(entrypoint: str, arguments: Optional[Iterable[str]] = None) -> dict:
    """The arguments given to the ``@flow(...)`` decorator at an entrypoint, read from its source without
    running the flow (each as text, as Prefect gives them); ``name`` defaults to the function's name
    with dashes. Example: ``load_flow_arguments_from_entrypoint("etl.py:nightly")["name"]``."""
    import ast

    node, source, path, parts = _entrypoint_definition(entrypoint)
    func = _flow_definition(node, parts) or node
    wanted = set(arguments) if arguments is not None else set(_FLOW_ARGUMENTS)
    result: dict = {}
    namespace: Optional[dict] = None
    for decorator in func.decorator_list:
        if not (isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "flow"):
            continue
        for keyword in decorator.keywords:
            if keyword.arg not in wanted:
                continue
            if isinstance(keyword.value, ast.Constant):
                result[keyword.arg] = str(keyword.value.value)
                continue
            namespace = namespace if namespace is not None else _safe_namespace(source, path)
            text = (ast.get_source_segment(source, keyword.value) or "").replace("\n", "")
            try:
                result[keyword.arg] = str(eval(text, namespace))
            except Exception:  # noqa: BLE001 - left out: the flow's default applies, as in Prefect
                logging.getLogger("orchestrator").info(f"Failed to parse @flow argument: `{keyword.arg}={text}`; "
                                                       f"ignoring it")
    if "name" in wanted and "name" not in result:
        result["name"] = func.name.replace("_", "-")
    return result


def _flow_from_source(source: Any, entrypoint: str) -> "Flow":
    """:meth:`Flow.from_source`: ``source`` is a local folder or file (a str or Path), or a storage object
    with ``pull_code()`` and ``destination`` or with ``get_directory(local_path=...)``."""
    import tempfile

    if hasattr(source, "pull_code"):
        _settle(source.pull_code())
        base = str(getattr(source, "destination"))
    elif hasattr(source, "get_directory"):
        base = tempfile.mkdtemp(prefix="orchestrator-source-")
        _settle(source.get_directory(local_path=base))
    elif isinstance(source, (str, os.PathLike)):
        base = os.fspath(source)
        if "://" in base or base.startswith("git@"):
            raise ValueError(f"Flow.from_source takes a local folder or file here, not {base!r}: clone the "
                             f"repository first and give its folder")
    else:
        raise TypeError(f"Unsupported source type {type(source).__name__!r}. Please provide a URL to remote "
                        f"storage or a storage object.")
    base = os.path.abspath(base)
    if os.path.isfile(base):  # the entrypoint is "name" or "file.py:name" for that very file
        where, _, qualname = entrypoint.rpartition(":")
        if where and os.path.basename(where) != os.path.basename(base):
            raise ValueError(f"The entrypoint {entrypoint!r} names another file than {base}")
        entrypoint = f"{base}:{qualname}"
    else:
        where, qualname, is_file = _split_entrypoint(entrypoint)
        if is_file:
            entrypoint = f"{os.path.join(base, where)}:{qualname}"
        elif base not in sys.path:
            sys.path.insert(0, base)
    found = load_flow_from_entrypoint(entrypoint)
    found._storage = source
    return found


def flow(__fn: Optional[Callable] = None, **options: Any) -> Any:
    """Make a function a flow, bare (``@flow``) or with options (``@flow(log_prints=True)``).

    >>> @flow(retries=1)
    ... def nightly_job():
    ...     pass
    >>> nightly_job.name
    'nightly-job'
    """
    if __fn is not None:
        return Flow(__fn, **options)
    return lambda fn: Flow(fn, **options)


flow.from_source = Flow.from_source  # as Prefect's ``flow.from_source(...)``
flow.afrom_source = Flow.afrom_source


# == 17. Coordination: variables, artifacts, concurrency and rate limits, pause and resume ================
#
# What flows share through the database: variables, artifacts, global concurrency and rate limits (held
# across processes, released when their holder dies), and pausing a run until someone resumes it.

_VARIABLE_NAME = "abcdefghijklmnopqrstuvwxyz0123456789_-"


class Variable:
    """Named JSON values shared by every flow and process on the database.

    Example::

        Variable.set("api_base", "https://example.com", overwrite=True)
        base = Variable.get("api_base", default="http://localhost")
    """

    def __init__(self, name: str, value: Any, tags: Optional[list] = None) -> None:
        self.name, self.value, self.tags = name, value, list(tags or [])

    @staticmethod
    def _check(name: str) -> None:
        if not isinstance(name, str) or not name or len(name) > 255 or any(c not in _VARIABLE_NAME for c in name):
            raise ValueError(f"Invalid variable name {name!r}: use at most 255 lowercase letters, digits, '_' "
                             f"and '-'")

    def _get(cls, name: str, default: Any = None) -> Any:
        """The stored value, or ``default`` (nothing is raised for a missing name); awaitable in async code."""
        row = _get_store().variable(name)
        return default if row is None else json.loads(row["value"])

    def _set(cls, name: str, value: Any, tags: Optional[list] = None, overwrite: bool = False) -> "Variable":
        """Store a JSON value; an existing name needs ``overwrite=True``. Awaitable in async code."""
        cls._check(name)
        try:
            text = json.dumps(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"The value of variable {name!r} is not JSON: {exc}") from None
        if len(text) > 5000:
            raise ValueError(f"The value of variable {name!r} is {len(text)} characters of JSON; the most is 5,000")
        try:
            _get_store().set_variable(name, text, list(tags or []), overwrite)
        except ObjectAlreadyExists as exc:
            raise ValueError(str(exc)) from None
        return cls(name, value, tags)

    def _unset(cls, name: str) -> bool:
        """Delete a variable; True if it existed. Awaitable in async code."""
        return _get_store().unset_variable(name)

    get, set, unset = (classmethod(_async_dispatch(fn)) for fn in (_get, _set, _unset))
    aget, aset, aunset = (classmethod(_async_form(fn)) for fn in (_get, _set, _unset))

    def __repr__(self) -> str:
        return f"Variable(name={self.name!r}, value={self.value!r})"


def _artifact_key(key: Optional[str]) -> Optional[str]:
    if key is not None and (not key or any(c not in "abcdefghijklmnopqrstuvwxyz0123456789-" for c in key)):
        raise ValueError(f"Invalid artifact key {key!r}: use lowercase letters, digits and dashes")
    return key


def _create_artifact(type_: str, data: Any, key: Optional[str], description: Optional[str],
                     flow_run_id: Optional[str] = None, task_run_id: Optional[str] = None) -> str:
    task_ctx, flow_ctx = _TASK_CTX.get(), _FLOW_CTX.get()
    artifact_id = _uuid7()
    now = time.time()
    text = data if isinstance(data, str) else json.dumps(data, default=_json_fallback, allow_nan=True)
    text = text.replace("NaN", "null") if not isinstance(data, str) else text
    _get_store().add_artifact((artifact_id, _artifact_key(key), type_, text, description,
                               flow_run_id or (flow_ctx.flow_run.id if flow_ctx else None),
                               task_run_id or (task_ctx.task_run.id if task_ctx else None), now, now))
    return artifact_id


@_async_dispatch
def create_markdown_artifact(markdown: str, key: Optional[str] = None, description: Optional[str] = None) -> str:
    """Attach a markdown report to the current run (``key`` keeps a history). Returns its id.

    Example: ``create_markdown_artifact("# Done\n3 files", key="daily-report")``.
    """
    return _create_artifact("markdown", markdown, key, description)


@_async_dispatch
def create_table_artifact(table: Any, key: Optional[str] = None, description: Optional[str] = None) -> str:
    """Attach a table (a list of dicts, a list of lists, or a dict of columns). Returns its id."""
    return _create_artifact("table", table, key, description)


@_async_dispatch
def create_link_artifact(link: str, link_text: Optional[str] = None, key: Optional[str] = None,
                         description: Optional[str] = None) -> str:
    """Attach a link (stored as markdown, as Prefect does). Returns its id."""
    return _create_artifact("markdown", f"[{link_text or link}]({link})", key, description)


@_async_dispatch
def create_progress_artifact(progress: float, key: Optional[str] = None, description: Optional[str] = None) -> str:
    """Attach a progress figure from 0 to 100 (updated in place). Returns its id."""
    return _create_artifact("progress", _clamp_progress(progress), key, description)


@_async_dispatch
def update_progress_artifact(artifact_id: str, progress: float, description: Optional[str] = None) -> str:
    """Set a progress artifact's figure. Returns its id."""
    if not _get_store().update_artifact(str(artifact_id), json.dumps(_clamp_progress(progress)), description):
        raise ObjectNotFound(f"No artifact with id {artifact_id!r}.")
    return artifact_id


acreate_markdown_artifact = _async_form(create_markdown_artifact.__wrapped__)
acreate_table_artifact = _async_form(create_table_artifact.__wrapped__)
acreate_link_artifact = _async_form(create_link_artifact.__wrapped__)
acreate_progress_artifact = _async_form(create_progress_artifact.__wrapped__)
aupdate_progress_artifact = _async_form(update_progress_artifact.__wrapped__)


class ArtifactResponse:
    """An artifact as recorded: ``id``, ``key``, ``type``, ``data`` (the stored text), ``description``,
    ``flow_run_id``, ``task_run_id``, ``created`` and ``updated`` (aware datetimes)."""

    __slots__ = ("id", "key", "type", "data", "description", "flow_run_id", "task_run_id", "created", "updated")

    def __init__(self, row: dict) -> None:
        for name in self.__slots__:
            value = row.get(name)
            setattr(self, name, _utc(value) if name in ("created", "updated") and value is not None else value)

    def __repr__(self) -> str:
        return f"ArtifactResponse(id={self.id!r}, key={self.key!r}, type={self.type!r})"


class Artifact:
    """An artifact to create: ``Artifact(type="markdown", key="report", data="# Done").create()``, as
    Prefect's ``prefect.artifacts.Artifact``; ``Artifact.get(key)`` reads the newest with that key and
    ``Artifact.get_or_create(key, ...)`` reads or creates one. The subclasses (``MarkdownArtifact``,
    ``TableArtifact``, ``LinkArtifact``, ``ProgressArtifact``, ``ImageArtifact``) format their data as the
    ``create_*_artifact`` functions do. In async code ``create``, ``get`` and ``get_or_create`` are
    awaitable; ``acreate``, ``aget`` and ``aget_or_create`` always are."""

    type: Optional[str] = None

    def __init__(self, type: Optional[str] = None, key: Optional[str] = None, description: Optional[str] = None,
                 data: Any = None, flow_run_id: Optional[str] = None, task_run_id: Optional[str] = None,
                 **fields: Any) -> None:
        self.type = type or self.type
        self.key, self.description, self.data = _artifact_key(key), description, data
        self.flow_run_id, self.task_run_id = flow_run_id, task_run_id
        for name, value in fields.items():
            setattr(self, name, value)

    def format(self) -> Any:
        """The text stored for this artifact (for a plain Artifact: its data as JSON)."""
        return json.dumps(self.data, default=_json_fallback)

    def _create(self) -> ArtifactResponse:
        artifact_id = _create_artifact(self.type or "", self.format(), self.key, self.description,
                                       self.flow_run_id, self.task_run_id)
        return ArtifactResponse(_get_store().artifact(artifact_id))

    @classmethod
    def _get(cls, key: Optional[str] = None) -> Optional[ArtifactResponse]:
        rows = _get_store().artifacts(key=key, limit=1, latest_only=False)
        return ArtifactResponse(rows[0]) if rows else None

    @classmethod
    def _get_or_create(cls, key: Optional[str] = None, description: Optional[str] = None, data: Any = None,
                       **fields: Any) -> tuple:
        found = cls._get(key)
        if found is not None:
            return found, False
        return cls(key=key, description=description, data=data, **fields)._create(), True

    create = _async_dispatch(_create)
    acreate = _async_form(_create)
    get, aget = classmethod(_async_dispatch(_get.__func__)), classmethod(_async_form(_get.__func__))
    get_or_create = classmethod(_async_dispatch(_get_or_create.__func__))
    aget_or_create = classmethod(_async_form(_get_or_create.__func__))


class MarkdownArtifact(Artifact):
    """``MarkdownArtifact(markdown="# Done")``."""

    type = "markdown"

    def format(self) -> Any:
        return getattr(self, "markdown", None) if getattr(self, "markdown", None) is not None else self.data


class TableArtifact(Artifact):
    """``TableArtifact(table=[{"a": 1}])``: a list of dicts, a list of lists, or a dict of columns."""

    type = "table"

    def format(self) -> Any:
        table = getattr(self, "table", None)
        return json.dumps(self.data if table is None else table, default=_json_fallback).replace("NaN", "null")


class LinkArtifact(Artifact):
    """``LinkArtifact(link="https://...", link_text="report")``, stored as markdown."""

    type = "markdown"

    def format(self) -> Any:
        link = getattr(self, "link", "")
        return f"[{getattr(self, 'link_text', None) or link}]({link})"


class ProgressArtifact(Artifact):
    """``ProgressArtifact(progress=42.0)``: a figure from 0 to 100."""

    type = "progress"

    def format(self) -> Any:
        return json.dumps(_clamp_progress(getattr(self, "progress", self.data or 0)))


class ImageArtifact(Artifact):
    """``ImageArtifact(image_url="https://...")``: the image's address."""

    type = "image"

    def format(self) -> Any:
        return getattr(self, "image_url", None) or self.data


@_async_dispatch
def create_image_artifact(image_url: str, key: Optional[str] = None, description: Optional[str] = None) -> str:
    """Attach an image by its URL (the web view shows the address). Returns its id."""
    return _create_artifact("image", image_url, key, description)


acreate_image_artifact = _async_form(create_image_artifact.__wrapped__)


def _clamp_progress(progress: float) -> float:
    value = float(progress)
    if not 0 <= value <= 100:
        logging.getLogger("orchestrator").warning(f"Progress {value} is outside 0-100; clamped")
    return min(100.0, max(0.0, value))


def create_concurrency_limit(name: str, limit: int, slot_decay_per_second: float = 0.0) -> str:
    """Create a global concurrency limit (with ``slot_decay_per_second`` > 0, a rate limit) shared by every
    process on the database, or update the one by that name, as Prefect's
    ``upsert_global_concurrency_limit_by_name`` does: so it can sit at the top of a served file. Slots
    already held stay held. Returns "created", "updated" or "unchanged".
    Example: ``create_concurrency_limit("db", 2)``."""
    _check_name(name)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ValueError(f"A concurrency limit must be a whole number of at least 0, not {limit!r}")
    if slot_decay_per_second < 0:
        raise ValueError(f"slot_decay_per_second must not be negative, not {slot_decay_per_second!r}")
    return _get_store().create_limit(name, limit, float(slot_decay_per_second), mode="upsert")


def delete_concurrency_limit(name: str) -> bool:
    """Delete a global concurrency limit; True if it existed."""
    return _get_store().delete_limit(name)


def _acquire(names: list, occupy: int, timeout_seconds: Optional[float], strict: bool, rate: bool,
             store: Optional["_Store"] = None) -> list:
    """Wait for slots on every named limit of ``store`` (default: this process's database), polling other
    processes every 50 ms and woken at once by this process's releases; returns the slot ids to give back."""
    if isinstance(occupy, bool) or not isinstance(occupy, int) or occupy < 1:
        raise ValueError(f"occupy must be a whole number of at least 1, not {occupy!r}")
    store = store or _get_store()
    process_id = store.register_process()
    deadline = None if timeout_seconds is None else time.monotonic() + timeout_seconds
    while True:
        ids, missing = store.acquire_slots(names, occupy, process_id, _lease_seconds(), decay_only=rate)
        if missing:
            if strict:
                raise ConcurrencySlotAcquisitionError(f"Concurrency limits {missing} must be created before "
                                                      f"acquiring slots")
            _fallback_logger().warning(f"Concurrency limits {missing} do not exist - skipping acquisition.")
        if ids is not None:
            return ids
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            raise AcquireConcurrencySlotTimeoutError(
                f"Attempt to acquire concurrency slots timed out after {timeout_seconds} second(s)")
        store.wait_for_slot(0.05 if left is None else min(0.05, left))


class concurrency:
    """Hold ``occupy`` slots on every named global concurrency limit for the block; ``with`` or
    ``async with``. A limit holds across every process on the database.

    Example::

        with concurrency("database", occupy=1, timeout_seconds=30):
            write_rows()
    """

    def __init__(self, names: Any, occupy: int = 1, timeout_seconds: Optional[float] = None,
                 max_retries: Optional[int] = None, lease_duration: float = 300, strict: bool = False,
                 holder: Any = None) -> None:
        self.names = [names] if isinstance(names, str) else list(names)
        self.occupy, self.timeout_seconds, self.strict = occupy, timeout_seconds, strict
        self._ids: list = []

    def __enter__(self) -> None:
        self._ids = _acquire(self.names, self.occupy, self.timeout_seconds, self.strict, rate=False)

    def __exit__(self, *exc: Any) -> None:
        _get_store().release_slots(self._ids)
        self._ids = []

    async def __aenter__(self) -> None:
        import asyncio

        self._ids = await asyncio.get_running_loop().run_in_executor(
            None, contextvars.copy_context().run, _acquire, self.names, self.occupy, self.timeout_seconds,
            self.strict, False)

    async def __aexit__(self, *exc: Any) -> None:
        self.__exit__(*exc)


def rate_limit(names: Any, occupy: int = 1, timeout_seconds: Optional[float] = None, strict: bool = False) -> Any:
    """Wait until a rate limit (a limit with slot decay) admits ``occupy`` more; nothing is given back.
    In async code it returns an awaitable. Example: ``rate_limit("api")`` before each call."""
    names = [names] if isinstance(names, str) else list(names)
    if _in_event_loop():
        import asyncio

        return asyncio.get_running_loop().run_in_executor(
            None, contextvars.copy_context().run, _acquire, names, occupy, timeout_seconds, strict, True)
    _acquire(names, occupy, timeout_seconds, strict, rate=True)
    return None


@_async_dispatch
def pause_flow_run(wait_for_input: Any = None, timeout: Optional[float] = 3600, poll_interval: float = 0.1,
                   key: Optional[str] = None) -> Any:
    """Pause the current flow run until any process resumes it (``resume_flow_run`` or
    ``orchestrator resume RUN``); returns the input it was resumed with (validated against
    ``wait_for_input`` when given). ``FlowPauseTimeout`` is raised when ``timeout`` passes first
    (``None``: wait for ever). In an async flow it is awaitable, as in Prefect::

        approved = pause_flow_run(wait_for_input=bool, timeout=600)
    """
    ctx = _FLOW_CTX.get()
    if ctx is None or _TASK_CTX.get() is not None:
        raise RuntimeError("Flow runs can only be paused from within a flow run.")
    engine = _ACTIVE_FLOWS.get(ctx.flow_run.id)
    engine._set(Paused(timeout_seconds=timeout, pause_key=key))
    ctx.logger.info("Pausing flow, execution will continue when this flow run is resumed.")
    store, deadline = ctx.store, None if timeout is None else time.monotonic() + timeout
    while True:
        state = store.run_state(ctx.flow_run.id)
        if state is not None and state[0] != "PAUSED":
            break
        if deadline is not None and time.monotonic() >= deadline:
            engine._set(Failed(message="The flow was failed and never resumed."), commit=True)
            raise FlowPauseTimeout("Flow run was paused and never resumed.")
        time.sleep(poll_interval)
    engine._record(State(_RUNNING, state[1]))
    ctx.logger.info("Resuming flow run execution!")
    value = json.loads(state[2]) if state[2] else None
    if wait_for_input is None:
        return value
    try:
        return _coerce(value.get("value", value) if isinstance(value, dict) and
                       not _is_pydantic_model(wait_for_input) else value, wait_for_input)
    except (TypeError, ValueError) as exc:
        raise ParameterTypeError(f"The input the run was resumed with is not a valid "
                                 f"{getattr(wait_for_input, '__name__', wait_for_input)}: {exc}") from None


def resume_flow_run(flow_run_id: str, run_input: Any = None) -> None:
    """Resume a paused flow run, optionally with input (JSON). Example: ``resume_flow_run(run_id, {"value": 42})``."""
    store = _get_store()
    row = store.resolve_flow_run(str(flow_run_id))
    try:
        text = None if run_input is None else json.dumps(run_input)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"run_input is not JSON: {exc}") from None
    store.resume_run(row["id"], text)


# == 18. Events and automations ===========================================================================
#
# Events are rows (see migration 9: flow-run states are written by triggers). Automations look at the events
# after their cursor, in a transaction that writes one delivery row per (automation, event, action); any
# process then claims due deliveries with a lease, acts, and records the outcome (retrying with backoff).


# -- events ---------------------------------------------------------------------------------------


class Resource(dict):
    """An event's resource: a dict of labels (``prefect.resource.id`` and others), with ``.id`` and
    ``.name`` for the two usual ones."""

    @property
    def id(self) -> str:
        return self["prefect.resource.id"]

    @property
    def name(self) -> Optional[str]:
        return self.get("prefect.resource.name")


class Event:
    """Something that happened, in Prefect's shape: ``event`` (its name, such as
    ``prefect.flow-run.Failed``), ``resource``, ``related`` resources, ``payload``, ``occurred`` and
    ``id``. Every state a flow run enters is one, written with the state change; a task run's Failed and
    Crashed states too; :func:`emit_event` adds your own."""

    __slots__ = ("id", "occurred", "event", "resource", "related", "payload", "row")

    def __init__(self, event: str, resource: dict, occurred: Optional[_dt.datetime] = None,
                 related: Optional[list] = None, payload: Optional[dict] = None, id: Optional[str] = None,
                 row: Optional[int] = None) -> None:
        self.event, self.resource = event, Resource(resource)
        self.related = [Resource(r) for r in related or ()]
        self.payload = dict(payload or {})
        self.occurred = occurred or _utc_now()
        self.id = id or str(uuid.uuid4())
        self.row = row  # its place in the database's order of events

    @classmethod
    def _from_row(cls, row: dict) -> "Event":
        return cls(row["event"], json.loads(row["resource"]), _utc(row["occurred"]), json.loads(row["related"]),
                   json.loads(row["payload"]), row["event_id"], row["id"])

    def _json(self) -> dict:
        return {"id": self.id, "occurred": self.occurred.isoformat(), "event": self.event,
                "resource": dict(self.resource), "related": [dict(r) for r in self.related],
                "payload": self.payload}

    def __repr__(self) -> str:
        return f"Event(event={self.event!r}, resource={self.resource.id!r})"


def emit_event(event: str, resource: dict, occurred: Optional[_dt.datetime] = None, related: Optional[list] = None,
               payload: Optional[dict] = None, id: Optional[str] = None, follows: Any = None) -> Event:
    """Record an event of your own, from any process (as Prefect's ``prefect.events.emit_event``). Inside a
    flow or task run, the run is added to its related resources.

    Example: ``emit_event("file.arrived", {"prefect.resource.id": "file.sales.csv"}, payload={"rows": 3})``.
    """
    if not isinstance(event, str) or not event:
        raise ValueError("An event needs a name, such as 'backup.finished'")
    if not isinstance(resource, dict) or not resource.get("prefect.resource.id"):
        raise ValueError("An event's resource needs a 'prefect.resource.id' label, such as "
                         "{'prefect.resource.id': 'backup.nightly'}")
    related = [dict(r) for r in related or ()]
    flow_ctx, task_ctx = _FLOW_CTX.get(), _TASK_CTX.get()
    for run, kind in ((flow_ctx and flow_ctx.flow_run, "flow-run"), (task_ctx and task_ctx.task_run, "task-run")):
        if run is not None and not any(r.get("prefect.resource.id") == f"prefect.{kind}.{run.id}" for r in related):
            related.append({"prefect.resource.id": f"prefect.{kind}.{run.id}", "prefect.resource.role": kind,
                            "prefect.resource.name": run.name})
    store = _get_store()
    occurred = occurred or _utc(store.clock.time())
    made = Event(event, {k: str(v) for k, v in resource.items()}, occurred, related, payload, id)
    store.add_event((made.id, made.occurred.timestamp(), made.event, made.resource.id,
                            json.dumps(dict(made.resource)), json.dumps(made.related),
                            json.dumps(made.payload, default=_json_fallback)))
    return made


# -- triggers ---------------------------------------------------------------------------------------


def _label_matches(value: Any, wanted: Any) -> bool:
    """A label's value against a wanted value or list of them (``*`` and ``?`` are wildcards)."""
    import fnmatch

    wanted = wanted if isinstance(wanted, (list, tuple, set)) else [wanted]
    return value is not None and any(fnmatch.fnmatchcase(str(value), str(w)) for w in wanted)


def _resource_matches(resource: dict, spec: dict) -> bool:
    return all(_label_matches(resource.get(key), wanted) for key, wanted in spec.items())


class EventTrigger:
    """When an automation (or a deployment's trigger) fires: on events named in ``expect`` (wildcards
    allowed: ``prefect.flow-run.*``) whose resource matches ``match`` and, when given, one of whose
    related resources matches ``match_related`` (a dict, or a list of dicts any of which may match);
    ``threshold`` such events within ``within`` seconds fire it once (then it counts again).

    ``posture="Proactive"`` fires when events do *not* come: fewer than ``threshold`` expected events
    within ``within`` seconds after each event named in ``after`` (or, without ``after``, in each period of
    ``within`` seconds from its creation), once per window, when the window ends.

    Example: ``EventTrigger(expect={"prefect.flow-run.Failed"}, match_related={"prefect.resource.id":
    "prefect.flow.nightly"})``.
    """

    def __init__(self, expect: Iterable[str] = (), match: Optional[dict] = None, match_related: Any = None,
                 after: Iterable[str] = (), for_each: Iterable[str] = (), posture: str = "Reactive",
                 threshold: int = 1, within: Any = 0, parameters: Optional[dict] = None,
                 enabled: bool = True, name: Optional[str] = None) -> None:
        posture = getattr(posture, "value", posture)
        if posture not in ("Reactive", "Proactive"):
            raise ValueError(f"posture is 'Reactive' or 'Proactive', not {posture!r}")
        seconds = within.total_seconds() if isinstance(within, _dt.timedelta) else float(within or 0)
        if posture == "Proactive" and seconds <= 0:
            raise ValueError("A Proactive trigger needs within= (how long to wait for the expected events)")
        if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
            raise ValueError(f"threshold must be a whole number of at least 1, not {threshold!r}")
        self.expect = sorted({expect} if isinstance(expect, str) else set(expect))
        self.match = dict(match or {})
        related = match_related or []
        self.match_related = [dict(related)] if isinstance(related, dict) else [dict(r) for r in related]
        self.after, self.for_each = sorted(after), sorted(for_each)
        self.posture, self.threshold = posture, threshold
        self.within = within.total_seconds() if isinstance(within, _dt.timedelta) else float(within or 0)
        self.parameters, self.enabled, self.name = dict(parameters or {}), enabled, name

    def _spec(self) -> dict:
        return {"type": "event", "expect": self.expect, "match": self.match, "match_related": self.match_related,
                "after": self.after, "posture": self.posture, "threshold": self.threshold, "within": self.within}

    @classmethod
    def _from_spec(cls, spec: dict) -> "EventTrigger":
        return cls(spec.get("expect", ()), spec.get("match"), spec.get("match_related"), spec.get("after", ()),
                   posture=spec.get("posture", "Reactive"), threshold=spec.get("threshold", 1),
                   within=spec.get("within", 0))

    def _matches(self, event: str, resource: dict, related: list, names: Optional[list] = None) -> bool:
        names = self.expect if names is None else names
        if names and not any(_label_matches(event, e) for e in names):
            return False
        if self.match and not _resource_matches(resource, self.match):
            return False
        return not self.match_related or any(_resource_matches(r, spec) for spec in self.match_related
                                             for r in related)

    def __repr__(self) -> str:
        return f"EventTrigger(expect={self.expect!r}, match={self.match!r}, threshold={self.threshold})"


class DeploymentEventTrigger(EventTrigger):
    """An :class:`EventTrigger` given to ``to_deployment(triggers=[...])``: each firing starts one run of
    that deployment, with ``parameters`` templated from the event (``{"path": "{{ event.payload.path }}"}``).

    Example: ``report.to_deployment("after-extract", triggers=[DeploymentEventTrigger(expect={
    "prefect.flow-run.Completed"}, match_related={"prefect.resource.id": "prefect.flow.extract"})])``.
    """


class FileTrigger:
    """A deployment trigger for files that arrive in a folder: each new file matching ``pattern`` starts
    one run of the deployment, with the file's path as the parameter named ``parameter``. A file still
    being written waits until its size and time have not changed for ``stable_seconds``. Serve processes
    look every half second (the standard library's ``os.scandir``); each version of a file (its path,
    size and modification time) starts one run, once, across serve processes and restarts. Files already
    in the folder when serving starts count as new unless a run was started for them before.

    Example: ``load.to_deployment("inbox", triggers=[FileTrigger("/srv/inbox", "*.csv")])``.
    """

    def __init__(self, folder: Any, pattern: str = "*", parameter: str = "path", stable_seconds: float = 1.0,
                 parameters: Optional[dict] = None, enabled: bool = True, name: Optional[str] = None) -> None:
        if stable_seconds < 0:
            raise ValueError(f"stable_seconds must not be negative, not {stable_seconds!r}")
        self.folder, self.pattern = os.path.abspath(os.fspath(folder)), pattern
        self.parameter, self.stable_seconds = parameter, float(stable_seconds)
        self.parameters = {**dict(parameters or {}), parameter: "{{ event.payload.path }}"}
        self.enabled, self.name = enabled, name
        self.watch = hashlib.blake2b(f"{self.folder}\0{pattern}".encode(), digest_size=8).hexdigest()
        self._pending: dict = {}  # path -> (size, mtime_ns, first seen unchanged)

    def _spec(self) -> dict:
        return EventTrigger(expect={"orchestrator.file.arrived"}, match={"orchestrator.watch": self.watch})._spec()

    def _poll(self, store: "_Store", now: float) -> int:
        """Look at the folder once; record (with its event) each file that has stopped changing."""
        import fnmatch

        known, arrived, present = None, 0, set()
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return 0
        for entry in entries:
            if not fnmatch.fnmatchcase(entry.name, self.pattern):
                continue
            try:
                info = entry.stat()
            except OSError:
                continue
            if not entry.is_file():
                continue
            present.add(entry.path)
            version = (info.st_size, info.st_mtime_ns)
            seen = self._pending.get(entry.path)
            if seen is None or seen[:2] != version:
                self._pending[entry.path] = (*version, now)
                if self.stable_seconds > 0:
                    continue
                seen = self._pending[entry.path]
            if now - seen[2] < self.stable_seconds:
                continue
            known = store.known_files(self.watch) if known is None else known
            if (entry.path, *version) in known:
                continue
            resource = {"prefect.resource.id": f"orchestrator.file.{entry.path}", "prefect.resource.name": entry.name,
                        "orchestrator.watch": self.watch, "orchestrator.folder": self.folder}
            payload = {"path": entry.path, "size": info.st_size, "modified": _utc(info.st_mtime).isoformat()}
            event = (str(uuid.uuid4()), time.time(), "orchestrator.file.arrived", resource["prefect.resource.id"],
                     json.dumps(resource), "[]", json.dumps(payload))
            if store.file_arrived(self.watch, entry.path, info.st_size, info.st_mtime_ns, event):
                arrived += 1
            known.add((entry.path, *version))
        for gone in set(self._pending) - present:
            del self._pending[gone]
        return arrived

    def __repr__(self) -> str:
        return f"FileTrigger({self.folder!r}, {self.pattern!r}, parameter={self.parameter!r})"


def _decide(trigger: "EventTrigger", events: list, last_fired: int) -> tuple:
    """Which of ``events`` (rows, in order) fire the trigger, and the last row that fired: each matching
    event counts; ``threshold`` of them within ``within`` seconds since the last firing fire it."""
    fired, window = [], []
    for ev in events:
        if not trigger._matches(ev["event"], json.loads(ev["resource"]), json.loads(ev["related"])):
            continue
        if trigger.threshold == 1:
            fired.append(ev["id"])
            last_fired = ev["id"]
            continue
        window = [w for w in window if not trigger.within or ev["occurred"] - w <= trigger.within] + [ev["occurred"]]
        if len(window) >= trigger.threshold:
            fired.append(ev["id"])
            last_fired, window = ev["id"], []
    return fired, last_fired


def _proactive(trigger: EventTrigger, auto: dict, events: list, now: float) -> tuple:
    """A proactive trigger's step: windows open at each ``after`` event (without ``after``: one period
    after another from the automation's creation) and count the expected events; a window that ends with
    fewer than ``threshold`` fires once. Returns (the events to write for the windows that fired, the
    windows still open)."""
    windows = [list(w) for w in json.loads(auto["windows"] or "[]")]
    if not trigger.after and not windows:
        windows = [[max(auto["created"], auto.get("opened") or 0), 0]]
    for ev in events:
        resource, related = json.loads(ev["resource"]), json.loads(ev["related"])
        if trigger.after and trigger._matches(ev["event"], resource, related, trigger.after):
            windows.append([ev["occurred"], 0])
        if trigger._matches(ev["event"], resource, related):
            for window in windows:
                if window[0] <= ev["occurred"] <= window[0] + trigger.within:
                    window[1] += 1
    ended, still = [], []
    for start, count in windows:
        if start + trigger.within > now:
            still.append([start, count])
            continue
        if count < trigger.threshold:
            resource = {"prefect.resource.id": f"orchestrator.automation.{auto['id']}",
                        "prefect.resource.name": auto["name"]}
            payload = {"expected": trigger.expect, "seen": count, "threshold": trigger.threshold,
                       "window_start": _utc(start).isoformat(), "window_end": _utc(start + trigger.within).isoformat()}
            ended.append((str(uuid.uuid4()), start + trigger.within, "orchestrator.automation.triggered",
                          resource["prefect.resource.id"], json.dumps(resource), "[]", json.dumps(payload)))
        if not trigger.after:  # the next period (after a long gap, from now: one firing for the whole gap)
            following = start + trigger.within
            still.append([following if now < following + trigger.within else now, 0])
    return ended, still


# -- actions ----------------------------------------------------------------------------------------


def _template_value(context: dict, path: str) -> Any:
    value: Any = context
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        else:  # an attribute: event.resource.id, event.resource.name, event.occurred ...
            value = getattr(value, part, None)
        if value is None:
            return None
    return value


def _render(text: Any, context: dict) -> Any:
    """``{{ event.resource.id }}``-style fields filled from the event's context (Prefect's templates
    without Jinja: dotted names only; an unknown one is left empty). A value that is exactly one field
    keeps its type.

    >>> _render("run {{ flow_run.name }} is {{ flow_run.state.name }}", {"flow_run": {"name": "x", "state": {"name": "Failed"}}})
    'run x is Failed'
    """
    if not isinstance(text, str) or "{{" not in text:
        return text
    whole = re.fullmatch(r"\{\{\s*([\w.\-]+)\s*\}\}", text.strip())
    if whole:
        return _template_value(context, whole.group(1))
    return re.sub(r"\{\{\s*([\w.\-]+)\s*\}\}",
                  lambda m: "" if _template_value(context, m.group(1)) is None else str(_template_value(context, m.group(1))),
                  text)


class _Action:
    """What an automation does when it fires; each kind has ``type`` and ``_act(context, store)``."""

    type = ""

    def _spec(self) -> dict:
        return {"type": self.type, **{k: v for k, v in vars(self).items() if not k.startswith("_")}}

    def _act(self, context: dict, store: "_Store") -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self._spec().items() if k != 'type')})"


class SendNotification(_Action):
    """Send a message to an Apprise-style URL (instead of Prefect's notification block): ``json://`` and
    ``jsons://`` (an HTTP(S) POST of JSON), ``mailto://`` and ``mailtos://`` (SMTP) with the standard
    library; any other Apprise URL when ``apprise`` is installed. ``subject`` and ``body`` are templates.

    Example: ``SendNotification("mailto://me:pw@smtp.example.com?to=ops@example.com")``.
    """

    type = "send-notification"

    def __init__(self, url: str, subject: str = "Prefect automated notification",
                 body: str = "Flow run {{ flow_run.name }} entered state {{ flow_run.state.name }}: "
                             "{{ flow_run.state.message }}") -> None:
        _check_notification_url(url)
        self.url, self.subject, self.body = url, subject, body

    def _act(self, context: dict, store: "_Store") -> None:
        _notify(self.url, str(_render(self.subject, context)), str(_render(self.body, context)), context)


class CancelFlowRun(_Action):
    """Cancel the flow run the event is about."""

    type = "cancel-flow-run"

    def _act(self, context: dict, store: "_Store") -> None:
        run_id = (context.get("flow_run") or {}).get("id")
        if run_id is None:
            raise OrchestratorError("CancelFlowRun: the event is not about a flow run")
        cancel_flow_run(run_id)


class _DeploymentAction(_Action):
    def __init__(self, deployment_id: Optional[str] = None, source: str = "selected") -> None:
        self.deployment_id = deployment_id

    def _deployment(self, context: dict, store: "_Store") -> dict:
        ref = self.deployment_id or (context.get("deployment") or {}).get("id")
        if ref is None:
            raise OrchestratorError(f"{type(self).__name__}: no deployment given and none is related to the event")
        return store.deployment(ref)


class PauseDeployment(_DeploymentAction):
    """Pause a deployment (``deployment_id`` an id or ``flow/name``; default: the event's)."""

    type = "pause-deployment"

    def _act(self, context: dict, store: "_Store") -> None:
        store.set_paused(self._deployment(context, store)["id"], True)


class ResumeDeployment(_DeploymentAction):
    """Resume a deployment (``deployment_id`` an id or ``flow/name``; default: the event's)."""

    type = "resume-deployment"

    def _act(self, context: dict, store: "_Store") -> None:
        store.set_paused(self._deployment(context, store)["id"], False)


class RunDeployment(_DeploymentAction):
    """Start a run of a deployment, its ``parameters`` templated from the event
    (``{"path": "{{ event.payload.path }}"}``)."""

    type = "run-deployment"

    def __init__(self, deployment_id: Optional[str] = None, parameters: Optional[dict] = None,
                 source: str = "selected", job_variables: Any = None) -> None:
        super().__init__(deployment_id, source)
        self.parameters = dict(parameters or {})

    def _act(self, context: dict, store: "_Store") -> None:
        dep = self._deployment(context, store)
        params = {k: _render(v, context) for k, v in self.parameters.items()}
        run_deployment(f"{dep['flow_name']}/{dep['name']}", parameters=params, timeout=0,
                       idempotency_key=f"automation-{context['automation']['id']}-{context['event'].id}")


_ACTIONS = {cls.type: cls for cls in (SendNotification, CancelFlowRun, PauseDeployment, ResumeDeployment,
                                      RunDeployment)}


def _action_from_spec(spec: dict) -> _Action:
    spec = dict(spec)
    cls = _ACTIONS.get(spec.pop("type", None))
    if cls is None:
        raise OrchestratorError(f"Unknown automation action in the database: {spec!r}")
    action = cls.__new__(cls)
    action.__dict__.update(spec)
    return action


def _check_notification_url(url: str) -> None:
    from urllib.parse import urlsplit

    scheme = urlsplit(url).scheme if isinstance(url, str) else ""
    if not scheme:
        raise ValueError(f"A notification URL looks like json://host/path or mailto://user:pass@host, not {url!r}")
    if scheme in ("json", "jsons", "mailto", "mailtos"):
        return
    try:
        import apprise  # noqa: F401
    except ImportError:
        raise OrchestratorError(f"{scheme}:// notifications need apprise: pip install 'orchestrator[notify]' "
                                f"(json://, jsons://, mailto:// and mailtos:// work without it)") from None


def _notify(url: str, subject: str, body: str, context: Optional[dict] = None) -> None:
    """Send one message; raises on failure (the delivery is then retried)."""
    from urllib.parse import parse_qs, unquote, urlsplit

    parts = urlsplit(url)
    context = context or {}
    if parts.scheme in ("json", "jsons"):
        import urllib.request

        target = f"{'https' if parts.scheme == 'jsons' else 'http'}://{parts.netloc}{parts.path or '/'}"
        target += f"?{parts.query}" if parts.query else ""
        event = context.get("event")
        run = context.get("flow_run") or {}
        failed = (run.get("state") or {}).get("type") in ("FAILED", "CRASHED")
        doc = {"version": "1.0", "title": subject, "message": body, "type": "failure" if failed else "info",
               "event": event._json() if isinstance(event, Event) else event, "flow_run": run or None,
               "url": context.get("url")}
        request = urllib.request.Request(target, data=json.dumps(doc, default=_json_fallback).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:
            if answer.status >= 300:
                raise OrchestratorError(f"{target} answered {answer.status}")
        return
    if parts.scheme in ("mailto", "mailtos"):
        import smtplib
        from email.message import EmailMessage

        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        user, password = unquote(parts.username or ""), unquote(parts.password or "")
        host = query.get("smtp") or parts.hostname or ""
        to = [a for a in (query.get("to") or unquote(parts.path.lstrip("/"))
                          or (f"{user}@{parts.hostname}" if user else "")).split(",") if a]
        if not host or not to:
            raise OrchestratorError(f"{_masked_url(url)}: a mailto URL needs a host and an address (?to=...)")
        message = EmailMessage()
        message["Subject"], message["To"] = subject, ", ".join(to)
        message["From"] = query.get("from") or (f"{user}@{parts.hostname}" if user else f"orchestrator@{host}")
        message.set_content(body)
        secure = parts.scheme == "mailtos"
        port = parts.port or (465 if secure else 25)
        smtp_class = smtplib.SMTP_SSL if secure and port == 465 else smtplib.SMTP
        with smtp_class(host, port, timeout=10) as smtp:
            if secure and smtp_class is smtplib.SMTP:
                smtp.starttls()
            if user and password:
                smtp.login(user, password)
            smtp.send_message(message)
        return
    import apprise

    sender = apprise.Apprise()
    if not sender.add(url):
        raise OrchestratorError(f"apprise does not understand the URL {_masked_url(url)!r}")
    if not sender.notify(body=body, title=subject):
        raise OrchestratorError(f"apprise could not deliver to {parts.scheme}://")


# -- automations ------------------------------------------------------------------------------------


class Automation:
    """A trigger and the actions it starts, kept in the database so that every process acts on it:
    the process that ran a flow (before it exits) and serve processes look at new events, and each
    action happens once per firing whichever process notices first. Deliveries are retried with backoff
    while a receiver is down; each attempt and error is recorded (``automations ls``).

    Example::

        Automation(name="nightly-failed", trigger=EventTrigger(expect={"prefect.flow-run.Failed"}),
                   actions=[SendNotification("json://127.0.0.1:8080/hook")]).create()
    """

    def __init__(self, name: str, trigger: EventTrigger, actions: Iterable[_Action], description: str = "",
                 enabled: bool = True, id: Optional[str] = None, **ignored: Any) -> None:
        if not isinstance(trigger, EventTrigger):
            raise TypeError(f"An automation's trigger is an EventTrigger, not {type(trigger).__name__}")
        self.name, self.trigger, self.actions = name, trigger, list(actions)
        if not self.actions or not all(isinstance(a, _Action) for a in self.actions):
            raise ValueError("An automation needs at least one action (SendNotification, RunDeployment, ...)")
        self.description, self.enabled, self.id = description, enabled, id

    def _create(self) -> "Automation":
        _check_name(self.name)
        store = _get_store()
        now = store.clock.time()
        self.id = store.add_automation((self.id or _uuid7(), self.name, self.description, int(self.enabled),
                                     json.dumps(self.trigger._spec()),
                                     json.dumps([a._spec() for a in self.actions]), now, now))
        return self

    @classmethod
    def _read(cls, id: Optional[str] = None, name: Optional[str] = None) -> "Automation":
        row = _get_store().automation(id or name or "")
        if row is None:
            raise ValueError(f"Automation {id or name!r} not found")
        return cls(row["name"], EventTrigger._from_spec(json.loads(row["trigger"])),
                   [_action_from_spec(a) for a in json.loads(row["actions"])], row["description"],
                   bool(row["enabled"]), row["id"])

    def _found(self) -> dict:
        row = _get_store().automation(self.id or self.name)
        if row is None:
            raise ValueError(f"Automation {self.name!r} not found")
        return row

    def _delete(self) -> bool:
        _get_store().delete_automation(self._found()["id"])
        return True

    def _set_enabled(self, enabled: bool) -> bool:
        _get_store().set_automation_enabled(self._found()["id"], enabled)
        self.enabled = enabled
        return True

    def _disable(self) -> bool:
        return self._set_enabled(False)

    def _enable(self) -> bool:
        return self._set_enabled(True)

    create, delete, disable, enable = map(_async_dispatch, (_create, _delete, _disable, _enable))
    acreate, adelete, adisable, aenable = map(_async_form, (_create, _delete, _disable, _enable))
    read = classmethod(_async_dispatch(_read.__func__))
    aread = classmethod(_async_form(_read.__func__))

    def __repr__(self) -> str:
        return f"Automation(name={self.name!r}, trigger={self.trigger!r}, actions={self.actions!r})"


def _event_context(store: "_Store", row: dict, automation: dict) -> dict:
    """What templates and actions see for a delivery: the event, its flow run (when it is about one, or
    related to one), the flow, the deployment, the automation, and the web view's link."""
    event = Event._from_row({**row, "id": row.get("event_row", row.get("id"))})
    context: dict = {"event": event, "automation": {"id": automation["automation_id"], "name": automation["name"]}}
    run_ids = [r.id[len("prefect.flow-run."):] for r in [event.resource, *event.related]
               if r.get("prefect.resource.id", "").startswith("prefect.flow-run.")]
    run = store.flow_run(run_ids[0]) if run_ids else None
    if run is not None:
        context["flow_run"] = {"id": run["id"], "name": run["name"], "parameters": run["parameters"],
                               "tags": run["tags"], "state": {"type": run["state_type"], "name": run["state_name"],
                                                               "message": run["state_message"] or ""}}
        context["flow"] = {"name": run["flow_name"]}
        base = _setting("ORCHESTRATOR_UI_URL")
        if base:
            context["url"] = f"{base.rstrip('/')}/runs/{run['id']}"
    for r in event.related:
        if r.get("prefect.resource.role") == "deployment":
            context["deployment"] = {"id": r.id[len("prefect.deployment."):], "name": r.name}
    return context


def _retry_at(attempts: int, now: float) -> Optional[float]:
    """When to try a failed delivery again: 5 s, 10 s, 20 s ... up to 10 minutes; after 10 attempts,
    never (it is recorded failed)."""
    return None if attempts >= 10 else now + min(600.0, 5.0 * 2 ** (attempts - 1))


def _run_automations(store: "_Store", owner: str, deadline: float = 10.0) -> int:
    """Fire the automations that new events match, then make the due deliveries (for at most about
    ``deadline`` seconds); returns how many deliveries were attempted. Never raises: a failure is
    recorded on its delivery, or logged."""
    log = logging.getLogger("orchestrator.automations")
    try:
        if not store.any_enabled_automation():
            return 0
        def decide(auto: dict, events: list, now: Optional[float] = None) -> tuple:
            trigger = EventTrigger._from_spec(json.loads(auto["trigger"]))
            if now is None:
                return _decide(trigger, events, auto["last_fired"])
            return _proactive(trigger, auto, events, now)

        store.fire_automations(decide)
        started, attempted = time.monotonic(), 0
        while time.monotonic() - started < deadline:
            batch = store.claim_deliveries(owner, lease=60.0)
            if not batch:
                break
            for delivery in batch:
                attempted += 1
                action = _action_from_spec(json.loads(delivery["actions"])[delivery["action"]])
                error = None
                try:
                    action._act(_event_context(store, delivery, delivery), store)
                except Exception as exc:  # noqa: BLE001 - recorded on the delivery and retried
                    error = f"{type(exc).__name__}: {exc}"
                    log.warning(f"Automation {delivery['name']!r}: {action.type} failed ({error}); "
                                f"attempt {delivery['attempts'] + 1}")
                store.finish_delivery(delivery["id"], error,
                                      None if error is None else _retry_at(delivery["attempts"] + 1, store.clock.time()))
        return attempted
    except StoreError as exc:
        log.warning(f"Automations could not run: {exc}")
        return 0


# == 19. Deployments & serving ============================================================================
#
# A deployment is a flow with schedules, stored with its entrypoint. serve() runs a loop: write each due
# slot as a Scheduled flow run (unique per deployment, schedule and slot, so any number of serve processes
# create it once), claim due runs atomically, and run each claimed run in a child process that imports the
# entrypoint; the child records the run's states itself. Missed slots follow the deployment's catchup rule.

_MISSED_AFTER = 1.0  # a slot first seen more than this late was missed (nothing was serving it)


class ConcurrencyLimitStrategy(str, enum.Enum):
    """What a deployment does with a run due while it is at its concurrency limit."""

    ENQUEUE = "ENQUEUE"
    CANCEL_NEW = "CANCEL_NEW"


class ConcurrencyLimitConfig:
    """``to_deployment(concurrency_limit=ConcurrencyLimitConfig(2, collision_strategy="CANCEL_NEW"))``."""

    def __init__(self, limit: int, collision_strategy: Any = ConcurrencyLimitStrategy.ENQUEUE,
                 grace_period_seconds: Optional[float] = None) -> None:
        if not isinstance(limit, int) or limit < 1:
            raise ValueError(f"A concurrency limit must be a whole number of at least 1, not {limit!r}")
        self.limit = limit
        self.collision_strategy = ConcurrencyLimitStrategy(
            collision_strategy.value if isinstance(collision_strategy, enum.Enum) else collision_strategy)
        self.grace_period_seconds = grace_period_seconds


def _make_schedules(interval: Any, cron: Any, rrule: Any, schedule: Any, schedules: Optional[list]) -> list:
    """Prefect's ways of naming schedules (one or several of each kind) as a list of schedule objects."""
    def many(value: Any) -> list:
        if value is None:
            return []
        return list(value) if isinstance(value, (list, tuple)) else [value]

    out = [s if isinstance(s, _Schedule) else Interval(s) for s in many(interval)]
    out += [s if isinstance(s, _Schedule) else Cron(s) for s in many(cron)]
    out += [s if isinstance(s, _Schedule) else RRule(s) for s in many(rrule)]
    out += many(schedule) + many(schedules)
    for s in out:
        if not isinstance(s, _Schedule):
            raise ScheduleError(f"Not a schedule: {s!r} (use Cron, Interval or RRule)")
    return out


def Schedule(interval: Any = None, cron: Optional[str] = None, rrule: Optional[str] = None,
             timezone: Optional[str] = None, anchor_date: Optional[_dt.datetime] = None, day_or: bool = True,
             active: bool = True, parameters: Optional[dict] = None, slug: Optional[str] = None) -> _Schedule:
    """Prefect's generic schedule: exactly one of ``interval``, ``cron`` or ``rrule``.

    >>> Schedule(cron="0 0 * * *")
    Cron('0 0 * * *', timezone=None)
    """
    kinds = [k for k, v in (("interval", interval), ("cron", cron), ("rrule", rrule)) if v is not None]
    if len(kinds) > 1:
        raise ScheduleError(f"Only one schedule type can be defined at a time. Found: {', '.join(kinds)}")
    common = dict(timezone=timezone, active=active, parameters=parameters, slug=slug)
    if not kinds:
        return _NoSchedule(**common)
    if cron is not None:
        return Cron(cron, day_or=day_or, **common)
    if rrule is not None:
        return RRule(rrule, **common)
    return Interval(interval, anchor_date=anchor_date, **common)


class _NoSchedule(_Schedule):
    """``Schedule()`` with no interval, cron or rrule, as Prefect allows: it never fires."""

    interval = cron = rrule = None

    def __init__(self, timezone: Optional[str] = None, active: bool = True, parameters: Optional[dict] = None,
                 slug: Optional[str] = None) -> None:
        self.timezone, self.active, self.parameters, self.slug = timezone, active, dict(parameters or {}), slug

    def _next_after(self, after: _dt.datetime) -> Optional[_dt.datetime]:
        return None

    def __repr__(self) -> str:
        return "Schedule()"


def _schedule_spec(s: _Schedule) -> dict:
    base = {"timezone": s.timezone, "active": s.active, "parameters": s.parameters, "slug": s.slug}
    if isinstance(s, Cron):
        return {"cron": s.cron, "day_or": s.day_or, **base}
    if isinstance(s, Interval):
        return {"interval": s.interval.total_seconds(), "anchor_date": s.anchor_date.isoformat(), **base}
    if isinstance(s, RRule):
        return {"rrule": s.rrule, **base}
    return base


def _schedule_from_spec(spec: dict) -> _Schedule:
    spec = dict(spec)
    if "anchor_date" in spec:
        spec["anchor_date"] = _dt.datetime.fromisoformat(spec["anchor_date"])
    return Schedule(**spec)


def _describe_schedule(spec: dict) -> str:
    tz = f" ({spec['timezone']})" if spec.get("timezone") else ""
    if "cron" in spec:
        words = _cron_words(spec["cron"])
        return f"cron: {spec['cron']}{tz}" + (f", {words}" if words else "")
    if "interval" in spec:
        return f"interval: {_dt.timedelta(seconds=spec['interval'])}{tz}"
    if "rrule" in spec:
        return f"rrule: {spec['rrule']}{tz}"
    return "none (no interval, cron or rrule: never fires)"


def _cron_words(expr: str) -> Optional[str]:
    """A common cron expression in words, or None for the rest (the expression says it then).

    >>> _cron_words("0 6 * * *"), _cron_words("*/15 * * * *"), _cron_words("30 2 * * 1-5")
    ('at 06:00 every day', 'every 15 minutes', 'at 02:30 on Mon-Fri')
    >>> _cron_words("0 */4 1 * *"), _cron_words("5 4 * 6 *")
    ('every 4 hours at :00 on day 1 of the month', None)
    """
    fields = expr.split()
    if len(fields) != 5 or fields[3] != "*":
        return None
    minute, hour, dom, _, dow = fields
    step = re.compile(r"\*/(\d+)")
    if minute.isdigit() and hour.isdigit():
        when = f"at {int(hour):02d}:{int(minute):02d}"
    elif minute.isdigit() and hour == "*":
        when = f"every hour at :{int(minute):02d}"
    elif minute == "*" and hour == "*":
        when = "every minute"
    elif step.fullmatch(minute) and hour == "*":
        when = f"every {step.fullmatch(minute)[1]} minutes"
    elif minute.isdigit() and step.fullmatch(hour):
        when = f"every {step.fullmatch(hour)[1]} hours at :{int(minute):02d}"
    else:
        return None
    if dom == "*" and dow == "*":
        return when + (" every day" if when.startswith("at") else "")
    if dom == "*" and re.fullmatch(r"[0-7](-[0-7])?(,[0-7](-[0-7])?)*", dow):
        return f"{when} on " + ", ".join("-".join(_DAY_NAMES[int(d) % 7].title() for d in part.split("-"))
                                         for part in dow.split(","))
    if dow == "*" and dom.isdigit():
        return f"{when} on day {dom} of the month"
    return None


def _check_triggers(triggers: Optional[list]) -> list:
    for trigger in triggers or ():
        if not isinstance(trigger, (EventTrigger, FileTrigger)):
            raise TypeError(f"A deployment's triggers are DeploymentEventTrigger objects, not "
                            f"{type(trigger).__name__}")
    return list(triggers or ())


def _apply_triggers(dep_id: str, full_name: str, triggers: list) -> None:
    """Keep one automation per trigger of a deployment (named after it), each starting a run of it; an
    unchanged trigger keeps its place in the events, so nothing is missed or repeated over a restart."""
    store = _get_store()
    prefix = f"{full_name} trigger "
    wanted = {}
    for number, trigger in enumerate(triggers, 1):
        name = trigger.name or f"{prefix}{number}"
        wanted[name] = (json.dumps(trigger._spec()), json.dumps([RunDeployment(dep_id, trigger.parameters)._spec()]),
                        trigger.enabled)
    for row in store.automations():
        if row["name"].startswith(prefix) and row["name"] not in wanted:
            store.delete_automation(row["id"])
    for name, (spec, actions, enabled) in wanted.items():
        row = store.automation(name)
        if row is None:
            store.add_automation((_uuid7(), name, f"starts a run of {full_name}", int(enabled), spec, actions,
                                  time.time(), time.time()))
        elif (row["trigger"], row["actions"], bool(row["enabled"])) != (spec, actions, enabled):
            store.update_automation(row["id"], spec, actions, enabled)


class Deployment:
    """A flow with schedules and defaults, made by ``flow.to_deployment(...)`` and run by :func:`serve`."""

    def __init__(self, flow: "Flow", name: str, schedules: list, parameters: Optional[dict], tags: Optional[list],
                 description: Optional[str], version: Optional[str], paused: bool, concurrency_limit: Any,
                 catchup: str, max_catchup: int, misfire_grace: float) -> None:
        self.flow, self.name = flow, _check_name(name)
        self.schedules = schedules
        self.parameters = dict(parameters or {})
        self.tags, self.description, self.version = list(tags or []), description, version
        self.paused = paused
        if concurrency_limit is not None and not isinstance(concurrency_limit, ConcurrencyLimitConfig):
            concurrency_limit = ConcurrencyLimitConfig(concurrency_limit)
        self.concurrency_limit = concurrency_limit
        if catchup not in ("latest", "all", "skip"):
            raise ValueError(f"catchup must be 'latest', 'all' or 'skip', not {catchup!r}")
        if max_catchup < 0 or misfire_grace < 0:
            raise ValueError("max_catchup and misfire_grace must not be negative")
        self.catchup, self.max_catchup, self.misfire_grace = catchup, max_catchup, float(misfire_grace)
        self.entrypoint = flow._entrypoint()
        if not self.entrypoint or "<locals>" in self.entrypoint:
            raise OrchestratorError(f"Flow {flow.name!r} must be defined at the top level of a file to be "
                                    f"deployed (its runs start in a new process that imports it).")
        try:
            flow._signature.bind_partial(**self.parameters)
        except TypeError as exc:
            raise ParameterBindError(f"Deployment {self.full_name!r}: the parameters do not fit the flow: {exc}") from None
        self.id: Optional[str] = None

    @property
    def full_name(self) -> str:
        return f"{self.flow.name}/{self.name}"

    def apply(self) -> str:
        """Store (create or update) the deployment; returns its id."""
        limit = self.concurrency_limit
        self.id = _get_store().upsert_deployment({
            "name": self.name, "flow_name": self.flow.name, "entrypoint": self.entrypoint,
            "schedules": _json([_schedule_spec(s) for s in self.schedules]), "parameters": _json(self.parameters),
            "parameters_blob": _parameters_blob(self.parameters), "tags": _json(self.tags),
            "description": self.description, "version": self.version, "paused": int(self.paused),
            "concurrency_limit": limit.limit if limit else None,
            "collision_strategy": limit.collision_strategy.value if limit else "ENQUEUE",
            "catchup": self.catchup, "max_catchup": self.max_catchup, "misfire_grace": self.misfire_grace,
            "parameter_schema": _json(_parameter_schema(self.flow))})
        _apply_triggers(self.id, self.full_name, getattr(self, "triggers", []))
        return self.id

    def __repr__(self) -> str:
        return f"Deployment({self.full_name!r}, schedules={self.schedules!r})"


def _parameter_schema(flow: "Flow") -> dict:
    """What a run's parameters are checked against when it is created: the flow's parameter names, the
    required ones, whether it takes ``**kwargs``, and (the web view's form) each one's JSON type, from its
    annotation where that is a plain type, and its default where JSON can hold it."""
    every = flow._signature.parameters.values()
    params = [p for p in every if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    hints = flow._hints()
    properties = {}
    for p in params:
        prop: dict = {}
        kind = _JSON_TYPES.get(hints.get(p.name))
        if kind:
            prop["type"] = kind
        if p.default is not p.empty:
            with contextlib.suppress(TypeError, ValueError):
                json.dumps(p.default, allow_nan=False)
                prop["default"] = p.default
        properties[p.name] = prop
    return {"names": [p.name for p in params], "required": [p.name for p in params if p.default is p.empty],
            "var_keyword": any(p.kind is p.VAR_KEYWORD for p in every),
            "properties": properties}


_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", list: "array", dict: "object"}


_JSON_CLASSES = {**{name: cls for cls, name in _JSON_TYPES.items()}, "number": (int, float)}


def _json_type_fits(kind: str, value: Any) -> bool:
    """Whether a JSON value is of a schema's type (an integer is a number; a bool is neither)."""
    if isinstance(value, bool):
        return kind == "boolean"
    return isinstance(value, _JSON_CLASSES[kind])


def _check_run_parameters(dep: dict, params: dict) -> None:
    """Refuse a run of a deployment whose parameters its flow cannot take (ParameterBindError, naming them):
    unknown or missing names, and values of another JSON type than a plain annotation says."""
    schema = json.loads(dep.get("parameter_schema") or "null")
    if not schema:
        return  # written by a version that kept no schema: the run's own start checks them
    full = f"{dep['flow_name']}/{dep['name']}"
    unknown = [k for k in params if k not in schema["names"]]
    if unknown and not schema["var_keyword"]:
        raise ParameterBindError(f"Deployment {full!r} has no parameter {', '.join(map(repr, unknown))} (its flow "
                                 f"takes: {', '.join(schema['names']) or 'no parameters'})")
    missing = [k for k in schema["required"] if k not in params]
    if missing:
        raise ParameterBindError(f"Deployment {full!r} needs a value for {', '.join(map(repr, missing))}")
    for name, prop in (schema.get("properties") or {}).items():
        if name in params and "type" in prop and params[name] is not None and \
                _is_json_value(params[name]) and not _json_type_fits(prop["type"], params[name]):
            raise ParameterBindError(f"Deployment {full!r}: parameter {name!r} must be of type {prop['type']}, "
                                     f"not {params[name]!r}")


def _is_json_value(value: Any) -> bool:
    """Values a JSON form or --param gives (others, passed from Python, are left to the flow's own check)."""
    return isinstance(value, (str, int, float, bool, list, dict))


def _slot_run(dep: dict, spec: dict, slot: _dt.datetime, late: bool, now: float) -> FlowRun:
    """The Scheduled flow run for one slot of one schedule."""
    key = f"scheduled {dep['id']} {_hash(spec)[:12]} {slot.astimezone(_dt.timezone.utc).isoformat()}"
    return _scheduled_run(dep, {**_deployment_parameters(dep), **(spec.get("parameters") or {})},
                          ["auto-scheduled", *json.loads(dep["tags"])], slot.timestamp(), now, key,
                          name="Late" if late else "Scheduled")


def _scheduled_run(dep: dict, params: dict, tags: list, when: float, now: float, key: Optional[str],
                   run_name: Optional[str] = None, name: str = "Scheduled") -> FlowRun:
    """A Scheduled run of a deployment, not yet stored (``key``: its idempotency key)."""
    run = FlowRun(_uuid7(), run_name or _random_name(), dep["flow_name"], State(
        _SCHEDULED, name, "Flow run scheduled", timestamp=now), params, tags, entrypoint=dep["entrypoint"],
        created=now)
    run.deployment_id, run.expected_start_time, run.idempotency_key = dep["id"], when, key
    run.parameters_blob = _parameters_blob(params)
    run.history = [("SCHEDULED", name, "Flow run scheduled", now)]
    return run


def _deployment_parameters(dep: dict) -> dict:
    if dep.get("parameters_blob") is not None:
        with contextlib.suppress(Exception):
            return pickle.loads(dep["parameters_blob"])
    return json.loads(dep["parameters"] or "{}")


def _due_slots(dep: dict, now: float, start: Optional[float] = None, end: Optional[float] = None,
               cap: Optional[int] = None) -> list:
    """(spec, slot, late) for each slot to create now, after the catch-up rule; or every slot in [start, end]
    (at most ``cap`` + 1 of each schedule's, so a huge range is refused without being listed)."""
    out = []
    backfill = start is not None
    last = dep["last_slot"] if dep["last_slot"] is not None else now
    begin = start if backfill else max(last, now - dep["misfire_grace"])
    finish = end if backfill else now + 0.5
    for spec in json.loads(dep["schedules"]):
        if not spec.get("active", True):
            continue
        schedule = _schedule_from_spec(spec)
        slots = schedule.get_dates(None if cap is None else cap + 1,
                                   start=_dt.datetime.fromtimestamp(begin - (1e-6 if backfill else 0),
                                                                          _dt.timezone.utc),
                                   end=_dt.datetime.fromtimestamp(finish, _dt.timezone.utc))
        missed = [s for s in slots if not backfill and s.timestamp() < now - _MISSED_AFTER]
        due = [s for s in slots if backfill or s.timestamp() >= now - _MISSED_AFTER]
        kept = {"latest": missed[-1:], "all": missed[-dep["max_catchup"]:] if dep["max_catchup"] else [],
                "skip": []}[dep["catchup"]]
        out += [(spec, s, s.timestamp() < now - _MISSED_AFTER) for s in kept + due]
    return out


def _process_limit() -> int:
    return _setting("ORCHESTRATOR_RUNNER_PROCESS_LIMIT")


class _Runner:
    """The serve loop for a set of deployments: schedule, mark late, claim, start children, reap."""

    def __init__(self, deployments: tuple, limit: Optional[int], stop: Optional[threading.Event] = None,
                 clock: Optional["_SystemClock"] = None, webserver: bool = False) -> None:
        names = [d.full_name for d in deployments]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"Duplicate deployment name(s) given to serve(): {', '.join(dupes)}")
        if not deployments:
            raise ValueError("serve() needs at least one deployment")
        self.deployments = deployments
        self.limit = limit if limit is not None else _process_limit()
        self.stop = stop or threading.Event()
        self.store = _get_store()
        self.clock = clock or self.store.clock
        self.children: dict = {}  # flow run id -> (Popen, started)
        self.logger = get_logger("runner")
        self.forced = False  # a second signal: stop the runs now, without their grace period
        self.webserver = webserver

    def run(self) -> None:
        ids = [d.apply() for d in self.deployments]
        self.ids = ids
        self.process_id = self.store.register_process("serve")
        view = _WebView(self.store.path, _setting("ORCHESTRATOR_UI_HOST"), _setting("ORCHESTRATOR_UI_PORT"),
                        _setting("ORCHESTRATOR_UI_TOKEN")).bind() if self.webserver else None
        self._banner()
        if view is not None:
            view.start()
            self.logger.info(f"The web view is at {view.url}")
        previous = _on_stop_signals(self._on_signal)
        watcher = threading.Thread(target=self._automations_loop, name="orchestrator-automations", daemon=True)
        watcher.start()
        try:
            while not self.stop.is_set():
                now = self.clock.time()
                try:
                    self._tick(now)
                except StoreError as exc:  # a busy or broken file: say so and try again next round
                    self.logger.error(f"Could not read or write the state database: {exc}")
                self.stop.wait(0.1)
            self._shutdown()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if view is not None:
                view.stop()

    def _automations_loop(self) -> None:
        """Act on automations every half second (their deliveries and retries), beside the serve loop, so
        that a slow receiver never delays a scheduled run."""
        watched = [t for d in self.deployments for t in getattr(d, "triggers", ()) if isinstance(t, FileTrigger)]
        while not self.stop.wait(0.5):
            for trigger in watched:
                try:
                    trigger._poll(self.store, time.monotonic())
                except StoreError as exc:
                    self.logger.error(f"Could not record files arriving in {trigger.folder}: {exc}")
            _run_automations(self.store, f"serve:{self.process_id}", deadline=5.0)


    def _on_signal(self, signum: int) -> None:
        if self.stop.is_set():
            if not self.forced:
                self.forced = True
                self.logger.info(f"{signal.Signals(signum).name} received again: cancelling the running runs now")
            return
        grace = _setting("ORCHESTRATOR_SERVE_GRACE_SECONDS")
        self.logger.info(f"{signal.Signals(signum).name} received, shutting down: no new runs start, running ones "
                         f"get {grace:g} s (send it again to stop them now)")
        self.stop.set()

    def _banner(self) -> None:
        lines = ["Your deployments are being served and polling for scheduled runs!"]
        for d in self.deployments:
            plans = ", ".join(_describe_schedule(_schedule_spec(s)) for s in d.schedules) or "no schedule"
            lines.append(f"  {d.full_name}  ({plans})")
        lines.append("Start a run now with: python orchestrator.py deployments run FLOW/DEPLOYMENT")
        print("\n".join(lines), file=sys.stderr)

    def _tick(self, now: float) -> None:
        deps = [self.store.deployment(i) for i in self.ids]
        for dep in deps:
            if not dep["paused"]:
                self._schedule(dep, now)
        active = [d["id"] for d in deps if not d["paused"]]
        self._reap()
        if active:
            self.store.mark_late()
            self._claim(active, {d["id"]: d for d in deps}, now)

    def _schedule(self, dep: dict, now: float) -> None:
        """Write the runs of the slots due now (and the missed ones the catch-up rule keeps). Only a
        written slot moves ``last_slot``: slots after it that have passed are the missed ones."""
        slots = _due_slots(dep, now)
        if slots:
            runs = [_slot_run(dep, spec, slot, late, now) for spec, slot, late in slots]
            self.store.insert_scheduled_runs(runs, dep["id"], max(s.timestamp() for _, s, _ in slots))

    def _claim(self, active: list, deps: dict, now: float) -> None:
        room = self.limit - len(self.children)
        if room <= 0:
            return
        for run in self.store.due_runs(active, now, room * 2):
            if len(self.children) >= self.limit:
                break
            dep = deps[run["deployment_id"]]
            outcome = self.store.claim_run(run["id"], self.process_id, dep["concurrency_limit"],
                                           dep["collision_strategy"])
            if outcome == "claimed":
                self._start(run["id"], dep)

    def _start(self, run_id: str, dep: dict) -> None:
        import subprocess

        folder = os.path.dirname(dep["entrypoint"].rpartition(":")[0])
        env = {**_importing_env(folder), "ORCHESTRATOR_DB": self.store.path}
        code = "import sys, orchestrator; sys.exit(orchestrator._execute_flow_run(sys.argv[1]))"
        proc = subprocess.Popen([sys.executable, "-c", code, run_id], env=env, cwd=folder or None,
                                preexec_fn=_serve_child_setup if os.name == "posix" else None)
        self.children[run_id] = (proc, time.monotonic())
        self.logger.info(f"Started flow run {run_id} of {dep['flow_name']}/{dep['name']} in process {proc.pid}")

    def _reap(self) -> None:
        for run_id, (proc, _) in list(self.children.items()):
            code = proc.poll()
            if code is None:
                continue
            del self.children[run_id]
            if code != 0:
                self.logger.info(f"Process {proc.pid} for flow run {run_id} exited with status code {code}")
            self.store.finish_run(run_id, "CRASHED", "Crashed",
                                  f"The flow run's process exited with status code {code} before the run finished.")

    def _shutdown(self) -> None:
        """Give running runs the grace period, then cancel them: first through the database, so that
        their engines stop and record it, then, a second on, by SIGKILL (a child leaves SIGINT and
        SIGTERM to serve, see _leave_shutdown_to_serve)."""
        grace = _setting("ORCHESTRATOR_SERVE_GRACE_SECONDS")
        if self.children:
            self.logger.info(f"Waiting up to {grace:g} s for {len(self.children)} running flow run(s)")
        self._wait_for_children(time.monotonic() + grace)
        for run_id in list(self.children):
            with contextlib.suppress(OrchestratorError):
                self.store.request_cancel(run_id)
        self._wait_for_children(time.monotonic() + 1.0)
        for run_id, (proc, _) in list(self.children.items()):
            proc.kill()
            proc.wait()
            self.store.finish_run(run_id, "CANCELLED", "Cancelled", "serve stopped before the run finished.")
            self.logger.info(f"Cancelled flow run {run_id}: serve stopped before it finished")
        self.children.clear()
        self.store.flush()

    def _wait_for_children(self, deadline: float) -> None:
        while self.children and time.monotonic() < deadline and not self.forced:
            self._reap()
            time.sleep(0.05)
        self._reap()


def _on_stop_signals(handler: Callable[[int], None]) -> dict:
    """Route SIGINT and SIGTERM to ``handler(signum)`` (only the main thread can); returns the handlers
    they replace, for ``signal.signal`` to put back."""
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda signum, frame: handler(signum))
    return previous


def _leave_shutdown_to_serve() -> None:
    """In a serve child: SIGINT and SIGTERM sent to the whole process group (Ctrl-C, systemd's stop,
    ``timeout``) are left to serve, which gives the run its grace period and then cancels it. These are
    Python handlers, not SIG_IGN, so programs the flow starts still get the default actions."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, frame: None)


def _importing_env(*folders: str) -> dict:
    """The environment of a child process that imports this module (``python -c "import orchestrator..."``)
    rather than running it as a script: a script is compiled afresh every time, a module is read from its
    cached bytecode (a quarter of a second sooner on the development machine). This module's folder, then
    ``folders``, go first on PYTHONPATH."""
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.pathsep.join(p for p in (here, *folders, os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path}


def _serve_child_setup() -> None:
    """In a serve child, before it runs Python: SIGINT and SIGTERM are ignored until
    _leave_shutdown_to_serve takes over (a signal to the group while the child starts must not kill
    it), and on Linux it receives SIGKILL when serve dies, so a killed serve leaves no orphans and its
    runs are marked Crashed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(Exception):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def serve(*deployments: Any, limit: Any = _UNSET, pause_on_shutdown: bool = True,
          print_starting_message: bool = True, name: Optional[str] = None, query_seconds: Optional[float] = None,
          prefetch_seconds: float = 10, heartbeat_seconds: Optional[float] = None, webserver: bool = False,
          timeout: Optional[float] = None) -> None:
    """Serve deployments until SIGINT or SIGTERM: every due slot runs once, in its own process. Given tasks
    instead, run their background runs (``task.delay()``) as a task worker, as Prefect's
    ``prefect.task_worker.serve`` does: at most ``limit`` at once (default 10, None for no limit), until a
    signal or ``timeout`` seconds.

    Example::

        serve(etl.to_deployment("nightly", cron="0 2 * * *"),
              poll.to_deployment("every-5m", interval=300))
        serve(resize, thumbnail, limit=20)     # a task worker

    ``limit`` caps the runs this process runs at once. ``webserver=True`` serves the web view (see
    ``python orchestrator.py ui``) from this process too, on $ORCHESTRATOR_UI_HOST:$ORCHESTRATOR_UI_PORT
    (127.0.0.1:4200). Prefect's other runner keywords (``name``, ``query_seconds``, ``prefetch_seconds``,
    ``heartbeat_seconds``) are taken and have no effect; deployments are never paused on shutdown,
    whatever ``pause_on_shutdown`` says (another serve process may still serve them). An unknown
    keyword is a TypeError.
    """
    tasks = _serve_kind(deployments)
    if _in_event_loop():
        raise RuntimeError("Cannot call `serve` in an asynchronous context. Use `aserve` instead.")
    _setup_logging()
    if tasks:
        _serve_tasks(deployments, limit, timeout)
        return
    _Runner(deployments, None if limit is _UNSET else limit, webserver=webserver).run()


def _serve_kind(objects: tuple) -> bool:
    """True when serve() was given tasks (a task worker), False for deployments; TypeError for a mix."""
    tasks = [isinstance(o, Task) for o in objects]
    if objects and all(tasks):
        return True
    if any(tasks):
        raise TypeError("serve() takes deployments (flow.to_deployment(...)) or tasks (a task worker), not both")
    for i, dep in enumerate(objects):
        if not isinstance(dep, Deployment):
            raise TypeError(f"serve() takes deployments (flow.to_deployment(...)) or tasks (a task worker); "
                            f"argument {i + 1} is {type(dep).__name__}")
    return False


async def aserve(*deployments: Any, limit: Any = _UNSET, pause_on_shutdown: bool = True,
                 print_starting_message: bool = True, webserver: bool = False, timeout: Optional[float] = None) -> None:
    """:func:`serve` for async code (the loop runs in a worker thread); tasks make it a task worker."""
    import asyncio

    _setup_logging()
    if _serve_kind(deployments):
        await asyncio.get_running_loop().run_in_executor(None, _serve_tasks, deployments, limit, timeout)
        return
    runner = _Runner(deployments, None if limit is _UNSET else limit, webserver=webserver)
    await asyncio.get_running_loop().run_in_executor(None, runner.run)


def _flow_run_record(row: dict, results_dir: Optional[str] = None) -> FlowRun:
    """A FlowRun object read back from the database, with its state (and result, when persisted and
    ``results_dir`` is given: the caller's own run)."""
    run = _FLOW_RUNS.load(FlowRun(row["id"], row["name"], row["flow_name"], State(
        StateType(row["state_type"]), row["state_name"], row["state_message"], _NO_DATA, row["state_timestamp"])), row)
    if results_dir is not None and row["state_type"] == "COMPLETED" and row.get("result_serializer"):
        with contextlib.suppress(Exception):
            run.state.data = _load(row["result"], row["result_serializer"], row["result_path"], results_dir)
    run.state.state_details.flow_run_id = row["id"]
    return run


def run_deployment(name: str, parameters: Optional[dict] = None, scheduled_time: Optional[_dt.datetime] = None,
                   flow_run_name: Optional[str] = None, timeout: Optional[float] = None,
                   poll_interval: float = 0.2, tags: Optional[list] = None, idempotency_key: Optional[str] = None,
                   **ignored: Any) -> FlowRun:
    """Create a run of a deployment for a serve process to execute; returns the flow run record.

    ``timeout=0`` returns at once, ``None`` waits until the run is final, a number waits that long. The
    run's failure is never raised: read ``flow_run.state``::

        run = run_deployment("etl/nightly", parameters={"day": "2024-01-01"}, timeout=0)
    """
    if timeout is not None and timeout < 0:
        raise ValueError("`timeout` cannot be negative")
    store = _get_store()
    dep = store.deployment(str(name))
    params = {**_deployment_parameters(dep), **(parameters or {})}
    _check_run_parameters(dep, params)
    now = time.time()
    when = _aware(scheduled_time, None).timestamp() if scheduled_time is not None else now
    run = _scheduled_run(dep, params, [*json.loads(dep["tags"]), *(tags or [])], when, now, idempotency_key,
                         flow_run_name)
    store.insert_scheduled_runs([run])
    run_id = run.id
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        row = store.flow_run(run_id)
        if row is None and idempotency_key:  # an earlier call made it
            row = store.flow_run_by_key(idempotency_key)
            run_id = row["id"]
        if row["state_type"] in _FINAL_NAMES or (
                deadline is not None and time.monotonic() >= deadline):
            return _flow_run_record(row, store.results_dir)
        time.sleep(poll_interval)


def _execute_flow_run(run_id: str) -> int:
    """A serve child's whole job: run one claimed flow run of a deployment; the exit code says how it ended."""
    _leave_shutdown_to_serve()
    store = _get_store()
    row = store.flow_run(run_id)
    if row is None:
        print(f"orchestrator: no flow run {run_id}", file=sys.stderr)
        return 1
    try:
        flow_obj = _load_entrypoint(row["entrypoint"])
        params = flow_obj._parameters((), _recorded_parameters(row))
    except ParameterBindError as exc:
        message = f"The flow's signature no longer matches the deployment's parameters: {exc}"
        store.finish_run(run_id, "FAILED", "Failed", message)
        print(f"orchestrator: {message}", file=sys.stderr)
        return 1
    except OrchestratorError as exc:
        store.finish_run(run_id, "FAILED", "Failed", str(exc))
        print(f"orchestrator: {exc}", file=sys.stderr)
        return 1
    engine = _FlowEngine(flow_obj, params, None, resume=row)
    state = _run_coro_sync(engine.run_async()) if flow_obj._is_async else engine.run_sync()
    return 0 if state.is_completed() else 1


# == 20. Background tasks: task.delay() and task workers ==================================================
#
# ``task.delay(x)`` (and ``apply_async``) commits a Scheduled task run with its parameters and no flow run and
# returns a PrefectDistributedFuture at once. Task workers (``serve(task_a, task_b)``, ``TaskWorker``, or
# ``python orchestrator.py task serve FILE.py:TASK``), in any number of processes, claim queued runs with one
# atomic UPDATE and run them through the task engine that runs tasks in flows, so retries, timeouts, caching,
# concurrency limits and hooks apply. A worker's heartbeat holds its runs: the runs of a worker that died go
# back to the queue while their retries allow, else they are Crashed. Results (and the exceptions of failed
# runs) are persisted, so a future in any process reads them.


class PrefectDistributedFuture(PrefectTaskRunFuture):
    """A future for a background task run, usable in any process that shares the database.

    ``fut = add.delay(1, 2)`` returns one; in another process ``PrefectDistributedFuture(task_run_id).result()``
    waits for the same run. A future pickles as its run id, so one passed to ``delay`` makes the new run wait
    for that run and receive its result.
    """

    __slots__ = ("_store",)

    def __init__(self, task_run_id: Any) -> None:
        super().__init__(str(task_run_id))
        self._store: Optional[_Store] = None

    def _db(self) -> "_Store":
        """The database of this process when the future is first used; it stays with it."""
        if self._store is None:
            self._store = _get_store()
        return self._store

    def __reduce__(self) -> tuple:
        return (PrefectDistributedFuture, (self._task_run_id,))

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, PrefectDistributedFuture) and other._task_run_id == self._task_run_id

    def __hash__(self) -> int:
        return hash(self._task_run_id)

    def __repr__(self) -> str:
        return f"PrefectDistributedFuture({self._task_run_id!r})"

    @property
    def state(self) -> State:
        """The run's state as recorded now; once it is final, with its result (or exception)."""
        if self._final_state is not None:
            return self._final_state
        store = self._db()
        row = store.background_task_run(self._task_run_id)
        if row is None:
            raise ObjectNotFound(f"No task run with id {self._task_run_id!r}.")
        state = _recorded_task_state(row, store.results_dir)
        if state.is_final():
            self._final_state = state
        return state

    def wait(self, timeout: Optional[float] = None) -> None:
        """Wait until the run is final, at most ``timeout`` seconds; never raises on timeout."""
        if self._final_state is not None or self.state.is_final():
            return
        _await_change(self._db(), lambda: self.state.is_final(), timeout)

    def result(self, timeout: Optional[float] = None, raise_on_failure: bool = True) -> Any:
        """The run's value, waiting for it; raises ``TimeoutError`` when ``timeout`` passes first, and the
        run's exception when it failed."""
        self.wait(timeout)
        if self._final_state is None:
            raise TimeoutError(f"Task run {self.task_run_id} did not complete within {timeout} seconds")
        return self._final_state._result(raise_on_failure)

    def add_done_callback(self, fn: Callable[[PrefectFuture], None]) -> None:
        """Call ``fn(self)`` once the run is final (at once if it already is), from a watcher thread."""
        if self._final_state is not None or self.state.is_final():
            fn(self)
            return
        _FUTURE_WATCHER.add(self, fn)


def _recorded_task_state(row: dict, results_dir: str) -> State:
    """A task run's state from its row; a final one with its persisted value or exception (read only for a
    future's caller: history never unpickles)."""
    type_ = StateType(row["state_type"])
    data: Any = _NO_DATA if type_ is _COMPLETED else None
    if type_ in _FINAL_TYPES and row["result_serializer"]:
        with contextlib.suppress(Exception):
            data = _load(row["result"], row["result_serializer"], row["result_path"], results_dir)
    state = State(type_, row["state_name"], row["state_message"], data, row["state_timestamp"])
    state.state_details.task_run_id = row["id"]
    return state


def _await_change(store: _Store, done: Callable[[], bool], timeout: Optional[float], poll: float = 0.002) -> bool:
    """Wait until ``done()``, asking it again whenever another connection commits to ``store`` (and at
    least once a second, and after crash detection); False when ``timeout`` passes first."""
    deadline = None if timeout is None else time.monotonic() + timeout
    version, asked, crashes = store.data_version(), time.monotonic(), time.monotonic()
    while True:
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            return False
        time.sleep(poll if deadline is None else max(0.0, min(poll, deadline - now)))
        current = store.data_version()
        if current != version or now - asked >= 1.0:
            version, asked = current, now
            if done():
                return True
        if now - crashes >= 3 * _heartbeat_seconds():  # a dead worker's runs go back to the queue, or crash
            crashes = now
            with contextlib.suppress(StoreError):
                store.detect_crashes()


class _FutureWatcher:
    """One thread that calls the done callbacks of distributed futures as their runs finish (``wait`` and
    ``as_completed`` over many futures use it)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.waiting: dict = {}  # task run id -> [(future, callback)]
        self.thread: Optional[threading.Thread] = None

    def add(self, future: PrefectDistributedFuture, fn: Callable) -> None:
        with self.lock:
            self.waiting.setdefault(future.task_run_id, []).append((future, fn))
            if self.thread is None:
                self.thread = threading.Thread(target=self._loop, name="orchestrator-futures", daemon=True)
                self.thread.start()

    def _loop(self) -> None:
        while True:
            with self.lock:
                if not self.waiting:
                    self.thread = None
                    return
                by_store: dict = {}  # each future asks its own database
                for run_id, entries in self.waiting.items():
                    by_store.setdefault(entries[0][0]._db(), []).append(run_id)
            states: dict = {}
            for store, ids in by_store.items():
                with contextlib.suppress(StoreError):
                    states.update(store.task_run_states(ids))
            for run_id in states:
                if states.get(run_id) in _FINAL_NAMES:
                    with self.lock:
                        entries = self.waiting.pop(run_id, [])
                    for future, fn in entries:
                        try:
                            future.state  # noqa: B018 - reads the final state (and value) into the future
                            fn(future)
                        except Exception:  # noqa: BLE001 - a callback's error must not stop the others
                            logging.getLogger("orchestrator").exception("A future's done callback raised")
            _await_change(next(iter(by_store)), lambda: True, 1.0 if len(by_store) == 1 else 0.05)


_FUTURE_WATCHER = _FutureWatcher()


def _enqueue(task: "Task", parameters: dict, wait_for: Optional[Iterable], dependencies: Optional[dict]
             ) -> PrefectDistributedFuture:
    """Commit a Scheduled background run of ``task`` for a task worker; its future at once."""
    if task._generator is not None:
        raise TypeError(f"Task {task.name!r} is a generator: a background run cannot hand its values to a caller "
                        f"(call it in a flow instead)")
    if task._bound_self is not None:
        raise TypeError(f"Task {task.name!r} is a method: a task worker cannot rebuild its instance (make it a "
                        f"function that takes what it needs)")
    upstream: list = []
    params, inputs = parameters, {}
    if wait_for or dependencies or not all(v.__class__ in _ATOMS for v in parameters.values()):
        def hold(future: PrefectFuture) -> Any:
            if isinstance(future, PrefectDistributedFuture):
                upstream.append(future.task_run_id)  # the worker waits for it and passes its result
                return future
            return future.result()  # a future of this process: its value goes along

        params = {name: _resolve_futures(value, hold) for name, value in parameters.items()}
        waits = len(upstream)
        for item in wait_for or ():
            _resolve_futures(item, hold)
        if len(upstream) > waits:
            inputs["wait_for"] = upstream[waits:]
        for key, deps in (dependencies or {}).items():
            inputs[key] = [str(getattr(d, "task_run_id", d)) for d in deps]
    blob = None
    if not _plain_json(params):
        try:
            blob = pickle.dumps(params, 5)
        except Exception as exc:
            raise TypeError(f"The arguments of task {task.name!r} cannot be pickled for a task worker: "
                            f"{type(exc).__name__}: {exc}") from None
    store = _get_store()
    now = store.clock.time()
    extra = _TAGS.get()
    name = (_render_run_name(task.task_run_name, params) if task.task_run_name is not None
            else f"{task.name}-{os.urandom(2).hex()[:3]}")
    run = TaskRun(_uuid7(), name, task.task_key, None, Scheduled(), params, _json(params) if params else "{}",
                  (task.tags | extra) if extra else task.tags, now)
    run.history.append(("SCHEDULED", "Scheduled", None, now))
    run.task_inputs = inputs
    store.enqueue_task_run(run, blob, task.retries or 0, sorted(set(upstream)) or None)
    return _distributed_future(run.id, store)


def _distributed_future(task_run_id: str, store: _Store) -> PrefectDistributedFuture:
    future = PrefectDistributedFuture(task_run_id)
    future._store = store
    return future


class TaskWorker:
    """Runs the background runs of some tasks (Prefect's ``prefect.task_worker.TaskWorker``).

    ``TaskWorker(add, resize, limit=10).start()`` blocks: it claims queued runs of these tasks, runs at most
    ``limit`` at once (None: no limit), and stops on ``stop()``, SIGTERM or SIGINT (running tasks get
    $ORCHESTRATOR_SERVE_GRACE_SECONDS to finish; a second signal stops at once) or after ``timeout``
    seconds. Usually started through ``serve(add, resize)``.
    """

    def __init__(self, *tasks: "Task", limit: Optional[int] = 10) -> None:
        for i, t in enumerate(tasks):
            if not isinstance(t, Task):
                raise TypeError(f"A task worker takes tasks; argument {i + 1} is {type(t).__name__}")
            if t._generator is not None:
                raise TypeError(f"Task {t.name!r} is a generator: it cannot run in the background")
        if not tasks:
            raise ValueError("A task worker needs at least one task")
        if limit is not None and limit < 1:
            raise ValueError("limit must be at least 1 (or None for no limit)")
        self.tasks = {t.task_key: t for t in tasks}
        self._limit = limit
        self._stop, self._wake, self._lock = threading.Event(), threading.Event(), threading.Lock()
        self._running: dict = {}  # task run id -> its TaskRun (None until its thread takes it)
        self._rows: Any = None  # the queue claimed rows wait in for a thread
        self._threads = 0
        self._closed = False  # set as the worker stops: threads then take no more runs
        self._started_at: Optional[_dt.datetime] = None
        self.forced = False
        self.logger = get_logger("task_worker")

    @property
    def limit(self) -> Optional[int]:
        return self._limit

    @property
    def started(self) -> bool:
        return self._started_at is not None

    @property
    def started_at(self) -> Optional[_dt.datetime]:
        return self._started_at

    @property
    def current_tasks(self) -> Optional[int]:
        return len(self._running) if self._limit else None

    @property
    def available_tasks(self) -> Optional[int]:
        return self._limit - len(self._running) if self._limit else None

    def stop(self) -> None:
        """Stop claiming runs; ``start`` returns once the running ones finish (or their grace ends)."""
        self._stop.set()
        self._wake.set()

    def start(self, timeout: Optional[float] = None) -> None:
        """Claim and run queued runs until stopped (see the class); blocks."""
        import queue

        _setup_logging()
        store = self._store = _get_store()
        self._rows = queue.SimpleQueue()
        self.process_id = store.register_process("task-worker")
        self._started_at = _dt.datetime.now(_dt.timezone.utc)
        self.logger.info("Starting task worker...")
        self.logger.info(f"Subscribing to runs of task(s): {' | '.join(t.name for t in self.tasks.values())}")
        previous = _on_stop_signals(self._on_signal)
        try:
            store.detect_crashes()  # runs of workers that died while nobody watched go back to the queue
            timed_out = self._loop(store, None if timeout is None else time.monotonic() + timeout)
            self._shutdown(store)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if timed_out:
            self.logger.info(f"Task worker timed out after {timeout} seconds. Exiting...")
        self.logger.info("Task worker stopped.")

    def _loop(self, store: _Store, ends: Optional[float]) -> bool:
        """Claim runs while there is room; True when ``ends`` passed."""
        keys = list(self.tasks)
        limit = self._limit or 1_000_000
        version, asked, roomy_since = None, 0.0, None
        while not self._stop.is_set():
            now = time.monotonic()
            if ends is not None and now >= ends:
                return True
            room = limit - len(self._running)
            roomy_since = (roomy_since or now) if room > 0 else None
            # while runs go on, claim once half the slots are free or a slot has waited 5 ms: one claim then
            # takes several runs (a claim is a write transaction; short tasks would otherwise pay one each)
            ready = room > 0 and (room * 2 >= min(limit, 20) or now - roomy_since >= 0.005)
            try:
                current = store.data_version()
                if ready and (current != version or now - asked >= 1.0):
                    version, asked = current, now
                    if store.has_queued_task_runs(keys):
                        for row in store.claim_task_runs(keys, self.process_id, min(room, 1000)):
                            self._hand_out(row)
            except StoreError as exc:  # a busy or broken file: say so and try again next round
                self.logger.error(f"Could not read or write the state database: {exc}")
                self._stop.wait(1.0)
            self._wake.wait(0.005 if room <= 0 or ready else 0.001)
            self._wake.clear()
        return False

    def _hand_out(self, row: dict) -> None:
        """Give a claimed run to a thread, starting one when every thread is busy."""
        with self._lock:
            self._running[row["id"]] = None
            spawn = self._threads < len(self._running)
            if spawn:
                self._threads += 1
        if spawn:
            threading.Thread(target=self._thread_loop, name="orchestrator-task-worker", daemon=True).start()
        self._rows.put(row)

    def _thread_loop(self) -> None:
        while True:
            row = self._rows.get()
            if row is None:
                return
            try:
                self._run(row)
            except BaseException as exc:  # noqa: BLE001 - an engine error must not end the thread
                self.logger.error(f"Task run {row['id']} could not be run: {type(exc).__name__}: {exc}")
            finally:
                with self._lock:
                    self._running.pop(row["id"], None)
                self._wake.set()

    def _run(self, row: dict) -> Optional[State]:
        task = self.tasks[row["task_key"]]
        run = _claimed_run(row)
        with self._lock:
            if self._closed:  # the worker stopped before a thread took this run: it was queued again
                return None
            self._running[row["id"]] = run
        try:
            params = pickle.loads(row["parameters_blob"]) if row["parameters_blob"] is not None else \
                json.loads(row["parameters"] or "{}")
        except Exception as exc:  # noqa: BLE001 - the run fails, the worker goes on
            engine = _TaskEngine(task, {}, None, None, None, run=run, store=self._store)
            engine.logger = _task_logger(engine.store, run)
            return engine._finish(Failed(message=f"The parameters of task run {run.id} could not be read: "
                                                 f"{type(exc).__name__}: {exc}"))
        upstream = [_distributed_future(i, self._store) for i in run.task_inputs.get("wait_for", ())]
        engine = _TaskEngine(task, params, upstream or None, None, None, run=run, store=self._store)
        engine.persist = True  # the caller is in another process: the value must be kept
        return engine.run_sync() if not task._is_async else _run_coro_sync(engine.run_async())


    def _on_signal(self, signum: int) -> None:
        if self._stop.is_set():
            self.forced = True
            self._wake.set()
            return
        grace = _setting("ORCHESTRATOR_SERVE_GRACE_SECONDS")
        self.logger.info(f"{signal.Signals(signum).name} received, initiating graceful shutdown: running tasks get "
                         f"{grace:g} s to finish (send it again to stop now)")
        self.stop()

    def _shutdown(self, store: _Store) -> None:
        """Give running tasks the grace period; the runs still going after it are queued again (while their
        retries allow) or Crashed, and what their engines write later is dropped."""
        grace = _setting("ORCHESTRATOR_SERVE_GRACE_SECONDS")
        if self._running:
            self.logger.info(f"Waiting up to {grace:g} s for {len(self._running)} running task run(s)")
        deadline = time.monotonic() + grace
        while self._running and time.monotonic() < deadline and not self.forced:
            self._wake.wait(0.05)
            self._wake.clear()
        with self._lock:
            left, self._closed = dict(self._running), True
        for run in left.values():
            if run is not None:
                run.ended_by_flow = True
        if left:
            store.lose_task_runs(list(left), f"Task worker process {os.getpid()} stopped before this run finished")
        for _ in range(self._threads):
            self._rows.put(None)
        store.flush()


def _claimed_run(row: dict) -> TaskRun:
    """The record of a run a worker claimed, as its engine continues it."""
    state = State(_PENDING, "Pending", None, None, row["state_timestamp"])
    run = _TASK_RUNS.load(TaskRun(row["id"], row["name"], row["task_key"], None, state), row)
    run.parameters_json, run.tags = row["parameters"], set(json.loads(row["tags"] or "[]"))
    run.task_inputs = json.loads(row["task_inputs"] or "{}")  # apply_async's wait_for and dependencies
    run.stored = True
    run.run_count = max(run.run_count, row["claims"] - 1)  # claims whose worker died were attempts too
    state.state_details.task_run_id = run.id
    return run


def _serve_tasks(tasks: tuple, limit: Any, timeout: Optional[float]) -> None:
    """``serve(task_a, task_b)``: a task worker for these tasks, in this process, until stopped."""
    TaskWorker(*tasks, limit=10 if limit is _UNSET else limit).start(timeout=timeout)


def _load_task(entrypoint: str) -> "Task":
    """The task an entrypoint (``path/to/file.py:name`` or ``module.name``) names; OrchestratorError if none."""
    try:
        obj = _import_object(entrypoint)
    except (AttributeError, ValueError, ImportError) as exc:
        raise OrchestratorError(f"Cannot load a task from {entrypoint!r}: {exc}") from None
    if not isinstance(obj, Task):
        raise OrchestratorError(f"{entrypoint!r} is a {type(obj).__name__}, not a task (decorate it with @task)")
    return obj


# == 21. Web view: the JSON both views show, and the server ===============================================
#
# One function per resource builds the JSON that the CLI's --json prints and the web view's /api/ serves,
# with the same (Prefect's) field names. The server is the standard library's ThreadingHTTPServer; the page
# it sends (section 21) renders that JSON. Reads use a read-only store; actions call the library functions
# the CLI calls, as POSTs carrying the process's CSRF token. Nothing read from the database is unpickled.


def _iso(ts: Optional[float]) -> Optional[str]:
    return None if ts is None else _utc(ts).isoformat()


def _from_iso(text: Optional[str]) -> Optional[float]:
    """The timestamp an ``_iso`` text stands for."""
    return None if text is None else _dt.datetime.fromisoformat(text).timestamp()


def _run_json(row: dict, deployments: dict) -> dict:
    """A flow run as JSON with Prefect's field names."""
    return {"id": row["id"], "name": row["name"], "flow_name": row["flow_name"],
            "deployment_name": deployments.get(row["deployment_id"]), "state_type": row["state_type"],
            "state_name": row["state_name"], "state_message": row["state_message"],
            "parameters": json.loads(row["parameters"] or "{}"), "tags": json.loads(row["tags"] or "[]"),
            "run_count": row["run_count"], "expected_start_time": _iso(row["expected_start_time"]),
            "start_time": _iso(row["start_time"]), "end_time": _iso(row["end_time"]),
            "total_run_time": _running_seconds(_row_history(row), time.time())}


def _task_json(row: dict) -> dict:
    return {"id": row["id"], "name": row["name"], "task_key": row["task_key"], "flow_run_id": row["flow_run_id"],
            "state_type": row["state_type"], "state_name": row["state_name"], "state_message": row["state_message"],
            "run_count": row["run_count"], "tags": json.loads(row["tags"] or "[]"),
            "parameters": json.loads(row["parameters"] or "{}"), "task_inputs": json.loads(row["task_inputs"] or "{}"),
            "start_time": _iso(row["start_time"]), "end_time": _iso(row["end_time"]),
            "total_run_time": _running_seconds(_row_history(row), time.time()),
            "child_flow_run_id": row.get("child_flow_run_id"), "result": _result_preview(row)}


def _result_preview(row: dict) -> Optional[str]:
    """What history shows of a run's result: the preview written with it. Nothing read from the database is
    unpickled here: a crafted file cannot run code on ``show``."""
    if row.get("result_note"):
        return row["result_note"]
    if not row.get("result_serializer"):
        return None
    if row.get("result_preview") is not None:
        return row["result_preview"]
    if row["result_serializer"] == "json" and row.get("result") is not None:  # JSON is safe to read
        with contextlib.suppress(ValueError):
            return _preview(json.loads(row["result"]))
    return "(persisted before previews were recorded; not shown)"


def _run_detail_json(store: _Store, row: dict, with_tasks: bool = True) -> dict:
    """``show --json``: a flow run with its history, task runs (or, for the web view, their counts by
    state), subflows, artifacts and result preview."""
    deployments = store.deployment_names()
    out = {**_run_json(row, deployments), "entrypoint": row["entrypoint"],
           "parent_flow_run_id": row["parent_flow_run_id"],
           "history": [{"type": h[0], "name": h[1], "message": h[2], "timestamp": _iso(h[3])}
                       for h in _row_history(row)],
           "artifacts": [_artifact_json(a, with_data=True) for a in store.artifacts_of(row["id"])],
           "result": _result_preview(row)}
    if with_tasks:
        out["task_runs"] = [_task_json(t) for t in store.task_runs_of(row["id"])]
    else:
        out["task_counts"] = store.task_progress(row["id"])
        out["subflow_runs"] = [{**_run_json(r, deployments), "depth": r["depth"]}
                               for r in store.subflow_tree(row["id"])]
    return out


def _log_json(line: dict, flow_run_id: str) -> dict:
    return {"id": line["id"], "timestamp": _iso(line["timestamp"]), "level": logging.getLevelName(line["level"]),
            "message": line["message"], "flow_run_id": flow_run_id, "task_run_id": line["task_run_id"],
            "task_run_name": line["task_name"]}


def _variable_json(v: dict) -> dict:
    return {"name": v["name"], "value": json.loads(v["value"]), "tags": json.loads(v["tags"]),
            "created": _iso(v["created"]), "updated": _iso(v["updated"])}


def _artifact_json(a: dict, with_data: bool = False) -> dict:
    out = {k: a[k] for k in ("id", "key", "type", "description", "flow_run_id")}
    out["created"] = _iso(a["created"])
    if with_data:
        out["data"] = a["data"]
    return out


def _limits_json(store: _Store, holders: bool = False) -> list:
    """``limits ls --json``; ``holders``: with who holds the slots (process, host, since)."""
    held: dict = {}
    for h in store.slot_holders() if holders else ():
        held.setdefault(h["limit_name"], []).append({"pid": h["pid"], "hostname": h["hostname"],
                                                     "slots": h["occupy"], "since": _iso(h["acquired"])})
    return [{"name": r["name"], "limit": r["limit"], "active": bool(r["active"]), "active_slots": r["active_slots"],
             "slot_decay_per_second": r["slot_decay_per_second"], **({"holders": held.get(r["name"], [])}
                                                                     if holders else {})} for r in store.limits()]


def _deployment_rows(store: Optional[_Store] = None) -> list:
    store = store or _get_store()
    rows = []
    now = _utc_now()
    for dep in store.deployments():
        specs = json.loads(dep["schedules"])
        nexts = [d for spec in specs if spec.get("active", True)
                 for d in _schedule_from_spec(spec).get_dates(1, start=now)]
        last = store.last_state_name(dep["id"])
        waiting = store.first_waiting_run(dep["id"])  # a run nothing started yet, perhaps long overdue
        if waiting is not None:
            nexts.append(_utc(waiting))
        rows.append({"id": dep["id"], "name": f"{dep['flow_name']}/{dep['name']}",
                     "schedules": [_describe_schedule(spec) for spec in specs], "paused": bool(dep["paused"]),
                     "next_run": min(nexts).isoformat() if nexts and not dep["paused"] else None,
                     "last_state": last, "entrypoint": dep["entrypoint"],
                     "parameters": json.loads(dep["parameters"]), "tags": json.loads(dep["tags"])})
    return rows


def _deployment_json(store: _Store, name: str) -> dict:
    """One deployment for its page: its ``deployments ls`` row, the next 10 slots of its schedules, its
    recent runs, and the parameter form's fields (names, JSON types, defaults, which are required)."""
    dep = store.deployment(name)
    row = next(r for r in _deployment_rows(store) if r["id"] == dep["id"])
    now = _utc_now()
    slots = sorted(d for spec in json.loads(dep["schedules"]) if spec.get("active", True)
                   for d in _schedule_from_spec(spec).get_dates(10, start=now))[:10]
    names = store.deployment_names()
    return {**row, "description": dep["description"], "concurrency_limit": dep["concurrency_limit"],
            "next_slots": [d.isoformat() for d in slots],
            "parameter_schema": json.loads(dep.get("parameter_schema") or "null"),
            "scheduled_runs": [_run_json(r, names) for r in store.next_runs(10, dep["id"])],
            "recent_runs": [_run_json(r, names) for r in store.runs(deployment_id=dep["id"], limit=10)]}


def _status_report(store: _Store, limit: int) -> dict:
    """What ``status`` shows, as data: ``status --json`` prints this, the table view draws it."""
    now = time.time()
    deployments = store.deployment_names()
    size = store.file_bytes()
    with contextlib.suppress(StoreError):  # a read-only file: shown as it is
        store.mark_late()
    alive = store.serve_processes(alive=True)
    active = []
    for r in store.active_runs():
        progress = store.task_progress(r["id"])
        active.append({**_run_json(r, deployments), "tasks": progress,
                       "progress": _progress_text(progress, r["start_time"], now)})
    return {
        "database": {"path": store.path, "bytes": size},
        "serve_processes": [{"pid": p["pid"], "hostname": p["hostname"], "heartbeat": _iso(p["heartbeat"])}
                            for p in alive],
        "last_24h": store.state_counts(now - 86400),
        "in_progress": active,
        "latest_failures": [_run_json(r, deployments) for r in store.failures(5)],
        "deployments": _deployment_rows(store),
        "recent_runs": [_run_json(r, deployments) for r in store.recent_flow_runs(limit)],
    }


def _health_report(store: _Store) -> dict:
    """What ``health`` says: healthy unless runs are Late or deployments that are not paused have no live
    serve process; ``reasons`` says what was found either way."""
    with contextlib.suppress(StoreError):  # a read-only file: judged as it is
        store.mark_late()
    alive = store.serve_processes(alive=True)
    active = [d for d in _deployment_rows(store) if not d["paused"]]
    late = store.late_runs(limit=1000)
    names = store.deployment_names()
    reasons, healthy = [], True
    if active and not alive:
        healthy = False
        reasons.append(f"no serve process is running for {len(active)} deployment(s)")
    else:
        reasons.append(f"{len(alive)} serve process(es) alive" + (
            " (pid " + ", ".join(str(p["pid"]) for p in alive) + ")" if alive else ""))
    if late:
        healthy = False
        shown = ", ".join(f"{names.get(r['deployment_id'], r['flow_name'])} due {_fmt_local(r['expected_start_time'])}"
                          for r in late[:3])
        reasons.append(f"{len(late)} run(s) are late: {shown}" + (", ..." if len(late) > 3 else ""))
    else:
        reasons.append("no late runs")
    return {"healthy": healthy, "reasons": reasons, "serve_processes": len(alive), "deployments": len(active),
            "late_runs": [_run_json(r, names) for r in late]}


def _progress_text(progress: dict, start: Optional[float], now: float) -> str:
    """A run's task progress: ``"120/200 done, 3 failed, 41/s"`` (empty before its first task).

    >>> _progress_text({"COMPLETED": 120, "FAILED": 3, "RUNNING": 77, "total": 200}, 0.0, 3.0)
    '123/200 done, 3 failed, 41.0/s'
    """
    total = progress.get("total", 0)
    if not total:
        return ""
    done = sum(progress.get(t, 0) for t in _FINAL_NAMES)
    failed = progress.get("FAILED", 0) + progress.get("CRASHED", 0)
    text = f"{done}/{total} done" + (f", {failed} failed" if failed else "")
    if start is not None and now > start and done:
        text += f", {done / (now - start):.1f}/s"
    return text


def _dashboard_json(store: _Store) -> dict:
    """The web view's dashboard: the status report, runs by state per hour (24 h) and per day (7 d), late
    runs, the next scheduled runs, and whether deployments wait for a serve process nobody runs."""
    report = _status_report(store, 10)
    now = time.time()
    names = store.deployment_names()
    charts = {}
    for key, buckets, width in (("last_24h", 24, 3600.0), ("last_7d", 7, 86400.0)):
        since = now - buckets * width
        counts = [dict() for _ in range(buckets)]
        for r in store.state_buckets(since, width):
            if 0 <= r["bucket"] < buckets:
                counts[r["bucket"]][r["state_type"]] = r["n"]
        charts[key] = {"start": _iso(since), "bucket_seconds": width, "counts": counts}
    waiting = report["deployments"] and not report["serve_processes"] and any(
        not d["paused"] and d["next_run"] and _from_iso(d["next_run"]) <= now + 60 for d in report["deployments"])
    return {**report, "charts": charts, "late_runs": [_run_json(r, names) for r in store.late_runs(20)],
            "next_runs": [_run_json(r, names) for r in store.next_runs(10)], "no_serve_warning": bool(waiting)}


_PAGE_SIZE = 50


def _param(query: dict, key: str, default: Any = None) -> Any:
    """The last value a query string gives ``key`` (parse_qs lists them all), or ``default``."""
    values = query.get(key)
    return values[-1] if values and values[-1] else default


def _runs_page_json(store: _Store, query: dict) -> dict:
    """One page of the runs listing (newest first) for the filters in ``query``; ``next`` is the cursor of
    the page after, ``total`` how many runs match."""
    def one(key: str) -> Optional[str]:
        return _param(query, key)

    states = tuple(s for v in query.get("state", []) for s in v.split(",") if s)
    filters: dict = {"flow": one("flow"), "states": states, "tag": one("tag"), "name": one("name")}
    for key in ("since", "until"):
        if one(key):
            filters[key] = _web_time(one(key), key)
    if one("deployment"):
        filters["deployment_id"] = store.deployment(one("deployment"))["id"]
    limit = _web_int(one("limit") or _PAGE_SIZE, "limit", 1, 500)
    rows = store.runs(limit=limit + 1, before=one("before"), **filters)
    names = store.deployment_names()
    return {"flow_runs": [_run_json(r, names) for r in rows[:limit]],
            "next": rows[limit - 1]["id"] if len(rows) > limit else None, "total": store.count_runs(**filters),
            "flows": sorted({r["flow_name"] for r in rows})}


def _ago_or_at(text: str) -> float:
    """A time given as a duration ago (2h, 7d) or an ISO time (``--since``, the web view's filters);
    ValueError for anything else."""
    try:
        return time.time() - _parse_duration(text)
    except ValueError:
        try:
            return _parse_when(text).timestamp()
        except ValueError:
            raise ValueError(f"{text!r} is neither a duration (2h, 7d) nor an ISO time") from None


def _web_time(text: str, what: str) -> float:
    try:
        return _ago_or_at(text)
    except ValueError as exc:
        raise _WebError(400, f"{what}={exc}") from None


def _web_int(text: Any, what: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except (TypeError, ValueError):
        raise _WebError(400, f"{what}={text!r} is not a whole number") from None
    if not low <= value <= high:
        raise _WebError(400, f"{what}={value} is outside {low}..{high}")
    return value


_TIMELINE_BARS = 20_000  # a run with more task runs shows its first ones, and says how many are left out


def _timeline_json(store: _Store, row: dict) -> dict:
    """A flow run's task runs as timeline bars, packed into lanes (a lane holds bars that do not overlap),
    so 10,000 tasks on 8 threads draw as 8 lanes. Each bar: [start offset s, duration s, lane, state type,
    name]."""
    import heapq

    tasks = store.task_bars(row["id"], _TIMELINE_BARS)
    total = len(tasks) if len(tasks) < _TIMELINE_BARS else store.task_progress(row["id"]).get("total", 0)
    now = time.time()
    origin = row["start_time"] or (tasks[0][2] if tasks else now)
    free: list = []  # (end, lane) of every lane, the one that frees first on top
    bars = []
    for name, state_type, start, end in tasks:
        end = end or now
        lane = heapq.heappop(free)[1] if free and free[0][0] <= start else len(free)
        heapq.heappush(free, (end, lane))
        bars.append([round(start - origin, 3), round(max(end - start, 0.0), 3), lane, state_type, name])
    finish = row["end_time"] or now
    return {"start": _iso(origin), "duration": max(finish - origin, max((b[0] + b[1] for b in bars), default=0)),
            "lanes": len(free), "bars": bars, "total": total, "shown": len(bars)}


def _task_runs_json(store: _Store, row: dict, query: dict) -> dict:
    state = _param(query, "state")
    offset = _web_int(_param(query, "offset", 0), "offset", 0, 10**9)
    limit = _web_int(_param(query, "limit", 100), "limit", 1, 1000)
    rows = store.task_runs_page(row["id"], state, offset, limit + 1)
    return {"task_runs": [_task_json(t) for t in rows[:limit]], "offset": offset,
            "more": len(rows) > limit, "counts": store.task_progress(row["id"])}


def _logs_json(store: _Store, row: dict, query: dict) -> dict:
    """The run's log lines after ``after`` (the last 1,000 when there are more), at ``level`` and above,
    of one task run (``task``) or all."""
    after = _web_int(_param(query, "after", 0), "after", 0, 2**62)
    level_name = _param(query, "level", "DEBUG").upper()
    level = logging.getLevelName(level_name)
    if not isinstance(level, int):
        raise _WebError(400, f"level={level_name!r} is not DEBUG, INFO, WARNING, ERROR or CRITICAL")
    lines = store.logs_tail(row["id"], after, level, _param(query, "task"), 1000)
    return {"logs": [_log_json(line, row["id"]) for line in lines],
            "last_id": lines[-1]["id"] if lines else after,
            "final": row["state_type"] in _FINAL_NAMES}


class _WebError(Exception):
    """A request the web view refuses: its HTTP status and a one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


# -- actions: the same library calls the CLI makes ----------------------------------------------------------

def _delete_flow_run(store: _Store, ref: str) -> dict:
    """Delete a flow run that is not active (``delete`` and the web view); what went."""
    row = store.resolve_flow_run(ref)
    if row["state_type"] in _ACTIVE_STATES:
        raise OrchestratorError(f"Flow run {row['name']!r} is {row['state_name']}; cancel it first.")
    return {"name": row["name"], "id": row["id"], **store.delete_flow_runs([row["id"]])}


def _start_retry(store: _Store, ref: str) -> dict:
    """Retry a flow run in a process of its own that outlives the caller (the web view must answer at
    once): ``orchestrator --db DB retry ID``. Checked here first, so a refusal is an answer."""
    row = store.resolve_flow_run(ref)
    if row["state_type"] not in ("FAILED", "CRASHED", "CANCELLED"):
        raise OrchestratorError(f"Flow run {row['name']!r} is {row['state_name']}; only a Failed, Crashed, "
                                f"Cancelled or TimedOut run can be retried.")
    path = (row["entrypoint"] or "").rpartition(":")[0]
    if not path or not os.path.exists(path):
        raise OrchestratorError(f"Flow run {row['name']!r} cannot be retried: its flow's file "
                                f"{path or '(none recorded)'} is not there.")
    import subprocess

    code = "import sys, orchestrator; sys.exit(orchestrator.main(sys.argv[1:]))"
    subprocess.Popen([sys.executable, "-c", code, "--db", store.path, "retry", row["id"]], env=_importing_env(),
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True)
    return {"id": row["id"], "name": row["name"], "message": f"Retrying flow run {row['name']!r}."}


def _web_run_deployment(store: _Store, name: str, body: dict) -> dict:
    params = body.get("parameters") or {}
    if not isinstance(params, dict):
        raise _WebError(400, "parameters must be a JSON object")
    try:
        run = run_deployment(name, params, None, body.get("flow_run_name") or None, 0)
    except ParameterBindError as exc:
        raise _WebError(400, str(exc)) from None
    return {"id": run.id, "name": run.name, "message": f"Created flow run {run.name!r}."}


def _web_backfill(name: str, body: dict) -> dict:
    try:
        begin, finish = _parse_when(str(body.get("start"))).timestamp(), _parse_when(str(body.get("end"))).timestamp()
    except ValueError as exc:
        raise _WebError(400, str(exc)) from None
    if finish < begin:
        raise _WebError(400, "end is before start")
    if body.get("dry_run"):
        _, total = _backfill(name, begin, finish, False)
        return {"slots": total, "message": f"Would create a run for each of {total:,} slot(s)."}
    made, total = _backfill(name, begin, finish, True, None if body.get("yes") else _BACKFILL_LIMIT)
    if made is None:
        raise _WebError(400, f"The range holds more than {_BACKFILL_LIMIT:,} slots; confirm to create them all.")
    return {"created": made, "slots": total, "message": f"Created {made} run(s) for {total} slot(s)."}


def _web_routes() -> list:
    """(method, path pattern, handler(view, match, query, body) -> JSON) for every /api/ URL."""
    run, dep = r"/api/runs/(?P<run>[^/]+)", r"/api/deployments/(?P<dep>[^/]+/[^/]+)"

    def reading(fn: Callable) -> Callable:
        return lambda view, m, q, body: fn(view.reader(), m, q)

    def on_run(fn: Callable) -> Callable:
        def answer(view: "_WebView", m: dict, q: dict, body: dict) -> Any:
            store = view.reader()
            return fn(store, store.resolve_flow_run(m["run"]), q)
        return answer

    def acting(fn: Callable) -> Callable:
        return lambda view, m, q, body: fn(view.writer(), m, body)

    return [
        ("GET", r"/api/status", reading(lambda s, m, q: _dashboard_json(s))),
        ("GET", r"/api/runs", reading(lambda s, m, q: _runs_page_json(s, q))),
        ("GET", run, on_run(lambda s, row, q: _run_detail_json(s, row, with_tasks=False))),
        ("GET", run + "/task_runs", on_run(_task_runs_json)),
        ("GET", run + "/timeline", on_run(lambda s, row, q: _timeline_json(s, row))),
        ("GET", run + "/logs", on_run(_logs_json)),
        ("GET", r"/api/deployments", reading(lambda s, m, q: _deployment_rows(s))),
        ("GET", dep, reading(lambda s, m, q: _deployment_json(s, m["dep"]))),
        ("GET", r"/api/limits", reading(lambda s, m, q: _limits_json(s, holders=True))),
        ("GET", r"/api/variables", reading(lambda s, m, q: [_variable_json(v) for v in s.variables(1000)])),
        ("GET", r"/api/artifacts", reading(lambda s, m, q: [_artifact_json(a, with_data=True)
                                                            for a in s.artifacts(limit=500)])),
        ("POST", run + "/retry", acting(lambda s, m, b: _start_retry(s, m["run"]))),
        ("POST", run + "/cancel", acting(lambda s, m, b: {"state_name": cancel_flow_run(m["run"]),
                                                          "message": "Cancellation requested."})),
        ("POST", run + "/resume", acting(lambda s, m, b: (resume_flow_run(m["run"], b.get("input")),
                                                          {"message": "Resumed."})[1])),
        ("POST", run + "/delete", acting(lambda s, m, b: {**_delete_flow_run(s, m["run"]), "message": "Deleted."})),
        ("POST", dep + "/run", acting(lambda s, m, b: _web_run_deployment(s, m["dep"], b))),
        ("POST", dep + "/pause", acting(lambda s, m, b: {"cancelled": s.set_paused(s.deployment(m["dep"])["id"], True),
                                                         "message": "Paused."})),
        ("POST", dep + "/resume", acting(lambda s, m, b: (s.set_paused(s.deployment(m["dep"])["id"], False),
                                                          {"message": "Resumed."})[1])),
        ("POST", dep + "/backfill", acting(lambda s, m, b: _web_backfill(m["dep"], b))),
    ]


_PAGES = re.compile(r"/(runs(/[^/]+)?|deployments(/[^/]+/[^/]+)?|limits|variables|artifacts)?/?")


class _WebView:
    """The web view of one database: ``start()`` serves it on a thread, ``serve_forever()`` in the caller.

    Binds 127.0.0.1 by default. With ``token`` (ORCHESTRATOR_UI_TOKEN) every request needs it: ``?token=``
    once, then a cookie. Actions are POSTs with the per-process CSRF token the page carries; requests
    naming another host (DNS rebinding) are refused while bound to the loopback interface."""

    def __init__(self, db: str, host: str = "127.0.0.1", port: int = 4200, token: Optional[str] = None) -> None:
        import secrets

        self.db, self.host, self.port, self.token = os.path.abspath(db), host, port, token
        self.csrf = secrets.token_urlsafe(24)
        self.routes = [(method, re.compile(pattern + "$"), fn) for method, pattern, fn in _web_routes()]
        self._lock = threading.Lock()
        self._reader: Optional[_Store] = None
        self.server: Any = None

    # -- the database: opened when first needed, again after it failed ----------------------------------
    def reader(self) -> _Store:
        with self._lock:
            if self._reader is None:
                if not os.path.exists(self.db):
                    raise _WebError(503, f"There is no database at {self.db} yet: it appears when a flow first runs.")
                try:
                    self._reader = _Store(self.db, readonly=True, busy_ms=3000)
                except StoreError as exc:
                    raise _WebError(503, str(exc)) from None
            return self._reader

    def writer(self) -> _Store:
        self.reader()  # the same checks first
        try:
            return _get_store(self.db)
        except StoreError as exc:
            raise _WebError(503, str(exc)) from None

    def forget_store(self) -> None:
        with self._lock:
            self._reader = None

    # -- serving ---------------------------------------------------------------------------------------
    def bind(self) -> "_WebView":
        from http.server import ThreadingHTTPServer

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            allow_reuse_address = True

        try:
            self.server = Server((self.host, self.port), _web_handler(self))
        except OSError as exc:
            raise OrchestratorError(f"cannot serve the web view on {self.host}:{self.port}: "
                                    f"{exc.strerror or exc}") from None
        self.port = self.server.server_address[1]
        return self

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.server.serve_forever, name="orchestrator-ui", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def loopback(self) -> bool:
        return self.host in ("127.0.0.1", "localhost", "::1")

    def host_allowed(self, header: Optional[str]) -> bool:
        if not self.loopback():
            return True
        host = header or ""
        name = host[:host.find("]") + 1] if host.startswith("[") else host.rsplit(":", 1)[0]
        return name in ("127.0.0.1", "localhost", "[::1]")

    def answer(self, method: str, path: str, query: dict, body: dict) -> tuple:
        """(status, JSON) for an /api/ request."""
        for verb, pattern, fn in self.routes:
            match = pattern.match(path)
            if match:
                if verb != method:
                    continue
                try:
                    from urllib.parse import unquote

                    return 200, fn(self, {k: unquote(v) for k, v in match.groupdict().items()}, query, body)
                except _WebError as exc:
                    if exc.status == 503:
                        self.forget_store()
                    return exc.status, {"error": str(exc)}
                except ObjectNotFound as exc:
                    return 404, {"error": str(exc)}
                except StoreError as exc:
                    self.forget_store()
                    return 503, {"error": str(exc)}
                except (OrchestratorError, ValueError) as exc:
                    return 400, {"error": str(exc)}
        if any(p.match(path) for _, p, _ in self.routes):
            return 405, {"error": f"{method} is not allowed on {path}"}
        return 404, {"error": f"There is no {path} here."}


def _web_handler(view: _WebView) -> type:
    """The request handler class of one web view."""
    from http.server import BaseHTTPRequestHandler
    from urllib.parse import parse_qs, urlsplit
    import hmac

    class Handler(BaseHTTPRequestHandler):
        server_version = f"orchestrator/{__version__}"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet: errors are answered, not logged
            pass

        def send(self, status: int, body: bytes, kind: str, headers: tuple = ()) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("X-Frame-Options", "DENY")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
                             "style-src 'self' 'unsafe-inline'; script-src 'self'; "
                             "connect-src 'self'; frame-ancestors 'none'; form-action 'self'")
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def send_json(self, status: int, data: Any) -> None:
            self.send(status, json.dumps(data, default=str).encode(), "application/json")

        def refuse(self, status: int, message: str) -> None:
            if self.path.startswith("/api/"):
                self.send_json(status, {"error": message})
            else:
                self.send(status, (message + "\n").encode(), "text/plain; charset=utf-8")

        def admitted(self, url: Any, query: dict) -> bool:
            """The Host check, then the token: False when the request has been answered already."""
            if not view.host_allowed(self.headers.get("Host")):
                self.refuse(400, "This request names another host; open the view at " + view.url)
                return False
            if not view.token:
                return True
            given = _param(query, "token", "")
            if given and hmac.compare_digest(given, view.token):
                if self.command == "GET" and not url.path.startswith("/api/"):  # once: keep it in a cookie
                    rest = "&".join(f"{k}={v}" for k, vs in query.items() if k != "token" for v in vs)
                    self.send(303, b"", "text/plain", (
                        ("Location", url.path + (f"?{rest}" if rest else "")),
                        ("Set-Cookie", f"orchestrator_token={view.token}; HttpOnly; SameSite=Strict; Path=/")))
                    return False
                return True
            cookies = dict(c.strip().split("=", 1) for c in (self.headers.get("Cookie") or "").split(";") if "=" in c)
            if hmac.compare_digest(cookies.get("orchestrator_token", ""), view.token):
                return True
            self.refuse(401, "This web view needs its token: open it once with ?token=... "
                             "(the value of ORCHESTRATOR_UI_TOKEN).")
            return False

        def do_GET(self) -> None:
            self.handle_request("GET")

        def do_HEAD(self) -> None:
            self.handle_request("GET")

        def do_POST(self) -> None:
            self.handle_request("POST")

        def handle_request(self, method: str) -> None:
            try:
                url = urlsplit(self.path)
                query = parse_qs(url.query, keep_blank_values=False)
                if not self.admitted(url, query):
                    return
                if url.path.startswith("/api/"):
                    self.api(method, url.path, query)
                elif method == "GET" and _PAGES.fullmatch(url.path):
                    self.send(200, _web_page(view.csrf).encode(), "text/html; charset=utf-8")
                elif method == "GET" and _web_file(url.path):
                    kind, text = _web_file(url.path)
                    self.send(200, text.encode(), kind)
                else:
                    self.refuse(404 if method == "GET" else 405, f"There is no page {url.path} here.")
            except (BrokenPipeError, ConnectionResetError):
                pass
            except Exception as exc:  # the view survives whatever one request meets
                with contextlib.suppress(Exception):
                    self.refuse(500, f"{type(exc).__name__}: {exc}".splitlines()[0])

        def api(self, method: str, path: str, query: dict) -> None:
            body: dict = {}
            if method == "POST":
                if not hmac.compare_digest(self.headers.get("X-CSRF-Token") or "", view.csrf):
                    return self.send_json(403, {"error": "This action lacks the page's CSRF token; reload the page."})
                size = int(self.headers.get("Content-Length") or 0)
                if size > 1_000_000:
                    return self.send_json(413, {"error": "The request is larger than 1 MB."})
                raw = self.rfile.read(size) if size else b""
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    return self.send_json(400, {"error": "The request's body is not JSON."})
                if not isinstance(body, dict):
                    return self.send_json(400, {"error": "The request's body must be a JSON object."})
            status, data = view.answer(method, path, query, body)
            self.send_json(status, data)

    return Handler


def _serve_web_view(host: Optional[str] = None, port: Optional[int] = None, open_browser: bool = False) -> None:
    """Serve the web view of the database until Ctrl-C (``python orchestrator.py ui``)."""
    host = host or _setting("ORCHESTRATOR_UI_HOST")
    view = _WebView(_db_path(), host, _setting("ORCHESTRATOR_UI_PORT") if port is None else port,
                    _setting("ORCHESTRATOR_UI_TOKEN")).bind()
    if not view.loopback():
        print(f"Warning: the web view listens on {host}, so other machines can reach it"
              + ("" if view.token else "; set ORCHESTRATOR_UI_TOKEN to require a token") + ".", file=sys.stderr)
    print(f"Web view of {view.db} at {view.url} (Ctrl-C to stop)", flush=True)
    if open_browser:
        import webbrowser

        webbrowser.open(view.url)
    try:
        view.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        view.server.server_close()


# == 22. Web view: the page (HTML, CSS and JavaScript) ====================================================
#
# One HTML shell for every page (the script draws the page its URL names), one stylesheet and one script,
# served from these constants: no build step, nothing fetched from another host.

_FAVICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" '
            'fill="#3b7be6"/><path d="M4 8h8M8 4v8" stroke="#fff" stroke-width="2"/></svg>')


def _web_file(path: str) -> Optional[tuple]:
    """(content type, text) of the page's script, stylesheet and icon."""
    return {"/ui.js": ("text/javascript; charset=utf-8", _WEB_JS), "/ui.css": ("text/css; charset=utf-8", _WEB_CSS),
            "/favicon.ico": ("image/svg+xml", _FAVICON)}.get(path)


def _web_page(csrf: str) -> str:
    """The HTML shell; ``csrf`` is the token the page's actions carry."""
    return _WEB_HTML.replace("{csrf}", csrf).replace("{version}", __version__)


_WEB_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf" content="{csrf}"><title>orchestrator</title>
<link rel="icon" href="/favicon.ico"><link rel="stylesheet" href="/ui.css"></head>
<body><header><a class="brand" href="/">orchestrator</a><nav><a href="/">Dashboard</a><a href="/runs">Runs</a>
<a href="/deployments">Deployments</a><a href="/limits">Limits</a><a href="/variables">Variables</a>
<a href="/artifacts">Artifacts</a></nav><span class="muted">v{version}</span></header>
<div id="banner" class="warn" role="alert" hidden></div><main id="main"><p class="muted">Loading…</p></main>
<noscript>This view needs JavaScript; the same data is in python orchestrator.py status.</noscript>
<script src="/ui.js"></script></body></html>
"""

_WEB_CSS = """
:root { --fg: #1f2430; --muted: #6b7280; --line: #e3e6eb; --bg: #f7f8fa; --card: #fff; --accent: #3b7be6; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 1.5em; align-items: center; padding: .6em 1.5em; background: #1f2430; color: #fff; }
header a { color: #cfd6e4; text-decoration: none; margin-right: 1em; }
header a.here, header a:hover { color: #fff; }
header .brand { font-weight: 700; color: #fff; }
header .muted { margin-left: auto; color: #8a94a6; }
main { padding: 1em 1.5em 3em; max-width: 1400px; }
h1 { font-size: 1.5em; margin: .3em 0 .5em; }
h2 { font-size: 1.1em; margin: 1.2em 0 .4em; }
a { color: var(--accent); }
table { border-collapse: collapse; width: 100%; background: var(--card); }
th, td { text-align: left; padding: .3em .6em; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: .9em; }
.muted { color: var(--muted); }
.state { display: inline-block; padding: 0 .5em; border-radius: .8em; color: #fff; font-size: .85em; white-space: nowrap; }
.count { margin-right: .3em; }
.warn { background: #fff4d6; border: 1px solid #e7c66a; padding: .6em 1em; margin: .6em 1.5em; border-radius: 4px; }
main .warn { margin: .6em 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 1em; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .2em 1em .8em; }
.chart { margin: 0; }
.chart .cols { display: flex; align-items: flex-end; gap: 2px; height: 90px; border-bottom: 1px solid var(--line); }
.chart .col { flex: 1; display: flex; flex-direction: column-reverse; height: 100%; }
.bar { position: relative; background: #e8ebf0; border-radius: 3px; height: 1.2em; min-width: 8em; overflow: hidden; }
.bar div { background: #7fb58f; height: 100%; }
.bar span { position: absolute; left: .4em; top: 0; font-size: .85em; }
.filters { display: flex; flex-wrap: wrap; gap: .6em; align-items: end; margin: .4em 0 .8em; }
label { display: flex; flex-direction: column; font-size: .85em; color: var(--muted); }
input, select, textarea, button { font: inherit; padding: .25em .5em; border: 1px solid #c7ccd5; border-radius: 4px; background: #fff; color: var(--fg); }
button { cursor: pointer; background: #eef2f9; }
button:hover { background: #dfe7f5; }
button:disabled { opacity: .5; cursor: default; }
.actions { display: flex; gap: .5em; align-items: center; margin: .4em 0; }
.resume { display: inline-flex; gap: .4em; align-items: center; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; margin: .6em 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.params, .msg { white-space: pre-wrap; word-break: break-word; }
.msg { color: #9b2c2c; }
.timeline { position: relative; background: var(--card); border: 1px solid var(--line); }
.timeline canvas { display: block; width: 100%; }
.tip { position: absolute; background: #1f2430; color: #fff; padding: .2em .5em; border-radius: 3px; font-size: .85em; pointer-events: none; white-space: nowrap; }
.logs { background: #11151c; color: #d7dde8; font: 12px/1.4 ui-monospace, monospace; padding: .5em; max-height: 28em; overflow: auto; border-radius: 4px; }
.logs .muted { color: #7d8799; }
.log { white-space: pre-wrap; word-break: break-word; }
.log.WARNING { color: #f3c969; } .log.ERROR, .log.CRITICAL { color: #ff8a8a; }
.tree { list-style: none; padding-left: 0; }
.artifact { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .4em .8em; margin: .5em 0; }
.md pre, pre { background: #f0f2f5; padding: .5em; overflow: auto; }
.pages { display: flex; gap: 1em; margin: .6em 0; }
.params-form { display: flex; flex-wrap: wrap; gap: .6em; align-items: end; }
.toast { position: fixed; right: 1em; bottom: 1em; background: #1f2430; color: #fff; padding: .6em 1em; border-radius: 4px; }
.toast.bad { background: #9b2c2c; }
"""

_WEB_JS = r"""
"use strict";
// The web view: one script for every page. Every value from the database reaches the page as text
// (textContent, never innerHTML); markdown is rendered by md() to a small safe subset.
const CSRF = document.querySelector('meta[name="csrf"]').content;
const COLORS = {COMPLETED: "#2e9d5b", FAILED: "#d64545", CRASHED: "#e0702f", RUNNING: "#3b7be6",
  PENDING: "#8a94a6", SCHEDULED: "#9b7be0", CANCELLED: "#6b7280", CANCELLING: "#a0a7b4", PAUSED: "#d4a514"};
const FINAL = ["COMPLETED", "FAILED", "CANCELLED", "CRASHED"];
const main = document.getElementById("main");
let timers = [];

function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "style") el.style.cssText = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const kid of kids.flat()) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}
const link = (href, text) => h("a", {href}, text);
const runLink = (r) => link("/runs/" + encodeURIComponent(r.id), r.name);
const badge = (type, name) => h("span", {class: "state", style: "background:" + (COLORS[type] || "#888")}, name || type);
const short = (id) => id ? id.slice(-8) : "";
function clip(v, n) { const s = typeof v === "string" ? v : JSON.stringify(v); return s.length > n ? s.slice(0, n - 1) + "…" : s; }
function when(iso) { return iso ? new Date(iso).toLocaleString() : ""; }
function ago(iso) {
  if (!iso) return "";
  const s = (Date.now() - new Date(iso).getTime()) / 1000, a = Math.abs(s);
  const t = a < 60 ? Math.round(a) + "s" : a < 3600 ? Math.round(a / 60) + "m" : a < 86400 ? (a / 3600).toFixed(1) + "h" : (a / 86400).toFixed(1) + "d";
  return s >= 0 ? t + " ago" : "in " + t;
}
function dur(s) {
  if (s === null || s === undefined) return "";
  return s < 1 ? (s * 1000).toFixed(0) + " ms" : s < 120 ? s.toFixed(1) + " s" : s < 7200 ? (s / 60).toFixed(1) + " min" : (s / 3600).toFixed(1) + " h";
}
function table(headers, rows, empty) {
  if (!rows.length) return h("p", {class: "muted"}, empty || "Nothing here.");
  return h("table", {}, h("thead", {}, h("tr", {}, headers.map((x) => h("th", {}, x)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, c))))));
}
const section = (title, ...kids) => h("section", {}, h("h2", {}, title), ...kids);

function banner(message) {
  const el = document.getElementById("banner");
  el.textContent = message || "";
  el.hidden = !message;
}
function toast(message, bad) {
  const el = h("div", {class: "toast" + (bad ? " bad" : "")}, message);
  document.body.append(el);
  setTimeout(() => el.remove(), 4000);
}
async function api(path) {
  const resp = await fetch(path, {headers: {Accept: "application/json"}});
  const data = await resp.json().catch(() => ({error: "The view answered " + resp.status + " without JSON."}));
  if (!resp.ok) {
    const err = new Error(data.error || ("HTTP " + resp.status));
    err.status = resp.status;
    throw err;
  }
  return data;
}
async function act(path, body, done) {
  try {
    const resp = await fetch(path, {method: "POST", headers: {"Content-Type": "application/json", "X-CSRF-Token": CSRF},
      body: JSON.stringify(body || {})});
    const data = await resp.json().catch(() => ({error: "HTTP " + resp.status}));
    if (!resp.ok) { toast(data.error || "HTTP " + resp.status, true); return null; }
    toast(data.message || "Done.");
    if (done) done(data);
    return data;
  } catch (e) { toast(String(e), true); return null; }
}
// Run fn now and every `every` ms while the page is open; errors go to the banner.
function live(fn, every) {
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try { await fn(); banner(""); } catch (e) { banner(e.message); } finally { busy = false; }
  };
  tick();
  if (every) timers.push(setInterval(tick, every));
  return tick;
}

// -- markdown, a safe subset: headings, paragraphs, lists, code, bold, italic, links, tables -----------------
function inline(text) {
  const out = [];
  const re = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*]+\*|_[^_]+_)|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0, m;
  while ((m = re.exec(text))) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[1]) out.push(h("code", {}, m[1].slice(1, -1)));
    else if (m[2]) out.push(h("strong", {}, m[2].slice(2, -2)));
    else if (m[3]) out.push(h("em", {}, m[3].slice(1, -1)));
    else if (/^(https?:\/\/|\/|#)/i.test(m[5])) out.push(h("a", {href: m[5], rel: "noopener noreferrer"}, m[4]));
    else out.push(m[0]);
    last = re.lastIndex;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
function md(text) {
  const box = h("div", {class: "md"});
  const lines = String(text).split("\n");
  for (let i = 0; i < lines.length;) {
    const line = lines[i];
    if (/^```/.test(line)) {
      const code = [];
      for (i++; i < lines.length && !/^```/.test(lines[i]); i++) code.push(lines[i]);
      box.append(h("pre", {}, code.join("\n"))); i++;
    } else if (/^#{1,6}\s/.test(line)) {
      const n = line.match(/^#+/)[0].length;
      box.append(h("h" + Math.min(n + 2, 6), {}, inline(line.slice(n).trim()))); i++;
    } else if (/^\s*([-*]|\d+\.)\s/.test(line)) {
      const ordered = /^\s*\d+\./.test(line), list = h(ordered ? "ol" : "ul", {});
      for (; i < lines.length && /^\s*([-*]|\d+\.)\s/.test(lines[i]); i++) list.append(h("li", {}, inline(lines[i].replace(/^\s*([-*]|\d+\.)\s/, ""))));
      box.append(list);
    } else if (/^\|.*\|\s*$/.test(line)) {
      const rows = [];
      for (; i < lines.length && /^\|.*\|\s*$/.test(lines[i]); i++) rows.push(lines[i].trim().slice(1, -1).split("|").map((c) => c.trim()));
      const body = rows.filter((r, k) => !(k === 1 && r.every((c) => /^:?-+:?$/.test(c))));
      box.append(h("table", {}, h("thead", {}, h("tr", {}, body[0].map((c) => h("th", {}, inline(c))))),
        h("tbody", {}, body.slice(1).map((r) => h("tr", {}, r.map((c) => h("td", {}, inline(c))))))));
    } else if (!line.trim()) { i++; }
    else {
      const para = [];
      for (; i < lines.length && lines[i].trim() && !/^(#{1,6}\s|```|\s*([-*]|\d+\.)\s|\|)/.test(lines[i]); i++) para.push(lines[i]);
      if (!para.length) { para.push(line); i++; }
      box.append(h("p", {}, inline(para.join(" "))));
    }
  }
  return box;
}
function artifact(a) {
  let body;
  if (a.type === "markdown") body = md(a.data || "");
  else if (a.type === "progress") {
    const pct = Math.max(0, Math.min(100, Number(a.data) || 0));
    body = h("div", {class: "bar"}, h("div", {style: "width:" + pct + "%"}), h("span", {}, pct.toFixed(0) + "%"));
  } else if (a.type === "table") {
    let rows = [];
    try { rows = JSON.parse(a.data); } catch (e) { rows = []; }
    if (rows && !Array.isArray(rows) && typeof rows === "object") {
      const cols = Object.keys(rows), n = Math.max(0, ...cols.map((c) => (rows[c] || []).length));
      body = table(cols, Array.from({length: n}, (_, k) => cols.map((c) => clip((rows[c] || [])[k] ?? "", 200))));
    } else if (rows.length && typeof rows[0] === "object" && !Array.isArray(rows[0])) {
      const cols = Object.keys(rows[0]);
      body = table(cols, rows.map((r) => cols.map((c) => clip(r[c] ?? "", 200))));
    } else body = table([], (rows || []).map((r) => (Array.isArray(r) ? r : [r]).map((c) => clip(c ?? "", 200))));
  } else body = h("pre", {}, a.data || "");
  return h("div", {class: "artifact"}, h("div", {class: "muted"}, "[" + a.type + "] " + (a.key || short(a.id)) + (a.description ? ": " + a.description : "")), body);
}

// -- charts ---------------------------------------------------------------------------------------------
function chart(spec, label) {
  const max = Math.max(1, ...spec.counts.map((c) => Object.values(c).reduce((a, b) => a + b, 0)));
  const start = new Date(spec.start).getTime();
  const bars = spec.counts.map((c, k) => {
    const total = Object.values(c).reduce((a, b) => a + b, 0);
    const t = new Date(start + k * spec.bucket_seconds * 1000);
    const title = (spec.bucket_seconds < 86400 ? t.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"}) : t.toLocaleDateString()) +
      ": " + (Object.entries(c).map(([s, n]) => n + " " + s.toLowerCase()).join(", ") || "no runs");
    return h("div", {class: "col", title}, Object.entries(c).sort().map(([s, n]) =>
      h("div", {style: "height:" + (100 * n / max) + "%;background:" + (COLORS[s] || "#888")})), total ? null : h("div", {style: "height:1px"}));
  });
  return h("figure", {class: "chart"}, h("div", {class: "cols"}, bars), h("figcaption", {class: "muted"}, label + ", max " + max + " per bar"));
}

// -- pages ----------------------------------------------------------------------------------------------
function runsTable(runs, extra) {
  return table(["Id", "Name", "Flow", "Deployment", "State", "Started", "Duration", "Parameters", ...(extra ? extra.headers : [])],
    runs.map((r) => [short(r.id), runLink(r), r.flow_name, r.deployment_name ? link("/deployments/" + r.deployment_name, r.deployment_name) : "-",
      badge(r.state_type, r.state_name), when(r.start_time || r.expected_start_time), r.start_time ? dur(r.total_run_time) : "",
      h("span", {class: "params", title: JSON.stringify(r.parameters)}, clip(r.parameters, 60)), ...(extra ? extra.cells(r) : [])]), "No flow runs.");
}

async function dashboard() {
  document.title = "Dashboard · orchestrator";
  const box = h("div");
  main.replaceChildren(h("h1", {}, "Dashboard"), box);
  live(async () => {
    const d = await api("/api/status");
    const counts = Object.entries(d.last_24h).map(([s, n]) => n + " " + s).join(", ") || "none";
    box.replaceChildren(
      d.no_serve_warning ? h("div", {class: "warn", id: "no-serve"}, "Deployments are due, but no serve process is alive: their runs wait until one starts (python orchestrator.py serve ..., or a file that calls serve()).") : "",
      h("div", {class: "grid"},
        h("div", {class: "card"}, h("h2", {}, "Last 24 hours"), chart(d.charts.last_24h, "runs per hour"), h("p", {}, counts)),
        h("div", {class: "card"}, h("h2", {}, "Last 7 days"), chart(d.charts.last_7d, "runs per day"))),
      section("In progress", table(["Name", "Flow", "State", "Elapsed", "Tasks"], d.in_progress.map((r) => [runLink(r), r.flow_name,
        badge(r.state_type, r.state_name), r.start_time ? dur(r.total_run_time) : "waiting", progress(r.tasks, r.progress)]), "No runs in progress.")),
      section("Failures", table(["Name", "Flow", "State", "When", "Message"], d.latest_failures.map((r) => [runLink(r), r.flow_name,
        badge(r.state_type, r.state_name), ago(r.end_time || r.start_time), h("span", {class: "msg"}, r.state_message || "")]), "No failures.")),
      section("Late runs", table(["Name", "Flow", "Was due"], d.late_runs.map((r) => [runLink(r), r.flow_name, ago(r.expected_start_time)]), "No late runs.")),
      section("Next scheduled runs", table(["Name", "Deployment", "When"], d.next_runs.map((r) => [runLink(r), r.deployment_name || r.flow_name, when(r.expected_start_time) + " (" + ago(r.expected_start_time) + ")"]), "Nothing scheduled.")),
      section("Serve processes", table(["Pid", "Host", "Heartbeat"], d.serve_processes.map((p) => [p.pid, p.hostname, ago(p.heartbeat)]), "No serve process is alive.")),
      section("Deployments", deploymentsTable(d.deployments)),
      h("p", {class: "muted"}, "Database: " + d.database.path + " (" + (d.database.bytes / 1e6).toFixed(1) + " MB)"));
  }, 2000);
}
function progress(counts, text) {
  const total = counts.total || 0;
  if (!total) return "";
  const done = FINAL.reduce((a, s) => a + (counts[s] || 0), 0);
  return h("div", {class: "bar"}, h("div", {style: "width:" + (100 * done / total) + "%"}), h("span", {}, text || done + "/" + total));
}
function deploymentsTable(deps) {
  return table(["Deployment", "Schedule", "Status", "Next run", "Last state"], deps.map((d) => [link("/deployments/" + d.name, d.name),
    d.schedules.join("; ") || "-", d.paused ? "paused" : "active", d.next_run ? when(d.next_run) + " (" + ago(d.next_run) + ")" : "-", d.last_state || "-"]), "No deployments.");
}

async function runs() {
  document.title = "Runs · orchestrator";
  const q = new URLSearchParams(location.search);
  const field = (name, label, attrs) => h("label", {}, label, h("input", {name, value: q.get(name) || "", ...attrs}));
  const states = ["", "SCHEDULED", "Late", "PENDING", "RUNNING", "PAUSED", "COMPLETED", "FAILED", "CRASHED", "CANCELLING", "CANCELLED"];
  const form = h("form", {class: "filters", method: "get", action: "/runs"},
    field("flow", "Flow"), field("deployment", "Deployment", {placeholder: "flow/name"}),
    h("label", {}, "State", h("select", {name: "state"}, states.map((s) => h("option", {value: s, selected: (q.get("state") || "") === s}, s || "any")))),
    field("tag", "Tag"), field("name", "Name contains"), field("since", "Since", {placeholder: "7d or 2024-01-31"}),
    field("until", "Until", {placeholder: "ISO time"}), h("button", {type: "submit"}, "Filter"), link("/runs", "Clear"));
  form.addEventListener("submit", (e) => {  // drop empty fields so the URL stays short
    e.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) p.set(k, v);
    location.href = "/runs" + (p.toString() ? "?" + p : "");
  });
  const box = h("div");
  main.replaceChildren(h("h1", {}, "Flow runs"), form, box);
  live(async () => {
    const d = await api("/api/runs?" + q);
    const older = new URLSearchParams(q); older.set("before", d.next || "");
    const newest = new URLSearchParams(q); newest.delete("before");
    box.replaceChildren(h("p", {class: "muted", id: "total"}, d.total + " matching run" + (d.total === 1 ? "" : "s")), runsTable(d.flow_runs),
      h("nav", {class: "pages"}, q.get("before") ? link("/runs?" + newest, "← Newest") : "", d.next ? link("/runs?" + older, "Older →") : ""));
  }, 2000);
}

async function run(id) {
  const base = "/api/runs/" + encodeURIComponent(id);
  const head = h("div"), subs = h("div"), tasks = h("div"), arts = h("div"), logBox = h("div", {class: "logs", id: "logs"});
  const canvas = h("canvas", {id: "timeline", height: 60}), tip = h("div", {class: "tip", hidden: true});
  const taskState = {state: "", offset: 0};
  const logState = {after: 0, level: "DEBUG", task: ""};
  const levelSel = h("select", {id: "log-level", onchange: () => { logState.level = levelSel.value; logState.after = 0; logBox.replaceChildren(); }},
    ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"].map((l) => h("option", {value: l}, l)));
  const taskSel = h("select", {id: "log-task", onchange: () => { logState.task = taskSel.value; logState.after = 0; logBox.replaceChildren(); }}, h("option", {value: ""}, "all tasks"));
  main.replaceChildren(head, section("Timeline", h("div", {class: "timeline"}, canvas, tip), h("p", {class: "muted", id: "timeline-note"})),
    section("Task runs", tasks), section("Subflow runs", subs), section("Artifacts", arts),
    section("Logs", h("div", {class: "filters"}, h("label", {}, "Level", levelSel), h("label", {}, "Task", taskSel)), logBox));
  let detail = null, bars = null;
  taskState.refresh = live(async () => {
    detail = await api(base);
    document.title = detail.name + " · orchestrator";
    head.replaceChildren(runHeader(detail));
    subs.replaceChildren(detail.subflow_runs.length ? h("ul", {class: "tree"}, detail.subflow_runs.map((r) =>
      h("li", {style: "margin-left:" + (r.depth - 1) * 1.5 + "em"}, runLink(r), " ", badge(r.state_type, r.state_name), " ", r.flow_name))) : h("p", {class: "muted"}, "No subflow runs."));
    arts.replaceChildren(...(detail.artifacts.length ? detail.artifacts.map(artifact) : [h("p", {class: "muted"}, "No artifacts.")]));
    const t = await api(base + "/task_runs?offset=" + taskState.offset + "&limit=100" + (taskState.state ? "&state=" + taskState.state : ""));
    tasks.replaceChildren(taskTable(t, taskState));
    const known = new Set([...taskSel.options].map((o) => o.value));
    for (const tr of t.task_runs) if (!known.has(tr.id)) taskSel.append(h("option", {value: tr.id}, tr.name));
    bars = await api(base + "/timeline");
    drawTimeline(canvas, bars);
    document.getElementById("timeline-note").textContent = bars.total > bars.shown ? "The first " + bars.shown + " of " + bars.total + " task runs." : bars.shown + " task runs in " + bars.lanes + " lane(s).";
  }, 2000);
  live(async () => {
    const l = await api(base + "/logs?after=" + logState.after + "&level=" + logState.level + (logState.task ? "&task=" + logState.task : ""));
    const stick = logBox.scrollTop + logBox.clientHeight >= logBox.scrollHeight - 4;
    for (const line of l.logs) logBox.append(h("div", {class: "log " + line.level}, h("span", {class: "muted"}, new Date(line.timestamp).toLocaleTimeString() + " " + line.level + " " + (line.task_run_name || "flow") + " "), line.message));
    logState.after = l.last_id;
    if (!logBox.childNodes.length) logBox.append(h("p", {class: "muted"}, "No log lines."));
    else if (logBox.firstChild.tagName === "P" && logBox.childNodes.length > 1) logBox.firstChild.remove();
    if (stick) logBox.scrollTop = logBox.scrollHeight;
  }, 1000);
  canvas.addEventListener("mousemove", (e) => {
    if (!bars) return;
    const bar = barAt(canvas, bars, e.offsetX, e.offsetY);
    tip.hidden = !bar;
    if (bar) { tip.textContent = bar[4] + ": " + bar[3].toLowerCase() + ", " + dur(bar[1]); tip.style.left = e.offsetX + 12 + "px"; tip.style.top = e.offsetY + 12 + "px"; }
  });
  canvas.addEventListener("mouseleave", () => { tip.hidden = true; });
}
function runHeader(r) {
  const acts = [];
  const post = (what, body, label, confirmText) => h("button", {id: "act-" + what, onclick: async () => {
    if (confirmText && !confirm(confirmText)) return;
    await act("/api/runs/" + encodeURIComponent(r.id) + "/" + what, body ? body() : {}, what === "delete" ? () => { location.href = "/runs"; } : null);
  }}, label);
  if (["FAILED", "CRASHED", "CANCELLED"].includes(r.state_type)) acts.push(post("retry", null, "Retry"));
  if (!FINAL.includes(r.state_type) && r.state_type !== "CANCELLING") acts.push(post("cancel", null, "Cancel"));
  if (r.state_type === "PAUSED") {
    const input = h("textarea", {id: "resume-input", placeholder: 'Input as JSON, e.g. {"approved": true}', rows: 2});
    acts.push(h("span", {class: "resume"}, input, post("resume", () => {
      if (!input.value.trim()) return {};
      try { return {input: JSON.parse(input.value)}; } catch (e) { toast("The input is not JSON: " + e.message, true); throw e; }
    }, "Resume")));
  }
  if (!["RUNNING", "PENDING", "CANCELLING", "PAUSED"].includes(r.state_type)) acts.push(post("delete", null, "Delete", "Delete this flow run and its history?"));
  const counts = Object.entries(r.task_counts).filter(([k]) => k !== "total").map(([s, n]) => h("span", {class: "count"}, badge(s, n + " " + s.toLowerCase())));
  return h("div", {},
    h("h1", {}, r.name, " ", badge(r.state_type, r.state_name)),
    r.state_message ? h("p", {class: "msg", id: "state-message"}, r.state_message) : "",
    h("div", {class: "actions"}, acts),
    h("dl", {class: "facts"},
      ...[["Id", r.id], ["Flow", r.flow_name], ["Deployment", r.deployment_name ? link("/deployments/" + r.deployment_name, r.deployment_name) : "-"],
        ["Parent", r.parent_flow_run_id ? link("/runs/" + r.parent_flow_run_id, short(r.parent_flow_run_id)) : "-"],
        ["Started", when(r.start_time) || "-"], ["Duration", r.start_time ? dur(r.total_run_time) : "-"], ["Attempts", r.run_count],
        ["Tags", r.tags.join(", ") || "-"], ["Parameters", h("code", {class: "params"}, clip(r.parameters, 400))],
        ["Tasks", h("span", {}, (r.task_counts.total || 0) + " ", ...counts)], ["Result", r.result === null ? "-" : h("code", {id: "result"}, r.result)]]
        .flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    h("details", {}, h("summary", {}, "State history (" + r.history.length + ")"), table(["State", "Type", "Time", "Message"],
      r.history.map((s) => [s.name, s.type, when(s.timestamp), s.message || ""]))));
}
function taskTable(t, st) {
  const states = ["", ...Object.keys(t.counts).filter((k) => k !== "total")];
  const sel = h("select", {id: "task-state", onchange: () => { st.state = sel.value; st.offset = 0; st.refresh(); }}, states.map((s) => h("option", {value: s, selected: s === st.state}, s ? s + " (" + t.counts[s] + ")" : "all (" + (t.counts.total || 0) + ")")));
  return h("div", {}, h("div", {class: "filters"}, h("label", {}, "State", sel),
      t.offset ? h("button", {onclick: () => { st.offset = Math.max(0, st.offset - 100); st.refresh(); }}, "← Earlier") : "",
      t.more ? h("button", {id: "tasks-later", onclick: () => { st.offset += 100; st.refresh(); }}, "Later →") : "",
      h("span", {class: "muted"}, t.task_runs.length ? "showing " + (t.offset + 1) + "–" + (t.offset + t.task_runs.length) : "")),
    table(["Task run", "State", "Runs", "Started", "Duration", "Message"], t.task_runs.map((x) => [x.child_flow_run_id ? link("/runs/" + x.child_flow_run_id, x.name) : x.name,
      badge(x.state_type, x.state_name), x.run_count, when(x.start_time), x.end_time ? dur(x.total_run_time) : "", h("span", {class: "msg"}, x.state_type === "COMPLETED" ? "" : (x.state_message || ""))]), "No task runs."));
}
const LANE = 14;
function drawTimeline(canvas, d) {
  const lanes = Math.min(d.lanes, 60), width = canvas.parentElement.clientWidth || 800;
  canvas.width = width; canvas.height = Math.max(1, lanes) * LANE + 20;
  const g = canvas.getContext("2d"), span = Math.max(d.duration, 1e-3);
  g.clearRect(0, 0, canvas.width, canvas.height);
  g.fillStyle = "#888"; g.font = "11px sans-serif";
  for (let k = 0; k <= 4; k++) g.fillText(dur(span * k / 4), Math.min(width - 40, k * (width - 1) / 4), canvas.height - 4);
  for (const b of d.bars) {
    const lane = Math.min(b[2], lanes - 1);
    g.fillStyle = COLORS[b[3]] || "#888";
    g.fillRect(b[0] / span * width, lane * LANE + 1, Math.max(1, b[1] / span * width), LANE - 2);
  }
}
function barAt(canvas, d, x, y) {
  const lanes = Math.min(d.lanes, 60), lane = Math.floor(y / LANE), span = Math.max(d.duration, 1e-3), t = x / canvas.width * span, slack = span / canvas.width;
  for (const b of d.bars) if (Math.min(b[2], lanes - 1) === lane && b[0] - slack <= t && t <= b[0] + b[1] + slack) return b;
  return null;
}

async function deployments() {
  document.title = "Deployments · orchestrator";
  const box = h("div");
  main.replaceChildren(h("h1", {}, "Deployments"), box);
  live(async () => box.replaceChildren(deploymentsTable(await api("/api/deployments"))), 5000);
}
async function deployment(name) {
  document.title = name + " · orchestrator";
  const base = "/api/deployments/" + name.split("/").map(encodeURIComponent).join("/");
  const d = await api(base).catch((e) => { banner(e.message); return null; });
  if (!d) return;
  const info = h("div"), runsBox = h("div");
  const refresh = async () => {
    const x = await api(base);
    info.replaceChildren(h("h1", {}, x.name, " ", h("span", {class: "state", id: "paused", style: "background:" + (x.paused ? "#d4a514" : "#2e9d5b")}, x.paused ? "paused" : "active")),
      x.description ? md(x.description) : "",
      h("div", {class: "actions"}, x.paused ? h("button", {id: "act-resume", onclick: () => act(base + "/resume", {}, refresh)}, "Resume schedule")
        : h("button", {id: "act-pause", onclick: () => act(base + "/pause", {}, refresh)}, "Pause schedule")),
      h("dl", {class: "facts"}, ...[["Schedules", x.schedules.join("; ") || "none"], ["Last run", x.last_state || "-"], ["Entrypoint", x.entrypoint],
        ["Tags", x.tags.join(", ") || "-"], ["Parameters", h("code", {}, clip(x.parameters, 400))]].flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
      section("Next 10 slots", x.paused ? h("p", {class: "muted"}, "Paused: no slots run.") : h("ol", {id: "next-slots"}, x.next_slots.map((s) => h("li", {}, when(s) + " (" + ago(s) + ")")))));
    runsBox.replaceChildren(section("Scheduled runs", runsTable(x.scheduled_runs)), section("Recent runs", runsTable(x.recent_runs)));
  };
  main.replaceChildren(info, section("Run now", runForm(d, base, refresh)), section("Backfill", backfillForm(base, refresh)), runsBox);
  live(refresh, 3000);
}
function runForm(d, base, refresh) {
  const schema = d.parameter_schema || {names: Object.keys(d.parameters), required: [], properties: {}};
  const props = schema.properties || {};
  const inputs = schema.names.map((n) => {
    const p = props[n] || {}, dflt = n in d.parameters ? d.parameters[n] : p.default;
    return [n, p, h("input", {name: n, id: "param-" + n, placeholder: dflt === undefined ? (schema.required.includes(n) ? "required" : "") : JSON.stringify(dflt)})];
  });
  const nameInput = h("input", {id: "run-name", placeholder: "a random name"});
  const form = h("form", {class: "params-form", id: "run-form"},
    inputs.map(([n, p, el]) => h("label", {}, n + (p.type ? " (" + p.type + ")" : "") + (schema.required.includes(n) ? " *" : ""), el)),
    h("label", {}, "Flow run name", nameInput), h("button", {type: "submit", id: "act-run"}, "Run"),
    h("p", {class: "muted"}, "Values are JSON (text for string parameters); an empty field keeps the deployment's value."));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const parameters = {};
    for (const [n, p, el] of inputs) {
      if (!el.value) continue;
      if (p.type === "string") { parameters[n] = el.value; continue; }
      try { parameters[n] = JSON.parse(el.value); } catch (err) { parameters[n] = el.value; }
    }
    await act(base + "/run", {parameters, flow_run_name: nameInput.value || null}, (r) => { location.href = "/runs/" + encodeURIComponent(r.id); });
  });
  return form;
}
function backfillForm(base, refresh) {
  const start = h("input", {id: "backfill-start", placeholder: "2024-01-01"}), end = h("input", {id: "backfill-end", placeholder: "2024-01-31"});
  const note = h("span", {class: "muted", id: "backfill-note"});
  const create = h("button", {type: "button", id: "act-backfill", disabled: true, onclick: () =>
    act(base + "/backfill", {start: start.value, end: end.value, yes: true}, (r) => { note.textContent = r.message; create.disabled = true; refresh(); })}, "Create runs");
  const preview = h("button", {type: "button", id: "act-backfill-preview", onclick: () =>
    act(base + "/backfill", {start: start.value, end: end.value, dry_run: true}, (r) => { note.textContent = r.message; create.disabled = !r.slots; })}, "Preview");
  return h("div", {class: "filters"}, h("label", {}, "From", start), h("label", {}, "To", end), preview, create, note);
}

async function limits() {
  document.title = "Concurrency limits · orchestrator";
  const box = h("div");
  main.replaceChildren(h("h1", {}, "Concurrency limits"), box);
  live(async () => box.replaceChildren(table(["Name", "Limit", "Slots in use", "Decay/s", "Holders"], (await api("/api/limits")).map((l) =>
    [l.name, l.limit, l.active_slots, l.slot_decay_per_second, l.holders.map((x) => x.slots + " by pid " + x.pid + " on " + x.hostname + " since " + when(x.since)).join("; ") || "-"]), "No limits.")), 3000);
}
async function variables() {
  document.title = "Variables · orchestrator";
  const box = h("div");
  main.replaceChildren(h("h1", {}, "Variables"), box);
  live(async () => box.replaceChildren(table(["Name", "Value", "Tags", "Updated"], (await api("/api/variables")).map((v) =>
    [v.name, h("code", {}, clip(v.value, 200)), v.tags.join(", "), when(v.updated)]), "No variables.")), 5000);
}
async function artifacts() {
  document.title = "Artifacts · orchestrator";
  const box = h("div");
  main.replaceChildren(h("h1", {}, "Artifacts"), box);
  live(async () => {
    const items = await api("/api/artifacts");
    box.replaceChildren(...(items.length ? items.map((a) => h("div", {}, artifact(a), a.flow_run_id ? h("p", {class: "muted"}, "from ", link("/runs/" + a.flow_run_id, short(a.flow_run_id)), ", " + when(a.created)) : "")) : [h("p", {class: "muted"}, "No artifacts.")]));
  }, 5000);
}

function route() {
  const path = decodeURIComponent(location.pathname).replace(/\/+$/, "") || "/";
  for (const a of document.querySelectorAll("header nav a")) a.classList.toggle("here", a.getAttribute("href") === "/" ? path === "/" : path.startsWith(a.getAttribute("href")));
  let m;
  if (path === "/") return dashboard();
  if (path === "/runs") return runs();
  if ((m = path.match(/^\/runs\/([^/]+)$/))) return run(m[1]);
  if (path === "/deployments") return deployments();
  if ((m = path.match(/^\/deployments\/([^/]+\/[^/]+)$/))) return deployment(m[1]);
  if (path === "/limits") return limits();
  if (path === "/variables") return variables();
  if (path === "/artifacts") return artifacts();
  main.replaceChildren(h("h1", {}, "Not found"));
}
route();
"""


# == 23. CLI: the group, runs and their history ===========================================================


def _complete_runs(ctx: Any, param: Any, incomplete: str) -> list:
    """Shell completion for RUN: the names and short ids of recent flow runs that start with what was typed."""
    return _completions(ctx, incomplete, lambda store: [
        ref for r in store.recent_flow_runs(500) for ref in (r["name"], _short_id(r["id"]))])


def _complete_deployments(ctx: Any, param: Any, incomplete: str) -> list:
    """Shell completion for a deployment: its "flow/deployment" name."""
    return _completions(ctx, incomplete, lambda store: [f"{d['flow_name']}/{d['name']}" for d in store.deployments()])


def _completions(ctx: Any, incomplete: str, names: Callable[[_Store], list]) -> list:
    """What to offer the shell, read from the --db file (read-only; nothing when it cannot be read)."""
    root = ctx.find_root()
    path = os.path.abspath(root.params.get("db") or (root.obj or {}).get("db") or _db_path())
    try:
        store = _Store(path, readonly=True) if os.path.exists(path) else None
        return sorted({n for n in names(store) if n.startswith(incomplete)}) if store else []
    except (StoreError, apsw.Error):
        return []


def _cli_db(ctx: Any) -> str:
    return os.path.abspath(ctx.find_root().obj["db"] or _db_path())


def _cli_store(ctx: Any, create: bool = False) -> _Store:
    """The one way a command reaches the database (the --db file). A missing file is an error unless the
    command writes something new (``create``); a file that cannot be written is opened read-only, so
    reads still work and a write says why it cannot."""
    import click

    path = _cli_db(ctx)
    if not create and not os.path.exists(path):
        raise click.ClickException(f"There is no database at {path} (give --db PATH or set ORCHESTRATOR_DB).")
    try:
        return _get_store(path)
    except StoreReadOnlyError:
        if create and not os.path.exists(path):
            raise
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        store = _STORES[path] = _Store(path, readonly=True)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    return store


def _cli_call(ctx: Any, fn: Callable, *args: Any, create: bool = False) -> Any:
    """Run an API call for a command on the --db file (which must exist unless ``create``): user errors
    become one-line messages."""
    import click

    _cli_store(ctx, create)
    try:
        return fn(*args)
    except OrchestratorError as exc:
        raise click.ClickException(str(exc)) from None


def _json_option(click: Any) -> Callable:
    """The output option every listing takes."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


def _make_cli():
    """The click group behind ``python orchestrator.py``; click is imported only here."""
    import click

    class OneLineErrors(click.Group):
        """Every error the user made is one line on stderr: exit 2 for usage, 1 for the rest."""

        def main(self, args: Any = None, prog_name: Optional[str] = None, **extra: Any) -> Any:
            extra["standalone_mode"] = False
            try:
                code = super().main(args, prog_name, **extra)
            except click.exceptions.NoArgsIsHelpError as exc:  # a bare "python orchestrator.py"
                click.echo(exc.ctx.get_help())
                sys.exit(0)
            except click.UsageError as exc:
                where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
                click.echo(f"Error: {exc.format_message()}{where}", err=True)
                sys.exit(exc.exit_code)
            except click.ClickException as exc:
                exc.show()
                sys.exit(exc.exit_code)
            except click.exceptions.Abort:
                click.echo("Aborted!", err=True)
                sys.exit(1)
            except OrchestratorError as exc:  # a store or API error a command did not word itself
                click.echo(f"Error: {exc}", err=True)
                sys.exit(1)
            sys.exit(code if isinstance(code, int) else 0)

    @click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(__version__, prog_name="orchestrator")
    @click.option("--db", "db", envvar="ORCHESTRATOR_DB", default=None, metavar="PATH",
                  help="The state database (default: $ORCHESTRATOR_DB or the user data folder).")
    @click.pass_context
    def cli(ctx: Any, db: Optional[str]) -> None:
        """orchestrator.py: flows and tasks tracked in a local SQLite file.

        Example: python orchestrator.py status
        """
        ctx.obj = {"db": db}
        ctx.with_resource(_database(db))  # library calls of every command see --db

    _run_commands(cli, click)
    _db_commands(cli, click)
    _data_commands(cli, click)
    _deployment_commands(cli, click)
    _lifecycle_commands(cli, click)
    return cli


def _lifecycle_commands(cli: Any, click: Any) -> None:
    """retry, cancel, resume, ui, serve."""

    @cli.command()
    @click.argument("run", shell_complete=_complete_runs)
    @click.pass_context
    def retry(ctx: Any, run: str) -> None:
        """Run a Failed, Crashed, Cancelled or TimedOut flow run again, as its next attempt.

        Task calls that completed before return their recorded results instead of running again.
        RUN is a flow run id, a unique prefix of one, or a run name. Exits 1 if the run fails again.

        Example: python orchestrator.py retry 0193a4f2
        """
        state = _cli_call(ctx, retry_flow_run, run)
        _echo_outcome(click, _cli_store(ctx), state)
        ctx.exit(0 if state.is_completed() else 1)

    @cli.command()
    @click.argument("run", shell_complete=_complete_runs)
    @click.pass_context
    def cancel(ctx: Any, run: str) -> None:
        """Cancel a flow run: a running one stops starting tasks within a second and ends Cancelled.

        Example: python orchestrator.py cancel nightly-1
        """
        name = _cli_call(ctx, cancel_flow_run, run)
        if name == "Cancelled":
            click.echo(f"Flow run {run!r} was cancelled.")
        else:
            click.echo(f"Flow run {run!r} was successfully scheduled for cancellation ({name}).")


    @cli.command("resume")
    @click.argument("run", shell_complete=_complete_runs)
    @click.option("--input", "run_input", metavar="JSON", help="Input for the paused flow, as JSON.")
    @click.pass_context
    def resume_cmd(ctx: Any, run: str, run_input: Optional[str]) -> None:
        """Resume a paused flow run, optionally with input.

        Example: python orchestrator.py resume nightly-1 --input '{"value": true}'
        """
        try:
            value = None if run_input is None else json.loads(run_input)
        except ValueError as exc:
            raise click.BadParameter(f"--input is not valid JSON: {exc}") from None
        _cli_call(ctx, resume_flow_run, run, value)
        click.echo(f"Resumed flow run {run!r}.")

    @cli.command()
    @click.option("--host", help="The address to listen on (default 127.0.0.1: this machine only).")
    @click.option("--port", type=click.IntRange(0, 65535), help="The port (default 4200; 0 picks a free one).")
    @click.option("--open", "open_browser", is_flag=True, help="Open the view in the default browser.")
    @click.pass_context
    def ui(ctx: Any, host: Optional[str], port: Optional[int], open_browser: bool) -> None:
        """Serve the web view of the database until Ctrl-C: dashboard, runs, logs, deployments, actions.

        Example: python orchestrator.py ui --open
        """
        _serve_web_view(host, port, open_browser)  # a missing or broken database is shown on the page

    @cli.command("serve")
    @click.argument("entrypoint", metavar="FILE.py:FLOW")
    @click.option("--name", required=True, help="The deployment's name.")
    @click.option("--cron", help="A cron expression.")
    @click.option("--interval", type=float, help="Seconds between runs.")
    @click.option("--timezone", help="The schedule's IANA timezone (default UTC).")
    @click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A parameter (value as JSON).")
    @click.option("--limit", type=int, help="How many runs may run at once in this process.")
    @click.pass_context
    def serve_command(ctx: Any, entrypoint: str, name: str, cron: Optional[str], interval: Optional[float],
                      timezone: Optional[str], params: tuple, limit: Optional[int]) -> None:
        """Serve a flow on a schedule until Ctrl-C or SIGTERM.

        Example: python orchestrator.py serve jobs.py:nightly --name nightly --cron "0 2 * * *"
        """
        if (cron is None) == (interval is None):
            raise click.UsageError("give exactly one of --cron and --interval")
        parameters = _parse_params(params, None)
        try:
            schedule = Cron(cron, timezone=timezone) if cron else Interval(interval, timezone=timezone)
        except ScheduleError as exc:
            option = "--timezone" if "timezone" in str(exc).lower() else "--cron" if cron else "--interval"
            raise click.BadParameter(str(exc), param_hint=option) from None
        if limit is not None and limit < 1:
            raise click.BadParameter("must be at least 1", param_hint="--limit")

        def go() -> None:
            path, _, qualname = entrypoint.rpartition(":")
            flow_obj = _load_entrypoint(f"{os.path.abspath(path)}:{qualname}")
            serve(flow_obj.to_deployment(name, schedules=[schedule], parameters=parameters), limit=limit)

        _cli_call(ctx, go, create=True)


def _echo_outcome(click: Any, store: _Store, state: State) -> None:
    """How ``run`` and ``retry`` end: the run's name and id, its final state, its message as written."""
    run_id = state.state_details.flow_run_id
    row = store.flow_run(run_id) if run_id else None
    who = f"Flow run {row['name']!r} ({run_id})" if row else "Flow run"
    message = "".join(f"\n  {line}" for line in (state.message or "").splitlines())
    click.echo(f"{who} finished in state {state.name}" + (f":{message}" if message else "."))


def _parse_params(pairs: tuple, raw_json: Optional[str]) -> dict:
    """``--param k=v`` (v as JSON, else text) and ``--params JSON`` as one dict; ClickException on bad input."""
    import click

    params: dict = {}
    if raw_json:
        try:
            params = json.loads(raw_json)
        except ValueError as exc:
            raise click.BadParameter(f"--params is not valid JSON: {exc}") from None
        if not isinstance(params, dict):
            raise click.BadParameter("--params must be a JSON object")
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key:
            raise click.BadParameter(f"--param {pair!r} must look like KEY=VALUE")
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params


def _deployment_commands(cli: Any, click: Any) -> None:
    """The ``deployments`` group: ls, run, pause, resume, backfill, delete."""

    @cli.group()
    def deployments() -> None:
        """Deployments: list them, run them now, pause, resume, backfill, delete.

        Example: python orchestrator.py deployments ls
        """

    @deployments.command("ls")
    @_json_option(click)
    @click.pass_context
    def ls(ctx: Any, as_json: bool) -> None:
        """Every deployment with its schedules, next run and last state.

        Example: python orchestrator.py deployments ls --json
        """
        rows = _cli_call(ctx.parent, _deployment_rows)
        if as_json:
            click.echo(json.dumps(rows, indent=2))
            return
        from tabulate import tabulate

        click.echo(tabulate([[r["name"], "; ".join(r["schedules"]) or "-", "paused" if r["paused"] else "active",
                              _fmt_ago_or_in(r["next_run"]), r["last_state"] or "-"] for r in rows],
                            headers=["Deployment", "Schedule", "Status", "Next run", "Last state"]))

    @deployments.command("run")
    @click.argument("name", shell_complete=_complete_deployments)
    @click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A parameter (value as JSON).")
    @click.option("--params", "raw_params", metavar="JSON", help="Parameters as a JSON object.")
    @click.option("--start-in", metavar="DURATION", help="Start after this long (30s, 10m, 2h).")
    @click.option("--start-at", metavar="ISO", help="Start at this time (local unless it has an offset).")
    @click.option("--flow-run-name", help="The run's name.")
    @click.pass_context
    def run_cmd(ctx: Any, name: str, params: tuple, raw_params: Optional[str], start_in: Optional[str],
                start_at: Optional[str], flow_run_name: Optional[str]) -> None:
        """Create a run of a deployment now (or later); a serve process runs it.

        Example: python orchestrator.py deployments run etl/nightly --param day=2024-01-31 --start-in 10m
        """
        parameters = _parse_params(params, raw_params)
        if start_in and start_at:
            raise click.UsageError("give --start-in or --start-at, not both")
        try:
            when = (_utc_now() + _dt.timedelta(seconds=_parse_duration(start_in)) if start_in
                    else _parse_when(start_at) if start_at else None)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
        def create() -> FlowRun:
            try:
                return run_deployment(name, parameters, when, flow_run_name, 0)
            except ParameterBindError as exc:  # checked as the run is made: a usage error, naming the parameter
                raise click.BadParameter(str(exc), param_hint="--param") from None

        run = _cli_call(ctx.parent, create)
        if not _cli_store(ctx.parent).serve_processes(alive=True):
            click.echo(f"Warning: no serve process is running: the run waits until one serves {name}.", err=True)
        click.echo(f"Created flow run {run.name!r} ({run.id}) of {name}, scheduled for "
                   f"{_fmt_local(run.expected_start_time)}.")

    @deployments.command()
    @click.argument("name", shell_complete=_complete_deployments)
    @click.pass_context
    def pause(ctx: Any, name: str) -> None:
        """Pause a deployment: no new scheduled runs; running ones go on; history stays.

        Example: python orchestrator.py deployments pause etl/nightly
        """
        store = _cli_store(ctx)
        dep = _cli_call(ctx, store.deployment, name)
        cancelled = _cli_call(ctx, store.set_paused, dep["id"], True)
        click.echo(f"Paused {dep['flow_name']}/{dep['name']}" + (f"; cancelled {cancelled} scheduled run(s)."
                                                                 if cancelled else "."))

    @deployments.command()
    @click.argument("name", shell_complete=_complete_deployments)
    @click.pass_context
    def resume(ctx: Any, name: str) -> None:
        """Resume a paused deployment; its schedule starts again from now.

        Example: python orchestrator.py deployments resume etl/nightly
        """
        store = _cli_store(ctx)
        dep = _cli_call(ctx, store.deployment, name)
        _cli_call(ctx, store.set_paused, dep["id"], False)
        click.echo(f"Resumed {dep['flow_name']}/{dep['name']}.")

    @deployments.command()
    @click.argument("name", shell_complete=_complete_deployments)
    @click.option("--start", required=True, metavar="ISO", help="The first slot time (inclusive).")
    @click.option("--end", required=True, metavar="ISO", help="The last slot time (inclusive).")
    @click.option("--dry-run", is_flag=True, help="Say how many slots the range holds; create nothing.")
    @click.option("--yes", is_flag=True, help=f"Create the runs even when there are more than {_BACKFILL_LIMIT:,}.")
    @click.pass_context
    def backfill(ctx: Any, name: str, start: str, end: str, dry_run: bool, yes: bool) -> None:
        """Create a run for every slot of the deployment's schedules in a range; running it again adds nothing.

        Example: python orchestrator.py deployments backfill etl/nightly --start 2024-01-01 --end 2024-01-31
        """
        try:
            begin, finish = _parse_when(start).timestamp(), _parse_when(end).timestamp()
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
        if finish < begin:
            raise click.BadParameter("--end is before --start")
        if dry_run:
            _, total = _cli_call(ctx.parent, _backfill, name, begin, finish, False)
            click.echo(f"Would create a run for each of {total:,} slot(s) from {_fmt_local(begin)} to "
                       f"{_fmt_local(finish)} (slots that have one already are skipped).")
            return
        made, total = _cli_call(ctx.parent, _backfill, name, begin, finish, True, None if yes else _BACKFILL_LIMIT)
        if made is None:
            raise click.ClickException(f"The range holds more than {_BACKFILL_LIMIT:,} slots; see how many with "
                                       f"--dry-run, and give --yes to create them all.")
        click.echo(f"Created {made} run(s) for {total} slot(s) ({total - made} already existed).")

    @deployments.command()
    @click.argument("name", shell_complete=_complete_deployments)
    @click.pass_context
    def delete(ctx: Any, name: str) -> None:
        """Delete a deployment (its runs and their history stay).

        Example: python orchestrator.py deployments delete etl/nightly
        """
        store = _cli_store(ctx)
        dep = _cli_call(ctx, store.deployment, name)
        _cli_call(ctx, store.delete_deployment, dep["id"])
        click.echo(f"Deleted {dep['flow_name']}/{dep['name']}.")


_STATE_NAMES = ("Scheduled", "Late", "AwaitingRetry", "AwaitingConcurrencySlot", "Pending", "Submitting",
                "InfrastructurePending", "Running", "Retrying", "Paused", "Suspended", "Completed", "Cached",
                "RolledBack", "Failed", "TimedOut", "NotReady", "Crashed", "Cancelling", "Cancelled")


def _check_states(ctx: Any, states: tuple) -> None:
    """``--state`` values must be a state type or name: a built-in one, or a name some run has (a
    custom state's); a typo would otherwise match nothing and say so only by an empty list."""
    import click

    known = {t.value for t in StateType} | {n.upper() for n in _STATE_NAMES}
    for value in states:
        if value.upper() in known or (os.path.exists(_cli_db(ctx)) and _cli_store(ctx).has_state_name(value)):
            continue
        raise click.BadParameter(f"--state {value!r} is not a state type or name; use a type ("
                                 f"{', '.join(t.value.lower() for t in StateType)}) or a name such as TimedOut")


def _since(text: Optional[str]) -> Optional[float]:
    """``--since 2h`` / ``7d`` / an ISO time, as a timestamp."""
    import click

    if text is None:
        return None
    try:
        return _ago_or_at(text)
    except ValueError as exc:
        raise click.BadParameter(f"--since {exc}") from None


def _resolve_run(ctx: Any, store: _Store, ref: str) -> dict:
    import click

    try:
        return store.resolve_flow_run(ref)
    except ObjectNotFound as exc:
        raise click.ClickException(str(exc)) from None


_FLEXIBLE_COLUMNS = ("Message", "Value", "Schedule", "Started", "When", "Flow", "Task run", "Deployment", "Name")
_ANSI = re.compile(r"\033\[[0-9;]*m")


def _table(rows: list, headers: list) -> str:
    """A table that fits the terminal: when it would be wider, the text columns (messages first) are
    cut, each cut marked with an ellipsis."""
    from tabulate import tabulate

    text = tabulate(rows, headers=headers)
    width = _terminal_width()
    for name in _FLEXIBLE_COLUMNS:
        over = max(len(_ANSI.sub("", line)) for line in text.splitlines()) - width if width and rows else 0
        if over <= 0:
            break
        if name not in headers:
            continue
        i = headers.index(name)
        longest = max(len(str(r[i])) for r in rows)
        keep = max(len(name), 8, longest - over)
        if keep < longest:
            rows = [[*r[:i], _clip(str(r[i]), keep), *r[i + 1:]] for r in rows]
            text = tabulate(rows, headers=headers)
    return text


def _terminal_width() -> int:
    """The terminal's width for tables, or 0 (no limit) when output goes to a pipe or file; ``COLUMNS``
    sets it either way."""
    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    if not sys.stdout.isatty():
        return 0
    import shutil

    return shutil.get_terminal_size().columns


def _clip(text: Optional[str], n: int) -> str:
    """``text`` on one line, at most ``n`` characters, with an ellipsis where it was cut.

    >>> _clip("ValueError: it broke\\nat line 3", 15)
    'ValueError: it…'
    """
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[:n - 1] + "…"



def _message_cell(message: Optional[str]) -> str:
    """A state message for a table: the engine's "encountered an exception" preamble left out, so the
    error itself shows when the column is cut.

    >>> _message_cell("Flow run encountered an exception: ValueError: bad")
    'ValueError: bad'
    """
    for preamble in ("Flow run encountered an exception: ", "Task run encountered an exception "):
        if message and message.startswith(preamble):
            message = message[len(preamble):]
    return _clip(message, 200)


def _short_id(run_id: str) -> str:
    """What the Id column shows: a run id's last 8 characters, its random part (a UUIDv7's first ones
    are its time, shared by runs made close together). Commands take it, or any unique prefix."""
    return run_id[-8:]


def _run_table(runs: list) -> str:
    """Flow runs (as ``_run_json`` gives them) as the table ``runs`` and ``status`` print."""
    now = time.time()
    return _table([[_short_id(r["id"]), r["name"], r["flow_name"], _colour_state(r["state_name"], r["state_type"]),
                    _fmt_ago(_from_iso(r["start_time"]), now) if r["start_time"] else
                    "scheduled " + _fmt_ago(_from_iso(r["expected_start_time"]), now) if r["expected_start_time"]
                    else "", _fmt_duration(r["total_run_time"]) if r["start_time"] else "",
                    _message_cell(r["state_message"])] for r in runs],
                  ["Id", "Name", "Flow", "State", "Started", "Duration", "Message"])


def _log_line(row: dict, run_name: str) -> str:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(row["timestamp"])) + ".%03d" % (
        (row["timestamp"] % 1) * 1000)
    who = f"Task run {row['task_name']!r}" if row["task_name"] else f"Flow run {run_name!r}"
    return f"{stamp} | {logging.getLevelName(row['level']):<7} | {who} - {row['message']}"


def _timeline(run: dict, tasks: list, width: int = 40, rows: int = 50) -> list:
    """One ASCII bar per task run, where it started and how long it took within the flow run; past
    ``rows`` task runs, one bar per task (``step x200``) from its first start to its last end, so the
    timeline always covers every task run."""
    now = time.time()
    spans = [(t["name"], t["start_time"], t["end_time"] or now, t["task_key"]) for t in tasks if t["start_time"]]
    if len(spans) > rows:
        groups: dict = {}
        for name, a, b, key in spans:
            label, first, last, n = groups.get(key, (name.rsplit("-", 1)[0], a, b, 0))
            groups[key] = (label, min(first, a), max(last, b), n + 1)
        spans = [(f"{label} x{n}", a, b, key) for label, a, b, n in groups.values()]
    start = run["start_time"] or min((a for _, a, _, _ in spans), default=None)
    if start is None:
        return []
    end = max([run["end_time"] or now] + [b for _, _, b, _ in spans])
    span = max(end - start, 1e-6)
    lines = []
    for name, a_time, b_time, _ in spans:
        a = min(width - 1, int((a_time - start) / span * width))
        b = max(a + 1, int((b_time - start) / span * width))
        lines.append(f"{name[:24]:<24} |{' ' * a}{'#' * (b - a)}{' ' * (width - b)}| {_fmt_duration(b_time - a_time)}")
    return lines


def _run_commands(cli: Any, click: Any) -> None:
    """status, runs, show, logs, tasks (then the actions: delete, run, prune)."""
    as_json_option = _json_option(click)

    @cli.command()
    @click.option("--limit", default=10, show_default=True, help="How many recent flow runs to list.")
    @as_json_option
    @click.pass_context
    def status(ctx: Any, limit: int, as_json: bool) -> None:
        """One screen: counts by state, runs in progress, latest failures, deployments, serve processes.

        Example: python orchestrator.py status
        """
        report = _status_report(_cli_store(ctx), limit)
        if as_json:
            click.echo(json.dumps(report, indent=2))
            return
        _print_status(click, report)

    @cli.command()
    @as_json_option
    @click.pass_context
    def health(ctx: Any, as_json: bool) -> None:
        """Exit 0 when all is well; exit 1, saying why, when scheduled runs are late or no serve process is
        alive to start the deployments' runs. For external monitors (cron, systemd, a healthcheck).

        Example: python orchestrator.py health || notify-send "orchestrator needs a look"
        """
        report = _health_report(_cli_store(ctx))
        if as_json:
            click.echo(json.dumps(report, indent=2))
        else:
            click.echo(("healthy: " if report["healthy"] else "unhealthy: ") + "; ".join(report["reasons"]))
        ctx.exit(0 if report["healthy"] else 1)

    @cli.command()
    @click.option("--flow", help="Only runs of this flow.")
    @click.option("--state", "states", multiple=True, help="Only runs in this state (name or type; repeatable).")
    @click.option("--deployment", help="Only runs of this deployment (flow/deployment).")
    @click.option("--since", help="Only runs created since: 2h, 7d, or an ISO time.")
    @click.option("--limit", default=20, show_default=True, help="How many runs at most.")
    @as_json_option
    @click.pass_context
    def runs(ctx: Any, flow: Optional[str], states: tuple, deployment: Optional[str], since: Optional[str],
             limit: int, as_json: bool) -> None:
        """Flow runs, newest first, filtered.

        Example: python orchestrator.py runs --state failed --since 7d
        """
        since_ts = _since(since)
        _check_states(ctx, states)
        store = _cli_store(ctx)
        dep_id = _cli_call(ctx, lambda: store.deployment(deployment)["id"]) if deployment else None
        rows = store.runs(flow, states, dep_id, since_ts, limit)
        deployments = store.deployment_names()
        if as_json:
            click.echo(json.dumps([_run_json(r, deployments) for r in rows], indent=2))
        elif rows:
            click.echo(_run_table([_run_json(r, deployments) for r in rows]))
        else:
            click.echo("No flow runs match.")

    @cli.command()
    @click.argument("run", shell_complete=_complete_runs)
    @as_json_option
    @click.pass_context
    def show(ctx: Any, run: str, as_json: bool) -> None:
        """One flow run: parameters, state history, task runs and a timeline, artifacts, result.

        RUN is a flow run id, a unique prefix of one, or a run name.

        Example: python orchestrator.py show nightly-1
        """
        store = _cli_store(ctx)
        row = _resolve_run(ctx, store, run)
        data = _run_detail_json(store, row)
        if as_json:
            click.echo(json.dumps(data, indent=2))
            return
        _print_run(click, row, data, data["history"], store.task_runs_of(row["id"]), store.artifacts_of(row["id"]))

    @cli.command()
    @click.argument("run", shell_complete=_complete_runs)
    @click.option("--follow", "-f", is_flag=True, help="Keep printing new lines until the run ends.")
    @click.option("--level", default="DEBUG", show_default=True, help="The lowest level shown.")
    @click.option("--tail", "-n", type=int, help="Only the last N lines (before following).")
    @as_json_option
    @click.pass_context
    def logs(ctx: Any, run: str, follow: bool, level: str, tail: Optional[int], as_json: bool) -> None:
        """A flow run's log lines (its tasks' too), oldest first.

        Example: python orchestrator.py logs nightly-1 --follow
        """
        min_level = logging.getLevelName(level.upper())
        if not isinstance(min_level, int):
            raise click.BadParameter(f"--level {level!r} is not DEBUG, INFO, WARNING, ERROR or CRITICAL")
        store = _cli_store(ctx)
        row = _resolve_run(ctx, store, run)
        lines = store.logs_after(row["id"], 0, min_level)
        if tail is not None:
            lines = lines[-tail:] if tail > 0 else []
        if as_json:
            if follow:
                raise click.UsageError("--json and --follow do not go together")
            click.echo(json.dumps([_log_json(line, row["id"]) for line in lines], indent=2))
            return
        for line in lines:
            click.echo(_log_line(line, row["name"]))
        if follow:
            _follow_logs(click, store, row, lines[-1]["id"] if lines else 0, min_level)

    @cli.command()
    @click.argument("run", shell_complete=_complete_runs)
    @as_json_option
    @click.pass_context
    def tasks(ctx: Any, run: str, as_json: bool) -> None:
        """The task runs of a flow run.

        Example: python orchestrator.py tasks nightly-1 --json
        """
        store = _cli_store(ctx)
        row = _resolve_run(ctx, store, run)
        items = store.task_runs_of(row["id"])
        if as_json:
            click.echo(json.dumps([_task_json(t) for t in items], indent=2))
            return
        click.echo(_table([[t["name"], _colour_state(t["state_name"], t["state_type"]), t["run_count"],
                            _fmt_local(t["start_time"]), _fmt_duration(_task_json(t)["total_run_time"])
                            if t["end_time"] else "", _message_cell(t["state_message"])
                            if t["state_type"] != "COMPLETED" else ""] for t in items],
                          ["Task run", "State", "Runs", "Started", "Duration", "Message"]) if items else "No task runs.")

    _action_commands(cli, click)


def _action_commands(cli: Any, click: Any) -> None:
    """delete, run, prune."""

    @cli.command()
    @click.argument("run", shell_complete=_complete_runs)
    @click.pass_context
    def delete(ctx: Any, run: str) -> None:
        """Delete a flow run with its task runs, logs, artifacts and result files.

        Example: python orchestrator.py delete 0193a4f2
        """
        store = _cli_store(ctx)
        row = _resolve_run(ctx, store, run)
        if row["state_type"] in _ACTIVE_STATES:
            raise click.ClickException(f"Flow run {row['name']!r} is {row['state_name']}; cancel it first.")
        gone = store.delete_flow_runs([row["id"]])
        click.echo(f"Deleted flow run {row['name']!r} ({row['id']}): {gone['task_runs']} task run(s), "
                   f"{gone['logs']} log line(s).")

    @cli.command("run")
    @click.argument("entrypoint", metavar="FILE.py:FLOW")
    @click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A parameter (value as JSON).")
    @click.option("--params", "raw_params", metavar="JSON", help="Parameters as a JSON object.")
    @click.pass_context
    def run_flow(ctx: Any, entrypoint: str, params: tuple, raw_params: Optional[str]) -> None:
        """Run a flow now, in this process; exit 1 if it does not complete.

        Example: python orchestrator.py run jobs.py:nightly --param day=2024-01-31
        """
        parameters = _parse_params(params, raw_params)
        path, colon, qualname = entrypoint.rpartition(":")
        if not colon or not path:
            raise click.BadParameter(f"{entrypoint!r} must look like FILE.py:FLOW")

        def go() -> State:
            flow_obj = _load_entrypoint(f"{os.path.abspath(path)}:{qualname}")
            state = flow_obj(**parameters, return_state=True)
            return _run_coro_sync(state) if inspect.isawaitable(state) else state

        state = _cli_call(ctx, go, create=True)
        _echo_outcome(click, _cli_store(ctx), state)
        ctx.exit(0 if state.is_completed() else 1)

    @cli.command()
    @click.option("--older-than", required=True, metavar="DURATION", help="Age of the runs to delete (30d, 12h).")
    @click.option("--state", "states", multiple=True, help="Only runs in this state (repeatable).")
    @click.option("--dry-run", is_flag=True, help="Say what would go; delete nothing.")
    @click.pass_context
    def prune(ctx: Any, older_than: str, states: tuple, dry_run: bool) -> None:
        """Delete finished runs older than a duration, with their task runs, logs, artifacts and results.

        Example: python orchestrator.py prune --older-than 30d --state completed
        """
        try:
            before = time.time() - _parse_duration(older_than)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
        _check_states(ctx, states)
        store = _cli_store(ctx)
        ids = store.prunable(before, states)
        if dry_run:
            click.echo(f"Would delete {len(ids)} flow run(s) created before {_fmt_local(before)}.")
            return
        gone = store.delete_flow_runs(ids)
        for key, n in _cli_call(ctx, store.delete_background_runs, before, states).items():
            gone[key] += n  # background task runs belong to no flow run
        events = gone["events"] + (_cli_call(ctx, lambda: store.prune_events(before)) if not states else 0)
        click.echo(f"Deleted {gone['flow_runs']} flow run(s), {gone['task_runs']} task run(s), {gone['logs']} log "
                   f"line(s), {gone['artifacts']} artifact(s), {events} event(s) and {gone['result_files']} result "
                   f"file(s), freeing about {_fmt_bytes(gone['bytes'])} in the file (run `db vacuum` to give it back).")


def _print_status(click: Any, report: dict) -> None:
    now = time.time()
    click.echo(f"Database: {report['database']['path']} ({report['database']['bytes'] / 1e6:.1f} MB)")
    click.echo("Serve: " + (", ".join(
        f"pid {p['pid']} on {p['hostname']} (heartbeat {_fmt_duration(now - _from_iso(p['heartbeat']))} ago)"
        for p in report["serve_processes"]) or "no serve process is running"))
    counts = report["last_24h"]
    summary = ", ".join(f"{n} {name}" for name, n in sorted(counts.items(), key=lambda kv: -kv[1])) or "none"
    click.echo(f"Flow runs in the last 24h: {summary}")
    if not report["serve_processes"] and any(not d["paused"] for d in report["deployments"]):
        click.echo("Warning: no serve process is running, so no deployment's scheduled runs start "
                   "(start one: python orchestrator.py serve ..., or a file that calls serve()).")
    if report["in_progress"]:
        click.echo("\nIn progress:")
        click.echo(_table([[_short_id(r["id"]), r["name"], r["flow_name"], _colour_state(r["state_name"], r["state_type"]),
                            _fmt_duration(r["total_run_time"]) if r["start_time"] else "waiting", r["progress"]]
                           for r in report["in_progress"]], ["Id", "Name", "Flow", "State", "Elapsed", "Tasks"]))
    if report["latest_failures"]:
        click.echo("\nLatest failures:")
        click.echo(_table([[_short_id(r["id"]), r["name"], r["flow_name"], _colour_state(r["state_name"], r["state_type"]),
                            _fmt_ago(_from_iso(r["end_time"] or r["start_time"] or r["expected_start_time"]), now), _message_cell(r["state_message"])]
                           for r in report["latest_failures"]], ["Id", "Name", "Flow", "State", "When", "Message"]))
    if report["deployments"]:
        click.echo("\nDeployments:")
        click.echo(_table([[d["name"], "; ".join(d["schedules"]) or "-", "paused" if d["paused"] else "active",
                            _fmt_ago_or_in(d["next_run"]), d["last_state"] or "-"] for d in report["deployments"]],
                          ["Deployment", "Schedule", "Status", "Next run", "Last state"]))
    click.echo("\nRecent runs:")
    click.echo(_run_table(report["recent_runs"]) if report["recent_runs"] else "No flow runs yet.")


def _print_run(click: Any, row: dict, data: dict, history: list, tasks: list, artifacts: list) -> None:
    click.echo(f"Flow run {row['name']!r} ({row['id']})")
    fields = [("Flow", row["flow_name"]), ("Deployment", data["deployment_name"] or "-"),
              ("State", f"{_colour_state(row['state_name'], row['state_type'])}"
                        + (f": {row['state_message']}" if row["state_message"] else "")),
              ("Parameters", json.dumps(data["parameters"])), ("Tags", ", ".join(data["tags"]) or "-"),
              ("Attempts", row["run_count"]), ("Started", _fmt_ago(row["start_time"]) or "-"),
              ("Duration", _fmt_duration(data["total_run_time"]) if row["start_time"] else "-"),
              ("Entrypoint", row["entrypoint"] or "-")]
    click.echo("\n".join(f"  {k + ':':<12} {v}" for k, v in fields))
    click.echo("\nState history:")
    click.echo(_table([[h["name"], h["type"], _fmt_local(_dt.datetime.fromisoformat(h["timestamp"]).timestamp())
                        if h["timestamp"] else "", h["message"] or ""] for h in history],
                      ["State", "Type", "Time", "Message"]))
    if tasks:
        counts: dict = {}
        for t in tasks:
            counts[t["state_name"]] = counts.get(t["state_name"], 0) + 1
        summary = ", ".join(f"{n} {name}" for name, n in sorted(counts.items(), key=lambda kv: -kv[1]))
        progress = _progress_text({**{t: sum(1 for x in tasks if x["state_type"] == t) for t in _FINAL_NAMES},
                                   "total": len(tasks)}, row["start_time"], row["end_time"] or time.time())
        click.echo(f"\nTask runs ({len(tasks)}): {summary}" + (f"; {progress}" if row["end_time"] is None else ""))
        click.echo(_table([[t["name"], _colour_state(t["state_name"], t["state_type"]), t["run_count"],
                            _fmt_duration(_task_json(t)["total_run_time"]) if t["end_time"] else "",
                            _message_cell(t["state_message"]) if t["state_type"] != "COMPLETED" else ""]
                           for t in tasks[:50]], ["Task run", "State", "Runs", "Duration", "Message"]))
        if len(tasks) > 50:
            click.echo(f"... and {len(tasks) - 50} more (python orchestrator.py tasks {_short_id(row['id'])})")
        click.echo("\nTimeline:")
        click.echo("\n".join(_timeline(row, tasks)))
    if artifacts:
        click.echo("\nArtifacts:")
        for art in artifacts:
            click.echo(f"  [{art['type']}] {art['key'] or art['id']}: {_artifact_text(art)}")
    preview = _result_preview(row)
    if preview is not None:
        click.echo(f"\nResult: {preview}")


def _artifact_text(art: dict) -> str:
    if art["type"] == "table":
        rows = json.loads(art["data"])
        if isinstance(rows, dict):
            return "\n" + _table(list(zip(*rows.values())), list(rows))
        if rows and isinstance(rows[0], dict):
            return "\n" + _table([list(r.values()) for r in rows], list(rows[0]))
        return "\n" + _table(rows, [])
    return art["data"] if art["type"] != "progress" else f"{float(art['data']):.0f}%"


def _follow_logs(click: Any, store: _Store, row: dict, last_id: int, min_level: int) -> None:
    """Poll for new lines (every 0.1 s) until the run is final and its last lines are in."""
    quiet_since = None
    try:
        while True:
            lines = store.logs_after(row["id"], last_id, min_level)
            for line in lines:
                click.echo(_log_line(line, row["name"]))
                last_id = line["id"]
            state = store.flow_run(row["id"])["state_type"]
            if state in _FINAL_NAMES:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since > 2 * _FLUSH_SECONDS + 0.2:
                    return
            time.sleep(0.1)
    except KeyboardInterrupt:
        return


# == 24. CLI: the database, variables, artifacts, limits and the entry point ==============================


def _db_commands(cli: Any, click: Any) -> None:
    @cli.group()
    def db() -> None:
        """The state database: where it is, check it, vacuum it, migrate it.

        Example: python orchestrator.py db check
        """

    @db.command("path")
    @click.pass_context
    def db_path(ctx: Any) -> None:
        """Print the database's path.

        Example: python orchestrator.py db path
        """
        click.echo(_cli_db(ctx))

    @db.command()
    @click.pass_context
    def check(ctx: Any) -> None:
        """Check the file's integrity and schema version.

        Example: python orchestrator.py db check
        """
        store = _cli_store(ctx)
        problems = [r for r in store.integrity() if r != "ok"]
        version = store.schema_version()
        if problems:
            raise click.ClickException(f"{store.path} is damaged: {'; '.join(problems[:5])}")
        click.echo(f"{store.path}: ok (schema version {version})")

    @db.command()
    @click.pass_context
    def vacuum(ctx: Any) -> None:
        """Rebuild the file to give back the space of deleted runs.

        Example: python orchestrator.py db vacuum
        """
        store = _cli_store(ctx)
        before = store.file_bytes()
        _cli_call(ctx, store.vacuum)
        click.echo(f"{store.path}: {_fmt_bytes(before)} -> {_fmt_bytes(store.file_bytes())}")

    @db.command()
    @click.pass_context
    def migrate(ctx: Any) -> None:
        """Create the database, or upgrade an older one to this version's schema.

        Example: python orchestrator.py db migrate
        """
        store = _cli_store(ctx, create=True)
        click.echo(f"{store.path}: schema version {store.schema_version()} (up to date)")


def _data_commands(cli: Any, click: Any) -> None:
    """variables, artifacts, limits."""
    as_json_option = _json_option(click)
    _variable_commands(cli, click, as_json_option)
    _artifact_commands(cli, click, as_json_option)
    _limit_commands(cli, click, as_json_option)
    _event_commands(cli, click, as_json_option)
    _automation_commands(cli, click, as_json_option)
    _task_commands(cli, click, as_json_option)


def _task_commands(cli: Any, click: Any, as_json_option: Callable) -> None:
    @cli.group("task")
    def task_group() -> None:
        """Background task runs (task.delay()): run a task worker, list the runs.

        Example: python orchestrator.py task serve jobs.py:resize --limit 20
        """

    @task_group.command("serve")
    @click.argument("entrypoints", nargs=-1, required=True, metavar="FILE.py:TASK...")
    @click.option("--limit", type=int, default=10, show_default=True, help="How many runs may run at once.")
    @click.option("--timeout", type=float, help="Stop after this many seconds.")
    @click.pass_context
    def task_serve(ctx: Any, entrypoints: tuple, limit: int, timeout: Optional[float]) -> None:
        """Run the background runs of these tasks until Ctrl-C or SIGTERM (a task worker).

        Example: python orchestrator.py task serve jobs.py:resize jobs.py:thumbnail --limit 20
        """
        if limit < 1:
            raise click.BadParameter("must be at least 1", param_hint="--limit")
        if timeout is not None and timeout <= 0:
            raise click.BadParameter("must be more than 0", param_hint="--timeout")
        _cli_call(ctx, lambda: serve(*[_load_task(e) for e in entrypoints], limit=limit, timeout=timeout),
                  create=True)

    @task_group.command("ls")
    @click.option("--state", type=click.Choice(["SCHEDULED", "PENDING", "RUNNING", "COMPLETED", "FAILED", "CRASHED",
                                                "CANCELLED"], case_sensitive=False), help="Only runs of this state.")
    @click.option("--limit", default=50, show_default=True, help="How many runs, newest first.")
    @as_json_option
    @click.pass_context
    def task_ls(ctx: Any, state: Optional[str], limit: int, as_json: bool) -> None:
        """Background runs, newest first: queued, running and finished, with the worker that ran them.

        Example: python orchestrator.py task ls --state SCHEDULED
        """
        store = _cli_store(ctx)
        rows = _cli_call(ctx, store.background_task_runs, state.upper() if state else None, limit)
        if as_json:
            click.echo(json.dumps([_background_json(r) for r in rows], indent=2))
            return
        counts = _cli_call(ctx, store.background_counts)
        click.echo(", ".join(f"{n} {kind.lower()}" for kind, n in sorted(counts.items())) if counts else
                   "No background task runs (queue some with task.delay()).")
        if rows:
            click.echo(_table([[r["name"], r["id"], r["state_name"], r["run_count"], _worker_label(r),
                                _fmt_local(r["created"]),
                                _fmt_duration(_running_seconds(_row_history(r), time.time()))
                                if r["start_time"] else "-",
                                (r["state_message"] or _result_preview(r) or "")[:60]] for r in rows],
                              ["Task run", "Id", "State", "Runs", "Worker", "Queued", "Ran for", "Result or message"]))


def _worker_label(row: dict) -> str:
    return f"{row['worker_pid']}@{row['worker_host']}" if row.get("worker_pid") else "-"


def _background_json(row: dict) -> dict:
    """A background run as ``task ls --json`` shows it: a task run's fields, when it was queued, its worker."""
    return {**_task_json(row), "created": _iso(row["created"]), "worker": _worker_label(row) if row.get("worker_pid")
            else None}


def _variable_commands(cli: Any, click: Any, as_json_option: Callable) -> None:
    @cli.group()
    def variables() -> None:
        """Named JSON values shared by flows.

        Example: python orchestrator.py variables set api_base '"https://example.com"'
        """

    @variables.command("ls")
    @click.option("--limit", default=100, show_default=True)
    @as_json_option
    @click.pass_context
    def variables_ls(ctx: Any, limit: int, as_json: bool) -> None:
        """List variables. Example: python orchestrator.py variables ls"""
        items = _cli_store(ctx).variables(limit)
        data = [_variable_json(v) for v in items]
        if as_json:
            click.echo(json.dumps(data, indent=2))
        else:
            click.echo(_table([[d["name"], json.dumps(d["value"])[:60], _fmt_local(v["created"]),
                                _fmt_local(v["updated"])] for d, v in zip(data, items)],
                              ["Name", "Value", "Created", "Updated"]) if data else "No variables.")

    @variables.command("get")
    @click.argument("name")
    @click.pass_context
    def variables_get(ctx: Any, name: str) -> None:
        """Print a variable's value (as JSON). Example: python orchestrator.py variables get api_base"""
        row = _cli_store(ctx).variable(name)
        if row is None:
            raise click.ClickException(f"Variable {name!r} not found.")
        click.echo(row["value"])

    @variables.command("set")
    @click.argument("name")
    @click.argument("value")
    @click.option("--overwrite", is_flag=True, help="Replace an existing value.")
    @click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
    @click.pass_context
    def variables_set(ctx: Any, name: str, value: str, overwrite: bool, tags: tuple) -> None:
        """Set a variable; VALUE is JSON, or else taken as text.

        Example: python orchestrator.py variables set retries 3 --overwrite
        """
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = value
        _cli_call(ctx, _set_variable, name, parsed, list(tags), overwrite, create=True)
        click.echo(f"Set variable {name!r}.")

    @variables.command("unset")
    @click.argument("name")
    @click.pass_context
    def variables_unset(ctx: Any, name: str) -> None:
        """Delete a variable. Example: python orchestrator.py variables unset api_base"""
        if not _cli_call(ctx, Variable.unset, name):
            raise click.ClickException(f"Variable {name!r} not found.")
        click.echo(f"Unset variable {name!r}.")


def _artifact_commands(cli: Any, click: Any, as_json_option: Callable) -> None:
    @cli.group()
    def artifacts() -> None:
        """Reports that runs attached: markdown, tables, links, progress.

        Example: python orchestrator.py artifacts ls
        """

    @artifacts.command("ls")
    @click.option("--limit", default=100, show_default=True)
    @click.option("--all", "-a", "show_all", is_flag=True, help="Every version, not only the latest per key.")
    @as_json_option
    @click.pass_context
    def artifacts_ls(ctx: Any, limit: int, show_all: bool, as_json: bool) -> None:
        """List artifacts (the latest version of each key). Example: python orchestrator.py artifacts ls"""
        items = _cli_store(ctx).artifacts(limit=limit, latest_only=not show_all)
        data = [_artifact_json(a) for a in items]
        if as_json:
            click.echo(json.dumps(data, indent=2))
        else:
            click.echo(_table([[a["key"] or "-", a["type"], a["description"] or "", _fmt_local(a["created"]), a["id"]]
                               for a in items], ["Key", "Type", "Description", "Created", "ID"])
                       if items else "No artifacts.")

    @artifacts.command("show")
    @click.argument("key")
    @as_json_option
    @click.pass_context
    def artifacts_show(ctx: Any, key: str, as_json: bool) -> None:
        """Show an artifact by key (latest version) or id. Example: python orchestrator.py artifacts show daily-report"""
        art = _cli_store(ctx).artifact(key)
        if art is None:
            raise click.ClickException(f"No artifact with key or id {key!r}.")
        if as_json:
            click.echo(json.dumps({k: art[k] for k in ("id", "key", "type", "data", "description", "flow_run_id")},
                                  indent=2))
            return
        click.echo(f"{art['key'] or art['id']} ({art['type']}){': ' + art['description'] if art['description'] else ''}")
        click.echo(_artifact_text(art))


def _event_line(ev: Event) -> str:
    name = ev.resource.name
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ev.occurred.timestamp()))
    return f"{when}  {ev.event:<32} {ev.resource.id}" + (f" ({name})" if name else "")


def _event_commands(cli: Any, click: Any, as_json_option: Callable) -> None:
    @cli.group()
    def events() -> None:
        """What happened: every state a flow run entered, failed task runs, and events you emit.

        Example: python orchestrator.py events ls --event 'prefect.flow-run.*' --since 1d
        """

    @events.command("ls")
    @click.option("--limit", "-n", default=50, show_default=True, help="How many (the newest).")
    @click.option("--event", "name", help="An event name, or a prefix ending in * (prefect.flow-run.*).")
    @click.option("--resource", help="Only events of this resource id (prefect.flow-run.<id>).")
    @click.option("--since", help="Only events since: 2h, 7d, or an ISO time.")
    @click.option("--follow", "-f", is_flag=True, help="Then keep printing new events (Ctrl-C stops).")
    @as_json_option
    @click.pass_context
    def events_ls(ctx: Any, limit: int, name: Optional[str], resource: Optional[str], since: Optional[str],
                  follow: bool, as_json: bool) -> None:
        """List events, oldest first (the newest --limit of them). With --json, one JSON object per line.

        Example: python orchestrator.py events ls --follow
        """
        store = _cli_store(ctx)
        found = [Event._from_row(r) for r in reversed(store.events(0, limit, name, resource, _since(since)))]
        show = (lambda ev: click.echo(json.dumps(ev._json()))) if as_json else (lambda ev: click.echo(_event_line(ev)))
        if not found and not follow and not as_json:
            click.echo("No events.")
        for ev in found:
            show(ev)
        newest = store.events(0, 1) if not found else ()
        last = found[-1].row if found else (newest[0]["id"] if newest else 0)
        try:
            while follow:
                time.sleep(0.2)
                for row in store.events(last, 500, name, resource, None, oldest_first=True):
                    show(Event._from_row(row))
                    last = row["id"]
        except KeyboardInterrupt:
            pass

    @events.command("emit")
    @click.argument("event")
    @click.option("--resource-id", required=True, help="The resource's id, such as backup.nightly.")
    @click.option("--label", "labels", multiple=True, help="A resource label, KEY=VALUE (repeat for more).")
    @click.option("--payload", help="A JSON object carried with the event.")
    @click.pass_context
    def events_emit(ctx: Any, event: str, resource_id: str, labels: tuple, payload: Optional[str]) -> None:
        """Record an event, as emit_event does (for scripts and other programs).

        Example: python orchestrator.py events emit backup.finished --resource-id backup.nightly
        """
        resource = {"prefect.resource.id": resource_id}
        for label in labels:
            key, sep, value = label.partition("=")
            if not sep or not key:
                raise click.BadParameter(f"--label {label!r}: use KEY=VALUE")
            resource[key] = value
        try:
            data = json.loads(payload) if payload else {}
        except ValueError as exc:
            raise click.BadParameter(f"--payload is not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise click.BadParameter("--payload must be a JSON object")
        made = _cli_call(ctx, lambda: emit_event(event, resource, payload=data))
        click.echo(f"Emitted {made.event} for {made.resource.id} ({made.id}).")


def _labels(click: Any, option: str, pairs: tuple) -> dict:
    found = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{option} {pair!r}: use KEY=VALUE")
        found[key] = value
    return found


def _masked_url(url: str) -> str:
    """A notification URL as shown: its password replaced by ***.

    >>> _masked_url("mailto://me:secret@smtp.example.com:587?to=a@b.c")
    'mailto://me:***@smtp.example.com:587?to=a@b.c'
    """
    return re.sub(r"^([a-z]+://[^:/@]+):[^@/]*@", r"\1:***@", url)


def _automation_json(store: _Store, row: dict) -> dict:
    counts, last_error = store.delivery_summary(row["id"])
    return {"id": row["id"], "name": row["name"], "enabled": bool(row["enabled"]), "description": row["description"],
            "trigger": json.loads(row["trigger"]),
            "actions": [{**a, "url": _masked_url(a["url"])} if "url" in a else a for a in json.loads(row["actions"])],
            "deliveries": counts,
            "last_error": last_error}


def _automation_commands(cli: Any, click: Any, as_json_option: Callable) -> None:
    @cli.group()
    def automations() -> None:
        """Act on events: send a notification, run or pause a deployment, cancel a run.

        Example: python orchestrator.py automations create nightly-failed --on prefect.flow-run.Failed
        --match-related prefect.resource.id=prefect.flow.nightly --notify json://127.0.0.1:8080/hook
        """

    @automations.command("ls")
    @as_json_option
    @click.pass_context
    def automations_ls(ctx: Any, as_json: bool) -> None:
        """List automations with their deliveries. Example: python orchestrator.py automations ls"""
        store = _cli_store(ctx)
        data = [_automation_json(store, row) for row in store.automations()]
        if as_json:
            click.echo(json.dumps(data, indent=2))
            return
        if not data:
            click.echo("No automations.")
            return
        click.echo(_table([[a["name"], "on" if a["enabled"] else "paused", ", ".join(a["trigger"]["expect"]) or "*",
                            ", ".join(x.get("url", x["type"]) for x in a["actions"]),
                            f"{a['deliveries']['done']} done, {a['deliveries']['pending']} pending, "
                            f"{a['deliveries']['failed']} failed", a["last_error"] or ""] for a in data],
                          ["Name", "State", "On", "Actions", "Deliveries", "Last error"]))

    @automations.command("create")
    @click.argument("name")
    @click.option("--on", "expect", multiple=True, required=True, help="An event name (wildcards: prefect.flow-run.*).")
    @click.option("--match", "match", multiple=True, help="A label of the event's resource, KEY=VALUE.")
    @click.option("--match-related", "related", multiple=True, help="A label of a related resource, KEY=VALUE.")
    @click.option("--notify", "url", required=True, help="Where to send it: json://, mailto://, or an Apprise URL.")
    @click.option("--subject", default="Prefect automated notification", show_default=True)
    @click.option("--body", help="The message, a template ({{ flow_run.name }}, {{ event.event }} ...).")
    @click.pass_context
    def automations_create(ctx: Any, name: str, expect: tuple, match: tuple, related: tuple, url: str,
                           subject: str, body: Optional[str]) -> None:
        """Create an automation that sends a notification when a matching event happens.

        Example: python orchestrator.py automations create failures --on prefect.flow-run.Failed --notify mailto://localhost?to=me@example.com
        """
        def make() -> Automation:
            action = SendNotification(url, subject, body) if body else SendNotification(url, subject)
            trigger = EventTrigger(set(expect), _labels(click, "--match", match),
                                   _labels(click, "--match-related", related) or None)
            return Automation(name, trigger, [action]).create()

        try:
            made = _cli_call(ctx, make, create=True)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Created automation {made.name!r} ({made.id}).")

    def _toggle(ctx: Any, name: str, enabled: bool) -> None:
        def toggle() -> None:
            Automation.read(name=name, _sync=True)._set_enabled(enabled)

        try:
            _cli_call(ctx, toggle)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"{'Resumed' if enabled else 'Paused'} automation {name!r}.")

    @automations.command("pause")
    @click.argument("name")
    @click.pass_context
    def automations_pause(ctx: Any, name: str) -> None:
        """Stop an automation from acting (events meanwhile are not acted on later). Example: ... pause failures"""
        _toggle(ctx, name, False)

    @automations.command("resume")
    @click.argument("name")
    @click.pass_context
    def automations_resume(ctx: Any, name: str) -> None:
        """Let a paused automation act again. Example: python orchestrator.py automations resume failures"""
        _toggle(ctx, name, True)

    @automations.command("delete")
    @click.argument("name")
    @click.pass_context
    def automations_delete(ctx: Any, name: str) -> None:
        """Delete an automation and its delivery records. Example: python orchestrator.py automations delete failures"""
        try:
            _cli_call(ctx, lambda: Automation.read(name=name, _sync=True).delete(_sync=True))
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Deleted automation {name!r}.")

    @automations.command("test")
    @click.argument("url")
    @click.option("--subject", default="orchestrator test notification", show_default=True)
    @click.option("--body", default="If you can read this, notifications reach you.", show_default=True)
    def automations_test(url: str, subject: str, body: str) -> None:
        """Send a message to a notification URL now, to check it works.

        Example: python orchestrator.py automations test json://127.0.0.1:8080/hook
        """
        try:
            _check_notification_url(url)
            _notify(url, subject, body)
        except (OrchestratorError, ValueError, OSError) as exc:
            raise click.ClickException(f"could not send to {_masked_url(url)}: {exc}") from None
        click.echo(f"Sent a test notification to {_masked_url(url)}.")


def _limit_commands(cli: Any, click: Any, as_json_option: Callable) -> None:
    @cli.group()
    def limits() -> None:
        """Global concurrency limits, shared by every process on the database.

        Example: python orchestrator.py limits create db --limit 2
        """

    @limits.command("ls")
    @as_json_option
    @click.pass_context
    def limits_ls(ctx: Any, as_json: bool) -> None:
        """List limits with their slots in use. Example: python orchestrator.py limits ls"""
        data = _limits_json(_cli_store(ctx))
        if as_json:
            click.echo(json.dumps(data, indent=2))
        else:
            click.echo(_table([[d["name"], d["limit"], d["active_slots"], d["slot_decay_per_second"]] for d in data],
                              ["Name", "Limit", "Slots in use", "Decay/s"]) if data else "No limits.")

    @limits.command("create")
    @click.argument("name")
    @click.option("--limit", type=int, required=True, help="How many slots.")
    @click.option("--slot-decay-per-second", type=float, default=0.0, help="For rate limits: slots freed per second.")
    @click.pass_context
    def limits_create(ctx: Any, name: str, limit: int, slot_decay_per_second: float) -> None:
        """Create a limit. Example: python orchestrator.py limits create api --limit 5 --slot-decay-per-second 5"""
        if limit < 0 or slot_decay_per_second < 0:
            raise click.BadParameter("--limit and --slot-decay-per-second must not be negative")
        _check_name(name)
        _cli_call(ctx, lambda: _get_store().create_limit(name, limit, slot_decay_per_second), create=True)
        click.echo(f"Created concurrency limit {name!r} with {limit} slot(s).")

    @limits.command("update")
    @click.argument("name")
    @click.option("--limit", type=int, help="How many slots (held ones stay held).")
    @click.option("--slot-decay-per-second", type=float, help="For rate limits: slots freed per second.")
    @click.pass_context
    def limits_update(ctx: Any, name: str, limit: Optional[int], slot_decay_per_second: Optional[float]) -> None:
        """Change a limit. Example: python orchestrator.py limits update api --limit 10"""
        if limit is None and slot_decay_per_second is None:
            raise click.UsageError("Give --limit, --slot-decay-per-second, or both.")
        if (limit or 0) < 0 or (slot_decay_per_second or 0) < 0:
            raise click.BadParameter("--limit and --slot-decay-per-second must not be negative")
        store = _cli_store(ctx)
        current = next((r for r in _cli_call(ctx, store.limits) if r["name"] == name), None)
        if current is None:
            raise click.ClickException(f"No concurrency limit named {name!r}.")
        limit = current["limit"] if limit is None else limit
        decay = current["slot_decay_per_second"] if slot_decay_per_second is None else slot_decay_per_second
        what = _cli_call(ctx, lambda: store.create_limit(name, limit, decay, mode="update"))
        click.echo(f"Concurrency limit {name!r} {what}: {limit} slot(s)" + (f", {decay:g} freed per second."
                                                                              if decay else "."))

    @limits.command("delete")
    @click.argument("name")
    @click.pass_context
    def limits_delete(ctx: Any, name: str) -> None:
        """Delete a limit. Example: python orchestrator.py limits delete api"""
        if not _cli_call(ctx, lambda: _get_store().delete_limit(name)):
            raise click.ClickException(f"No concurrency limit named {name!r}.")
        click.echo(f"Deleted concurrency limit {name!r}.")

    @limits.command("reset")
    @click.argument("name")
    @click.pass_context
    def limits_reset(ctx: Any, name: str) -> None:
        """Free every slot of a limit. Example: python orchestrator.py limits reset api"""
        if not _cli_call(ctx, lambda: _get_store().delete_limit(name, slots_only=True)):
            raise click.ClickException(f"No concurrency limit named {name!r}.")
        click.echo(f"Reset concurrency limit {name!r}.")


def _set_variable(name: str, value: Any, tags: list, overwrite: bool) -> None:
    try:
        Variable.set(name, value, tags=tags, overwrite=overwrite)
    except ValueError as exc:
        raise OrchestratorError(str(exc)) from None


_BACKFILL_LIMIT = 10_000  # more runs than this need --yes


def _backfill(name: str, begin: float, finish: float, create: bool = True, cap: Optional[int] = None) -> tuple:
    """(runs made, slots) for the deployment's slots in [begin, finish]; with ``cap``, a range of more
    slots makes nothing and gives (None, a count above the cap)."""
    store = _get_store()
    dep = store.deployment(name)
    now = time.time()
    slots = _due_slots(dep, now, start=begin, end=finish, cap=cap)
    if not create or (cap is not None and len(slots) > cap):
        return None, len(slots)
    made = store.insert_scheduled_runs([_slot_run(dep, spec, slot, False, now) for spec, slot, _ in slots])
    return made, len(slots)


def _fmt_local(ts: Optional[float]) -> str:
    return "" if ts is None else time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts))


def _fmt_ago_or_in(iso: Optional[str]) -> str:
    if not iso:
        return "-"
    ts = _dt.datetime.fromisoformat(iso).timestamp()
    delta = ts - time.time()
    return f"{_fmt_local(ts)} (in {_fmt_duration(max(0.0, delta))})"


def _colour_state(name: str, type_: str) -> str:
    if os.environ.get("NO_COLOR") or not sys.stdout.isatty():
        return name
    colour = {"COMPLETED": 32, "FAILED": 31, "CRASHED": 35, "RUNNING": 34, "CANCELLED": 90}.get(type_)
    return f"\033[{colour}m{name}\033[0m" if colour else name


def main(argv: Optional[list] = None) -> int:
    """The command line: ``python orchestrator.py status`` (see ``--help``)."""
    cli = _make_cli()
    try:
        cli.main(args=argv, prog_name="orchestrator", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


if __name__ == "__main__":
    sys.modules.setdefault("orchestrator", sys.modules[__name__])  # flow files importing us share this copy
    sys.exit(main())
