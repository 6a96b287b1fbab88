//! The API's OpenAPI 3.1 description, built with the router: a route is added together with
//! its operation ([`Routes`]), so none can exist undocumented. Request bodies are the domain's
//! request types, described by schemars (JSON Schema 2020-12, which OpenAPI 3.1 uses).

mod document;

use axum::Router;
use axum::handler::Handler;
use axum::routing::MethodRouter;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::{JsonSchema, Schema};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::state::AppState;

pub(crate) use document::served;

/// Describes a request body's type.
type Describe = fn(&mut SchemaGenerator) -> Schema;

/// One operation's description.
pub(crate) struct Op {
    id: &'static str,
    tag: &'static str,
    summary: &'static str,
    query: &'static [(&'static str, &'static str)],
    body: Option<(Describe, Value)>,
    answer: Answer,
    admin: bool,
}

/// What a successful call answers.
enum Answer {
    /// 200 with a JSON object.
    Read(&'static str),
    /// 202 with the started execution.
    Started,
    /// 201 with what it made (200 when an Idempotency-Key retry finds it).
    Created(&'static str),
    /// 200 with a file of this content type, served without a token.
    File(&'static str),
}

/// An operation that reads: `GET`, any principal.
pub(crate) fn read(id: &'static str, tag: &'static str, summary: &'static str) -> Op {
    Op { id, tag, summary, query: &[], body: None, answer: Answer::Read("the answer"), admin: false }
}

/// A file of the web console: served without a token.
pub(crate) fn file(id: &'static str, summary: &'static str, content_type: &'static str) -> Op {
    Op { id, tag: "console", summary, query: &[], body: None, answer: Answer::File(content_type), admin: false }
}

/// An operation that starts a workflow: admins only, `202` with the execution.
pub(crate) fn start(id: &'static str, tag: &'static str, summary: &'static str) -> Op {
    Op { id, tag, summary, query: &[], body: None, answer: Answer::Started, admin: true }
}

impl Op {
    /// Its query parameters, with what each means.
    pub(crate) fn query(mut self, query: &'static [(&'static str, &'static str)]) -> Self {
        self.query = query;
        self
    }

    /// What it answers with 200.
    pub(crate) fn answers(mut self, what: &'static str) -> Self {
        self.answer = Answer::Read(what);
        self
    }

    /// It makes `what` itself (no workflow): 201.
    pub(crate) fn creates(mut self, what: &'static str) -> Self {
        self.answer = Answer::Created(what);
        self
    }

    /// Only admins may call it.
    pub(crate) fn admin(mut self) -> Self {
        self.admin = true;
        self
    }

    /// Its JSON body, `T`, with an example (which must be a `T`: checked in debug builds, so
    /// every test that builds the router checks every example).
    pub(crate) fn body<T: JsonSchema + DeserializeOwned>(mut self, example: Value) -> Self {
        let parsed = serde_json::from_value::<T>(example.clone());
        debug_assert!(parsed.is_ok(), "{}: the example is not a request body: {:?}", self.id, parsed.err());
        self.body = Some((|generator| generator.subschema_for::<T>(), example));
        self
    }

    fn describe(&self, path: &str, schemas: &mut SchemaGenerator) -> Value {
        let mut parameters: Vec<Value> = path_params(path)
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        let paged = self.query.iter().any(|(name, _)| *name == "nextToken");
        for (name, description) in self.query {
            let schema = if *name == "limit" {
                json!({"type": "integer", "minimum": 1, "maximum": 100})
            } else {
                json!({"type": "string"})
            };
            parameters.push(
                json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema}),
            );
        }
        let mut responses = Map::new();
        match self.answer {
            Answer::Read(what) => {
                responses.insert(
                    "200".into(),
                    json!({"description": what, "content": {"application/json": {"schema": {"type": "object"}}}}),
                );
            }
            Answer::File(content_type) => {
                let content = json!({content_type: {"schema": {"type": "string"}}});
                responses.insert("200".into(), json!({"description": self.summary, "content": content}));
                return json!({"operationId": self.id, "tags": [self.tag], "summary": self.summary,
                    "security": [], "parameters": parameters, "responses": responses});
            }
            Answer::Created(what) => {
                let content = json!({"application/json": {"schema": {"type": "object"}}});
                responses.insert("201".into(), json!({"description": what, "content": content}));
                responses.insert(
                    "200".into(),
                    json!({"description": "an Idempotency-Key retry: the one made before", "content": content}),
                );
            }
            Answer::Started => {
                parameters.push(json!({"name": "Idempotency-Key", "in": "header", "required": false,
                    "description": "a retry with the same key returns the same execution and starts nothing",
                    "schema": {"type": "string", "maxLength": 128}}));
                responses.insert(
                    "202".into(),
                    json!({"description": "the workflow started (or, replayed, had started)",
                    "headers": {"Location": {"description": "/executions/{executionId}", "schema": {"type": "string"}}},
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}}}),
                );
            }
        }
        for (status, what) in document::errors(self.body.is_some() || paged || !self.query.is_empty(), self.admin) {
            responses.insert(status.to_string(), json!({"description": what, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}));
        }
        let mut op = json!({
            "operationId": self.id,
            "tags": [self.tag],
            "summary": self.summary,
            "parameters": parameters,
            "responses": responses,
        });
        if let Some((schema, example)) = &self.body {
            let media = json!({"schema": schema(schemas).to_value(), "example": example});
            op["requestBody"] = json!({"required": true, "content": {"application/json": media}});
        }
        op
    }
}

/// The `{name}` segments of a path.
fn path_params(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
}

/// The router and its description, built together.
pub(crate) struct Routes {
    router: Router<AppState>,
    paths: Map<String, Value>,
    schemas: SchemaGenerator,
}

impl Routes {
    pub(crate) fn new() -> Self {
        let mut settings = SchemaSettings::draft2020_12();
        settings.definitions_path = "/components/schemas".into();
        Self { router: Router::new(), paths: Map::new(), schemas: settings.into_generator() }
    }

    fn add(mut self, method: &str, path: &str, route: MethodRouter<AppState>, op: Op) -> Self {
        self.router = self.router.route(path, route);
        let described = op.describe(path, &mut self.schemas);
        self.paths.entry(path.to_owned()).or_insert_with(|| json!({}))[method] = described;
        self
    }

    pub(crate) fn get<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H, op: Op) -> Self {
        self.add("get", path, axum::routing::get(handler), op)
    }

    pub(crate) fn post<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H, op: Op) -> Self {
        self.add("post", path, axum::routing::post(handler), op)
    }

    pub(crate) fn put<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H, op: Op) -> Self {
        self.add("put", path, axum::routing::put(handler), op)
    }

    pub(crate) fn delete<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H, op: Op) -> Self {
        self.add("delete", path, axum::routing::delete(handler), op)
    }

    /// The router, serving the document describing it at `/openapi.json`, and the document.
    pub(crate) fn finish(mut self) -> (Router<AppState>, Value) {
        let schemas = self.schemas.take_definitions(true);
        let document = document::document(self.paths, schemas);
        (self.router.route(document::PATH, served(document.clone())), document)
    }
}
