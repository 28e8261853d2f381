//! Export stage: the doc set as an OpenAPI 3.1 document.
//!
//! In: a [`DocSet`] (endpoint declarations, parameter and response-field tables, documented
//! examples). Out: a [`utoipa::openapi::OpenApi`], built with utoipa's typed model, which the
//! caller serializes as JSON or YAML. One path item per route, one operation per method, one
//! response per documented status whose schema is inferred from every example of that status
//! ([`super::schema`]). Output is stable: maps keep document order or sort by name.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde_json::Value;
use utoipa::openapi::example::ExampleBuilder;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, Parameter, ParameterBuilder, ParameterIn, ParameterStyle,
    PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{KnownFormat, Object, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, Deprecated, InfoBuilder, OpenApi, OpenApiBuilder, Ref,
    RefOr, Required, ResponseBuilder, ResponsesBuilder, ServerBuilder,
};

use super::schema::{pascal, singular, Documented, ObjectSink, Shape};
use crate::fixture::media::{essence, is_json};
use crate::fixture::{
    slug, BodyRef, DocSet, Fixture, Param, ParamLocation, PlaceholderKind, ResponseField,
    RouteTemplate, Segment,
};
use crate::serve::response::served_value;

/// What the docs cannot say about themselves.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `info.title`; the first page's title when not given.
    pub title: Option<String>,
    /// `info.version`; `0.0.0` when not given.
    pub version: Option<String>,
    /// `servers`, in order.
    pub servers: Vec<String>,
}

/// The OpenAPI 3.1 document of a doc set.
///
/// ```
/// use docmock::export::openapi::{document, Options};
/// let docs = docmock::fixture::DocSet::default();
/// let spec = document(&docs, &Options::default());
/// assert_eq!(serde_json::to_value(&spec).unwrap()["openapi"], "3.1.0");
/// ```
pub fn document(docs: &DocSet, options: &Options) -> OpenApi {
    // Build once to count where each object schema is used, then again with those used more
    // than once moved to `components/schemas`.
    let mut counter = Counter::default();
    let _ = build(docs, options, &mut counter);
    let mut shared = Shared::new(counter);
    let mut spec = build(docs, options, &mut shared);
    let components = spec.components.get_or_insert_with(Default::default);
    components.schemas = shared
        .components
        .into_iter()
        .map(|(name, schema)| (name, RefOr::T(Schema::Object(schema))))
        .collect();
    if components.schemas.is_empty() && components.responses.is_empty() {
        spec.components = None;
    }
    spec
}

/// One operation: a declared endpoint and/or the examples served on its route and method.
struct Operation<'d> {
    method: String,
    route: String,
    heading: String,
    page: String,
    /// The prose of the (first described) declaration.
    description: String,
    /// Some declaration marks the route deprecated; `None` when none declares it: then its
    /// examples decide (every one deprecated).
    deprecated: Option<bool>,
    params: Vec<Param>,
    response_fields: Vec<ResponseField>,
    fixtures: Vec<&'d Fixture>,
}

impl Operation<'_> {
    /// An operation of `method route` under an endpoint heading, on a page.
    fn new(method: &str, route: &str, heading: &str, page: &str) -> Self {
        Operation {
            method: method.to_string(),
            route: route.to_string(),
            heading: heading.to_string(),
            page: page.to_string(),
            description: String::new(),
            deprecated: None,
            params: Vec::new(),
            response_fields: Vec::new(),
            fixtures: Vec::new(),
        }
    }
}

/// A media type's content: its schema and every documented example, keyed by fixture id with
/// the case heading as summary (request bodies and responses alike).
fn content(schema: RefOr<Schema>, examples: &[(&Fixture, Value)]) -> utoipa::openapi::Content {
    ContentBuilder::new()
        .schema(Some(schema))
        .examples_from_iter(examples.iter().map(|(f, body)| {
            (
                f.id.clone(),
                ExampleBuilder::new()
                    .summary(f.title.clone())
                    .value(Some(body.clone())),
            )
        }))
        .build()
}

fn build(docs: &DocSet, options: &Options, objects: &mut dyn ObjectSink) -> OpenApi {
    let mut operations: IndexMap<(String, String), Operation> = IndexMap::new();
    for (page, endpoint) in docs.endpoints() {
        let op = operations
            .entry((endpoint.route.clone(), endpoint.method.clone()))
            .or_insert_with(|| {
                Operation::new(
                    &endpoint.method,
                    &endpoint.route,
                    &endpoint.heading,
                    &page.title,
                )
            });
        if op.description.is_empty() {
            op.description = endpoint.description.clone();
        }
        op.deprecated = Some(op.deprecated.unwrap_or(false) || endpoint.deprecated);
        merge_by_name(&mut op.params, &endpoint.params, |p| &p.name);
        merge_by_name(&mut op.response_fields, &endpoint.response_fields, |f| {
            &f.name
        });
    }
    let mut globals: Vec<&Fixture> = Vec::new();
    for fixture in docs.servable() {
        if fixture.global {
            globals.push(fixture);
            continue;
        }
        let request = &fixture.request;
        let op = operations
            .entry((request.route.clone(), request.method.clone()))
            .or_insert_with(|| {
                Operation::new(
                    &request.method,
                    &request.route,
                    &fixture.endpoint,
                    &fixture.page,
                )
            });
        merge_by_name(&mut op.params, &fixture.params, |p| &p.name);
        merge_by_name(&mut op.response_fields, &fixture.response_fields, |f| {
            &f.name
        });
        op.fixtures.push(fixture);
    }

    let mut components = ComponentsBuilder::new();
    // status → component name of the global cases
    let mut global_responses: BTreeMap<String, String> = BTreeMap::new();
    let mut by_status: IndexMap<u16, Vec<&Fixture>> = IndexMap::new();
    for fixture in &globals {
        by_status
            .entry(fixture.response.status)
            .or_default()
            .push(fixture);
    }
    for (status, fixtures) in &by_status {
        let name = global_name(*status);
        let response = response(*status, fixtures, &[], "Error", objects);
        components = components.response(&name, response);
        global_responses.insert(status.to_string(), name);
    }

    let mut paths: IndexMap<String, PathItem> = IndexMap::new();
    let mut operation_ids: Vec<String> = Vec::new();
    let mut tags: Vec<String> = Vec::new();
    for op in operations.values() {
        let Some(method) = http_method(&op.method) else {
            continue;
        };
        let mut id = slug(&op.heading);
        if id.is_empty() {
            id = slug(&format!("{} {}", op.method, op.route));
        }
        let base = id.clone();
        let mut n = 2;
        while operation_ids.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        operation_ids.push(id.clone());
        if !tags.contains(&op.page) {
            tags.push(op.page.clone());
        }
        let resource = resource_name(&op.route);

        let deprecated = op
            .deprecated
            .unwrap_or_else(|| !op.fixtures.is_empty() && op.fixtures.iter().all(|f| f.deprecated));
        let mut builder = OperationBuilder::new()
            .operation_id(Some(id))
            .summary(Some(op.heading.clone()))
            .description(non_empty(&op.description))
            .deprecated(deprecated.then_some(Deprecated::True))
            .tag(op.page.clone())
            .parameters(Some(parameters(op)).filter(|p| !p.is_empty()));
        if let Some(body) = request_body(op, &format!("{}Request", singular(&resource)), objects) {
            builder = builder.request_body(Some(body));
        }

        let mut responses = ResponsesBuilder::new();
        let mut statuses: IndexMap<u16, Vec<&Fixture>> = IndexMap::new();
        for fixture in &op.fixtures {
            statuses
                .entry(fixture.response.status)
                .or_default()
                .push(fixture);
        }
        statuses.sort_keys();
        for (status, fixtures) in &statuses {
            let fields: &[ResponseField] = if (200..300).contains(status) {
                &op.response_fields
            } else {
                &[]
            };
            let name = if (200..300).contains(status) {
                resource.clone()
            } else {
                "Error".to_string()
            };
            responses = responses.response(
                status.to_string(),
                response(*status, fixtures, fields, &name, objects),
            );
        }
        for (status, name) in &global_responses {
            if !statuses.keys().any(|s| s.to_string() == *status) {
                responses = responses.response(status, Ref::from_response_name(name));
            }
        }
        if statuses.is_empty() && global_responses.is_empty() {
            responses = responses.response(
                "default",
                ResponseBuilder::new().description("No example documented."),
            );
        }
        builder = builder.responses(responses.build());
        paths
            .entry(op.route.clone())
            .or_default()
            .merge_operations(PathItem::new(method, builder.build()));
    }

    let title = options
        .title
        .clone()
        .or_else(|| docs.pages.first().map(|p| p.title.clone()))
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "API".to_string());
    let mut paths_builder = utoipa::openapi::path::PathsBuilder::new();
    for (route, item) in paths {
        paths_builder = paths_builder.path(route, item);
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title(title)
                .version(options.version.clone().unwrap_or_else(|| "0.0.0".into())),
        )
        .servers((!options.servers.is_empty()).then(|| {
            options
                .servers
                .iter()
                .map(|url| ServerBuilder::new().url(url).build())
                .collect::<Vec<_>>()
        }))
        .paths(paths_builder)
        .components(Some(components.build()))
        .tags(Some(
            tags.into_iter().map(|t| TagBuilder::new().name(t).build()),
        ))
        .build()
}

/// Add the entries of `more` whose names are not in `into` yet, in order.
fn merge_by_name<T: Clone>(into: &mut Vec<T>, more: &[T], name: impl Fn(&T) -> &String) {
    for item in more {
        if !into.iter().any(|i| name(i) == name(item)) {
            into.push(item.clone());
        }
    }
}

fn http_method(method: &str) -> Option<HttpMethod> {
    Some(match method {
        "GET" => HttpMethod::Get,
        "POST" => HttpMethod::Post,
        "PUT" => HttpMethod::Put,
        "DELETE" => HttpMethod::Delete,
        "PATCH" => HttpMethod::Patch,
        "HEAD" => HttpMethod::Head,
        "OPTIONS" => HttpMethod::Options,
        "TRACE" => HttpMethod::Trace,
        _ => return None,
    })
}

/// `Unauthorized` for a global 401: the component name of a case that holds on every route.
fn global_name(status: u16) -> String {
    let reason = axum::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(pascal)
        .unwrap_or_default();
    if reason.is_empty() {
        format!("Status{status}")
    } else {
        reason
    }
}

/// The component name of a route's resource: its last literal segment
/// (`/dossiers/{id}/protocol_subscriptions` → `ProtocolSubscriptions`).
fn resource_name(route: &str) -> String {
    RouteTemplate::parse(route)
        .segments
        .iter()
        .rev()
        .find_map(|s| match s {
            Segment::Literal(l) => Some(pascal(l)),
            Segment::Param(_) => None,
        })
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Root".to_string())
}

/// Path parameters of the route (required), then documented query and header parameters,
/// then request headers the examples send that no table documents.
fn parameters(op: &Operation) -> Vec<Parameter> {
    let template = RouteTemplate::parse(&op.route);
    let mut out = Vec::new();
    for name in template.param_names() {
        let param = op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.name.eq_ignore_ascii_case(name));
        let example = op
            .fixtures
            .iter()
            .find_map(|f| f.request.path_params.get(name))
            .map(|v| Value::String(v.clone()));
        let mut builder = ParameterBuilder::new()
            .name(name)
            .parameter_in(ParameterIn::Path)
            .required(Required::True)
            .example(example);
        builder = match param {
            Some(p) => builder
                .description(non_empty(&p.description))
                .schema(Some(param_schema(p)))
                .deprecated(p.deprecated.then_some(Deprecated::True)),
            None => builder.schema(Some(ObjectBuilder::new().schema_type(Type::String))),
        };
        out.push(builder.build());
    }
    for p in &op.params {
        let location = match p.location {
            ParamLocation::Query => ParameterIn::Query,
            ParamLocation::Header => ParameterIn::Header,
            ParamLocation::Path | ParamLocation::Body => continue,
        };
        if location == ParameterIn::Header && ignored_header(&p.name) {
            continue;
        }
        let array =
            matches!(p.param_type(), crate::fixture::ParamType::Array(_)) || p.name.ends_with("[]");
        let mut builder = ParameterBuilder::new()
            .name(&p.name)
            .parameter_in(location.clone())
            .required(if p.required {
                Required::True
            } else {
                Required::False
            })
            .description(non_empty(&p.description))
            .deprecated(p.deprecated.then_some(Deprecated::True))
            .schema(Some(param_schema(p)));
        if array && location == ParameterIn::Query {
            builder = builder
                .style(Some(ParameterStyle::Form))
                .explode(Some(true));
        }
        out.push(builder.build());
    }
    let mut headers: IndexMap<String, String> = IndexMap::new();
    for fixture in &op.fixtures {
        for (name, value) in &fixture.request.headers {
            let documented = op
                .params
                .iter()
                .any(|p| p.location == ParamLocation::Header && p.name.eq_ignore_ascii_case(name));
            if !documented
                && !ignored_header(name)
                && !headers.keys().any(|k| k.eq_ignore_ascii_case(name))
            {
                headers.insert(name.clone(), value.clone());
            }
        }
    }
    for (name, value) in headers {
        out.push(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .example(Some(Value::String(value)))
                .build(),
        );
    }
    out
}

/// OpenAPI describes these headers elsewhere (media types, security) and ignores them as
/// parameters.
fn ignored_header(name: &str) -> bool {
    ["content-type", "accept", "authorization"]
        .iter()
        .any(|h| name.eq_ignore_ascii_case(h))
}

fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// A parameter's schema from its table row: type, enum, default, deprecated.
fn param_schema(p: &Param) -> RefOr<Schema> {
    let mut shape = Shape::default();
    shape.document(&[], &documented(p));
    let mut schema = shape.to_schema("", &mut super::schema::Inline);
    // the description and deprecation belong to the parameter, not to its schema
    if let RefOr::T(Schema::Object(o)) = &mut schema {
        o.description = None;
        o.deprecated = None;
    }
    if let RefOr::T(Schema::Array(a)) = &mut schema {
        a.description = None;
        a.deprecated = None;
    }
    schema
}

fn documented(p: &Param) -> Documented<'_> {
    Documented {
        ty: &p.ty,
        description: &p.description,
        allowed: &p.allowed,
        deprecated: p.deprecated,
        default: p.default.as_deref(),
        required: Some(p.required),
    }
}

/// A documented body as an example shows it: computed values as a fixed sample of their
/// generator, "more elements" placeholders removed.
pub fn example_body(fixture: &Fixture, which: BodyRef) -> Option<Value> {
    let documented = match which {
        BodyRef::Request => fixture.request.body.as_ref()?,
        BodyRef::Response => fixture.response.body.as_ref()?,
    };
    let mut value = documented.clone();
    for computed in fixture.computed.iter().filter(|c| c.body == which) {
        if let Some(slot) = value.pointer_mut(&computed.pointer) {
            *slot = computed.generator.sample();
        }
    }
    let more: Vec<String> = fixture
        .placeholders
        .iter()
        .filter(|p| p.body == which && p.kind == PlaceholderKind::MoreElements)
        .map(|p| p.pointer.clone())
        .collect();
    Some(served_value(&value, &[], &more))
}

fn is_success(fixture: &Fixture) -> bool {
    (200..300).contains(&fixture.response.status)
}

/// The request body: body parameters of the tables laid over the schema inferred from the
/// request bodies of the successful examples (which are its examples).
fn request_body(
    op: &Operation,
    name: &str,
    objects: &mut dyn ObjectSink,
) -> Option<utoipa::openapi::request_body::RequestBody> {
    let body_params: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Body)
        .collect();
    let examples: Vec<(&Fixture, Value)> = op
        .fixtures
        .iter()
        .filter(|f| is_success(f))
        .filter_map(|f| Some((*f, example_body(f, BodyRef::Request)?)))
        .collect();
    let any_body = op.fixtures.iter().any(|f| f.request.body.is_some());
    if body_params.is_empty() && !any_body {
        return None;
    }
    let mut shape = Shape::default();
    for (_, body) in &examples {
        shape.add(body);
    }
    for p in &body_params {
        shape.document(&p.name_path(), &documented(p));
    }
    let media = op
        .fixtures
        .iter()
        .find_map(|f| {
            f.request
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        })
        .map(|(_, v)| essence(v))
        .or_else(|| {
            op.fixtures
                .iter()
                .find_map(|f| f.request.media_types.first().cloned())
        })
        .unwrap_or_else(|| "application/json".to_string());
    let schema = shape.to_schema(name, objects);
    let content = content(schema, &examples);
    let required = body_params.iter().any(|p| p.required && !p.is_nested());
    Some(
        RequestBodyBuilder::new()
            .content(media, content)
            .required(Some(if required {
                Required::True
            } else {
                Required::False
            }))
            .build(),
    )
}

/// One response: every documented case of one status, by media type, with the schema
/// inferred from all their bodies and the documented response fields laid over it.
fn response(
    status: u16,
    fixtures: &[&Fixture],
    fields: &[ResponseField],
    name: &str,
    objects: &mut dyn ObjectSink,
) -> utoipa::openapi::Response {
    let mut titles: Vec<&str> = Vec::new();
    for f in fixtures {
        if !titles.contains(&f.title.as_str()) {
            titles.push(&f.title);
        }
    }
    titles.retain(|t| !t.trim().is_empty());
    // one case: its heading; several: a Markdown list of them
    let description = match titles.as_slice() {
        [] => global_name(status),
        [one] => one.trim().to_string(),
        many => many
            .iter()
            .map(|t| format!("- {}", t.trim()))
            .collect::<Vec<_>>()
            .join("\n"),
    };
    let mut builder = ResponseBuilder::new().description(description);

    // media type → its examples
    let mut media: IndexMap<String, Vec<(&Fixture, Value)>> = IndexMap::new();
    for f in fixtures {
        let Some(body) = example_body(f, BodyRef::Response) else {
            continue;
        };
        let ty = f
            .response
            .content_type()
            .map(essence)
            .unwrap_or_else(|| "application/json".to_string());
        media.entry(ty).or_default().push((f, body));
    }
    for (ty, examples) in &media {
        let text = !is_json(ty) && examples.iter().all(|(_, b)| b.is_string());
        let schema: RefOr<Schema> = if text {
            let format = (!ty.starts_with("text/"))
                .then_some(SchemaFormat::KnownFormat(KnownFormat::Binary));
            RefOr::T(Schema::Object(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(format)
                    .build(),
            ))
        } else {
            let mut shape = Shape::default();
            for (_, body) in examples {
                shape.add(body);
            }
            for field in fields {
                shape.document(
                    &crate::fixture::split_name(&field.name),
                    &Documented {
                        ty: &field.ty,
                        description: &field.description,
                        allowed: &field.allowed,
                        deprecated: field.deprecated,
                        default: None,
                        required: None,
                    },
                );
            }
            let name = if shape.is_array() {
                name.to_string()
            } else {
                singular_or_same(name)
            };
            shape.to_schema(&name, objects)
        };
        let content = content(schema, examples);
        builder = builder.content(ty, content);
    }

    let mut headers: IndexMap<String, String> = IndexMap::new();
    for f in fixtures {
        for (name, value) in &f.response.headers {
            if !name.eq_ignore_ascii_case("content-type")
                && !headers.keys().any(|k| k.eq_ignore_ascii_case(name))
            {
                headers.insert(name.clone(), value.clone());
            }
        }
    }
    for (name, value) in headers {
        builder = builder.header(
            name,
            HeaderBuilder::new()
                .schema(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .examples([Value::String(value)]),
                )
                .build(),
        );
    }
    builder.build()
}

/// `ProtocolSubscriptions` names a list; one of them is a `ProtocolSubscription`.
fn singular_or_same(name: &str) -> String {
    match singular(name) {
        s if s.ends_with("Item") => name.to_string(),
        s => s,
    }
}

/// Counts how often each object schema occurs (first pass of [`document`]).
#[derive(Default)]
struct Counter {
    /// Serialized schema → (uses, first name it was given).
    seen: IndexMap<String, (usize, String)>,
}

impl ObjectSink for Counter {
    fn object(&mut self, key: &str, name: &str, schema: Object) -> RefOr<Schema> {
        self.seen
            .entry(key.to_string())
            .or_insert_with(|| (0, name.to_string()))
            .0 += 1;
        RefOr::T(Schema::Object(schema))
    }
}

/// Moves object schemas used more than once to `components/schemas` (second pass).
struct Shared {
    names: IndexMap<String, String>,
    components: BTreeMap<String, Object>,
}

impl Shared {
    fn new(counter: Counter) -> Shared {
        let mut names: IndexMap<String, String> = IndexMap::new();
        let mut taken: Vec<String> = Vec::new();
        for (key, (uses, name)) in counter.seen {
            if uses < 2 {
                continue;
            }
            let base = if name.is_empty() {
                "Object".to_string()
            } else {
                name
            };
            let mut unique = base.clone();
            let mut n = 2;
            while taken.contains(&unique) {
                unique = format!("{base}{n}");
                n += 1;
            }
            taken.push(unique.clone());
            names.insert(key, unique);
        }
        Shared {
            names,
            components: BTreeMap::new(),
        }
    }
}

impl ObjectSink for Shared {
    fn object(&mut self, key: &str, _name: &str, schema: Object) -> RefOr<Schema> {
        match self.names.get(key) {
            Some(name) => {
                self.components.insert(name.clone(), schema);
                RefOr::Ref(Ref::from_schema_name(name))
            }
            None => RefOr::T(Schema::Object(schema)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{
        Computed, Endpoint, Generator, Page, Placeholder, RequestSpec, ResponseSpec,
    };
    use serde_json::json;

    fn fixture(id: &str, method: &str, route: &str, status: u16, body: Option<Value>) -> Fixture {
        Fixture {
            id: id.into(),
            page: "Widgets".into(),
            endpoint: "Widgets".into(),
            title: format!("Case {id}"),
            request: RequestSpec {
                method: method.into(),
                path: route.into(),
                route: route.into(),
                ..Default::default()
            },
            response: ResponseSpec {
                status,
                body,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn endpoint(method: &str, route: &str, heading: &str) -> Endpoint {
        Endpoint {
            method: method.into(),
            path: route.into(),
            route: route.into(),
            heading: heading.into(),
            ..Default::default()
        }
    }

    fn spec(endpoints: Vec<Endpoint>, fixtures: Vec<Fixture>) -> Value {
        let docs = DocSet {
            pages: vec![Page {
                file: "widgets.md".into(),
                title: "Widgets".into(),
                endpoints,
                fixtures,
                ..Default::default()
            }],
        };
        serde_json::to_value(document(&docs, &Options::default())).unwrap()
    }

    #[test]
    fn operation_ids_are_unique_and_a_route_without_examples_still_has_a_response() {
        let spec = spec(
            vec![
                endpoint("GET", "/widgets", "List widgets"),
                endpoint("GET", "/gadgets", "List widgets"),
            ],
            vec![],
        );
        assert_eq!(
            spec["info"],
            json!({"title": "Widgets", "version": "0.0.0"})
        );
        assert_eq!(
            spec["paths"]["/widgets"]["get"]["operationId"],
            "list-widgets"
        );
        assert_eq!(
            spec["paths"]["/gadgets"]["get"]["operationId"],
            "list-widgets-2"
        );
        assert_eq!(
            spec["paths"]["/gadgets"]["get"]["responses"]["default"]["description"],
            "No example documented."
        );
    }

    #[test]
    fn a_global_case_is_one_component_every_operation_refers_to_unless_it_has_its_own() {
        let mut global = fixture(
            "auth/401",
            "GET",
            "/{resource}",
            401,
            Some(json!({"error": "unauthorized"})),
        );
        global.global = true;
        let spec = spec(
            vec![],
            vec![
                global,
                fixture("w/ok", "GET", "/widgets", 200, Some(json!([]))),
                fixture("g/401", "GET", "/gadgets", 401, None),
            ],
        );
        assert_eq!(
            spec["paths"]["/widgets"]["get"]["responses"]["401"],
            json!({"$ref": "#/components/responses/Unauthorized"})
        );
        assert_eq!(
            spec["paths"]["/gadgets"]["get"]["responses"]["401"],
            json!({"description": "Case g/401"})
        );
        let unauthorized = &spec["components"]["responses"]["Unauthorized"];
        assert_eq!(
            unauthorized["content"]["application/json"]["examples"]["auth/401"]["value"],
            json!({"error": "unauthorized"})
        );
        assert!(spec["paths"].get("/{resource}").is_none());
    }

    #[test]
    fn string_bodies_under_other_media_types_are_strings_binary_unless_text() {
        let mut zip = fixture("z", "GET", "/export.zip", 200, Some(json!("PK...")));
        zip.response
            .headers
            .insert("Content-Type".into(), "application/zip".into());
        let mut csv = fixture("c", "GET", "/export.csv", 200, Some(json!("a,b")));
        csv.response
            .headers
            .insert("Content-Type".into(), "text/csv; charset=utf-8".into());
        let spec = spec(vec![], vec![zip, csv]);
        assert_eq!(
            spec["paths"]["/export.zip"]["get"]["responses"]["200"]["content"]["application/zip"]
                ["schema"],
            json!({"type": "string", "format": "binary"})
        );
        assert_eq!(
            spec["paths"]["/export.csv"]["get"]["responses"]["200"]["content"]["text/csv"]
                ["schema"],
            json!({"type": "string"})
        );
    }

    #[test]
    fn computed_values_show_a_fixed_sample_and_more_elements_are_left_out() {
        let mut f = fixture(
            "s",
            "GET",
            "/status",
            200,
            Some(json!({"at": null, "items": [1, "..."]})),
        );
        f.computed.push(Computed {
            body: BodyRef::Response,
            pointer: "/at".into(),
            generator: Generator::NowIso8601,
            expression: "new Date().toISOString()".into(),
        });
        f.placeholders.push(Placeholder {
            body: BodyRef::Response,
            pointer: "/items/1".into(),
            kind: PlaceholderKind::MoreElements,
        });
        let spec = spec(vec![], vec![f]);
        let content =
            &spec["paths"]["/status"]["get"]["responses"]["200"]["content"]["application/json"];
        assert_eq!(
            content["examples"]["s"]["value"],
            json!({"at": "2026-01-01T00:00:00.000Z", "items": [1]})
        );
        assert_eq!(
            content["schema"]["properties"],
            json!({
                "at": {"type": "string", "format": "date-time"},
                "items": {"type": "array", "items": {"type": "integer"}}
            })
        );
    }

    #[test]
    fn operations_carry_the_endpoint_prose_and_deprecation() {
        let mut old = endpoint("GET", "/v1/widgets", "List widgets");
        old.description = "Lists widgets.\n\nDeprecated: use GET /v2/widgets instead.".into();
        old.deprecated = true;
        let new = endpoint("GET", "/v2/widgets", "List widgets v2");
        // a route only examples document: deprecated when every example is
        let mut a = fixture("a", "GET", "/gadgets", 200, None);
        a.deprecated = true;
        let mut b = fixture("b", "GET", "/gadgets", 404, None);
        b.deprecated = true;
        let mut c = fixture("c", "GET", "/gizmos", 200, None);
        c.deprecated = true;
        let d = fixture("d", "GET", "/gizmos", 404, None);
        let spec = spec(vec![old, new], vec![a, b, c, d]);
        let get = |route: &str| spec["paths"][route]["get"].clone();
        assert_eq!(
            get("/v1/widgets")["description"],
            "Lists widgets.\n\nDeprecated: use GET /v2/widgets instead."
        );
        assert_eq!(get("/v1/widgets")["deprecated"], true);
        assert_eq!(get("/v2/widgets").get("description"), None);
        assert_eq!(get("/v2/widgets").get("deprecated"), None);
        assert_eq!(get("/gadgets")["deprecated"], true);
        assert_eq!(get("/gizmos").get("deprecated"), None);
    }

    #[test]
    fn parameters_come_from_the_route_the_tables_and_the_documented_headers() {
        let mut list = endpoint("GET", "/shops/{shop_id}/widgets", "List widgets");
        list.params = vec![
            Param {
                name: "ids[]".into(),
                ty: "array of integers".into(),
                location: ParamLocation::Query,
                ..Default::default()
            },
            Param {
                name: "status".into(),
                ty: "string".into(),
                location: ParamLocation::Query,
                allowed: vec!["on".into(), "off".into()],
                default: Some("on".into()),
                deprecated: true,
                ..Default::default()
            },
        ];
        let mut example = fixture("l", "GET", "/shops/{shop_id}/widgets", 200, None);
        example
            .request
            .path_params
            .insert("shop_id".into(), "s1".into());
        example
            .request
            .headers
            .insert("X-Request-Id".into(), "r1".into());
        example
            .request
            .headers
            .insert("Authorization".into(), "Bearer t".into());
        let spec = spec(vec![list], vec![example]);
        let params = &spec["paths"]["/shops/{shop_id}/widgets"]["get"]["parameters"];
        assert_eq!(
            params,
            &json!([
                {"name": "shop_id", "in": "path", "required": true, "schema": {"type": "string"}, "example": "s1"},
                {"name": "ids[]", "in": "query", "required": false, "schema": {"type": "array", "items": {"type": "integer"}}, "style": "form", "explode": true},
                {"name": "status", "in": "query", "required": false, "deprecated": true, "schema": {"type": "string", "default": "on", "enum": ["on", "off"]}},
                {"name": "X-Request-Id", "in": "header", "required": false, "schema": {"type": "string"}, "example": "r1"}
            ])
        );
    }
}
