#!/usr/bin/env python3
"""Redraws the paper's Fig. 3 from an age-resolved analysis made with the glassy module.

  (a) <t>(t_a), the KWW mean relaxation time per age window with error bars, the detected
      aging regimes shaded and intermittent events marked;
  (b) the short-time plateau g2(0, t_a);
  (c) the detrended contrast g2(0, t_a) - m t_a against <t>, with the Pearson coefficient.

Usage:
  PYTHONPATH=build/python /usr/bin/python3 python/examples/fig3.py FRAMES.h5 [--window-s 1000]
  PYTHONPATH=build/python /usr/bin/python3 python/examples/fig3.py --synth demo
Writes fig3.png (or --out). Needs matplotlib; without it the numbers are printed instead.
"""
import argparse
import os
import sys
import tempfile

import numpy as np

import glassy

REGIME_COLOURS = {"aging": "tab:red", "stationary": "tab:green", "acceleration": "tab:blue"}


def analyse(args):
    frames = args.frames
    if frames is None:
        # No data given: make the preset's synthetic run (the paper's story at reduced scale).
        frames = os.path.join(tempfile.mkdtemp(prefix="glassy-fig3-"), f"{args.synth}.h5")
        print(f"synthesising the '{args.synth}' preset into {frames} ...", file=sys.stderr)
        glassy.synth(args.synth, out=frames)
    return glassy.analyse_aging(frames, window_s=args.window_s, out=args.aging_out)


def print_numbers(r):
    kww = r["kww"]
    for t, mt, err, g0 in zip(r["t_a"], kww["mean_time"], kww["mean_time_err"], r["g2_0"]):
        print(f"t_a {t:10.1f} s  <t> {mt:10.3g} +- {err:8.2g} s  g2(0) {g0:.4f}")
    for s in r["regimes"]:
        print(f"regime {s['label']:12s} {s['start']:10.1f} .. {s['end']:10.1f} s")
    for e in r["events"]:
        print(f"event at {e['time']:.1f} s (significance {e['significance']:.1f})")


def draw(r, out):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t_a = r["window_centre"]
    kww = r["kww"]
    ok = kww["ok"] & np.isfinite(kww["mean_time"])
    fig, (ax_a, ax_b, ax_c) = plt.subplots(3, 1, figsize=(7, 10), constrained_layout=True)

    ax_a.errorbar(t_a[ok], kww["mean_time"][ok], yerr=kww["mean_time_err"][ok], fmt="o", ms=3,
                  color="k", ecolor="0.5", label="<t> (KWW)")
    for s in r["regimes"]:
        ax_a.axvspan(s["start"], s["end"], alpha=0.15, color=REGIME_COLOURS.get(s["label"], "0.7"),
                     label=s["label"])
    for e in r["events"]:
        ax_a.axvline(e["time"], color="tab:purple", ls="--", lw=1)
    for start, end in r["gaps"]:
        ax_a.axvspan(start, end, color="0.85", hatch="//", fill=False)
    ax_a.set_yscale("log")
    ax_a.set_xlabel("t_a (s)")
    ax_a.set_ylabel("<t> (s)")
    handles, labels = ax_a.get_legend_handles_labels()
    unique = dict(zip(labels, handles))  # one legend entry per regime label
    ax_a.legend(unique.values(), unique.keys(), fontsize=8)
    ax_a.set_title("(a) mean relaxation time vs age")

    good = np.isfinite(r["g2_0"])
    ax_b.errorbar(t_a[good], r["g2_0"][good], yerr=r["g2_0_err"][good], fmt="o", ms=3,
                  color="tab:orange")
    ax_b.set_xlabel("t_a (s)")
    ax_b.set_ylabel("g2(0, t_a)")
    ax_b.set_title("(b) short-time plateau")

    both = ok & np.isfinite(r["contrast_detrended"])
    ax_c.plot(kww["mean_time"][both], r["contrast_detrended"][both], "o", ms=3, color="tab:blue")
    ax_c.set_xscale("log")
    ax_c.set_xlabel("<t> (s)")
    ax_c.set_ylabel("g2(0, t_a) - m t_a")
    ax_c.set_title(f"(c) detrended contrast vs <t>: Pearson r = {r['pearson_all']:.2f} "
                   f"(p = {r['pearson_all_p']:.2g})")
    fig.savefig(out, dpi=150)
    print(f"wrote {out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("frames", nargs="?", help="frames file (default: synthesise --synth)")
    parser.add_argument("--synth", default="demo", help="preset synthesised when no frames given")
    parser.add_argument("--window-s", type=float, default=1000.0, help="age window in s")
    parser.add_argument("--aging-out", help="also write the aging result file (for the report)")
    parser.add_argument("--out", default="fig3.png", help="figure file")
    args = parser.parse_args()
    glassy.set_quiet(True)
    try:
        r = analyse(args)
    except glassy.Error as e:
        sys.exit(f"fig3: {e}")
    print(r["summary"], end="")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print("matplotlib is not installed: printing the numbers instead of drawing",
              file=sys.stderr)
        print_numbers(r)
        return
    draw(r, args.out)


if __name__ == "__main__":
    main()
