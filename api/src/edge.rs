//! `/edge-functions`: the functions routed distributions run (list, get), and the preview of
//! the function a routing generates, which creates nothing.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use cfm_domain::edge::{EdgeFunctionRecord, EdgeOrigin, PreviewRequest, RoutingMode, generate};
use cfm_domain::origin::OriginRecord;
use cfm_domain::problems::Problems;
use cfm_domain::values::{Checked, DistributionId, EdgeFunctionId};
use serde::Deserialize;
use serde_json::json;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::records::{filtered_page, require, view};
use crate::request::{Body, Id, PageQuery, parse};
use crate::state::AppState;

/// How each mode reaches the buckets, for the preview to say.
fn access(mode: RoutingMode) -> &'static str {
    match mode {
        RoutingMode::CloudFrontFunction => {
            "each origin keeps its own Origin Access Control; the function picks the origin by id"
        }
        RoutingMode::LambdaEdge => {
            "buckets are read through an Origin Access Identity: OAC cannot follow a Lambda@Edge origin switch"
        }
    }
}

/// `POST /edge-functions/preview`: `{code, sizeBytes, limitBytes, mode, table, access}`.
pub(crate) async fn preview(
    State(state): State<AppState>,
    _principal: Principal,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let preview = parse(&body, PreviewRequest::parse)?;
    let mode = preview.routing.mode;
    let mut problems = Problems::new();
    let mut origins = Vec::new();
    for (i, id) in preview.origins.iter().enumerate() {
        let field = format!("origins[{i}]");
        match state.ports.records().get::<OriginRecord>(id.as_str()).await? {
            Some(record) => match EdgeOrigin::of(&record, mode) {
                Ok(origin) => origins.push(origin),
                Err(why) => problems.add(field, why),
            },
            None => problems.add(field, format!("origin {id} does not exist")),
        }
    }
    problems.into_result(())?;
    let code = generate(&preview.routing, &origins).map_err(|err| ApiError::invalid("routing", err.to_string()))?;
    let mut answer = serde_json::to_value(&code).map_err(|e| ApiError::invalid("routing", e.to_string()))?;
    answer["access"] = json!(access(mode));
    Ok(Json(answer).into_response())
}

/// `?distributionId=&limit=&nextToken=` on the list.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListQuery {
    distribution_id: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

/// `GET /edge-functions`: newest first, optionally one distribution's.
pub(crate) async fn list(
    State(state): State<AppState>,
    _principal: Principal,
    Query(query): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let distribution = match &query.distribution_id {
        Some(text) => Some(DistributionId::parse(text).map_err(|e| ApiError::invalid("distributionId", e.join("; ")))?),
        None => None,
    };
    let keep = |e: &EdgeFunctionRecord| distribution.as_ref().is_none_or(|d| &e.distribution_id == d);
    filtered_page(&state, "edgeFunctions", &query.page, keep, view).await
}

/// `GET /edge-functions/{id}`: the function with its code, routing, ARN and status, and whether
/// its code is live (`live`): a CloudFront Function's LIVE stage runs it, or Lambda has the
/// version it names with that code.
pub(crate) async fn get(
    State(state): State<AppState>,
    _principal: Principal,
    id: Id<EdgeFunctionId>,
) -> Result<Response, ApiError> {
    let id = id.get()?;
    let record = require::<EdgeFunctionRecord>(&state, id.as_str()).await?;
    let live = match record.mode {
        RoutingMode::CloudFrontFunction => {
            state.ports.cdn.live_function(&record.name).await?.as_deref() == Some(record.code.as_str())
        }
        RoutingMode::LambdaEdge => {
            let version = state.ports.lambdas.version_of(&record.name, &record.code).await?;
            version.is_some() && version == record.arn
        }
    };
    let mut answer = view(&record);
    answer["live"] = json!(live);
    Ok(Json(answer).into_response())
}
