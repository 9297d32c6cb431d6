"""glassy.md (the MD analyses on numpy arrays) against references made here: hop times planted in
a synthetic trajectory, the Voronoi cells of a perfect fcc crystal (rhombic dodecahedra,
<0,12,0,0>), a frozen configuration whose speckle never changes, and h5py reading the files.
Skipped where the module was not built."""
import os
import subprocess
import sys

import numpy as np
import pytest

glassy = pytest.importorskip("glassy")
h5py = pytest.importorskip("h5py")
glassy.set_quiet(True)


def hopping_run(atoms=200, snapshots=400, seed=3):
    """Atoms on a lattice with small vibrations, each hopping 1.5 sigma along x at known times."""
    rng = np.random.default_rng(seed)
    site = np.stack(np.meshgrid(np.arange(6), np.arange(6), np.arange(6), indexing="ij"), -1)
    site = 2.0 * site.reshape(-1, 3)[:atoms].astype(float)
    hops = [np.sort(rng.choice(np.arange(20, snapshots - 20, 25), size=rng.integers(0, 4),
                               replace=False)) for _ in range(atoms)]
    pos = np.empty((snapshots, atoms, 3))
    for i in range(atoms):
        shift = np.zeros(snapshots)
        for h in hops[i]:
            shift[h:] += 1.5
        pos[:, i, :] = site[i]
        pos[:, i, 0] += shift
    pos += rng.normal(0, 0.03, pos.shape)
    return pos, hops


def test_md_loads_on_first_use_only():
    code = ("import glassy, sys\n"
            "maps = open('/proc/self/maps').read()\n"
            "assert 'liblammps' not in maps, 'import glassy loaded LAMMPS'\n"
            "from glassy import md\n"
            "assert 'liblammps' in open('/proc/self/maps').read()\n"
            "import glassy.md\n"
            "assert glassy.md is md and sys.modules['glassy.md'] is md\n")
    r = subprocess.run([sys.executable, "-c", code], env=os.environ.copy(), capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr


def test_read_gives_both_tg_of_a_glass(tmp_path):
    """A small quench made by the command line: read() gives the two-line and the fictive Tg as
    the file stores them (h5py on /md/tg's JSON)."""
    import json
    out = str(tmp_path / "g.h5")
    cli = os.environ.get("GLASSY_CLI", "glassy")
    subprocess.run([cli, "-q", "md", "prepare", "--atoms", "250", "--cooling-rate", "0.02",
                    "--melt-time", "5", "--out", out], check=True, capture_output=True, timeout=300)
    g = glassy.md.read(out)["glass"]
    with h5py.File(out, "r") as f:
        stored = json.loads(f["md/tg"].attrs["estimate"])
    assert g["tg"] == pytest.approx(stored["tg"], rel=1e-12)
    assert g["fictive_tg"] == pytest.approx(stored["fictive"]["tg"], rel=1e-12)
    assert g["fictive_tg_err"] > 0
    assert 0.2 < g["fictive_tg"] < 0.9


def test_read_gives_a_temperature_series(tmp_path):
    """`glassy md study` on a tiny glass at two absolute temperatures: read() gives the table and
    the hottest run's g2 as h5py reads them, the summary as dicts."""
    import json
    cli = os.environ.get("GLASSY_CLI", "glassy")
    glass, study = str(tmp_path / "g.h5"), str(tmp_path / "s.h5")
    subprocess.run([cli, "-q", "md", "prepare", "--atoms", "128", "--cooling-rate", "0.5",
                    "--melt-time", "2", "--t-end", "0.3", "--out", glass], check=True,
                   capture_output=True, timeout=300)
    subprocess.run([cli, "-q", "md", "study", glass, "--temperatures", "0.6", "0.8", "--time", "20",
                    "--every", "100", "--n-boot", "5", "--xpcs-all", "--out", study], check=True,
                   capture_output=True, timeout=300)
    s = glassy.md.read(study)["study"]
    assert s["labels"] == ["0.6", "0.8"]
    assert s["compared"] == "exchange"
    with h5py.File(study, "r") as f:
        g = f["glassy/md/study"]
        np.testing.assert_array_equal(s["temperature"], g["temperature"][()])
        np.testing.assert_array_equal(s["moves_per_atom_per_tau"], g["moves_per_atom_per_tau"][()])
        np.testing.assert_array_equal(s["g2"], g["xpcs/g2"][()])
        np.testing.assert_array_equal(s["xpcs_colder"][0]["g2"], g["xpcs_colder/T0.6/g2"][()])
        summary = json.loads(g.attrs["summary"])
    assert s["xpcs"]["label"] == "0.8" == summary["xpcs"]["label"]
    assert [c["label"] for c in s["xpcs_colder"]] == ["0.6"]
    assert s["trap_model"]["ok"] == summary["trap_model"]["ok"]
    assert s["hours_per_microsecond"] > 0
    # alpha is NaN exactly where no exponent is stated.
    assert np.array_equal(np.isnan(s["alpha"]), s["stated"] == 0)


def test_read_gives_an_ensemble_of_studies_written_by_h5py(tmp_path):
    """Three glasses' studies written with h5py (labels as h5py writes a list of str: variable-length
    strings), combined by `glassy md ensemble`: read() gives every point and the summary, and the
    spread equals the method of moments computed here."""
    import json
    cli = os.environ.get("GLASSY_CLI", "glassy")
    alpha = [(1.30, 1.36), (1.33, 1.42), (1.28, 1.35)]
    err = (0.015, 0.02)
    studies = []
    for g, a in enumerate(alpha):
        path = str(tmp_path / f"s{g}.h5")
        with h5py.File(path, "w") as f:
            s = f.create_group("glassy/md/study")
            s.attrs["glass"] = f"glass{g}.h5"
            s["label"] = ["0.9Tf", "1.0Tf"]
            s["temperature"] = [0.42, 0.46]
            s["alpha"] = list(a)
            s["alpha_err"] = list(err)
            s["stated"] = [1.0, 1.0]
            s.attrs["summary"] = json.dumps({"compared": "exchange"})
        studies.append(path)
    out = str(tmp_path / "e.h5")
    subprocess.run([cli, "-q", "md", "ensemble", *studies, "--out", out], check=True,
                   capture_output=True, timeout=60)
    e = glassy.md.read(out)["ensemble"]
    assert e["temperatures"]["label"] == ["0.9Tf", "1.0Tf"]
    np.testing.assert_array_equal(e["points"]["alpha"], [a for pair in alpha for a in pair])
    a = np.array(alpha)
    q = ((a - a.mean(axis=0)) ** 2).sum()
    fits = 2 * (2 / 3) * 3 * np.mean(np.square(err))  # per temperature (k - 1)/k sum e^2
    spread = np.sqrt(max(0.0, (q - fits) / 4))
    assert e["summary"]["spread_estimate"]["spread"] == pytest.approx(spread, rel=1e-12)
    np.testing.assert_allclose(e["points"]["alpha_err_total"],
                               np.hypot(np.tile(err, 3), spread), rtol=1e-12)
    assert e["summary"]["trap_model"]["ok"] and e["summary"]["trap_model"]["p_value"] is not None


def test_sample_spread_on_arrays_equals_the_moments_and_the_ensemble_file(tmp_path):
    """sample_spread on five glasses at one temperature (docs/md.md, stop 29): the method of moments
    computed in numpy; a lone glass per label gives no spread; bad arrays raise glassy.Error."""
    a = np.array([1.309, 1.329, 1.406, 1.380, 1.429])
    e = np.array([0.017, 0.014, 0.014, 0.019, 0.018])
    r = glassy.md.sample_spread(["0.457"] * 5, a, e)
    q = ((a - a.mean()) ** 2).sum()
    assert r["ok"] and r["dof"] == 4
    assert r["spread"] == pytest.approx(np.sqrt((q - 0.8 * (e ** 2).sum()) / 4), rel=1e-12)
    assert r["rms_fit_error"] == pytest.approx(np.sqrt(np.mean(e ** 2)), rel=1e-12)
    lone = glassy.md.sample_spread(["0.9Tf", "1.0Tf"], [1.3, 1.4], [0.02, 0.02])
    assert not lone["ok"] and "two glasses" in lone["reason"]
    with pytest.raises(glassy.Error):
        glassy.md.sample_spread(["a", "a"], [1.3, np.nan], [0.02, 0.02])
    with pytest.raises(glassy.Error):
        glassy.md.sample_spread(["a"], [1.3, 1.4], [0.02, 0.02])


def test_waiting_times_find_the_planted_hops_and_refuse_a_short_tail():
    pos, hops = hopping_run()
    r = glassy.md.waiting_times(pos, np.zeros(pos.shape[1]), times=0.5 * np.arange(len(pos)),
                                window=3, n_boot=20)
    horizon = r["horizon"]
    assert horizon == len(pos) - 3
    for i, h in enumerate(hops):
        np.testing.assert_array_equal(r["events"][i], h[h <= horizon])
    assert r["moves"] == sum(len(h[h <= horizon]) for h in hops)
    f = r["fit"]
    # A few hundred waits over less than a decade: the fit runs, the exponent is not stated.
    if f["ok"]:
        assert not f["stated"] and f["refusals"]
        assert not f["fractional_diffusion"]
    np.testing.assert_allclose(r["exchange"]["tau"], 0.5 * r["exchange"]["intervals"])


def test_ifk_of_an_fcc_crystal_has_rhombic_dodecahedra_and_no_icosahedra():
    a, n = 1.6, 4
    basis = np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]])
    cells = np.stack(np.meshgrid(*[np.arange(n)] * 3, indexing="ij"), -1).reshape(-1, 3)
    pos = ((cells[:, None, :] + basis[None, :, :]).reshape(-1, 3) + 0.01) * a
    r = glassy.md.ifk(pos, [n * a] * 3, np.zeros(len(pos)), radical=False)
    assert r["voronoi_index"].shape == (len(pos), 4)
    np.testing.assert_array_equal(r["voronoi_index"], np.tile([0, 12, 0, 0], (len(pos), 1)))
    assert r["fraction"]["icosahedron"] == 0 and r["fraction"]["ifk"] == 0
    assert r["largest_cluster"] == 0 and not r["percolates"]
    with pytest.raises(glassy.Error):
        glassy.md.ifk(pos[:, :2], [n * a] * 3, np.zeros(len(pos)))


def test_xpcs_of_a_frozen_configuration_and_reading_it_back(tmp_path):
    rng = np.random.default_rng(1)
    box = 8.1096
    frame = rng.uniform(0, box, (400, 3))
    pos = np.repeat(frame[None], 12, axis=0)
    out = str(tmp_path / "x.h5")
    r = glassy.md.xpcs(pos, 2.0 * np.arange(12), [box] * 3, np.arange(400) % 2, out)
    assert [g["name"] for g in r["regions"]] == ["shell_3d", "cross_section_2d", "spot_1d"]
    assert r["regions"][2]["q_points"] >= 8 and r["spot_widened"]
    for g in r["regions"]:
        assert np.ptp(g["contrast"]) < 1e-12 * g["contrast"][0]  # speckle that never changes
    back = glassy.md.read(out)
    np.testing.assert_allclose(back["xpcs"]["contrast"][0], r["regions"][0]["contrast"])
    with h5py.File(out, "r") as f:
        np.testing.assert_allclose(f["glassy/md/xpcs/contrast"][2], r["regions"][2]["contrast"])
    with pytest.raises(glassy.Error):
        glassy.md.read(str(tmp_path / "missing.h5"))
