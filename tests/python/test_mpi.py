"""`mpirun -np N glassy corr|age`: the rows of two-time tiles shared over MPI ranks (corr/row_fold)
give files equal to a single process's to the last bit, for 1, 2 and 3 ranks (oversubscribed on a
small machine), on the sparse and the dense path, with a beam loss and an event in the run; rank 0
alone prints and writes; a bad input is still one line and exit code 2. Skipped without mpirun."""
import json
import os
import shutil
import subprocess

import h5py
import numpy as np
import pytest

GLASSY = os.environ.get("GLASSY_CLI", "glassy")
MPIRUN = shutil.which("mpirun")

pytestmark = pytest.mark.skipif(MPIRUN is None, reason="mpirun is not installed (mpi-default-bin)")


def mpirun(ranks, *args):
    cmd = [MPIRUN, "--oversubscribe", "-np", str(ranks)]
    if os.geteuid() == 0:
        cmd.insert(1, "--allow-run-as-root")  # CI containers run as root
    return subprocess.run(cmd + [GLASSY, "--quiet", *map(str, args)], capture_output=True,
                          text=True, timeout=300)


def single(*args):
    return subprocess.run([GLASSY, "--quiet", *map(str, args)], capture_output=True, text=True,
                          check=True, timeout=300)


def datasets(path):
    """Every dataset and attribute, by name."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            # The provenance records the command line and the times: the one place runs differ.
            if name.startswith("glassy/provenance"):
                return
            if isinstance(obj, h5py.Dataset):
                out[name] = obj[()]
            for key, value in obj.attrs.items():
                out[f"{name}@{key}"] = value
        f.visititems(visit)
    return out


def assert_same_bits(want_path, got_path):
    want, got = datasets(want_path), datasets(got_path)
    assert sorted(want) == sorted(got)
    differ = []
    for name, a in want.items():
        b = got[name]
        if isinstance(a, np.ndarray):
            same = a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
        else:
            same = np.asarray(a).tobytes() == np.asarray(b).tobytes()
        if not same:
            differ.append(name)
    assert not differ, f"{got_path.name} differs from one process in {differ}"


@pytest.fixture(scope="module")
def d(tmp_path_factory):
    return tmp_path_factory.mktemp("mpi")


@pytest.fixture(scope="module")
def frames(d):
    out = {}
    # Photon-starved (sparse path) with a beam loss and an intermittent event; and bright (dense).
    out["sparse"] = d / "sparse.h5"
    single("synth", "--preset", "tiny", "--frames", 2600, "--frame-time", 0.5, "--shape", 40, 40,
           "--rate", 0.05, "--gap", "400:430", "--jump-at", "800:0.6", "--out", out["sparse"])
    out["dense"] = d / "dense.h5"
    single("synth", "--preset", "tiny", "--frames", 1100, "--frame-time", 0.5, "--shape", 24, 24,
           "--rate", 2, "--out", out["dense"])
    return out


@pytest.mark.parametrize("path", ["sparse", "dense"])
def test_corr_on_one_two_and_three_ranks_equals_one_process(d, frames, path):
    one = d / f"corr_{path}_single.h5"
    printed = single("corr", frames[path], "--out", one, "--path", path, "--window-s", 100)
    assert printed.stdout.startswith("wrote ")
    for ranks in (1, 2, 3):
        out = d / f"corr_{path}_{ranks}.h5"
        r = mpirun(ranks, "corr", frames[path], "--out", out, "--path", path, "--window-s", 100)
        assert r.returncode == 0, r.stderr
        assert r.stdout.count("wrote ") == 1, r.stdout  # rank 0 alone reports
        assert_same_bits(one, out)
        with h5py.File(out, "r") as f:
            assert json.loads(f["glassy/provenance"][()])["mpi_ranks"] == ranks
    # No rank left a temporary or a checkpoint behind.
    assert not [p.name for p in d.iterdir() if ".tmp" in p.name or "checkpoint" in p.name]


def test_age_on_three_ranks_equals_one_process(d, frames):
    """The aging analysis after the shared correlation (event search, the pairs straddling the
    beam loss removed in a second pass, fits) runs on every rank from the same tables."""
    one = d / "age_single.h5"
    single("age", frames["sparse"], "--out", one, "--window-s", 100, "--csv-dir", d)
    out = d / "age_3.h5"
    r = mpirun(3, "age", frames["sparse"], "--out", out, "--window-s", 100, "--csv-dir", d)
    assert r.returncode == 0, r.stderr
    assert_same_bits(one, out)
    with h5py.File(out, "r") as f:  # the beam loss cut the band: the second pass ran
        assert list(f["glassy/corr/state"].attrs["straddle_cut_times"]) == [430.0]


def test_bad_input_under_mpirun_is_one_line_and_exit_code_2(d):
    r = mpirun(2, "corr", d / "missing.h5", "--out", d / "never.h5")
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert r.stderr.count("glassy: error:") == 1, r.stderr
    assert not (d / "never.h5").exists()
