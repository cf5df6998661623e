"""The Dask engine: extraction on a Dask cluster, for corpora beyond one machine.

``kg build --engine dask --scheduler tcp://HOST:PORT`` sends batches of
documents to an existing cluster (``dask scheduler`` / ``dask worker``, or the
Kubernetes and YARN deployments Dask documents); ``--engine dask --workers N``
starts a ``LocalCluster`` of N single-threaded worker processes instead. Each
worker builds kg's pipeline once (on its first batch) and returns plain
records; the client takes the results in submission order, so the output is
byte-identical to the local engine's. Needs the ``dask`` extra:
``pip install "kg[dask]"``, on the client and on every worker.
"""
from __future__ import annotations

import logging
from typing import Iterable, Iterator

from kg.engine import Extraction, PipelineSpec, extract_batch, ordered_results
from kg.errors import KgError
from kg.records import Document

#: Seconds to wait for a scheduler to answer.
CONNECT_TIMEOUT = "10s"


class DaskEngineError(KgError):
    """Dask is not installed, or the scheduler cannot be reached."""


def _distributed():
    try:
        import distributed
    except ImportError as err:
        raise DaskEngineError('the dask engine needs Dask: pip install "kg[dask]"') from err
    return distributed


class DaskEngine:
    """Batches of documents as tasks on a Dask cluster, results in input order."""

    def __init__(self, spec: PipelineSpec, scheduler: str | None = None, workers: int = 1) -> None:
        distributed = _distributed()
        self.spec = spec
        self.cluster = None
        try:
            if scheduler:
                self.client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
            else:
                self.cluster = distributed.LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                    dashboard_address=None, silence_logs=logging.ERROR,
                )
                self.client = distributed.Client(self.cluster, set_as_default=False)
        except (OSError, TimeoutError) as err:
            self.close()
            raise DaskEngineError(f"cannot reach the Dask scheduler {scheduler}: {err}") from err
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)

    def map(self, documents: Iterable[Document]) -> Iterator[Extraction]:
        """Extractions of ``documents`` in the same order."""

        def submit(batch: list[Document]):
            # pure=False: two batches with the same texts are still two tasks
            return self.client.submit(extract_batch, self.spec, batch, pure=False)

        return ordered_results(submit, documents, 2 * self.workers + 1)

    def close(self) -> None:
        """Disconnect; stop the LocalCluster if this engine started one."""
        if getattr(self, "client", None) is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
