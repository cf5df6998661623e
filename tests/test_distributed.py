"""The Dask engine on a LocalCluster on loopback: the same bytes as the local engine."""
import pytest


distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")


@pytest.fixture(scope="module")
def scheduler():
    """A two-worker LocalCluster on 127.0.0.1; its tcp:// address."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
        silence_logs=40,
    ) as cluster:
        yield cluster.scheduler_address


@pytest.mark.parametrize("name", ["corpus", "un"])
def test_dask_cluster_writes_the_same_files_as_the_local_engine(name, scheduler, corpus_inputs, reference_build, build_files, tmp_path):
    assert scheduler.startswith("tcp://127.0.0.1:")
    assert build_files(corpus_inputs(name), tmp_path, engine="dask", scheduler=scheduler) == reference_build(name)


def test_unreachable_scheduler_is_a_clear_error(tmp_path, repo, monkeypatch):
    from kg import distributed as kg_distributed
    from kg.build import build
    from kg.distributed import DaskEngineError

    monkeypatch.setattr(kg_distributed, "CONNECT_TIMEOUT", "1s")

    with pytest.raises(DaskEngineError, match="cannot reach the Dask scheduler tcp://127.0.0.1:9"):
        build([repo / "corpus"], out=tmp_path, engine="dask", scheduler="tcp://127.0.0.1:9")
