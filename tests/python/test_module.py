"""The pybind11 module `glassy` against independent references: closed forms of the
Mittag-Leffler function, a KWW fit of known parameters, the generator's truth after correlation,
and h5py reading the same frames file. Skipped where the module was not built."""
import json
import math
import threading
import time

import numpy as np
import pytest

glassy = pytest.importorskip("glassy")
h5py = pytest.importorskip("h5py")

glassy.set_quiet(True)


# --- Mittag-Leffler --------------------------------------------------------------------------

def test_ml_alpha_one_is_exp():
    x = np.linspace(-30, 5, 200)
    np.testing.assert_allclose(glassy.mittag_leffler(1.0, 1.0, x), np.exp(x), rtol=1e-13)


def test_ml_half_is_scaled_erfc():
    # E_{1/2}(-x) = exp(x^2) erfc(x); math.erfc is an independent implementation.
    x = np.linspace(0, 6, 121)
    ref = np.array([math.exp(v * v) * math.erfc(v) for v in x])
    got = glassy.mittag_leffler(0.5, 1.0, -x)
    assert got.shape == x.shape and got.dtype == np.float64
    np.testing.assert_allclose(got, ref, rtol=1e-12)


def test_ml_alpha_two_is_cos():
    x = np.linspace(0, 8, 81)
    got = glassy.mittag_leffler(2.0, 1.0, -x * x)
    np.testing.assert_allclose(got, np.cos(x), rtol=1e-12, atol=1e-13)


def test_ml_complex_and_scalars_and_shape():
    z = np.array([[0.3 + 0.4j, -1.0 + 2.0j], [2.0 - 1.0j, -5.0 + 0.0j]])
    got = glassy.mittag_leffler(1.0, 1.0, z)
    assert got.shape == (2, 2) and np.iscomplexobj(got)
    np.testing.assert_allclose(got, np.exp(z), rtol=1e-13)
    assert isinstance(glassy.mittag_leffler(1.0, 1.0, 0.5), float)
    assert abs(glassy.mittag_leffler(1.0, 1.0, 0.5) - math.exp(0.5)) < 1e-14
    c = glassy.mittag_leffler(1.0, 1.0, 1j)
    assert isinstance(c, complex) and abs(c - complex(math.cos(1), math.sin(1))) < 1e-14
    # Lists and integer arrays are accepted (converted to float64).
    np.testing.assert_allclose(glassy.mittag_leffler(1.0, 1.0, [0, 1]), [1.0, math.e], rtol=1e-14)


def test_ml_relaxation_matches_ml():
    t = np.array([0.0, 0.5, 2.0])
    np.testing.assert_allclose(glassy.mittag_leffler_relaxation(0.5, t),
                               glassy.mittag_leffler(0.5, 1.0, -np.sqrt(t)), rtol=1e-14)


def test_ml_bad_alpha_raises_glassy_error():
    with pytest.raises(glassy.Error, match="alpha") as e:
        glassy.mittag_leffler(3.0, 1.0, np.ones(4))
    assert isinstance(e.value, ValueError)
    assert "\n" not in str(e.value)


# --- fits ------------------------------------------------------------------------------------

def test_kww_fit_recovers_known_parameters():
    rng = np.random.default_rng(7)
    tau, beta = 12.0, 0.65
    t = np.logspace(-1, 2.3, 60)
    sigma = np.full_like(t, 0.01)
    y = np.exp(-2 * (t / tau) ** beta) + rng.normal(0, 0.01, t.size)
    r = glassy.fit("kww", t, y, sigma=sigma)
    assert r["ok"], r["reason"]
    assert r["names"] == ["tau", "beta"]
    assert abs(r["values"]["tau"] - tau) < 4 * r["errors"]["tau"]
    assert abs(r["values"]["beta"] - beta) < 4 * r["errors"]["beta"]
    assert 0.5 < r["chi2_red"] < 1.6
    mean = tau / beta * math.gamma(1 / beta)
    assert abs(r["mean_time"] - mean) < 4 * r["mean_time_error"]
    assert r["aicc"] > r["aic"] and r["residual"].shape == t.shape
    assert r["covariance"].shape == (2, 2)


def test_fit_fixed_and_free_baseline():
    t = np.logspace(-1, 2, 40)
    y = 1.0 + 0.2 * np.exp(-2 * (t / 5.0) ** 0.8)
    r = glassy.fit("kww", t, y, fixed={"baseline": 1.0}, free_baseline=True)
    assert r["ok"], r["reason"]
    assert r["fixed"]["baseline"] and r["errors"]["baseline"] == 0
    assert abs(r["values"]["contrast"] - 0.2) < 1e-6
    assert abs(r["values"]["tau"] - 5.0) < 1e-4


def test_fit_bad_data_is_not_an_exception_but_bad_names_are():
    r = glassy.fit("kww", [1.0, 2.0], [0.5, 0.4])
    assert not r["ok"] and r["reason"]
    with pytest.raises(glassy.Error, match="nosuch"):
        glassy.fit("nosuch", [1.0, 2.0, 3.0], [1.0, 0.5, 0.2])
    with pytest.raises(glassy.Error):
        glassy.fit("kww", np.logspace(0, 2, 10), np.ones(10), fixed={"gamma": 1.0})


def test_power_law_mle():
    rng = np.random.default_rng(3)
    alpha = 2.5
    x = (1 - rng.random(5000)) ** (-1 / (alpha - 1))  # continuous, xmin = 1
    r = glassy.fit_power_law(x, xmin=1.0, n_boot=0)
    assert r["ok"], r["reason"]
    assert abs(r["alpha"] - alpha) < 4 * r["alpha_error"]
    assert r["p_value"] is None and r["n"] == 5000


# --- synthetic frames, reading, correlation --------------------------------------------------

TAU, BETA, CONTRAST = 10.0, 0.7, 0.3


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    path = tmp_path_factory.mktemp("module") / "tiny.h5"
    s = glassy.synth("tiny", out=str(path), frames=900, tau=TAU, beta=BETA, contrast=CONTRAST,
                     seed=5, compression="none")
    assert s["frames_written"] == 900 and (s["height"], s["width"]) == (48, 48)
    assert s["params"]["tau0"] == TAU
    return path


def test_open_frames_reads_what_h5py_reads(frames):
    f = glassy.open_frames(str(frames))
    info = f.info
    with h5py.File(frames, "r") as h:
        ref = h["entry/data/data"][100:105]
    assert (info.frames, info.height, info.width) == (900, 48, 48)
    assert info.frame_time == 1.0 and len(f) == 900
    np.testing.assert_allclose(info.timestamps[:3], [0.0, 1.0, 2.0])
    block = f.read(100, 5)
    assert block.dtype == np.float32 and block.shape == (5, 48, 48)
    np.testing.assert_array_equal(block, ref.astype(np.float32))
    offsets, pixel, counts = f.read_sparse(100, 2)
    first = np.zeros(48 * 48)
    first[pixel[offsets[0]:offsets[1]]] = counts[offsets[0]:offsets[1]]
    np.testing.assert_array_equal(first.reshape(48, 48), ref[0])


def test_open_frames_errors(frames, tmp_path):
    # A missing file is an OSError (glassy.FileError), still a glassy.Error; a bad value is a
    # ValueError but not an OSError.
    with pytest.raises(OSError, match="missing.h5") as e:
        glassy.open_frames(str(tmp_path / "missing.h5"))
    assert isinstance(e.value, glassy.FileError) and isinstance(e.value, glassy.Error)
    assert isinstance(e.value, ValueError)
    damaged = tmp_path / "damaged.h5"
    damaged.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(64))
    with pytest.raises(glassy.Error) as e:
        glassy.open_frames(str(damaged))
    assert not isinstance(e.value, OSError)  # there, but damaged: a format error
    with pytest.raises(glassy.Error, match="run past"):
        glassy.open_frames(str(frames)).read(899, 5)


def test_synth_rejects_unknown_and_impossible_parameters(tmp_path):
    with pytest.raises(glassy.Error, match="colour"):
        glassy.synth("tiny", out=str(tmp_path / "x.h5"), colour="red")
    with pytest.raises(glassy.Error) as e:
        glassy.synth("tiny", out=str(tmp_path / "x.h5"), contrast=5.0)
    assert isinstance(e.value, ValueError) and not isinstance(e.value, OSError)
    with pytest.raises(OSError, match="folder"):
        glassy.synth("tiny", out=str(tmp_path / "no" / "x.h5"))


def test_correlate_recovers_lag_one_truth(frames):
    c = glassy.correlate(str(frames), window_s=300, map_size=128)
    lag, g2, err = c["onetime"]["lag"], c["onetime"]["g2"], c["onetime"]["g2_err"]
    assert lag[0] == 1.0 and g2.shape == (1, lag.size)
    truth = 1 + CONTRAST * math.exp(-2 * (1 / TAU) ** BETA)
    assert abs(g2[0, 0] - truth) < 5 * err[0, 0]
    m = c["twotime"]["map"]
    assert m.shape == (1, 128, 128) and m.dtype == np.float32
    np.testing.assert_allclose(m[0], m[0].T, equal_nan=True)  # the map is symmetric
    band = c["band"]
    assert band["g2"].shape == (1, band["t_a"].size, band["lag"].size) == (1, 3, band["lag"].size)
    assert np.all(np.abs(c["g2_0"][0] - truth) < 5 * c["g2_0_err"][0])
    mt = c["multitau"]
    assert mt["delay_frames"][0] == 1 and mt["g2"].shape == (1, mt["delay"].size)
    assert abs(mt["g2"][0, 0] - truth) < 0.02


def test_multitau_alone(frames):
    mt = glassy.multitau(str(frames), dynamic_q=2, static_q=4)
    assert mt["g2"].shape == (2, mt["delay"].size)
    np.testing.assert_array_equal(mt["delay_frames"][:8], np.arange(1, 9))


def test_correlate_unknown_option_raises(frames):
    with pytest.raises(glassy.Error, match="windw_s") as e:
        glassy.correlate(str(frames), windw_s=100)
    assert "window_s" in str(e.value)  # the known names, from the option table


def test_options_come_from_the_table_with_its_ranges(frames, tmp_path):
    # Out of range: ValueError naming the field (the same check the CLI runs), before any work.
    for key, value in [("window_s", -5.0), ("per_decade", 0), ("hot_sigma", -1.0),
                       ("max_lag_s", 0.0), ("map_size", 10**9)]:
        with pytest.raises(glassy.Error, match=key) as e:
            glassy.correlate(str(frames), **{key: value})
        assert not isinstance(e.value, OSError)
    with pytest.raises(glassy.Error, match="event_sigma"):
        glassy.analyse_aging(str(frames), event_sigma=0.0)
    # None turns an optional option off; the docstring states every table field with its default.
    c = glassy.correlate(str(frames), max_lag_s=None, multitau=False, map_size=0)
    assert c["band"]["lag"][-1] > 0
    for key in ("window_s", "per_decade", "map_size", "hot_sigma", "max_lag_s"):
        assert key + ":" in glassy.correlate.__doc__
    for key in ("event_sigma", "regime_penalty", "pearson_windows", "window_s"):
        assert key + ":" in glassy.analyse_aging.__doc__


def test_output_never_replaces_the_input(frames):
    before = frames.read_bytes()
    with pytest.raises(OSError, match="is the input"):
        glassy.correlate(str(frames), out=str(frames))
    with pytest.raises(OSError, match="is the input"):
        glassy.analyse_aging(str(frames), out=str(frames))
    assert frames.read_bytes() == before


def test_qmap_geometry():
    # Small-angle, beam at the centre: q grows with distance from it and phi turns around it.
    m = glassy.qmap(8.0, 5.0, 75e-6, 50.0, 40.0, 0.0, 81, 101)
    q, phi = m["q"], m["phi"]
    assert q.shape == (81, 101) and phi.shape == (81, 101)
    assert q[40, 50] < 1e-3 and q[40, 100] > q[40, 75] > q[40, 50]
    lam = 12.398419843320026 / 8.0
    two_theta = math.atan(50 * 75e-6 / 5.0)
    assert abs(q[40, 100] - 4 * math.pi / lam * math.sin(two_theta / 2)) < 1e-9 * q[40, 100] + 1e-6


def test_analyse_aging_and_report(frames, tmp_path):
    out = tmp_path / "aging.h5"
    r = glassy.analyse_aging(str(frames), window_s=300, map_size=128, out=str(out))
    n = r["t_a"].size
    assert n == 3 and r["g2"].shape == (n, r["lag"].size) and r["g2_0"].shape == (n,)
    kww = r["kww"]
    assert kww["ok"].dtype == bool and kww["tau"].shape == (n,)
    ok = kww["ok"]
    assert ok.sum() >= 2
    assert np.all(np.abs(kww["tau"][ok] - TAU) < 5 * kww["tau_err"][ok] + 0.1 * TAU)
    assert r["regimes"] and {"start", "end", "label"} <= set(r["regimes"][0])
    assert isinstance(r["events"], list) and r["onetime"]["preferred"] in ("kww", "ml", "undecided")
    assert out.exists()
    with h5py.File(out, "r") as f:
        assert "glassy/aging" in f
        p = json.loads(f["glassy/provenance"][()])
    assert p["command"] == "python: glassy.analyse_aging"
    assert p["inputs"][0]["path"] == str(frames.resolve())
    assert p["inputs"][0]["size_bytes"] == frames.stat().st_size
    assert p["options"]["corr"]["window_s"] == 300 and p["options"]["corr"]["map_size"] == 128
    html = tmp_path / "report.html"
    try:
        glassy.write_report(str(out), str(html))
    except glassy.Error as e:  # plotly.js not installed here: the message says so
        assert "plotly" in str(e).lower()
        return
    assert html.stat().st_size > 1000


def test_long_calls_release_the_gil(tmp_path):
    # A Python thread keeps counting while synth() runs (about a second) in this one.
    ticks = []
    done = threading.Event()

    def count():
        while not done.is_set():
            ticks.append(1)
            time.sleep(0.001)

    worker = threading.Thread(target=count)
    worker.start()
    start = time.perf_counter()
    glassy.synth("tiny", out=str(tmp_path / "gil.h5"), frames=300, compression="none")
    elapsed = time.perf_counter() - start
    done.set()
    worker.join()
    # Holding the GIL would leave the counter at a tick or two whatever the duration.
    if elapsed > 0.2:
        assert len(ticks) > 0.1 * elapsed / 0.001
