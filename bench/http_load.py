"""HTTP load against the real server: wrk when it is installed, else a Python generator
with the same shape (keep-alive connections, a fixed duration), so the ratios hold."""

import http.client
import re
import shutil
import subprocess
import tempfile
import threading
import time
from datetime import date
from urllib.parse import urlsplit

CONNECTIONS = 16
SECONDS = 3


def connect(base: str) -> http.client.HTTPConnection:
    """A keep-alive connection to the server at ``base``."""
    parts = urlsplit(base)
    return http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)


def requests_per_second(base: str, paths: list[str], headers: dict[str, str] | None = None) -> float:
    """Throughput for GETs cycling through ``paths``."""
    if shutil.which("wrk"):
        return _wrk(base, paths, headers or {})
    return _python(base, paths, headers or {})


def _wrk(base: str, paths: list[str], headers: dict[str, str]) -> float:
    quoted = ", ".join(f'"{path}"' for path in paths)
    header_lines = "".join(f'wrk.headers["{name}"] = [[{value}]]\n' for name, value in headers.items())
    script = f"""
local paths = {{{quoted}}}
local i = 0
{header_lines}
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
"""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script)
        lua.flush()
        command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "-s", lua.name, base]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise RuntimeError(f"{non_2xx.group(1)} failed requests during the benchmark:\n{output}")
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not found:
        raise RuntimeError(f"wrk said nothing usable:\n{output}")
    return float(found.group(1))


def _python(base: str, paths: list[str], headers: dict[str, str]) -> float:
    deadline = time.monotonic() + SECONDS
    counts = [0] * CONNECTIONS

    def client(index: int) -> None:
        connection = connect(base)
        while time.monotonic() < deadline:
            connection.request("GET", paths[counts[index] % len(paths)], headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status >= 400:
                raise RuntimeError(f"{response.status} during the benchmark")
            counts[index] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CONNECTIONS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started)


def latencies(base: str, path: str, days: list[date]) -> list[float]:
    """Milliseconds for each of ``path`` formatted with each day, one after another on one
    connection; a day not asked before is an answer not cached."""
    connection = connect(base)
    times = []
    for day in days:
        started = time.perf_counter()
        connection.request("GET", path.format(day))
        response = connection.getresponse()
        response.read()
        times.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise RuntimeError(f"{path.format(day)}: {response.status}")
    connection.close()
    return times


def percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, len(ordered) * percent // 100)]
