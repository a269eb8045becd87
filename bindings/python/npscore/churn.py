"""npscore.churn: see npscore/churn.h for the C++ core."""

# --- Features ---

# (end of features)

# --- Model ---

# (end of model)
