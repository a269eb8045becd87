"""npscore.themes: see npscore/themes.h for the C++ core."""
