"""Running one function per job, each job in a process of its own.

Pelican keeps process-wide state (signal receivers, the locale, plugin
globals), so two sites must never share a process.  Workers are forked from
the parent, which has already imported Pelican, so no site pays the start-up;
when the parent runs threads (the dev server's watcher), forking is unsafe and
workers come from a fork server that has imported Pelican once.  A worker that dies without
answering is reported as such: its job fails, the others go on.

A site is data from one association, so its worker is confined before the job
runs: an environment reduced to an allowlist (no CI token reaches it, not even
through ``/proc/self/environ``), a memory ceiling, and a wall-clock limit after
which the parent kills it and its children.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import resource
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Generic, TypeVar

from citoyens_ssg import i18n

J = TypeVar("J")
R = TypeVar("R")


# What a site's build may see of the parent's environment; everything else (GITHUB_TOKEN,
# NETLIFY_AUTH_TOKEN, AWS_*, SSH_AUTH_SOCK…) is removed.  An allowlist: a new CI secret stays out.
ALLOWED_VARIABLES = frozenset({"PATH", "HOME", "LANG", "LANGUAGE", "TZ", "SOURCE_DATE_EPOCH", "TMPDIR"})
ALLOWED_PREFIXES = ("LC_", "CITOYENS_")
OVER_TIME = "time"
OVER_MEMORY = "memory"


@dataclass(frozen=True)
class Limits:
    """What one worker may use: seconds of wall-clock time, megabytes of address space."""

    seconds: float | None = None
    memory_mb: int | None = None


class WorkerCrash(Generic[J]):
    """What a job yields when its worker died, raised a bug or went over a limit
    (``over``: ``OVER_TIME`` or ``OVER_MEMORY``)."""

    def __init__(self, job: J, reason: str, over: str | None = None):
        self.job = job
        self.reason = reason
        self.over = over


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


PRELOADED = [
    "pelican",
    "pelican.generators",
    "markdown",
    "citoyens_ssg.site.build",
    "citoyens_ssg.content.images",
    "feedgen.feed",
]


def _context() -> multiprocessing.context.BaseContext:
    """Fork when the parent has a single thread; otherwise a fork server that has
    imported Pelican once (forking a threaded process can copy a held lock)."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOADED)
        return context
    return multiprocessing.get_context("spawn")


def allowed_variable(name: str) -> bool:
    return name in ALLOWED_VARIABLES or name.startswith(ALLOWED_PREFIXES)


def clean_environment() -> None:
    """Keep only the allowed variables, in ``os.environ`` and in the process's memory.

    A forked child's ``/proc/self/environ`` shows the environment block the
    parent was started with, whatever ``os.environ`` says since: the bytes of
    every variable not allowed are overwritten there too (the child's own copy).
    """
    for name in [name for name in os.environ if not allowed_variable(name)]:
        del os.environ[name]  # unsetenv: later getenv() and child processes no longer see it
    _wipe_environment_block()


def _wipe_environment_block() -> None:
    try:
        with open("/proc/self/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        start = int(fields[47])  # env_start, the 50th field (the first two are before the ')')
        with open("/proc/self/environ", "rb") as environ:
            block = environ.read()
    except (OSError, IndexError, ValueError):
        return  # no /proc (not Linux): os.environ is all there is
    offset = 0
    for entry in block.split(b"\0"):
        name = entry.split(b"=", 1)[0].decode("utf-8", "replace")
        if entry and not allowed_variable(name):
            ctypes.memset(start + offset, 0, len(entry))
        offset += len(entry) + 1


def _confine(limits: Limits) -> None:
    """Before the job runs: its own process group (killed whole), a clean environment, a memory ceiling."""
    os.setpgid(0, 0)
    clean_environment()
    if limits.memory_mb:
        ceiling = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))  # inherited by Pagefind too
        # The ceiling counts address space: glibc reserves 64 MB per thread arena, and Pagefind
        # runs a thread per core; two arenas keep a many-core CI runner under it.
        os.environ["MALLOC_ARENA_MAX"] = "2"


def allowed_environment() -> dict[str, str]:
    """The allowed variables of this process's environment as they are now, for a worker."""
    return {name: value for name, value in os.environ.items() if allowed_variable(name)}


def _child(
    function: Callable[[J], R],
    job: J,
    connection: Connection,
    limits: Limits,
    language: str,
    environment: dict[str, str],
) -> None:
    try:
        # A fork server's child has the server's language and environment, frozen when it started
        # (the dev server's threads call for one): it takes the parent's, as a forked child has them.
        i18n.set_language(language)
        os.environ.clear()
        os.environ.update(environment)
        _confine(limits)
        connection.send(("ok", function(job)))
    except MemoryError:
        connection.send((OVER_MEMORY, None))
    except BaseException:  # a bug in the worker: hand the traceback to the parent
        connection.send(("bug", traceback.format_exc()))
    finally:
        connection.close()


# ``serve``: a worker started ahead, waiting for the next build's job, so that a save does not
# wait for a process to start (0.3-0.7 s through the fork server on a loaded 2-core machine).
# It has run nothing yet: the process-wide state is as fresh as a new worker's.
_spares: list[tuple[multiprocessing.process.BaseProcess, Connection, Connection]] = []
_spares_lock = threading.Lock()


def _waiting_child(jobs: Connection, results: Connection) -> None:
    """A spare worker: waits for its one job, then runs it as ``_child`` would have."""
    try:
        function, job, limits, language, environment = jobs.recv()
    except EOFError:  # the parent is gone
        return
    finally:
        jobs.close()
    _child(function, job, results, limits, language, environment)


def _keep_a_spare(context: multiprocessing.context.BaseContext) -> None:
    with _spares_lock:
        if any(process.is_alive() for process, _jobs, _results in _spares):
            return
        _spares.clear()
        jobs_receiver, jobs_sender = context.Pipe(duplex=False)
        results_receiver, results_sender = context.Pipe(duplex=False)
        process = context.Process(target=_waiting_child, args=(jobs_receiver, results_sender), daemon=True)
        process.start()
        jobs_receiver.close()
        results_sender.close()
        _spares.append((process, jobs_sender, results_receiver))


def stop_spares() -> None:
    """The workers started ahead told to end (``serve`` stops): their job pipe closed, they return."""
    with _spares_lock:
        stopping, _spares[:] = list(_spares), []
    for process, jobs_sender, results_receiver in stopping:
        jobs_sender.close()
        results_receiver.close()
        process.join(timeout=5)
        if process.is_alive():
            process.kill()


def _start(
    context: multiprocessing.context.BaseContext,
    function: Callable[[J], R],
    job: J,
    limits: Limits,
    use_spare: bool,
) -> tuple[multiprocessing.process.BaseProcess, Connection]:
    """A worker running ``job``: the spare started ahead if one waits (and may be used), else a new one."""
    language, environment = i18n.current_language(), allowed_environment()  # as they are for this job
    with _spares_lock:
        spare = _spares.pop() if _spares and use_spare else None
    if spare is not None:
        process, jobs_sender, receiver = spare
        try:
            if process.is_alive():
                jobs_sender.send((function, job, limits, language, environment))
                return process, receiver
        except OSError:  # it died meanwhile: a new one
            pass
        finally:
            jobs_sender.close()
        receiver.close()
    receiver, sender = context.Pipe(duplex=False)
    arguments = (function, job, sender, limits, language, environment)
    process = context.Process(target=_child, args=arguments, daemon=True)
    process.start()
    sender.close()
    return process, receiver


@dataclass
class _Running(Generic[J]):
    job: J
    process: multiprocessing.process.BaseProcess
    deadline: float


def run_each_in_own_process(
    function: Callable[[J], R],
    jobs: Sequence[J],
    max_workers: int | None = None,
    limits: Limits = Limits(),
    spare: bool = False,
) -> Iterator[tuple[J, R | WorkerCrash[J]]]:
    """Yield ``(job, result)`` as jobs finish, at most ``max_workers`` at a time;
    a job still running after ``limits.seconds`` is killed and yields a ``WorkerCrash``.
    With ``spare`` (``serve``), a worker is started ahead for the next call's first job."""
    context = _context()
    spare = spare and context.get_start_method() == "forkserver"  # a fork would copy the parent as it is then
    yield from _run(context, function, jobs, max_workers, limits, spare)
    if spare:
        _keep_a_spare(context)


def _run(
    context: multiprocessing.context.BaseContext,
    function: Callable[[J], R],
    jobs: Sequence[J],
    max_workers: int | None,
    limits: Limits,
    spare: bool,
) -> Iterator[tuple[J, R | WorkerCrash[J]]]:
    pending = list(reversed(jobs))
    running: dict[Connection, _Running[J]] = {}
    width = max(1, max_workers or default_jobs())
    while pending or running:
        while pending and len(running) < width:
            job = pending.pop()
            process, receiver = _start(context, function, job, limits, spare)
            running[receiver] = _Running(job, process, time.monotonic() + (limits.seconds or float("inf")))
        soonest = min(worker.deadline for worker in running.values())
        timeout = None if soonest == float("inf") else max(0.0, soonest - time.monotonic())
        for receiver in wait(list(running), timeout):
            worker = running.pop(receiver)
            yield worker.job, _collect(receiver, worker.process, worker.job)
        for receiver in [r for r, worker in running.items() if worker.deadline <= time.monotonic()]:
            worker = running.pop(receiver)
            _kill(worker.process)
            receiver.close()
            yield worker.job, WorkerCrash(worker.job, f"stopped after {limits.seconds} s", OVER_TIME)


def _kill(process: multiprocessing.process.BaseProcess) -> None:
    """The worker and whatever it started (Pagefind): its process group."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()  # not yet in its own group
    process.join()


def _collect(receiver: Connection, process: multiprocessing.process.BaseProcess, job: J) -> object:
    try:
        status, payload = receiver.recv()
    except EOFError:
        status, payload = "died", None
    finally:
        receiver.close()
    process.join()
    if status == "ok":
        return payload
    if status == "bug":
        return WorkerCrash(job, payload)
    if status == OVER_MEMORY:
        return WorkerCrash(job, "MemoryError", OVER_MEMORY)
    return WorkerCrash(job, f"worker process ended with exit code {process.exitcode}")


def start_in_own_process(
    function: Callable[..., object], *args: object
) -> multiprocessing.process.BaseProcess:
    """Run ``function(*args)`` beside the site builds (for I/O such as fetching feeds)."""
    process = _context().Process(target=function, args=args, daemon=True)
    process.start()
    return process
