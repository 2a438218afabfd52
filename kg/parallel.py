"""Tagging spread over worker processes (`jobs`) or a Dask cluster (`dask`), results in input order.

Only tagging leaves the client. Pages are read and decoded here and shipped
as text, so workers need no shared file system; tagged pages come back as
plain dataclasses; relations, resolution and outputs run on the client. The
result is therefore the same however the tagging was spread. A bounded
window of units in flight keeps memory flat however long the input is.
"""
from __future__ import annotations

import os
import threading
from collections import deque
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")

CONNECT_TIMEOUT = "10s"  # for the Dask scheduler


class ClusterError(Exception):
    """The Dask cluster cannot be reached or cannot run this version of kg."""


def usable_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _init_worker() -> None:
    """Pool initializer: one tagger thread per process (the pool fills the cores), model loaded once."""
    from . import lac, pipeline

    lac.THREADS = 1
    pipeline.nlp()


_DASK_LOCK = threading.Lock()


def _on_dask_worker(fn: Callable, work):
    """Run `fn` on a Dask worker: one unit at a time per process, the tagger given the worker's threads."""
    from . import lac

    with _DASK_LOCK:
        if lac.get_tagger.cache_info().currsize == 0:
            from distributed import get_worker

            lac.THREADS = max(1, get_worker().state.nthreads)
        return fn(work)


def _worker_version() -> str:
    from .cache import pipeline_version

    return pipeline_version()


def ordered_map(
    fn: Callable, tasks: Iterable[tuple[T, list]], jobs: int = 1, dask=None, ahead: Callable | None = None
) -> Iterator[tuple[T, list]]:
    """(tag, fn(work)) for each (tag, work), in input order; empty work is not sent anywhere.

    `jobs` > 1 runs fn in that many processes (0: one per usable core);
    `dask` is a scheduler address (tcp://host:port) or a distributed.Client.
    `ahead` is a first stage of fn: in this process it runs one unit ahead in
    a thread and fn(work, ahead(work)) finishes the unit.
    """
    with _executor(jobs, dask) as (submit, window):
        if submit is None:
            yield from _here(fn, tasks, ahead)
            return
        pending: deque = deque()
        for tag, work in tasks:
            pending.append((tag, submit(fn, work) if work else None))
            if len(pending) > window:
                yield _settle(pending.popleft())
        while pending:
            yield _settle(pending.popleft())


def _here(fn: Callable, tasks, ahead: Callable | None):
    """In this process. With `ahead`, a thread runs it on the next unit while fn finishes this
    one: the tagger's ONNX encoder releases the GIL, so it and the Python components share the cores."""
    if ahead is None:
        for tag, work in tasks:
            yield tag, (fn(work) if work else [])
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="kg-ahead") as thread:
        pending: deque = deque()
        for tag, work in tasks:
            pending.append((tag, work, thread.submit(ahead, work) if work else None))
            if len(pending) > 1:
                yield _finish(fn, *pending.popleft())
        while pending:
            yield _finish(fn, *pending.popleft())


def _finish(fn: Callable, tag, work, first):
    return tag, (fn(work, first.result()) if first is not None else [])


def _settle(entry):
    tag, future = entry
    return tag, (future.result() if future is not None else [])


@contextmanager
def _executor(jobs: int, dask):
    """(submit(fn, work) → future, window) for the chosen mode; (None, 1) for this process."""
    if dask is not None:
        with _dask_client(dask) as client:
            threads = sum(client.nthreads().values()) or 1

            def submit(fn, work):
                return client.submit(_on_dask_worker, fn, work, pure=False)

            yield submit, max(4, 2 * threads)
        return
    jobs = usable_cpus() if jobs <= 0 else jobs
    if jobs == 1:
        yield None, 1
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: a forked copy of a loaded ONNX session can deadlock
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker) as pool:
        yield pool.submit, 2 * jobs


@contextmanager
def _dask_client(dask):
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError("the Dask mode needs dask.distributed: pip install 'kg[dask]'") from None
    if isinstance(dask, Client):
        client, own = dask, False
    else:
        _check_address(str(dask))
        try:
            client = Client(str(dask), timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as e:
            msg = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise ClusterError(f"cannot reach the Dask scheduler at {dask} ({msg})") from None
        own = True
    try:
        _check_workers(client)
        yield client
    finally:
        if own:
            client.close()


def _check_address(address: str) -> None:
    """A malformed address is refused before a Client is made (a half-made one hangs on exit)."""
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        parse_host_port(location)
    except ValueError as e:
        raise ClusterError(f"{address}: not a Dask scheduler address like tcp://HOST:PORT ({e})") from None
    if scheme not in ("tcp", "tls"):
        raise ClusterError(f"{address}: not a Dask scheduler address like tcp://HOST:PORT")


def _check_workers(client) -> None:
    """Every worker must run the very pipeline the client runs, or the graph would depend on where a page went."""
    from .cache import pipeline_version

    if not client.nthreads():
        raise ClusterError(f"the Dask scheduler at {client.scheduler.address} has no workers")
    try:
        versions = client.run(_worker_version)
    except Exception as e:  # the worker could not import or run kg
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ClusterError(f"Dask workers cannot run kg ({type(e).__name__}: {msg}): pip install the same kg on every worker") from None
    mine = pipeline_version()
    odd = sorted(w for w, v in versions.items() if v != mine)
    if odd:
        raise ClusterError(f"Dask workers {', '.join(odd)} run another kg pipeline version: install the client's kg there")
