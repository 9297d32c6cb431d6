"""A glassy corr result opened with h5py the way pyXpcsViewer reads it (APS 8-ID layout)."""
import os
import subprocess

import h5py
import numpy as np
import pytest

GLASSY = os.environ.get("GLASSY_CLI", "glassy")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    d = tmp_path_factory.mktemp("layout")
    frames, out = d / "tiny.h5", d / "result.h5"
    subprocess.run([GLASSY, "--quiet", "synth", "--preset", "tiny", "--frames", "400", "--out", str(frames)], check=True)
    subprocess.run([GLASSY, "--quiet", "corr", str(frames), "--out", str(out), "--dynamic-q", "2", "--static-q", "4",
                    "--window-s", "100"], check=True)
    return out


def test_qmap_group(result):
    with h5py.File(result, "r") as f:
        dq = f["xpcs/qmap/dynamic_roi_map"][()]
        sq = f["xpcs/qmap/static_roi_map"][()]
        assert dq.shape == (48, 48) and sq.shape == (48, 48)
        assert dq.max() == 2 and sq.max() == 4 and dq.min() >= 0
        q = f["xpcs/qmap/dynamic_v_list_dim0"][()]
        assert q.shape == (2,) and 2.5 < q[0] < q[1] < 2.8  # the paper's wide-angle geometry
        assert list(f["xpcs/qmap/dynamic_num_pts"][()]) == [2, 1]
        # every static bin nests in one dynamic bin
        for s in range(1, 5):
            assert len(np.unique(dq[sq == s])) == 1


def test_multitau_group(result):
    with h5py.File(result, "r") as f:
        delay = f["xpcs/multitau/delay_list"][()]
        g2 = f["xpcs/multitau/normalized_g2"][()]
        err = f["xpcs/multitau/normalized_g2_err"][()]
        assert g2.shape == (delay.size, 2) and err.shape == g2.shape
        assert np.all(np.diff(delay) > 0)
        assert np.all(g2[0] > 1.1) and np.all(np.abs(g2[-1] - 1) < 0.05)  # tiny: contrast 0.3, tau 15 s
        assert f["xpcs/multitau/unnormalized_G2"].shape == (3, delay.size, 4)


def test_twotime_group(result):
    with h5py.File(result, "r") as f:
        c2 = f["xpcs/twotime/correlation_map/c2_00001"][()]
        assert c2.shape == (400, 400)
        assert np.allclose(c2, c2.T, equal_nan=True)
        off = np.diagonal(c2, 1)
        assert 1.1 < np.nanmean(off) < 1.35
        g2 = f["xpcs/twotime/normalized_g2"][()]
        assert g2.shape[1] == 2
        assert list(f["xpcs/twotime/processed_bins"][()]) == [1, 2]


def test_means_and_glassy_band(result):
    with h5py.File(result, "r") as f:
        ivt = f["xpcs/spatial_mean/intensity_vs_time"][()]
        assert ivt.shape == (2, 400) and abs(ivt[1].mean() - 2.0) < 0.1
        assert f["xpcs/temporal_mean/scattering_2d"].shape == (1, 48, 48)
        assert f["xpcs/temporal_mean/scattering_1d"].shape == (1, 4)
        band = f["glassy/corr/band"]
        nw = band["t_a"].shape[0]
        assert band["g2"].shape == (2, nw, band["lag"].shape[0])
        assert band["g2_0"].shape == (2, nw)
        assert f["entry/instrument/detector_1/frame_time"][0] == 1.0
