//! The OpenAPI document: served without a token, every operation in it reaches its handler,
//! and no route is added outside the builder that documents it.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};

use super::Api;

#[tokio::test]
async fn the_document_is_served_without_a_token() {
    let api = Api::new();
    let answer = api.anonymous(Method::GET, "/openapi.json").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, crate::openapi());
    assert_eq!(answer.body["openapi"], "3.1.0");
    assert_eq!(answer.body["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
}

#[tokio::test]
async fn every_documented_operation_reaches_a_handler() {
    let api = Api::new();
    let document = crate::openapi();
    let mut ids = BTreeSet::new();
    for (path, operations) in document["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            assert!(
                ids.insert(operation["operationId"].as_str().unwrap().to_owned()),
                "operationId twice: {operation}"
            );
            let declared: Vec<_> =
                operation["parameters"].as_array().into_iter().flatten().filter(|p| p["in"] == "path").collect();
            assert_eq!(declared.len(), path.matches('{').count(), "{method} {path}: path parameters");
            for (status, response) in operation["responses"].as_object().unwrap() {
                assert!(response["description"].is_string(), "{method} {path} {status}");
            }
            let concrete = path.replace("{id}", "x").replace("{arn}", "x").replace("{name}", "x");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let body = operation.get("requestBody").map(|_| "{}".to_owned());
            let answer = api.send(method.clone(), &concrete, Some(&api.admin), &[], body).await;
            assert_ne!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert_ne!(answer.body["message"], "no such route", "{method} {path} is documented but not routed");
        }
    }
    assert!(ids.len() >= 45, "{} operations", ids.len());
}

#[test]
fn routes_are_added_only_where_they_are_documented() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![src.clone()];
    let mut offenders = Vec::new();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("openapi/mod.rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            // Test servers (a fake JWKS endpoint) are not the API.
            let text = text.split("#[cfg(test)]").next().unwrap_or_default();
            if !path.starts_with(src.join("tests")) && text.contains(concat!(".route", "("))
                || text.contains(concat!(".nest", "("))
            {
                offenders.push(path.display().to_string());
            }
        }
    }
    assert!(offenders.is_empty(), "routes added outside crate::openapi::Routes: {offenders:?}");
}

#[test]
fn every_reference_resolves() {
    fn refs<'a>(value: &'a serde_json::Value, found: &mut Vec<&'a str>) {
        match value {
            serde_json::Value::Object(map) => {
                found.extend(map.get("$ref").and_then(|r| r.as_str()));
                map.values().for_each(|v| refs(v, found));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
            _ => {}
        }
    }
    let document = crate::openapi();
    let mut found = Vec::new();
    refs(&document, &mut found);
    assert!(found.len() > 10);
    for reference in found {
        let pointer = reference.strip_prefix('#').expect("a local reference");
        assert!(document.pointer(pointer).is_some(), "{reference} resolves to nothing");
    }
}
