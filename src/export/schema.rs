//! Export stage: JSON Schemas (2020-12, as OpenAPI 3.1 uses them) inferred from example bodies.
//!
//! A [`Shape`] is what every example seen at one place has in common, built the way a careful
//! schema-inference tool builds it: every example must validate against the result. Keys
//! present in every example object are `required`; a key that is `null` in one example and a
//! string in another is `["string", "null"]`; array elements union into one item schema;
//! integers and numbers stay apart; strings that all carry a date-time or a UUID get that
//! `format`. What the docs say in prose (response-field tables, parameter tables) is laid over
//! the examples with [`Shape::document`], adding descriptions, enums and types where the
//! examples allow them.

use indexmap::IndexMap;
use serde_json::Value;
use utoipa::openapi::schema::{
    AnyOfBuilder, ArrayBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::{Deprecated, RefOr};

use crate::fixture::{is_uuid, ParamType};

/// What the values seen at one place of a body have in common, plus what the docs say of it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shape {
    null: bool,
    boolean: bool,
    integer: bool,
    number: bool,
    string: Option<Strings>,
    /// The elements' shape, when an array was seen here (or documented).
    array: Option<Box<Shape>>,
    object: Option<ObjectShape>,
    /// Distinct scalar values seen, so a documented enum is kept only when every example fits.
    scalars: Vec<Value>,
    doc: Doc,
}

/// What the docs say of one place.
#[derive(Debug, Clone, Default, PartialEq)]
struct Doc {
    ty: Option<ParamType>,
    description: Option<String>,
    allowed: Vec<String>,
    deprecated: bool,
    default: Option<String>,
}

/// The formats every string seen at one place shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strings {
    Plain,
    DateTime,
    Uuid,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct ObjectShape {
    /// How many objects were seen here.
    count: usize,
    properties: IndexMap<String, Property>,
    /// A parameter table describes this object: its `required` list is the table's.
    documented: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Property {
    /// In how many of the objects the key was present.
    present: usize,
    shape: Shape,
    documented_required: bool,
}

/// What the docs say of one field or parameter, laid over a shape by [`Shape::document`].
#[derive(Debug, Clone, Default)]
pub struct Documented<'a> {
    pub ty: &'a str,
    pub description: &'a str,
    pub allowed: &'a [String],
    pub deprecated: bool,
    pub default: Option<&'a str>,
    /// `Some` for a parameter table row (which says whether it is required), `None` for a
    /// response field (whose presence the examples decide).
    pub required: Option<bool>,
}

/// Scalars kept per place for enum checks; more than this and the enum is not checked.
const MAX_SCALARS: usize = 64;

impl Shape {
    /// The shape of one value.
    pub fn of(value: &Value) -> Shape {
        let mut shape = Shape::default();
        shape.add(value);
        shape
    }

    /// Were arrays (only) seen here?
    pub fn is_array(&self) -> bool {
        self.array.is_some() && self.object.is_none()
    }

    /// Has no value been seen or documented here?
    pub fn is_empty(&self) -> bool {
        *self == Shape::default()
    }

    /// Widen the shape so `value` fits it too.
    pub fn add(&mut self, value: &Value) {
        match value {
            Value::Null => self.null = true,
            Value::Bool(_) => self.boolean = true,
            Value::Number(n) if n.is_i64() || n.is_u64() => self.integer = true,
            Value::Number(_) => self.number = true,
            Value::String(s) => {
                let format = string_format(s);
                self.string = Some(match self.string {
                    None => format,
                    Some(seen) if seen == format => seen,
                    Some(_) => Strings::Plain,
                });
            }
            Value::Array(items) => {
                let shape = self.array.get_or_insert_with(Box::default);
                for item in items {
                    shape.add(item);
                }
            }
            Value::Object(members) => {
                let object = self.object.get_or_insert_with(ObjectShape::default);
                object.count += 1;
                for (key, member) in members {
                    let property = object.properties.entry(key.clone()).or_default();
                    property.present += 1;
                    property.shape.add(member);
                }
            }
        }
        if !matches!(value, Value::Array(_) | Value::Object(_))
            && self.scalars.len() <= MAX_SCALARS
            && !self.scalars.contains(value)
        {
            self.scalars.push(value.clone());
        }
    }

    /// Lay what the docs say of the field at `path` (a nested name split at its brackets:
    /// `["items", "", "sku"]`, `""` for every element) over this shape, creating the places
    /// the examples never show.
    pub fn document(&mut self, path: &[&str], doc: &Documented) {
        let Some((first, rest)) = path.split_first() else {
            self.doc = Doc {
                ty: (!doc.ty.trim().is_empty()).then(|| ParamType::parse(doc.ty)),
                description: (!doc.description.trim().is_empty())
                    .then(|| doc.description.trim().to_string()),
                allowed: doc.allowed.to_vec(),
                deprecated: doc.deprecated,
                default: doc.default.map(str::to_string),
            };
            if let Some(ParamType::Array(inner)) = &self.doc.ty {
                let items = self.array.get_or_insert_with(Box::default);
                if items.doc.ty.is_none() {
                    items.doc.ty = inner.as_ref().map(|t| (**t).clone());
                }
                // an array's enum lists what its elements may be
                items.doc.allowed = std::mem::take(&mut self.doc.allowed);
            }
            return;
        };
        if first.is_empty() {
            self.array
                .get_or_insert_with(Box::default)
                .document(rest, doc);
            return;
        }
        let object = self.object.get_or_insert_with(ObjectShape::default);
        let property = match object
            .properties
            .keys()
            .position(|k| k.eq_ignore_ascii_case(first))
        {
            Some(i) => &mut object.properties[i],
            None => object.properties.entry(first.to_string()).or_default(),
        };
        if rest.is_empty() {
            if let Some(required) = doc.required {
                object.documented = true;
                property.documented_required = required;
            }
        }
        property.shape.document(rest, doc);
    }

    /// The JSON Schema of this shape. Object schemas go through `objects`, which may hand
    /// back a reference to a shared component instead; `name` is the name a component made
    /// from this place would get.
    pub fn to_schema(&self, name: &str, objects: &mut dyn ObjectSink) -> RefOr<Schema> {
        let mut kinds = self.kinds();
        let nullable = kinds.contains(&Type::Null);
        kinds.retain(|k| *k != Type::Null);
        let compound = kinds
            .iter()
            .any(|k| matches!(k, Type::Object | Type::Array));
        let schema: RefOr<Schema> = if compound && kinds.len() > 1 {
            let mut any = AnyOfBuilder::new();
            for kind in &kinds {
                any =
                    any.item(self.single(kind.clone(), std::slice::from_ref(kind), name, objects));
            }
            if nullable {
                any = any.item(ObjectBuilder::new().schema_type(Type::Null).build());
            }
            let any = any.description(self.doc.description.clone());
            return RefOr::T(Schema::AnyOf(any.build()));
        } else if let Some(kind) = kinds.first().cloned() {
            let mut types = kinds.clone();
            if nullable {
                types.push(Type::Null);
            }
            self.single(kind, &types, name, objects)
        } else if nullable {
            RefOr::T(Schema::Object(
                ObjectBuilder::new().schema_type(Type::Null).build(),
            ))
        } else {
            // nothing seen or documented: any value
            RefOr::T(Schema::Object(
                ObjectBuilder::new()
                    .schema_type(SchemaType::AnyValue)
                    .description(self.doc.description.clone())
                    .build(),
            ))
        };
        schema
    }

    /// The schema of one kind of value seen here, typed `types` (the kind, maybe with null).
    fn single(
        &self,
        kind: Type,
        types: &[Type],
        name: &str,
        objects: &mut dyn ObjectSink,
    ) -> RefOr<Schema> {
        let schema_type = if types.len() == 1 {
            SchemaType::Type(types[0].clone())
        } else {
            SchemaType::Array(types.to_vec())
        };
        let deprecated = self.doc.deprecated.then_some(Deprecated::True);
        match kind {
            Type::Array => {
                let items = match &self.array {
                    Some(items) => items.to_schema(&singular(name), objects),
                    None => Shape::default().to_schema(&singular(name), objects),
                };
                RefOr::T(Schema::Array(
                    ArrayBuilder::new()
                        .schema_type(schema_type)
                        .items(items)
                        .description(self.doc.description.clone())
                        .deprecated(deprecated)
                        .build(),
                ))
            }
            Type::Object => {
                let mut builder = ObjectBuilder::new().schema_type(schema_type);
                if let Some(object) = &self.object {
                    for (key, property) in &object.properties {
                        builder =
                            builder.property(key, property.shape.to_schema(&pascal(key), objects));
                        let required = if object.documented {
                            property.documented_required
                                && (object.count == 0 || property.present == object.count)
                        } else {
                            object.count > 0 && property.present == object.count
                        };
                        if required {
                            builder = builder.required(key);
                        }
                    }
                }
                let schema = builder
                    .description(self.doc.description.clone())
                    .deprecated(deprecated)
                    .build();
                if types.len() == 1 && !schema.properties.is_empty() && objects.may_share() {
                    let inline = self.single(kind, types, name, &mut Inline);
                    let key = serde_json::to_string(&inline).unwrap_or_default();
                    objects.object(&key, name, schema)
                } else {
                    RefOr::T(Schema::Object(schema))
                }
            }
            _ => {
                let format = match (kind, self.string, &self.doc.ty) {
                    // a documented `date` may be a date only: the examples decide
                    (Type::String, Some(Strings::DateTime), _) => {
                        Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))
                    }
                    (Type::String, Some(Strings::Uuid), _)
                    | (Type::String, None, Some(ParamType::Uuid)) => {
                        Some(SchemaFormat::Custom("uuid".to_string()))
                    }
                    _ => None,
                };
                let mut builder = ObjectBuilder::new()
                    .schema_type(schema_type)
                    .format(format)
                    .description(self.doc.description.clone())
                    .deprecated(deprecated);
                if let Some(values) = self.enum_values(types) {
                    builder = builder.enum_values(Some(values));
                }
                if let Some(default) = self.doc.default.as_deref() {
                    builder = builder.default(Some(typed(default, types)));
                }
                RefOr::T(Schema::Object(builder.build()))
            }
        }
    }

    /// The documented enum, typed like the values, when every value seen is in it.
    fn enum_values(&self, types: &[Type]) -> Option<Vec<Value>> {
        if self.doc.allowed.is_empty() || self.scalars.len() > MAX_SCALARS {
            return None;
        }
        let mut values: Vec<Value> = self.doc.allowed.iter().map(|a| typed(a, types)).collect();
        if types.contains(&Type::Null) {
            values.push(Value::Null);
        }
        self.scalars
            .iter()
            .all(|seen| values.contains(seen))
            .then_some(values)
    }

    /// The JSON types of the values seen here; the documented type where it agrees with them
    /// (or where nothing was seen).
    fn kinds(&self) -> Vec<Type> {
        let mut seen = Vec::new();
        if self.object.is_some() {
            seen.push(Type::Object);
        }
        if self.array.is_some() {
            seen.push(Type::Array);
        }
        if self.string.is_some() {
            seen.push(Type::String);
        }
        if self.number {
            seen.push(Type::Number);
        } else if self.integer {
            seen.push(Type::Integer);
        }
        if self.boolean {
            seen.push(Type::Boolean);
        }
        let documented = self
            .doc
            .ty
            .as_ref()
            .map(documented_kinds)
            .unwrap_or_default();
        let scalar_seen = seen
            .iter()
            .all(|k| !matches!(k, Type::Object | Type::Array));
        let agrees =
            scalar_seen && documented.len() == 1 && seen.iter().all(|k| accepts(&documented[0], k));
        let mut kinds = if seen.is_empty() || agrees {
            documented
        } else {
            seen
        };
        if self.null {
            kinds.push(Type::Null);
        }
        kinds
    }
}

/// Where object schemas go: inline, or into `components/schemas` behind a `$ref`.
pub trait ObjectSink {
    /// Does this sink ever share objects? (Keys are only computed for one that does.)
    fn may_share(&self) -> bool {
        true
    }

    /// `key` is the schema with every nested object inline: equal keys, identical schemas.
    fn object(
        &mut self,
        key: &str,
        name: &str,
        schema: utoipa::openapi::schema::Object,
    ) -> RefOr<Schema>;
}

/// Keeps every object schema inline.
pub struct Inline;

impl ObjectSink for Inline {
    fn may_share(&self) -> bool {
        false
    }

    fn object(
        &mut self,
        _key: &str,
        _name: &str,
        schema: utoipa::openapi::schema::Object,
    ) -> RefOr<Schema> {
        RefOr::T(Schema::Object(schema))
    }
}

/// The JSON types a documented type allows (none for types docmock does not read).
fn documented_kinds(ty: &ParamType) -> Vec<Type> {
    match ty {
        ParamType::Integer => vec![Type::Integer],
        ParamType::Number => vec![Type::Number],
        ParamType::Boolean => vec![Type::Boolean],
        ParamType::String | ParamType::Time | ParamType::Uuid => vec![Type::String],
        ParamType::Array(_) => vec![Type::Array],
        ParamType::Object => vec![Type::Object],
        ParamType::Union(types) => {
            let mut kinds: Vec<Type> = Vec::new();
            for t in types.iter().flat_map(documented_kinds) {
                if !kinds.contains(&t) {
                    kinds.push(t);
                }
            }
            kinds
        }
        ParamType::Other(_) => Vec::new(),
    }
}

/// Does a documented scalar type accept values of the kind seen?
fn accepts(documented: &Type, seen: &Type) -> bool {
    documented == seen
        || (*documented == Type::Number && *seen == Type::Integer)
        || (*documented == Type::Integer && *seen == Type::Integer)
}

/// A documented value (`3`, `true`, `draft`) as JSON of the place's type.
fn typed(text: &str, types: &[Type]) -> Value {
    let text = text.trim();
    if types.contains(&Type::Integer) {
        if let Ok(n) = text.parse::<i64>() {
            return Value::from(n);
        }
    }
    if types.contains(&Type::Number) {
        if let Some(n) = text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
        {
            return Value::Number(n);
        }
    }
    if types.contains(&Type::Boolean) {
        if let Ok(b) = text.parse::<bool>() {
            return Value::Bool(b);
        }
    }
    Value::String(text.to_string())
}

/// `date-time` for an RFC 3339 timestamp with an offset, `uuid` for a UUID.
fn string_format(s: &str) -> Strings {
    if is_uuid(s) {
        Strings::Uuid
    } else if is_rfc3339(s) {
        Strings::DateTime
    } else {
        Strings::Plain
    }
}

/// `2026-11-22T02:18:39.123Z`, `2026-11-22T02:18:39+01:00`: what `format: date-time` means.
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !(digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10))
        || !matches!(b[10], b'T' | b't')
        || !(digits(11..13) && b[13] == b':' && digits(14..16) && b[16] == b':' && digits(17..19))
    {
        return false;
    }
    let mut rest = &s[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let n = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &fraction[n..];
    }
    match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit()),
        _ => false,
    }
}

/// `protocol_subscriptions` → `ProtocolSubscriptions`: a component name from a field name.
pub fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The name of one element of a list named `name`: `ProtocolSubscriptions` →
/// `ProtocolSubscription`, `Items` → `Item`, anything else → `NameItem`.
pub fn singular(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("ies").filter(|s| !s.is_empty()) {
        format!("{stem}y")
    } else if let Some(stem) = name
        .strip_suffix('s')
        .filter(|s| !s.is_empty() && !s.ends_with('s'))
    {
        stem.to_string()
    } else {
        format!("{name}Item")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema_of(values: &[Value]) -> Value {
        let mut shape = Shape::default();
        for v in values {
            shape.add(v);
        }
        serde_json::to_value(shape.to_schema("Thing", &mut Inline)).unwrap()
    }

    #[test]
    fn keys_in_every_example_are_required_and_a_null_one_is_nullable() {
        let schema = schema_of(&[
            json!({"id": 1, "name": "a", "note": null}),
            json!({"id": 2, "name": null, "note": "x", "extra": true}),
        ]);
        assert_eq!(
            schema,
            json!({
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": ["string", "null"]},
                    "note": {"type": ["string", "null"]},
                    "extra": {"type": "boolean"}
                },
                "required": ["id", "name", "note"]
            })
        );
    }

    #[test]
    fn array_elements_union_and_integers_widen_to_numbers_only_when_mixed() {
        let schema = schema_of(&[json!([{"a": 1}, {"a": 1.5, "b": "x"}]), json!([])]);
        assert_eq!(
            schema,
            json!({
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"a": {"type": "number"}, "b": {"type": "string"}},
                    "required": ["a"]
                }
            })
        );
        assert_eq!(schema_of(&[json!(3)]), json!({"type": "integer"}));
    }

    #[test]
    fn mixed_compound_values_become_any_of() {
        let schema = schema_of(&[json!([1]), json!({"a": 1}), json!(null)]);
        assert_eq!(schema["anyOf"].as_array().unwrap().len(), 3, "{schema}");
    }

    #[test]
    fn strings_that_all_share_a_format_carry_it() {
        assert_eq!(
            schema_of(&[
                json!("2026-11-22T02:18:39.123Z"),
                json!("2026-01-01T00:00:00+01:00")
            ]),
            json!({"type": "string", "format": "date-time"})
        );
        assert_eq!(
            schema_of(&[json!("00000000-0000-4000-8000-000000000000")]),
            json!({"type": "string", "format": "uuid"})
        );
        assert_eq!(
            schema_of(&[json!("2026-11-22T02:18:39Z"), json!("x")]),
            json!({"type": "string"})
        );
        assert!(!is_rfc3339("2026-11-22T02:18:39"));
    }

    #[test]
    fn documented_fields_add_descriptions_types_and_enums_the_examples_allow() {
        let mut shape = Shape::of(&json!({"status": "draft", "count": 2}));
        let doc = |ty, allowed: &'static [String]| Documented {
            ty,
            description: "What it is.",
            allowed,
            ..Default::default()
        };
        let allowed: &'static [String] = Box::leak(Box::new(["draft".to_string(), "done".into()]));
        shape.document(&["status"], &doc("string", allowed));
        shape.document(&["count"], &doc("number", &[]));
        shape.document(&["links", "self"], &doc("url", &[]));
        let other: &'static [String] = Box::leak(Box::new(["x".to_string()]));
        let mut wrong = Shape::of(&json!({"kind": "y"}));
        wrong.document(&["kind"], &doc("string", other));
        let schema = serde_json::to_value(shape.to_schema("T", &mut Inline)).unwrap();
        assert_eq!(
            schema["properties"]["status"]["enum"],
            json!(["draft", "done"])
        );
        assert_eq!(schema["properties"]["count"]["type"], json!("number"));
        assert_eq!(
            schema["properties"]["links"]["properties"]["self"]["type"],
            json!("string")
        );
        assert_eq!(schema["required"], json!(["status", "count"]));
        let wrong = serde_json::to_value(wrong.to_schema("T", &mut Inline)).unwrap();
        assert_eq!(wrong["properties"]["kind"].get("enum"), None, "{wrong}");
    }

    #[test]
    fn component_names_come_from_field_names() {
        assert_eq!(pascal("protocol_subscriptions"), "ProtocolSubscriptions");
        assert_eq!(singular("ProtocolSubscriptions"), "ProtocolSubscription");
        assert_eq!(singular("Entries"), "Entry");
        assert_eq!(singular("Data"), "DataItem");
    }
}
