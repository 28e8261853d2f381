//! lint: (to be written).
