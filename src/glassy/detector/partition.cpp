#include <glassy/core/error.hpp>
#include <glassy/detector/partition.hpp>
#include <glassy/io/frames.hpp>
#include <glassy/io/npy_frames.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace glassy {
namespace {

int bin_of(double v, double lo, double hi, int n) {
  if (!(v >= lo && v < hi)) return -1;
  return std::min(n - 1, static_cast<int>((v - lo) / (hi - lo) * n));
}

std::vector<double> centres(double lo, double hi, int n) {
  std::vector<double> c(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) c[static_cast<std::size_t>(i)] = lo + (i + 0.5) * (hi - lo) / n;
  return c;
}

void check_counts(const Partition& p) {
  std::vector<std::size_t> count(static_cast<std::size_t>(p.n_dynamic()) + 1, 0);
  for (auto b : p.dynamic_map) ++count[static_cast<std::size_t>(b)];
  std::size_t used = 0;
  for (std::size_t b = 1; b < count.size(); ++b) used += count[b];
  require(
      used > 0,
      "no pixel falls in the q range / partition after masking: widen --q-range or check the mask");
}

}  // namespace

std::vector<std::vector<std::uint32_t>> Partition::dynamic_pixels() const {
  std::vector<std::vector<std::uint32_t>> pix(static_cast<std::size_t>(n_dynamic()));
  for (std::size_t i = 0; i < dynamic_map.size(); ++i)
    if (dynamic_map[i] > 0)
      pix[static_cast<std::size_t>(dynamic_map[i] - 1)].push_back(static_cast<std::uint32_t>(i));
  return pix;
}

Partition make_partition(const QMap& qmap, const std::vector<std::uint8_t>& mask,
                         const PartitionSpec& spec) {
  require(mask.size() == qmap.q.size(), "mask shape does not match the detector");
  require(
      spec.dynamic_q >= 1 && spec.static_q >= 1 && spec.dynamic_phi >= 1 && spec.static_phi >= 1,
      "partition bin counts must be at least 1");
  require(spec.static_q % spec.dynamic_q == 0 && spec.static_phi % spec.dynamic_phi == 0,
          "static bins must subdivide dynamic bins: make their counts multiples");
  Partition p;
  p.height = qmap.height;
  p.width = qmap.width;
  p.mask = mask;
  p.dynamic_q = spec.dynamic_q;
  p.static_q = spec.static_q;
  p.dynamic_phi = spec.dynamic_phi;
  p.static_phi = spec.static_phi;
  double q_lo = spec.q_min, q_hi = spec.q_max;
  if (!(q_hi > q_lo)) {
    // Every usable pixel: the q span of the unmasked detector.
    q_lo = 1e300;
    q_hi = -1e300;
    for (std::size_t i = 0; i < mask.size(); ++i)
      if (mask[i]) q_lo = std::min(q_lo, qmap.q[i]), q_hi = std::max(q_hi, qmap.q[i]);
    require(q_hi >= q_lo, "the mask excludes every pixel: check --mask and thresholds");
    q_hi = std::nextafter(q_hi, 1e300);
  }
  p.dynamic_q_values = centres(q_lo, q_hi, spec.dynamic_q);
  p.static_q_values = centres(q_lo, q_hi, spec.static_q);
  p.dynamic_phi_values = centres(spec.phi_min, spec.phi_max, spec.dynamic_phi);
  p.static_phi_values = centres(spec.phi_min, spec.phi_max, spec.static_phi);
  p.dynamic_map.assign(mask.size(), 0);
  p.static_map.assign(mask.size(), 0);
#pragma omp parallel for schedule(static) if (mask.size() >= (std::size_t{1} << 16))
  for (std::size_t i = 0; i < mask.size(); ++i) {
    if (!mask[i]) continue;
    const int sq = bin_of(qmap.q[i], q_lo, q_hi, spec.static_q);
    const int sp = bin_of(qmap.phi[i], spec.phi_min, spec.phi_max, spec.static_phi);
    if (sq < 0 || sp < 0) continue;
    const int dq = sq / (spec.static_q / spec.dynamic_q);
    const int dp = sp / (spec.static_phi / spec.dynamic_phi);
    p.static_map[i] = sq * spec.static_phi + sp + 1;
    p.dynamic_map[i] = dq * spec.dynamic_phi + dp + 1;
  }
  check_counts(p);
  return p;
}

Partition single_bin_partition(std::size_t height, std::size_t width,
                               const std::vector<std::uint8_t>& mask) {
  Partition p;
  p.height = height;
  p.width = width;
  p.mask = mask;
  p.dynamic_q_values = p.static_q_values = {0.0};
  p.dynamic_phi_values = p.static_phi_values = {0.0};
  p.dynamic_map.resize(mask.size());
  p.static_map.resize(mask.size());
  for (std::size_t i = 0; i < mask.size(); ++i)
    p.dynamic_map[i] = p.static_map[i] = mask[i] ? 1 : 0;
  check_counts(p);
  return p;
}

Partition read_aps_qmap(const std::filesystem::path& file, std::size_t height, std::size_t width) {
  auto f = h5::File::open(file);
  const bool modern = f.is_dataset("xpcs/qmap/dynamic_roi_map");
  const bool legacy = f.is_dataset("data/dynamicMap");
  require(modern || legacy,
          file.string() + " holds no q map (/xpcs/qmap/dynamic_roi_map or /data/dynamicMap)");
  const std::string dyn = modern ? "xpcs/qmap/dynamic_roi_map" : "data/dynamicMap";
  const std::string sta = modern ? "xpcs/qmap/static_roi_map" : "data/staticMap";
  const std::string msk = modern ? "xpcs/qmap/mask" : "data/mask";
  const auto dims = f.dataset(dyn).dims();
  require(
      dims.size() == 2 && dims[0] == height && dims[1] == width,
      fmt::format("{}: q map is {}, the frames are {} x {}: use the q map made for this detector",
                  file.string(),
                  dims.size() == 2 ? fmt::format("{} x {}", dims[0], dims[1]) : "not 2-D", height,
                  width));
  Partition p;
  p.height = height;
  p.width = width;
  p.dynamic_map = f.read<std::int32_t>(dyn);
  p.static_map = f.is_dataset(sta) ? f.read<std::int32_t>(sta) : p.dynamic_map;
  p.mask.assign(height * width, 1);
  if (f.is_dataset(msk)) {
    const auto m = f.read<std::int32_t>(msk);
    for (std::size_t i = 0; i < m.size(); ++i) p.mask[i] = m[i] != 0;
  }
  for (std::size_t i = 0; i < p.mask.size(); ++i) {
    if (!p.mask[i]) p.dynamic_map[i] = p.static_map[i] = 0;
    require(p.dynamic_map[i] >= 0 && p.static_map[i] >= 0,
            file.string() + ": negative bin index in the q map");
  }
  const int n_dyn = *std::max_element(p.dynamic_map.begin(), p.dynamic_map.end());
  const int n_sta = *std::max_element(p.static_map.begin(), p.static_map.end());
  p.dynamic_q = std::max(n_dyn, 1);
  p.static_q = std::max(n_sta, 1);
  if (modern && f.is_dataset("xpcs/qmap/dynamic_num_pts")) {
    const auto n = f.read<std::int64_t>("xpcs/qmap/dynamic_num_pts");
    if (n.size() == 2 && n[0] * n[1] >= n_dyn)
      p.dynamic_q = static_cast<int>(n[0]), p.dynamic_phi = static_cast<int>(n[1]);
  }
  if (modern && f.is_dataset("xpcs/qmap/static_num_pts")) {
    const auto n = f.read<std::int64_t>("xpcs/qmap/static_num_pts");
    if (n.size() == 2 && n[0] * n[1] >= n_sta)
      p.static_q = static_cast<int>(n[0]), p.static_phi = static_cast<int>(n[1]);
  }
  // pySimpleMask numbers only the non-empty bins (1..m) and lists each one's position in the
  // q x phi grid in *_index_mapping; glassy's bins are grid positions + 1, so map back.
  auto to_grid = [&](std::vector<std::int32_t>& map, const char* mapping, int grid) {
    const std::string path = std::string("xpcs/qmap/") + mapping;
    if (!modern || !f.is_dataset(path)) return;
    const auto index = f.read<std::int64_t>(path);
    const int top = *std::max_element(map.begin(), map.end());
    const bool usable =
        static_cast<std::size_t>(top) <= index.size() &&
        std::all_of(index.begin(), index.end(), [&](std::int64_t i) { return i >= 0 && i < grid; });
    if (!usable) return;  // not a compressed numbering (e.g. glassy's own older 1..n lists)
    for (auto& v : map)
      if (v > 0) v = static_cast<std::int32_t>(index[static_cast<std::size_t>(v - 1)] + 1);
  };
  to_grid(p.dynamic_map, "dynamic_index_mapping", p.n_dynamic());
  to_grid(p.static_map, "static_index_mapping", p.n_static());
  auto values = [&](const char* name, int n) {
    const std::string path = std::string("xpcs/qmap/") + name;
    if (modern && f.is_dataset(path)) return f.read<double>(path);
    return std::vector<double>(static_cast<std::size_t>(n), 0.0);
  };
  p.dynamic_q_values = values("dynamic_v_list_dim0", p.dynamic_q);
  p.dynamic_phi_values = values("dynamic_v_list_dim1", p.dynamic_phi);
  p.static_q_values = values("static_v_list_dim0", p.static_q);
  p.static_phi_values = values("static_v_list_dim1", p.static_phi);
  check_counts(p);
  return p;
}

namespace {

// FNV-1a over the bytes of the maps and the geometry: pyXpcsViewer keys its q-map cache on
// /xpcs/qmap@hash, so files with different maps must never share one.
class Fnv1a {
 public:
  template <typename T>
  void add(const std::vector<T>& values) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(values.data());
    for (std::size_t i = 0; i < values.size() * sizeof(T); ++i)
      h_ = (h_ ^ bytes[i]) * 1099511628211ull;
  }
  std::string hex() const { return fmt::format("{:016x}", h_); }

 private:
  std::uint64_t h_ = 14695981039346656037ull;
};

}  // namespace

void write_qmap(const h5::Location& file, const Partition& p, const QMap* qmap,
                const DetectorMetadata& geometry) {
  auto q = file.require_group("xpcs/qmap");
  const h5::Dims shape{p.height, p.width};
  // The roi maps and the mask compress ~80x; the smooth q and phi maps in double hardly at all
  // with LZF (0-20 %), so they stay contiguous.
  const auto ints = h5::pixel_map_options(shape, sizeof(std::int32_t));
  q.write<std::int32_t>("dynamic_roi_map", p.dynamic_map, shape, ints);
  q.write<std::int32_t>("static_roi_map", p.static_map, shape, ints);
  std::vector<std::int32_t> mask(p.mask.begin(), p.mask.end());
  q.write<std::int32_t>("mask", mask, shape, ints);
  q.write<std::int64_t>("dynamic_num_pts", {p.dynamic_q, p.dynamic_phi});
  q.write<std::int64_t>("static_num_pts", {p.static_q, p.static_phi});
  q.write<double>("dynamic_v_list_dim0", p.dynamic_q_values);
  q.write<double>("dynamic_v_list_dim1", p.dynamic_phi_values);
  q.write<double>("static_v_list_dim0", p.static_q_values);
  q.write<double>("static_v_list_dim1", p.static_phi_values);
  // APS (pySimpleMask) numbers the bins of the roi maps 1..n and maps bin k to its position
  // iq * n_phi + iphi (0-based) in the q x phi grid. glassy's maps already use that position + 1
  // as the bin, so the mapping is the identity, empty bins included (their g2 is NaN).
  std::vector<std::int64_t> dyn_index(static_cast<std::size_t>(p.n_dynamic())),
      sta_index(static_cast<std::size_t>(p.n_static()));
  for (std::size_t i = 0; i < dyn_index.size(); ++i) dyn_index[i] = static_cast<std::int64_t>(i);
  for (std::size_t i = 0; i < sta_index.size(); ++i) sta_index[i] = static_cast<std::int64_t>(i);
  q.write<std::int64_t>("dynamic_index_mapping", dyn_index);
  q.write<std::int64_t>("static_index_mapping", sta_index);
  q.write_strings("map_names", {"q", "phi"});
  q.write_strings("map_units", {"1/A", "deg"});
  if (qmap != nullptr) {
    q.write<double>("qmap", qmap->q, shape).attrs().set("units", "1/A");
    q.write<double>("phimap", qmap->phi, shape).attrs().set("units", "deg");
  }
  // The viewer reads these five as numbers for its hover q and the beam-centre marker; a field
  // glassy does not know (no geometry: one bin of every pixel) is NaN, said so in `note`.
  const double nan = std::nan("");
  const struct {
    const char* name;
    std::optional<double> value;
    const char* units;
  } scalars[] = {{"beam_center_x", geometry.beam_center_x, "pixel"},
                 {"beam_center_y", geometry.beam_center_y, "pixel"},
                 {"pixel_size", geometry.x_pixel_size, "m"},
                 {"detector_distance", geometry.distance, "m"},
                 {"energy", geometry.energy_kev, "keV"}};
  Fnv1a hash;
  hash.add(p.dynamic_map);
  hash.add(p.static_map);
  hash.add(mask);
  for (const auto& s : scalars) {
    auto ds = q.write_scalar<double>(s.name, s.value.value_or(nan));
    ds.attrs().set("units", s.units);
    if (!s.value) ds.attrs().set("note", "unknown: not in the frames' metadata or the q map");
    hash.add(std::vector<double>{s.value.value_or(nan)});
  }
  q.attrs().set("hash", hash.hex());
}

DetectorMetadata read_qmap_geometry(const std::filesystem::path& file) {
  DetectorMetadata g;
  auto f = h5::File::open(file);
  for (const char* group : {"xpcs/qmap/", "qmap/"}) {
    auto value = [&](const char* name) -> std::optional<double> {
      const std::string path = std::string(group) + name;
      if (!f.is_dataset(path)) return std::nullopt;
      const auto v = f.read<double>(path);
      if (v.empty() || !std::isfinite(v[0])) return std::nullopt;
      return v[0];
    };
    if (!g.beam_center_x) g.beam_center_x = value("beam_center_x");
    if (!g.beam_center_y) g.beam_center_y = value("beam_center_y");
    if (!g.x_pixel_size) g.x_pixel_size = g.y_pixel_size = value("pixel_size");
    if (!g.distance) g.distance = value("detector_distance");
    if (!g.energy_kev) g.energy_kev = value("energy");
  }
  return g;
}

std::vector<std::uint8_t> read_mask(const std::string& spec, std::size_t height,
                                    std::size_t width) {
  std::string path = spec, dataset;
  const auto colon = spec.rfind(":/");
  if (colon != std::string::npos) path = spec.substr(0, colon), dataset = spec.substr(colon + 2);
  require(std::filesystem::exists(path), "mask file " + path + " does not exist",
          ErrorKind::InputOutput);
  std::vector<double> values;
  std::vector<std::size_t> shape;
  if (h5::File::is_hdf5(path)) {
    auto f = h5::File::open(path);
    if (dataset.empty())
      for (const char* c : {"mask", "xpcs/qmap/mask", "data/mask"})
        if (f.is_dataset(c)) {
          dataset = c;
          break;
        }
    require(!dataset.empty(), path + " has no /mask dataset: name it as FILE:/path/to/mask");
    auto ds = f.dataset(dataset);
    for (auto d : ds.dims()) shape.push_back(d);
    values = ds.read_all<double>();
  } else {
    require(NpyFrameSource::looks_like_npy(path),
            path + " is neither HDF5 nor .npy: give the mask as either");
    NpyHeader header;
    const auto raw = read_npy_array(path, header);
    shape = header.shape;
    values.assign(raw.begin(), raw.end());
  }
  require(
      shape.size() == 2 && shape[0] == height && shape[1] == width,
      fmt::format("mask {} has shape {}, the frames are {} x {}: use a mask for this detector",
                  spec, shape.size() == 2 ? fmt::format("{} x {}", shape[0], shape[1]) : "not 2-D",
                  height, width));
  std::vector<std::uint8_t> mask(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) mask[i] = values[i] != 0;
  return mask;
}

}  // namespace glassy
