#include <glassy/core/error.hpp>
#include <glassy/core/plugin.hpp>

#include <dlfcn.h>

#include <cstdlib>
#include <string>

namespace glassy {

void* plugin_symbol(const PluginSpec& p, const std::vector<std::filesystem::path>& places,
                    const char* symbol) {
  std::vector<std::filesystem::path> candidates;
  if (const char* env = std::getenv(p.env); env && *env) candidates.emplace_back(env);
  candidates.insert(candidates.end(), places.begin(), places.end());
  std::string tried;
  for (const auto& path : candidates) {
    if (!std::filesystem::exists(path)) {
      tried += (tried.empty() ? "" : ", ") + path.lexically_normal().string();
      continue;
    }
    void* handle = dlopen(path.c_str(), (p.lazy ? RTLD_LAZY : RTLD_NOW) | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = dlerror();
      throw Error(std::string(p.purpose) + ": the " + p.name + " plugin " + path.string() +
                  " does not load (" + (why ? why : "unknown reason") + "): " + p.needs);
    }
    void* fn = dlsym(handle, symbol);
    require(fn != nullptr, std::string(p.purpose) + ": " + path.string() + " is not the " + p.file +
                               " plugin of this glassy");
    return fn;
  }
  throw Error(std::string(p.purpose) + ": the " + p.name + " plugin " + p.file +
              " is not installed (looked for " + tried + "); set " + p.env + " to its path");
}

std::vector<std::filesystem::path> library_plugin_places(const char* file) {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&library_plugin_places), &info) == 0 ||
      info.dli_fname == nullptr)
    return {};
  const auto folder = std::filesystem::path(info.dli_fname).parent_path();
  // Installed: <libdir>/libglassy.so and <libdir>/glassy/; build tree: src/ and lib/glassy/.
  return {folder / "glassy" / file, folder / GLASSY_PLUGIN_BUILD_REL / file};
}

}  // namespace glassy
