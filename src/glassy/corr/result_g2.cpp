#include <glassy/core/error.hpp>
#include <glassy/corr/result_g2.hpp>
#include <glassy/io/hdf5.hpp>
#include <glassy/io/metadata.hpp>

#include <fmt/format.h>

#include <cmath>
#include <cstdint>

namespace glassy {

ResultG2 read_result_g2(const std::filesystem::path& path, const ResultG2Request& req) {
  const std::string where = path.string();
  require(std::filesystem::exists(path), where + ": no such file", ErrorKind::InputOutput);
  require(h5::File::is_hdf5(path), where + " is not HDF5 (give a CSV or a result file)");
  const auto f = h5::File::open(path);
  std::string group;
  for (const char* g : {"xpcs/multitau", "xpcs/twotime"})
    if (f.is_dataset(std::string(g) + "/normalized_g2") &&
        f.is_dataset(std::string(g) + "/delay_list")) {
      group = g;
      break;
    }
  require(!group.empty(), where +
                              " holds no g2 (/xpcs/multitau/normalized_g2 or "
                              "/xpcs/twotime/normalized_g2, each with delay_list)");
  const auto ds = f.dataset(group + "/normalized_g2");
  auto dims = ds.dims();
  require(
      dims.size() == 1 || dims.size() == 2,
      fmt::format("{}:/{}/normalized_g2 has rank {}, not [lags, q]", where, group, dims.size()));
  const std::size_t nl = dims[0], nq = dims.size() == 2 ? dims[1] : 1;
  const auto g2 = ds.read_all<double>();
  std::vector<double> err;
  if (f.is_dataset(group + "/normalized_g2_err"))
    err = f.read<double>(group + "/normalized_g2_err");
  if (err.size() != g2.size()) err.clear();

  // The delays, in seconds.
  const auto delay_ds = f.dataset(group + "/delay_list");
  auto delay = delay_ds.read_all<double>();
  require(delay.size() == nl, fmt::format("{}:/{}/delay_list holds {} delays for {} lags", where,
                                          group, delay.size(), nl));
  const bool said_seconds =
      delay_ds.attrs().has("units") && delay_ds.attrs().get_string("units").rfind("s", 0) == 0;
  bool integers = true;
  for (double d : delay) integers = integers && d == std::round(d);
  if (!said_seconds && integers) {
    std::optional<double> dt = req.frame_time;
    if (!dt) dt = read_metadata(f).frame_time;
    require(dt.has_value(), where + ":/" + group +
                                "/delay_list holds frame counts and the file "
                                "states no frame time: give --frame-time");
    for (double& d : delay) d *= *dt;
  }

  // The column.
  std::size_t column = 0;
  std::string which;
  if (req.q_index) {
    require(*req.q_index >= 0 && static_cast<std::size_t>(*req.q_index) < nq,
            fmt::format("--q-index {}: {}:/{}/normalized_g2 has {} q columns (0 to {})",
                        *req.q_index, where, group, nq, nq - 1));
    column = static_cast<std::size_t>(*req.q_index);
  } else if (req.q) {
    require(f.is_dataset("xpcs/qmap/dynamic_v_list_dim0"),
            where + " lists no q values (/xpcs/qmap/dynamic_v_list_dim0): use --q-index");
    const auto qs = f.read<double>("xpcs/qmap/dynamic_v_list_dim0");
    // Columns are dynamic bins, bin = iq * n_phi + iphi: the first phi of the nearest q.
    const std::size_t n_phi = std::max<std::size_t>(1, nq / std::max<std::size_t>(qs.size(), 1));
    std::size_t best = 0;
    for (std::size_t k = 1; k < qs.size(); ++k)
      if (std::abs(qs[k] - *req.q) < std::abs(qs[best] - *req.q)) best = k;
    require(!qs.empty() && best * n_phi < nq, where + ": its q list does not match its g2 columns");
    column = best * n_phi;
    which = fmt::format(" (q = {:.4g} 1/A)", qs[best]);
  } else {
    require(nq == 1, fmt::format("{}:/{}/normalized_g2 holds {} q columns: choose one with "
                                 "--q-index K (from 0) or --q Q",
                                 where, group, nq));
  }

  // The two-time g2 has one column per map, in processed_bins order (bins without pixels have
  // no map), while --q-index and --q name dynamic bins: translate.
  if (group == "xpcs/twotime" && f.is_dataset("xpcs/twotime/processed_bins")) {
    const auto processed = f.read<std::int64_t>("xpcs/twotime/processed_bins");
    std::size_t position = processed.size();
    for (std::size_t k = 0; k < processed.size(); ++k)
      if (processed[k] == static_cast<std::int64_t>(column) + 1) position = k;
    require(position < nq,
            fmt::format("{}: dynamic bin {} has no two-time map (processed_bins)", where, column));
    column = position;
  }

  ResultG2 r;
  bool errors_usable = !err.empty();
  for (std::size_t l = 0; l < nl; ++l) {
    const double y = g2[l * nq + column];
    if (!std::isfinite(y) || !std::isfinite(delay[l]) || delay[l] <= 0) continue;
    if (req.lag_range && (delay[l] < req.lag_range->first || delay[l] > req.lag_range->second))
      continue;
    r.t.push_back(delay[l]);
    r.g2.push_back(y);
    if (!err.empty()) {
      const double e = err[l * nq + column];
      errors_usable = errors_usable && std::isfinite(e) && e > 0;
      r.err.push_back(e);
    }
  }
  if (!errors_usable) r.err.clear();
  require(!r.t.empty(), fmt::format("{}:/{}/normalized_g2 column {} has no finite g2{}", where,
                                    group, column, req.lag_range ? " inside --lag-range" : ""));
  r.description = fmt::format("{}:/{}/normalized_g2 column {}{}", where, group, column, which);
  return r;
}

}  // namespace glassy
