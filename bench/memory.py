"""Benchmark 7: peak memory of a process, from the kernel's own record."""

from __future__ import annotations

from pathlib import Path


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident set size since it started (`VmHWM`), in MiB.

    The kernel keeps this high-water mark itself, so no sampling can miss a
    short peak; it covers the process only, not its children.
    """
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")
