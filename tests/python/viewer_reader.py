"""What pyXpcsViewer (the APS 8-ID viewer, github.com/AdvancedPhotonSource/pyXpcsViewer) reads
from a result file and computes when it opens it and draws its views, re-implemented with h5py
and numpy only: the viewer itself needs PySide6, pyqtgraph, hdf5plugin and scipy and is not
installable from Debian, so the tests follow its source instead of our own layout.

Encoded from these stored versions of the viewer's source (the newest found):
  src/pyxpcsviewer/core/file_io/aps_8idi.py   commit a99390978c5b43eaf4980bbb9b1357b276fd3d34
  src/pyxpcsviewer/core/file_io/hdf_reader.py commit a99390978c5b43eaf4980bbb9b1357b276fd3d34
  src/pyxpcsviewer/core/file_io/qmap_utils.py commits a7060a5dc2947639bdc712322fa3a95a6d000c5c
                                              and c93f20c582a5ca35b8f94ff369c78f04227c7eb7
  src/pyxpcsviewer/core/xpcs_file.py          commit 70aea5dc46354cb1a8b7223a50b1e3e2b6742d04
  src/pyxpcsviewer/core/twotime_utils.py      commit 0953f67b6ceccabd4a56842727549fa1d0e9e23f
  src/pyxpcsviewer/gui/model/file_locator.py  (QMapManager keyed on /xpcs/qmap@hash)
  src/pyxpcsviewer/gui/control/plot/{twotime,stability,intt,saxs2d}.py (what the views index)
Each function says which of the viewer's steps it stands for. Where the viewer would raise, so
does this (KeyError, IndexError, TypeError, AssertionError).
"""
import functools
import warnings

import h5py
import numpy as np

# aps_8idi.key["nexus"]: alias -> path. Every path the viewer reads on open or in a view.
KEY = {
    "mask": "/xpcs/qmap/mask",
    "dqmap": "/xpcs/qmap/dynamic_roi_map",
    "sqmap": "/xpcs/qmap/static_roi_map",
    "dqlist": "/xpcs/qmap/dynamic_v_list_dim0",
    "sqlist": "/xpcs/qmap/static_v_list_dim0",
    "dplist": "/xpcs/qmap/dynamic_v_list_dim1",
    "splist": "/xpcs/qmap/static_v_list_dim1",
    "bcy": "/xpcs/qmap/beam_center_y",
    "bcx": "/xpcs/qmap/beam_center_x",
    "det_dist": "/xpcs/qmap/detector_distance",
    "pixel_size": "/xpcs/qmap/pixel_size",
    "static_index_mapping": "/xpcs/qmap/static_index_mapping",
    "dynamic_index_mapping": "/xpcs/qmap/dynamic_index_mapping",
    "static_num_pts": "/xpcs/qmap/static_num_pts",
    "dynamic_num_pts": "/xpcs/qmap/dynamic_num_pts",
    "start_time": "/entry/start_time",
    "map_names": "/xpcs/qmap/map_names",
    "map_units": "/xpcs/qmap/map_units",
    "Int_t": "/xpcs/spatial_mean/intensity_vs_time",
    "tau": "/xpcs/multitau/delay_list",
    "g2": "/xpcs/multitau/normalized_g2",
    "g2_err": "/xpcs/multitau/normalized_g2_err",
    "stride_frame": "/xpcs/multitau/config/stride_frame",
    "avg_frame": "/xpcs/multitau/config/avg_frame",
    "saxs_2d": "/xpcs/temporal_mean/scattering_2d",
    "saxs_1d": "/xpcs/temporal_mean/scattering_1d",
    "Iqp": "/xpcs/temporal_mean/scattering_1d_segments",
    "c2_g2_segments": "/xpcs/twotime/normalized_g2_segments",
    "c2_g2": "xpcs/twotime/normalized_g2",
    "c2_delay": "/xpcs/twotime/delay_list",
    "c2_prefix": "/xpcs/twotime/correlation_map",
    "c2_processed_bins": "/xpcs/twotime/processed_bins",
    "c2_stride_frame": "/xpcs/twotime/config/stride_frame",
    "c2_avg_frame": "/xpcs/twotime/config/avg_frame",
    "t0": "/entry/instrument/detector_1/frame_time",
    "t1": "/entry/instrument/detector_1/count_time",
    "X_energy": "/entry/instrument/incident_beam/incident_energy",
}

QMAP_FIELDS = ("mask", "dqmap", "sqmap", "dqlist", "sqlist", "dplist", "splist", "bcx", "bcy",
               "X_energy", "static_index_mapping", "dynamic_index_mapping", "pixel_size",
               "det_dist", "dynamic_num_pts", "static_num_pts", "map_names", "map_units")


def get(fname, fields):
    """hdf_reader.get(mode="alias"): a missing path raises; a [1,N,M] saxs_2d loses its first
    axis; bytes become str; a (1, 1) array becomes a Python number. Nothing else is reshaped."""
    out = {}
    with h5py.File(fname, "r") as f:
        for key in fields:
            path = KEY[key]
            if path not in f:
                raise KeyError(f"key not found: {key}:{path}")
            val = f[path][()]
            if key == "saxs_2d" and val.ndim == 3:
                val = val[0]
            if isinstance(val, (bytes, np.bytes_)):
                val = val.decode()
            if isinstance(val, np.ndarray) and val.shape == (1, 1):
                val = val.item()
            out[key] = val
    return out


def analysis_type(fname):
    """hdf_reader.get_analysis_type: Twotime if the c2 group exists, Multitau if g2 does."""
    kinds = []
    with h5py.File(fname, "r") as f:
        if KEY["c2_prefix"] in f:
            kinds.append("Twotime")
        if KEY["g2"] in f:
            kinds.append("Multitau")
    if not kinds:
        raise ValueError(f"No analysis type found in {fname}")
    return tuple(kinds)


def qmap_hash(fname):
    """qmap_utils.get_hash: the QMapManager cache key; the GUI opens files through it."""
    with h5py.File(fname, "r") as f:
        return f["/xpcs/qmap"].attrs["hash"]


class QMap:
    """qmap_utils.QMap: loads the 18 datasets, then extent, the per-pixel q map and the labels."""

    def __init__(self, fname):
        info = {}
        with h5py.File(fname, "r") as f:
            for key in QMAP_FIELDS:
                info[key] = f[KEY[key]][()]
        info["k0"] = 2 * np.pi / (12.398 / info["X_energy"])
        info["map_names"] = [item.decode("utf-8") for item in info["map_names"]]
        info["map_units"] = [item.decode("utf-8") for item in info["map_units"]]
        self.__dict__.update(info)
        self.extent = self.detector_extent()
        self.qmap = self.compute_qmap()
        self.qbin_labels = self.make_qbin_labels()

    def detector_extent(self):
        rows, cols = self.mask.shape
        scale = self.pixel_size / self.det_dist * self.k0
        return ((0 - self.bcx) * scale, (cols - self.bcx) * scale,
                (0 - self.bcy) * scale, (rows - self.bcy) * scale)

    def compute_qmap(self):
        rows, cols = self.mask.shape
        v = np.arange(rows, dtype=np.uint32) - self.bcy
        h = np.arange(cols, dtype=np.uint32) - self.bcx
        vg, hg = np.meshgrid(v, h, indexing="ij")
        alpha = np.arctan(np.hypot(vg, hg) * self.pixel_size / self.det_dist)
        return {"q": np.sin(alpha) * self.k0, "phi": np.rad2deg(-np.arctan2(vg, hg))}

    def make_qbin_labels(self):
        name0, name1 = self.map_names
        first = [f"{name0}={x:.5f} {self.map_units[0]}" for x in self.dqlist]
        second = [f"{name1}={y:.1f} {self.map_units[1]}" for y in self.dplist]
        if self.dynamic_num_pts[1] == 1:
            return first
        return [f"{a}, {b}" for a in first for b in second]

    def qbin_label(self, qbin):
        """get_qbin_label: qbin is 1-based into the compressed bins."""
        absolute = self.dynamic_index_mapping[qbin - 1]
        if absolute < 0 or absolute > len(self.qbin_labels):
            return "invalid qbin"
        return self.qbin_labels[absolute]

    def qbin_in_qrange(self, qrange):
        """get_qbin_in_qrange(zero_based=True): columns of g2 whose q lies in qrange."""
        if self.map_names[0] != "q":
            qrange = None
        qlist = np.tile(self.dqlist[:, np.newaxis], self.dynamic_num_pts[1])
        if qrange is None:
            selected = np.ones_like(qlist, dtype=bool)
        else:
            selected = (qlist >= qrange[0]) * (qlist <= qrange[1])
        selected = selected.flatten()
        if np.sum(selected) == 0:
            selected = np.ones_like(qlist, dtype=bool).flatten()
        valid = [k for k, natural in enumerate(self.dynamic_index_mapping) if selected[natural]]
        return np.array(valid), qlist.flatten()[selected]

    def qbinlist_at_qindex(self, qindex):
        """get_qbinlist_at_qindex: the compressed bins of one q row of the q x phi grid."""
        grid = np.ones(self.dynamic_num_pts, dtype=int).flatten() * (-1)
        grid[self.dynamic_index_mapping] = np.arange(len(self.dynamic_index_mapping))
        return [int(i) for i in grid.reshape(self.dynamic_num_pts)[qindex] if i != -1]

    def display_dqmap(self, selection=0):
        """get_cropped_qmap + get_display_dqmap (the two-time view's q-map panel)."""
        dqmap = self.dqmap.copy()
        idx = np.nonzero(dqmap >= 1)
        dqmap = dqmap[np.min(idx[0]):np.max(idx[0]) + 1, np.min(idx[1]):np.max(idx[1]) + 1]
        top = np.max(dqmap)
        dqlist = np.unique(dqmap)[1:]
        shown = np.flipud(dqmap.astype(np.float32))
        shown[shown == 0] = np.nan
        dq_bin = dqlist[selection]
        if dq_bin > 0:
            shown[shown == dq_bin] = top + 1
            selection = np.where(dqlist == dq_bin)[0][0]
        return shown, selection

    def reshape_phi_analysis(self, raw, mode):
        """reshape_phi_analysis: expand the compressed static profile(s) onto the q x phi grid
        (NaN for bins not listed) and average over phi."""
        n = raw.size // self.static_index_mapping.size
        assert n * self.static_index_mapping.size == raw.size
        shape = (n, len(self.sqlist), len(self.splist))
        compressed = raw.reshape(n, -1)
        full = np.full((shape[0], shape[1] * shape[2]), np.nan)
        for i in range(n):
            full[i, self.static_index_mapping] = compressed[i]
        full = full.reshape(shape)
        with warnings.catch_warnings():  # an all-NaN q row averages to NaN, as in the viewer
            warnings.simplefilter("ignore", RuntimeWarning)
            avg = np.nanmean(full, axis=2)
        if mode == "saxs_1d":
            assert n == 1, "saxs1d mode only supports one sample"
            iq = np.concatenate([avg[..., None], full], axis=-1)[0].T if shape[2] > 1 \
                else avg.reshape(1, -1)
            size = min(self.sqlist.size, iq.shape[1])
            return {"q": self.sqlist[:size], "Iq": iq[:, :size], "num_lines": shape[2]}
        return avg


def correct_g2_err(g2_err, threshold=1e-6):
    """XpcsFile.correct_g2_err: errors at or below the threshold take their column's mean."""
    out = np.copy(g2_err)
    for n in range(g2_err.shape[1]):
        ok = g2_err[:, n] > threshold
        out[~ok, n] = np.mean(g2_err[ok, n]) if np.sum(ok) > 0 else threshold
    return out


@functools.lru_cache(maxsize=16)
def c2_g2_partials(fname):
    """twotime_utils.get_c2_g2partials_from_hdf: [bin][lag] and [bin][segment][lag]."""
    with h5py.File(fname, "r") as f:
        full = f[KEY["c2_g2"]][()]
        part = f[KEY["c2_g2_segments"]][()]
    return np.swapaxes(full, 0, 1), np.swapaxes(part, 0, 2)


def read_single_c2(fname, name, max_size, correct_diag):
    """twotime_utils.read_single_c2: the stored half plus its transpose, diagonal halved."""
    with h5py.File(fname, "r") as f:
        half = f[f"{KEY['c2_prefix']}/{name}"][()]
    c2 = half + np.transpose(half)
    c2[np.diag_indices(half.shape[0], ndim=2)] /= 2
    rate = 1
    if 0 < max_size < c2.shape[0]:
        rate = (c2.shape[0] + max_size - 1) // max_size
        c2 = c2[::rate, ::rate]
    if correct_diag:
        size = c2.shape[0]
        side = c2[(np.arange(size - 1), np.arange(1, size))]
        diag = np.zeros(size)
        diag[:-1] += side
        diag[1:] += side
        norm = np.ones(size)
        norm[1:-1] = 2
        c2[np.diag_indices(size)] = diag / norm
    return c2, rate


@functools.lru_cache(maxsize=16)
def single_c2(fname, selection=0, max_size=512, t0=1, correct_diag=True):
    """twotime_utils.get_single_c2_from_hdf (lru_cached: t0 must be hashable, a number)."""
    with h5py.File(fname, "r") as f:
        name = list(f[KEY["c2_prefix"]])[selection]
    c2, rate = read_single_c2(fname, name, max_size, correct_diag)
    full, part = c2_g2_partials(fname)
    return {"c2_mat": c2, "delta_t": t0 * rate, "acquire_period": t0,
            "g2_full": full[selection], "g2_partial": part[selection]}


class XpcsFile:
    """xpcs_file.XpcsFile: what happens on open (load_data) and what each view computes."""

    def __init__(self, fname):
        self.fname = str(fname)
        qmap_hash(self.fname)  # FileLocator opens through QMapManager
        self.qmap = QMap(self.fname)
        self.atype = analysis_type(self.fname)
        self.__dict__.update(self.load_data())

    def load_data(self):
        fields = ["saxs_1d", "Iqp", "Int_t", "t0", "t1", "start_time"]
        if "Multitau" in self.atype:
            fields += ["tau", "g2", "g2_err", "stride_frame", "avg_frame"]
        if "Twotime" in self.atype:
            fields += ["c2_g2", "c2_g2_segments", "c2_processed_bins", "c2_stride_frame",
                       "c2_avg_frame"]
        ret = get(self.fname, list(set(fields)))
        if "Twotime" in self.atype:
            ret["c2_t0"] = ret["t0"] * ret.pop("c2_stride_frame") * ret.pop("c2_avg_frame")
        if "Multitau" in self.atype:
            ret["g2_err"] = correct_g2_err(ret["g2_err"])
            ret["t0"] = ret["t0"] * ret.pop("stride_frame") * ret.pop("avg_frame")
            ret["t_el"] = ret["tau"] * ret["t0"]
        ret["saxs_1d"] = self.qmap.reshape_phi_analysis(ret["saxs_1d"], "saxs_1d")
        ret["Iqp"] = self.qmap.reshape_phi_analysis(ret["Iqp"], "stability")
        return ret

    # --- views -------------------------------------------------------------------------------
    def g2_view(self, qrange=None, trange=None):
        """get_g2_data: g2 columns of the bins in qrange, rows of delays in trange."""
        assert "Multitau" in self.atype
        selected, qvalues = self.qmap.qbin_in_qrange(qrange)
        g2, err = self.g2[:, selected], self.g2_err[:, selected]
        labels = [f"qbin={b + 1}, {self.qmap.qbin_label(b + 1)}" for b in selected]
        t_el = self.t_el
        if trange is not None:
            keep = (t_el >= trange[0]) * (t_el <= trange[1])
            g2, err, t_el = g2[keep], err[keep], t_el[keep]
        return qvalues, t_el, g2, err, labels

    def saxs1d_view(self, partial=False):
        """get_saxs1d_data; partial=True is the stability view (one line per segment)."""
        q = self.saxs_1d["q"]
        iq = self.Iqp if partial else self.saxs_1d["Iq"]
        assert iq.shape[-1] == q.size
        return q, iq

    def saxs2d_view(self):
        """saxs2d plot: the [1,H,W] pattern as H x W, its log image and the centre marker."""
        img = get(self.fname, ["saxs_2d"])["saxs_2d"]
        assert img.ndim == 2 and img.shape == self.qmap.mask.shape
        positive = img > 0
        log = np.log10(np.where(positive, img, np.min(img[positive]))) if positive.any() else img
        return img, log, (float(self.qmap.bcx), float(self.qmap.bcy))

    def intensity_view(self):
        """intt plot and Int_t_fft: row 1 of intensity_vs_time over frames, and its spectrum."""
        y = self.Int_t[1]
        spectrum = np.abs(np.fft.fft(y))[: y.size // 2]
        freq = np.arange(y.size)[: y.size // 2] / (y.size * self.t0)
        return y, freq, spectrum

    def twotime_view(self, selection=0, correct_diag=False):
        """plot_twotime: q-map panel, the C2 map of one processed bin and its g2 lines."""
        assert "Twotime" in self.atype
        self.qmap.display_dqmap(selection)
        labels = [self.qmap.qbin_label(int(b)) for b in self.c2_processed_bins.tolist()]
        result = single_c2(self.fname, selection=selection, max_size=32678, t0=self.t0,
                           correct_diag=correct_diag)
        x_full = np.arange(result["g2_full"].size) * result["acquire_period"]
        return result, x_full, labels
