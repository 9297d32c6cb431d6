// Page helpers for the report tests: the figure specifications a page embeds, and headless Debian
// chromium, which opens a page from a file URL, lets its scripts run, and returns the DOM (plotly
// adds a .main-svg to each drawn figure's div) and a screenshot.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace glassy::test {

inline const std::filesystem::path kChromium = "/usr/bin/chromium";

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The figure specifications embedded in the page (<script id="glassy-figures">).
inline nlohmann::json embedded_figures(const std::string& html) {
  const std::string open = "id=\"glassy-figures\">";
  const auto a = html.find(open);
  if (a == std::string::npos) return nlohmann::json::array();
  const auto b = html.find("</script>", a);
  std::string text = html.substr(a + open.size(), b - a - open.size());
  for (std::size_t i = 0; (i = text.find("<\\/", i)) != std::string::npos;) text.erase(i + 1, 1);
  return nlohmann::json::parse(text);
}

struct ChromiumPage {
  bool ran = false;
  std::string dom, png;
};

// Runs chromium twice (DOM dump, screenshot) with profiles under `scratch`.
inline ChromiumPage open_in_chromium(const std::filesystem::path& page,
                                     const std::filesystem::path& scratch) {
  const std::string common =
      kChromium.string() +
      " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
      " --disable-background-networking --disable-component-update --disable-sync"
      " --virtual-time-budget=10000 --window-size=1400,3000 --user-data-dir=";
  const std::string url = " file://" + page.string();
  ChromiumPage r;
  r.ran = std::system((common + (scratch / "p1").string() + " --dump-dom" + url + " > " +
                       (scratch / "dom.html").string() + " 2>/dev/null")
                          .c_str()) == 0 &&
          std::system((common + (scratch / "p2").string() +
                       " --screenshot=" + (scratch / "shot.png").string() + url + " 2>/dev/null")
                          .c_str()) == 0;
  r.dom = slurp(scratch / "dom.html");
  r.png = slurp(scratch / "shot.png");
  return r;
}

}  // namespace glassy::test
