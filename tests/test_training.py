"""Every model's training script, as a dry run (SPEC.dry_runs, conftest.dry_run): it writes
weights that load strictly into the tab's net, a log the About panel plots, and a checkpoint a
finished run resumes from. What a tab's training does beyond that, its own tests check on the
same runs."""

import pytest
import torch

from models import MODELS, get_spec
from models.common.cards import read_log
from models.common.weights import read_meta


@pytest.mark.parametrize("name", MODELS)
def test_a_dry_run_writes_weights_the_tab_loads_a_log_and_a_resumable_checkpoint(
    name, dry_run, monkeypatch, fresh_cache
):
    spec = get_spec(name)
    root, last_run = dry_run(name)
    written = sorted((root / name).glob("*.safetensors"))
    assert written, f"{name}: the dry runs wrote no weights"
    monkeypatch.setenv("GALLERY_WEIGHTS_DIR", str(root))
    for path in written:
        assert read_meta(path)["train"]["dry_run"] is True  # never taken for a real run
        net = spec.load(path.stem, device=torch.device("cpu"), dtype=torch.float32)  # strict
        assert all(torch.isfinite(p).all() for p in net.parameters())
    logs = sorted((root / name).glob("*.log.jsonl"))
    assert logs and all(read_log(log) for log in logs), f"{name}: no training log rows"
    rows = {log: len(read_log(log)) for log in logs}
    threads = torch.get_num_threads()
    try:
        spec.entry_point("train")([*last_run, "--resume"])  # finished: nothing left to train
    finally:
        torch.set_num_threads(threads)
    assert {log: len(read_log(log)) for log in logs} == rows
