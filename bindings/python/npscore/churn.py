"""npscore.churn: see npscore/churn.h for the C++ core."""
