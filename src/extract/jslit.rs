//! JavaScript object literals as written inside `<Snapshot json={{ ... }} />`: finding where
//! one ends, and reading it into JSON (through json5) with computed values and placeholders.
