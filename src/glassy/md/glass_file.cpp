#include <glassy/core/atomic_file.hpp>
#include <glassy/core/error.hpp>
#include <glassy/io/hdf5.hpp>
#include <glassy/md/glass_file.hpp>
#include <glassy/md/lammps_dump.hpp>

namespace glassy::md {
namespace {

constexpr const char* kFormat = "glassy-md-glass";

nlohmann::json json_attr(const h5::Attributes& a, const std::string& name) {
  if (!a.has(name)) return nullptr;
  try {
    return nlohmann::json::parse(a.get_string(name));
  } catch (const nlohmann::json::exception&) {
    return nullptr;
  }
}

void write_tg_group(const h5::File& file, const TgEstimate& e) {
  if (file.exists("md/tg")) H5Ldelete(file.id(), "md/tg", H5P_DEFAULT);
  auto g = file.require_group("md/tg");
  auto a = g.attrs();
  a.set("tg", e.tg);
  a.set("tg_err", e.tg_err);
  a.set("glass_slope", e.glass_slope);
  a.set("liquid_slope", e.liquid_slope);
  a.set("quantity", e.quantity);
  a.set("estimate", e.to_json().dump());
}

}  // namespace

bool is_glass_file(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file) || !h5::File::is_hdf5(file)) return false;
  return h5::File::open(file).exists("md/state");
}

void write_glass_file(const std::filesystem::path& file, const GlassState& state,
                      const CoolingCurve& cooling) {
  const std::size_t n = state.species.size();
  require(n > 0 && state.snapshot.positions.size() == 3 * n,
          "glass file: positions must be [N][3] with one species per atom");
  require(state.velocities.empty() || state.velocities.size() == 3 * n,
          "glass file: velocities must be [N][3]");
  AtomicOutput atomic(file);
  {
    auto f = h5::File::create(atomic.temp_path());
    auto md = f.require_group("md");
    auto a = md.attrs();
    a.set("format", kFormat);
    a.set("version", std::int64_t{1});
    a.set("model", state.model.dump());
    a.set("units", state.units.dump());
    a.set("protocol", state.protocol.dump());
    auto s = f.require_group("md/state");
    s.write<double>("position", state.snapshot.positions, {n, 3});
    if (!state.velocities.empty()) s.write<double>("velocity", state.velocities, {n, 3});
    s.write<int>("species", state.species);
    const auto& b = state.snapshot.box;
    s.write<double>("box", {b.lo[0], b.lo[1], b.lo[2], b.hi[0], b.hi[1], b.hi[2]}, {2, 3});
    s.attrs().set("step", state.snapshot.step);
    s.attrs().set("time", state.snapshot.time);
    s.attrs().set("positions", "unwrapped, LJ sigma_SS, atom-id order");
    auto c = f.require_group("md/cooling");
    c.attrs().set("energies", "per atom, averaged over each recording interval");
    c.write<double>("time", cooling.time);
    c.write<double>("target_temperature", cooling.target_temperature);
    c.write<double>("temperature", cooling.temperature);
    c.write<double>("potential_energy", cooling.potential_energy);
    c.write<double>("pressure", cooling.pressure);
    c.write<double>("volume", cooling.volume);
    if (state.tg) write_tg_group(f, *state.tg);
    f.flush();
  }
  atomic.commit();
}

GlassState read_glass_state(const std::filesystem::path& file) {
  auto f = h5::File::open(file);
  require(f.exists("md/state"),
          file.string() + ": no /md/state; not a glass file from `glassy md prepare`");
  GlassState g;
  auto md = f.group("md");
  g.model = json_attr(md.attrs(), "model");
  g.units = json_attr(md.attrs(), "units");
  g.protocol = json_attr(md.attrs(), "protocol");
  auto s = f.group("md/state");
  g.species = s.read<int>("species");
  g.snapshot.positions = s.read<double>("position");
  require(g.snapshot.positions.size() == 3 * g.species.size() && !g.species.empty(),
          file.string() + ": /md/state/position must be [N,3] with N = species count");
  if (s.exists("velocity")) {
    g.velocities = s.read<double>("velocity");
    require(g.velocities.size() == g.snapshot.positions.size(),
            file.string() + ": /md/state/velocity must be [N,3]");
  }
  const auto box = s.read<double>("box");
  require(box.size() == 6, file.string() + ": /md/state/box must be [2,3] (lo, hi)");
  for (int d = 0; d < 3; ++d) {
    g.snapshot.box.lo[d] = box[d];
    g.snapshot.box.hi[d] = box[3 + d];
    require(box[3 + d] > box[d], file.string() + ": /md/state/box is degenerate (hi <= lo)");
  }
  if (s.attrs().has("step")) g.snapshot.step = s.attrs().get_int("step");
  if (s.attrs().has("time")) g.snapshot.time = s.attrs().get_double("time");
  if (f.exists("md/tg")) {
    auto group = f.group("md/tg");  // must outlive its Attributes (they borrow its handle)
    auto a = group.attrs();
    if (a.has("estimate")) {
      g.tg = TgEstimate::from_json(nlohmann::json::parse(a.get_string("estimate")));
    } else {
      TgEstimate e;
      e.tg = a.get_double("tg");
      e.tg_err = a.has("tg_err") ? a.get_double("tg_err") : 0.0;
      g.tg = e;
    }
  }
  return g;
}

CoolingCurve read_cooling_curve(const std::filesystem::path& file) {
  auto f = h5::File::open(file);
  CoolingCurve c;
  if (!f.exists("md/cooling")) return c;
  auto g = f.group("md/cooling");
  c.time = g.read<double>("time");
  c.target_temperature = g.read<double>("target_temperature");
  c.temperature = g.read<double>("temperature");
  c.potential_energy = g.read<double>("potential_energy");
  c.pressure = g.read<double>("pressure");
  c.volume = g.read<double>("volume");
  const std::size_t n = c.time.size();
  require(c.target_temperature.size() == n && c.temperature.size() == n &&
              c.potential_energy.size() == n && c.pressure.size() == n && c.volume.size() == n,
          file.string() + ": /md/cooling datasets have different lengths");
  return c;
}

GlassState read_start_state(const std::filesystem::path& file) {
  require(std::filesystem::exists(file), "start file '" + file.string() + "' does not exist",
          ErrorKind::InputOutput);
  if (h5::File::is_hdf5(file)) return read_glass_state(file);
  LammpsData d = read_lammps_data(file);
  GlassState g;
  g.snapshot = std::move(d.snapshot);
  g.species = std::move(d.species);
  g.velocities = std::move(d.velocities);
  g.protocol = {{"source", "LAMMPS data file"}, {"file", file.string()}};
  return g;
}

void store_tg(const std::filesystem::path& glass_file, const TgEstimate& estimate) {
  require(is_glass_file(glass_file),
          glass_file.string() + " is not a glass file from `glassy md prepare`");
  AtomicOutput atomic(glass_file, AtomicOutput::UpdateInPlace{});
  std::filesystem::copy_file(glass_file, atomic.temp_path(),
                             std::filesystem::copy_options::overwrite_existing);
  {
    auto f = h5::File::open(atomic.temp_path(), h5::File::Mode::ReadWrite);
    write_tg_group(f, estimate);
    f.flush();
  }
  atomic.commit();
}

TgEstimate estimate_tg(const CoolingCurve& c, const TgOptions& options) {
  require(c.size() > 0, "Tg fit: the cooling curve is empty");
  TgOptions o = options;
  if (o.quantity == "pe") o.quantity = "potential_energy";
  if (o.quantity == "potential_energy") return estimate_tg(c.temperature, c.potential_energy, o);
  require(o.quantity == "volume",
          "Tg quantity '" + options.quantity + "' unknown: use potential_energy or volume");
  bool constant = true;
  for (double v : c.volume) constant = constant && v == c.volume.front();
  require(!constant, "Tg fit: the volume is constant (an NVT quench); fit the potential energy");
  return estimate_tg(c.temperature, c.volume, o);
}

TgEstimate estimate_and_store_tg(const std::filesystem::path& glass_file,
                                 const TgOptions& options) {
  const CoolingCurve c = read_cooling_curve(glass_file);
  require(c.size() > 0, glass_file.string() + ": no cooling curve (/md/cooling) to fit Tg to");
  TgEstimate e;
  try {
    e = estimate_tg(c, options);
  } catch (const Error& error) {
    throw Error(glass_file.string() + ": " + error.what());
  }
  store_tg(glass_file, e);
  return e;
}

}  // namespace glassy::md
