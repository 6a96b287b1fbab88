//! `GET /distributions/{id}/metrics`: CloudFront's CloudWatch metrics of a distribution over a
//! window, every metric in one `GetMetricData` request, with each one's total or mean.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use cfm_domain::distribution::DistributionRecord;
use cfm_domain::metrics::MetricsRequest;
use cfm_domain::values::DistributionId;
use serde::Deserialize;
use serde_json::{Map, json};

use crate::auth::Principal;
use crate::error::ApiError;
use crate::records::require;
use crate::request::Id;
use crate::state::AppState;

/// `?period=&from=&to=`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct MetricsQuery {
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// `GET /distributions/{id}/metrics`.
pub(crate) async fn metrics(
    State(state): State<AppState>,
    _principal: Principal,
    id: Id<DistributionId>,
    Query(query): Query<MetricsQuery>,
) -> Result<Response, ApiError> {
    let id = id.get()?;
    let request = MetricsRequest { period: query.period, from: query.from, to: query.to };
    let window = request.parse(state.ports.clock.now()).map_err(ApiError::Invalid)?;
    let record = require::<DistributionRecord>(&state, id.as_str()).await?;
    let cloudfront = record
        .cloudfront_id()
        .ok_or_else(|| ApiError::Conflict(format!("distribution {id} has no CloudFront distribution yet")))?;
    let series = state.ports.metrics.distribution(cloudfront.as_str(), &window).await?;
    let (mut metrics, mut summary) = (Map::new(), Map::new());
    for (metric, points) in series {
        let values: Vec<f64> = points.iter().map(|p| p.value).collect();
        let total: f64 = values.iter().sum();
        let summed = metric.statistic() == "Sum";
        let value = if summed || values.is_empty() { total } else { total / values.len() as f64 };
        summary.insert(metric.key().into(), json!({"value": value, "of": if summed { "sum" } else { "mean" }}));
        metrics.insert(metric.key().into(), json!(points));
    }
    Ok(Json(json!({
        "distributionId": id,
        "cloudfrontId": cloudfront,
        "period": window.period,
        "from": window.from,
        "to": window.to,
        "summary": summary,
        "metrics": metrics,
    }))
    .into_response())
}
