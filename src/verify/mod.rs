//! verify: (to be written).
