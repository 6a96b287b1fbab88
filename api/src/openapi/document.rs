//! The parts of the document every operation shares: the bearer scheme, the error and
//! accepted shapes, the errors each kind of operation can answer, and serving it.

use std::sync::Arc;

use axum::Json;
use axum::routing::{MethodRouter, get};
use serde_json::{Map, Value, json};

use crate::state::AppState;

/// Where the document is served (without a token: it describes, it does not reveal).
pub(crate) const PATH: &str = "/openapi.json";

/// The errors an operation may answer: 401 always; 400 when it takes input; 403 for admin
/// operations; 404, 409, 413 and 422 for the ones that name or change resources.
pub(super) fn errors(takes_input: bool, admin: bool) -> Vec<(u16, &'static str)> {
    let mut errors = vec![(401, "no valid bearer token")];
    if takes_input {
        errors.push((400, "the request is invalid: `problems` names every field"));
    }
    errors.push((404, "no such resource (or route)"));
    if admin {
        errors.extend([
            (403, "the caller is not an admin"),
            (409, "the resource's state forbids it, or another change is in flight"),
            (413, "the body is over 240 KiB"),
            (422, "an Idempotency-Key reused with another body"),
        ]);
    }
    errors.extend([(502, "an AWS call failed"), (503, "AWS is throttling or unavailable; try again")]);
    errors
}

fn shared_schemas() -> Map<String, Value> {
    let problem = json!({"type": "object", "required": ["field", "message"], "properties": {
        "field": {"type": "string", "description": "the field, as a dotted path into the body or a parameter name"},
        "message": {"type": "string"}}});
    let error = json!({"type": "object", "required": ["error", "message"], "properties": {
        "error": {"type": "string", "examples": ["ValidationFailed", "NotFound", "Conflict"]},
        "message": {"type": "string"},
        "problems": {"type": "array", "items": {"$ref": "#/components/schemas/Problem"}, "maxItems": 50},
        "problemCount": {"type": "integer", "description": "every problem found, listed or not"},
        "requestId": {"type": "string", "description": "as in the X-Request-Id header"}}});
    let accepted = json!({"type": "object", "required": ["executionId", "executionArn", "workflow", "replayed"], "properties": {
        "executionId": {"type": "string", "description": "GET /executions/{executionId} follows it"},
        "executionArn": {"type": "string"},
        "workflow": {"type": "string"},
        "resourceId": {"type": "string"},
        "replayed": {"type": "boolean", "description": "an Idempotency-Key retry: nothing new started"}},
        "example": {"executionId": "create-origin.org-5f2a9c0d1e3b4a67.7c1e", "executionArn": "arn:aws:states:us-east-1:123456789012:execution:cfm-create-origin:create-origin.org-5f2a9c0d1e3b4a67.7c1e",
            "workflow": "create-origin", "resourceId": "org-5f2a9c0d1e3b4a67", "replayed": false}});
    let mut schemas = Map::new();
    schemas.insert("Problem".into(), problem);
    schemas.insert("Error".into(), error);
    schemas.insert("Accepted".into(), accepted);
    schemas
}

/// The whole document around `paths`, with the request types' `schemas`.
pub(super) fn document(mut paths: Map<String, Value>, schemas: Map<String, Value>) -> Value {
    paths.insert(
        PATH.into(),
        json!({"get": {"operationId": "openApi", "tags": ["meta"], "summary": "This document", "security": [],
            "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}}}}),
    );
    let mut components = shared_schemas();
    components.extend(schemas);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "cfm — CloudFront Manager",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Every change is a Step Functions workflow: mutations answer 202 with the execution to follow (GET /executions/{id}, /steps). Reads come from cfm's records and AWS.",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "Cognito on AWS; `cfm local up` prints a local token"}},
            "schemas": components,
        },
    })
}

/// Serves `document`.
pub(crate) fn served(document: Value) -> MethodRouter<AppState> {
    let document = Arc::new(document);
    get(move || {
        let document = document.clone();
        async move { Json(document.as_ref().clone()) }
    })
}
