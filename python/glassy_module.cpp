// The Python module `glassy`: the library's core API with numpy arrays in and out. glassy::Error
// becomes glassy.Error (a ValueError) carrying the library's one-line message, so scripts can
// catch it like any bad-argument error; an input/output error (a missing or unwritable file, an
// output that would replace an input) becomes glassy.FileError, both an OSError and a
// glassy.Error, as Python's own io.UnsupportedOperation is both an OSError and a ValueError.
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
  static pybind11::exception<glassy::Error> error(m, "Error", PyExc_ValueError);
  error.attr("__doc__") =
      "Raised for anything a user can fix (bad parameters, damaged files); the message is one "
      "line saying what is wrong and what to do.";
  // Held for the process's life (never released, like the builtin exception types).
  static PyObject* const file_error = PyErr_NewException(
      "glassy.FileError", pybind11::make_tuple(pybind11::handle(PyExc_OSError), error).ptr(),
      nullptr);
  pybind11::handle(file_error).attr("__doc__") =
      "Raised when a file is missing, cannot be read or written, or an output would replace an "
      "input: an OSError and a glassy.Error.";
  m.attr("FileError") = pybind11::handle(file_error);
  pybind11::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const glassy::Error& e) {
      PyErr_SetString(e.kind() == glassy::ErrorKind::InputOutput ? file_error : error.ptr(),
                      e.what());
    }
  });
  // glassy.md on first use (PEP 562 module __getattr__): the MD module links LAMMPS, which
  // `import glassy` should not load. After the first access it is a plain attribute and
  // sys.modules["glassy.md"], so `from glassy import md` and `glassy.md.f(...)` both work.
  m.def("__getattr__", [](const std::string& name) -> pybind11::object {
    if (name != "md")
      throw pybind11::attribute_error("module 'glassy' has no attribute '" + name + "'");
    auto md = pybind11::module_::import("glassy_md");
    pybind11::module_::import("sys").attr("modules")["glassy.md"] = md;
    pybind11::module_::import("glassy").attr("md") = md;
    return md;
  });
  m.def("set_quiet", &glassy::Progress::set_quiet, pybind11::arg("quiet") = true,
        "Silences (True) or restores (False) the progress lines long calls print on stderr.");
  gp::bind_special_fit(m);
  gp::bind_io(m);
  gp::bind_corr(m);
  gp::bind_aging(m);
}
