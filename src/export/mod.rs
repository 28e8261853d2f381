//! Export stage: the doc set in formats other tools read.
//!
//! [`openapi`] builds an OpenAPI 3.1 document from the model; [`schema`] infers the JSON
//! Schemas of its bodies from every documented example.

pub mod openapi;
pub mod schema;
