"""npscore.priority: see npscore/priority.h for the C++ core."""
