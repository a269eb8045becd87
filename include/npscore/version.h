/* npscore version: the single place the version is written.
 * CMake, pyproject.toml (through scikit-build-core's regex provider) and the
 * C ABI all read these three lines. Plain C so that c_api.h can include it. */
#ifndef NPSCORE_VERSION_H_
#define NPSCORE_VERSION_H_

#define NPSCORE_VERSION_MAJOR 0
#define NPSCORE_VERSION_MINOR 5
#define NPSCORE_VERSION_PATCH 0

/** MAJOR * 10000 + MINOR * 100 + PATCH, e.g. 0.1.0 -> 100. */
#define NPSCORE_VERSION_NUMBER \
  (NPSCORE_VERSION_MAJOR * 10000 + NPSCORE_VERSION_MINOR * 100 + NPSCORE_VERSION_PATCH)

#define NPSCORE_STRINGIFY_(x) #x
#define NPSCORE_STRINGIFY(x) NPSCORE_STRINGIFY_(x)
/** "MAJOR.MINOR.PATCH" */
#define NPSCORE_VERSION_STRING                                          \
  NPSCORE_STRINGIFY(NPSCORE_VERSION_MAJOR) "." NPSCORE_STRINGIFY(       \
      NPSCORE_VERSION_MINOR) "." NPSCORE_STRINGIFY(NPSCORE_VERSION_PATCH)

#endif /* NPSCORE_VERSION_H_ */
