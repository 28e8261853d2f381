//! diff: (to be written).
