// Headless Debian chromium for the report tests: opens a page from a file URL, lets its scripts
// run, and returns the DOM (plotly adds a .main-svg to each drawn figure's div) and a screenshot.
#pragma once

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
