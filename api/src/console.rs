//! The web console: a page, its script and its style, shipped inside the binary and served at
//! `/console` (no token needed for the files; the script calls the API with the caller's
//! token), and the workflows' definitions it draws (`GET /workflows/{name}`).

use axum::Json;
use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::auth::Principal;
use crate::error::ApiError;

const PAGE: &str = include_str!("../console/index.html");
const SCRIPT: &str = include_str!("../console/console.js");
const STYLE: &str = include_str!("../console/console.css");

fn file(content_type: &'static str, body: &'static str) -> Response {
    ([(CONTENT_TYPE, content_type), (CACHE_CONTROL, "no-cache")], body).into_response()
}

/// `GET /console`.
pub(crate) async fn page() -> Response {
    file("text/html; charset=utf-8", PAGE)
}

/// `GET /console/console.js`.
pub(crate) async fn script() -> Response {
    file("text/javascript; charset=utf-8", SCRIPT)
}

/// `GET /console/console.css`.
pub(crate) async fn style() -> Response {
    file("text/css; charset=utf-8", STYLE)
}

/// `GET /workflows/{name}`: the workflow's state machine definition (Amazon States Language, as
/// deployed but for the stack's queue URLs and settings).
pub(crate) async fn workflow(_principal: Principal, Path(name): Path<String>) -> Result<Response, ApiError> {
    let text = cfm_topology::definition(&name).ok_or_else(|| ApiError::NotFound(format!("no workflow '{name}'")))?;
    let definition: serde_json::Value =
        serde_json::from_str(text).map_err(|e| ApiError::NotFound(format!("workflow '{name}': {e}")))?;
    Ok(Json(json!({"name": name, "definition": definition})).into_response())
}
