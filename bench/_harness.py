"""Shared benchmark harness: start a real `cocreate serve`, drive it with concurrent keep-alive clients,
and report client-side throughput and latency beside server-side latency read from the access log.

Server-side figures come from the `duration_ms` field of the JSON access log, so they exclude the load
generator's own cost (which matters on a 2-core machine where client and server share the CPU).
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(workers: int = 2, env: dict[str, str] | None = None) -> Iterator[tuple[str, Path]]:
    """Serve the current database (DATABASE_URL or COCREATE_DATA) on a free port; yield (base URL, log)."""
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="cocreate-bench-", suffix=".log")[1])
    child_env = {**os.environ, **(env or {}), "COCREATE_LOG_FORMAT": "json", "COCREATE_LOG_LEVEL": "INFO"}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cocreate", "serve", "--port", str(port), "--workers", str(workers)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=child_env,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError(f"server did not start; see {log}")
        yield base, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@dataclass
class LoadResult:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float] = field(repr=False, default_factory=list)
    server_ms: list[float] = field(repr=False, default_factory=list)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def row(self) -> dict[str, object]:
        return {
            "scenario": self.name,
            "requests": self.requests,
            "errors": self.errors,
            "req/s": round(self.throughput, 1),
            "client p50 ms": round(percentile(self.latencies_ms, 50), 2),
            "client p99 ms": round(percentile(self.latencies_ms, 99), 2),
            "server p50 ms": round(percentile(self.server_ms, 50), 2),
            "server p95 ms": round(percentile(self.server_ms, 95), 2),
            "server p99 ms": round(percentile(self.server_ms, 99), 2),
        }


def drive(
    base_url: str,
    name: str,
    make_request: Callable[[int], tuple[str, str, bytes | None, dict[str, str]]],
    *,
    concurrency: int,
    seconds: float,
    max_requests: int = 1_000_000,
    ok: Callable[[int], bool] = lambda status: status < 400,
) -> LoadResult:
    """`concurrency` threads, each on its own keep-alive connection, loop for `seconds` (bounded)."""
    host, port = base_url.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors = [0]
    count = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker(worker_id: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        local: list[float] = []
        n = 0
        while time.perf_counter() < stop_at:
            with lock:
                if count[0] >= max_requests:
                    break
                count[0] += 1
                seq = count[0]
            method, path, body, headers = make_request(seq)
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                good = ok(response.status)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
                good = False
            local.append((time.perf_counter() - started) * 1000)
            n += 1
            if not good:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(local)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return LoadResult(
        name=name, requests=len(latencies), errors=errors[0], seconds=elapsed, latencies_ms=latencies
    )


def server_durations(log: Path, path_prefix: str, since_line: int = 0) -> tuple[list[float], int]:
    """Server-side durations for requests whose path starts with `path_prefix`, from the access log."""
    durations: list[float] = []
    lines = log.read_text(errors="replace").splitlines()
    for line in lines[since_line:]:
        if not line.startswith("{"):
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("logger") == "cocreate.access" and str(entry.get("path", "")).startswith(path_prefix):
            durations.append(float(entry["duration_ms"]))
    return durations, len(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def print_table(rows: list[dict[str, object]]) -> None:
    if not rows:
        return
    headers = list(rows[0])
    widths = [max(len(h), *(len(str(r[h])) for r in rows)) for h in headers]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(str(r[h]).ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
