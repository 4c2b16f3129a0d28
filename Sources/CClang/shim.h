/* libclang's C API (libclang-19-dev), for naming C expressions in copier's
   text and HTML outputs. The include path comes from Package.swift. */
#include <clang-c/Index.h>
