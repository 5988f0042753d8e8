"""Prometheus exposition, aggregated across processes in multiprocess mode."""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess


def render_metrics(multiprocess_dir: str | None) -> bytes:
    """With PROMETHEUS_MULTIPROC_DIR set, every worker's counters are summed."""
    if multiprocess_dir:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=multiprocess_dir)  # type: ignore[no-untyped-call]  # reason: prometheus_client is untyped here
        return generate_latest(registry)
    return generate_latest(REGISTRY)
