"""npscore.clv: see npscore/clv.h for the C++ core."""
