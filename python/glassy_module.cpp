// The Python module `glassy`: the library's core API with numpy arrays in and out. glassy::Error
// becomes glassy.Error (a ValueError) carrying the library's one-line message, so scripts can
// catch it like any bad-argument error.
#include "bind_common.hpp"

#include <glassy/core/error.hpp>
#include <glassy/core/progress.hpp>

PYBIND11_MODULE(glassy, m) {
  namespace gp = glassy::python;
  m.doc() =
      "glassy: XPCS analysis of glassy dynamics (two-time correlation, aging, Mittag-Leffler and "
      "KWW fits).\n\nNumpy arrays in and out; long calls release the GIL. Errors a user can fix "
      "raise glassy.Error (a subclass of ValueError) with a one-line message.";
  m.attr("__version__") = "0.1.0";
  auto error = pybind11::register_exception<glassy::Error>(m, "Error", PyExc_ValueError);
  error.attr("__doc__") =
      "Raised for anything a user can fix (bad parameters, unreadable files); the message is one "
      "line saying what is wrong and what to do.";
  m.def("set_quiet", &glassy::Progress::set_quiet, pybind11::arg("quiet") = true,
        "Silences (True) or restores (False) the progress lines long calls print on stderr.");
  gp::bind_special_fit(m);
  gp::bind_io(m);
  gp::bind_corr(m);
  gp::bind_aging(m);
}
