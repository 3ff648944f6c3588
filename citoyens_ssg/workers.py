"""Running one function per job, each job in a process of its own.

Pelican keeps process-wide state (signal receivers, the locale, plugin
globals), so two sites must never share a process.  Workers are forked from
the parent, which has already imported Pelican, so no site pays the start-up;
when the parent runs threads (the dev server's watcher), forking is unsafe and
workers come from a fork server that has imported Pelican once.  A worker that dies without answering is reported
as such: its job fails, the others go on.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Generic, TypeVar

J = TypeVar("J")
R = TypeVar("R")


class WorkerCrash(Generic[J]):
    """What a job yields when its worker died or raised a bug."""

    def __init__(self, job: J, reason: str):
        self.job = job
        self.reason = reason


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


PRELOADED = ["pelican", "pelican.generators", "markdown", "citoyens_ssg.site_build", "citoyens_ssg.images", "feedgen.feed"]


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


def _child(function: Callable[[J], R], job: J, connection: Connection) -> None:
    try:
        connection.send(("ok", function(job)))
    except BaseException:  # a bug in the worker: hand the traceback to the parent
        connection.send(("bug", traceback.format_exc()))
    finally:
        connection.close()


def run_each_in_own_process(
    function: Callable[[J], R], jobs: Sequence[J], max_workers: int | None = None
) -> Iterator[tuple[J, R | WorkerCrash[J]]]:
    """Yield ``(job, result)`` as jobs finish, at most ``max_workers`` at a time."""
    context = _context()
    pending = list(reversed(jobs))
    running: dict[Connection, tuple[J, multiprocessing.process.BaseProcess]] = {}
    limit = max(1, max_workers or default_jobs())
    while pending or running:
        while pending and len(running) < limit:
            job = pending.pop()
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(function, job, sender), daemon=True)
            process.start()
            sender.close()
            running[receiver] = (job, process)
        for receiver in wait(list(running)):
            job, process = running.pop(receiver)
            yield job, _collect(receiver, process, job)


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
    return WorkerCrash(job, f"worker process ended with exit code {process.exitcode}")


def start_in_own_process(function: Callable[..., object], *args: object) -> multiprocessing.process.BaseProcess:
    """Run ``function(*args)`` beside the site builds (for I/O such as fetching feeds)."""
    process = _context().Process(target=function, args=args, daemon=True)
    process.start()
    return process
