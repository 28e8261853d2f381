//! serve: (to be written).
