//! `/bulk`: invalidations, updates and template rollouts over many distributions. A request is
//! parsed, its selector resolved and every distribution planned (the fields that would change,
//! or why it is skipped) before anything starts; `?dryRun=true` answers the plan and starts
//! nothing. A run stores the plan's items beside its record and starts one `bulk-operation`
//! execution, whose input names the operation only.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cfm_domain::bulk::{
    BulkInvalidationRequest, BulkItem, BulkPlan, BulkRecord, BulkStatus, BulkUpdateRequest, MAX_ITEMS, Progress,
    RolloutRequest, Selector, Versions,
};
use cfm_domain::claim::Busy;
use cfm_domain::distribution::DistributionRecord;
use cfm_domain::template::TemplateRecord;
use cfm_domain::values::{BulkId, TemplateId};
use cfm_events::bulk::BulkInput;
use cfm_ports::bulk_items::versions_for;
use cfm_ports::store::UpdateError;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::auth::Principal;
use crate::error::ApiError;
use crate::mutation::{Mutation, NewRecord};
use crate::records::{page, require, view};
use crate::request::{Body, Caller, Id, PageQuery, parse};
use crate::state::AppState;

/// `?dryRun=`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DryRun {
    dry_run: Option<String>,
}

impl DryRun {
    fn parse(&self) -> Result<bool, ApiError> {
        match self.dry_run.as_deref() {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(_) => Err(ApiError::invalid("dryRun", "must be true or false")),
        }
    }
}

/// The distributions `selector` chooses: named ones read one by one (each missing one a
/// problem), else the whole list filtered. Choosing none, or more than one operation takes,
/// is refused.
async fn select(state: &AppState, selector: &Selector) -> Result<Vec<DistributionRecord>, ApiError> {
    let chosen: Vec<DistributionRecord> = match selector.ids() {
        Some(ids) => {
            let mut problems = cfm_domain::Problems::new();
            let mut found = Vec::new();
            for id in ids {
                match state.ports.records().get::<DistributionRecord>(id.as_str()).await? {
                    Some(record) => found.push(record),
                    None => problems.add("selector.distributionIds", format!("distribution {id} does not exist")),
                }
            }
            problems.into_result(())?;
            found.into_iter().filter(|r| selector.matches(r)).collect()
        }
        None => state
            .ports
            .records()
            .all::<DistributionRecord>()
            .await?
            .into_iter()
            .filter(|r| selector.matches(r))
            .collect(),
    };
    if chosen.is_empty() {
        return Err(ApiError::Unprocessable(
            "the selector matches no distribution: check its distributionIds, tags, templateId, originId and status (GET /distributions takes the same filters)".into(),
        ));
    }
    if chosen.len() > MAX_ITEMS {
        return Err(ApiError::Unprocessable(format!(
            "the selector matches {} distributions; one operation takes at most {MAX_ITEMS}: narrow it",
            chosen.len()
        )));
    }
    Ok(chosen)
}

/// The plan as answered: the items as they would be stored, and their counts.
fn plan_view(plan: &BulkPlan, items: &[BulkItem]) -> Value {
    json!({
        "dryRun": true,
        "kind": plan.action.kind(),
        "progress": Progress::of(items),
        "items": items,
    })
}

/// Plans `plan` for `records`, then answers the plan (`dry_run`) or starts it.
async fn plan_or_start(
    state: &AppState,
    caller: &Caller,
    plan: BulkPlan,
    records: Vec<DistributionRecord>,
    dry_run: bool,
    retry_of: Option<BulkId>,
) -> Result<Response, ApiError> {
    let versions: Versions = versions_for(state.ports.store.as_ref(), &plan.action).await?;
    let items: Vec<BulkItem> =
        records.iter().map(|r| BulkItem::planned(r.id.clone(), plan.action.plan(r, &versions))).collect();
    if dry_run {
        return Ok(Json(plan_view(&plan, &items)).into_response());
    }
    let id = BulkId::generate(caller.key());
    let mutation =
        Mutation::new(caller, "bulk-operation", id.as_str(), |request| BulkInput { bulk_id: id.clone(), request })?;
    let now = state.now();
    // The items go first: the record that points at them is written only after.
    let store_items = async { Ok(state.ports.bulk_items().save_all(&id, &items).await?) };
    let record = NewRecord::new(|claim| {
        let what = (plan.action.clone(), plan.given.clone());
        BulkRecord::new(id.clone(), what, &items, retry_of.clone(), (claim, caller.actor(), now))
    });
    state.mutate(mutation, store_items, record).await
}

/// Parses `body` with `plan`, selects and plans or starts.
async fn from_body<R: DeserializeOwned>(
    state: &AppState,
    caller: &Caller,
    dry: &DryRun,
    body: &[u8],
    plan: fn(&R) -> Result<BulkPlan, cfm_domain::Problems>,
) -> Result<Response, ApiError> {
    let dry_run = dry.parse()?;
    let plan = parse(body, plan)?;
    let records = select(state, &plan.selector).await?;
    plan_or_start(state, caller, plan, records, dry_run, None).await
}

/// `POST /bulk/invalidations`.
pub(crate) async fn invalidate(
    State(state): State<AppState>,
    caller: Caller,
    Query(dry): Query<DryRun>,
    Body(body): Body,
) -> Result<Response, ApiError> {
    from_body(&state, &caller, &dry, &body, BulkInvalidationRequest::parse).await
}

/// `POST /bulk/updates`.
pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Query(dry): Query<DryRun>,
    Body(body): Body,
) -> Result<Response, ApiError> {
    from_body(&state, &caller, &dry, &body, BulkUpdateRequest::parse).await
}

/// `POST /templates/{id}/rollout`.
pub(crate) async fn rollout(
    State(state): State<AppState>,
    caller: Caller,
    id: Id<TemplateId>,
    Query(dry): Query<DryRun>,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let dry_run = dry.parse()?;
    let id = id.get()?;
    let template = require::<TemplateRecord>(&state, id.as_str()).await?;
    if template.deleted {
        return Err(ApiError::Conflict(format!("template '{id}' is deleted; it can no longer be rolled out")));
    }
    let body = if body.is_empty() { b"{}".to_vec() } else { body.to_vec() };
    let plan = parse(&body, |r: &RolloutRequest| r.parse(&id, template.latest_version))?;
    let records = select(&state, &plan.selector).await?;
    plan_or_start(&state, &caller, plan, records, dry_run, None).await
}

/// `POST /bulk/{id}/retry`: the failed items of an operation that is over, planned again as
/// they are now, in a new operation.
pub(crate) async fn retry(
    State(state): State<AppState>,
    caller: Caller,
    id: Id<BulkId>,
    Query(dry): Query<DryRun>,
) -> Result<Response, ApiError> {
    let dry_run = dry.parse()?;
    let id = id.get()?;
    let record = require::<BulkRecord>(&state, id.as_str()).await?;
    if matches!(record.status, BulkStatus::Running | BulkStatus::Cancelling) {
        return Err(ApiError::Conflict(format!("bulk operation {id} is {}; retry it once it is over", record.status)));
    }
    let items = state.ports.bulk_items().all(&record).await?;
    let mut records = Vec::new();
    for item in items.iter().filter(|i| i.failed()) {
        if let Some(found) = state.ports.records().get::<DistributionRecord>(item.distribution_id.as_str()).await? {
            records.push(found);
        }
    }
    if records.is_empty() {
        return Err(ApiError::Unprocessable(format!("bulk operation {id} has no failed items that still exist")));
    }
    let plan =
        BulkPlan { given: record.selector.clone(), selector: Selector::default(), action: record.action.clone() };
    plan_or_start(&state, &caller, plan, records, dry_run, Some(id)).await
}

/// `POST /bulk/{id}/cancel`: starts nothing more; what runs finishes, the rest is skipped.
pub(crate) async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    id: Id<BulkId>,
) -> Result<Response, ApiError> {
    let id = id.get()?;
    let updated =
        state.ports.records().update::<BulkRecord, Busy>(id.as_str(), state.now(), BulkRecord::request_cancel).await;
    let record = match updated {
        Ok(record) => record,
        Err(UpdateError::Missing(why)) => return Err(ApiError::NotFound(why)),
        Err(UpdateError::Refused(busy)) => return Err(busy.into()),
        Err(other) => return Err(ApiError::Conflict(other.to_string())),
    };
    tracing::info!(bulk = %id, actor = caller.actor(), "bulk operation cancel requested");
    let execution = record.meta.claim.last().map(|c| c.execution.name().to_owned());
    Ok((StatusCode::ACCEPTED, Json(json!({"bulkId": id, "status": record.status, "executionId": execution})))
        .into_response())
}

/// `GET /bulk`.
pub(crate) async fn list(
    State(state): State<AppState>,
    _principal: Principal,
    Query(query): Query<PageQuery>,
) -> Result<Response, ApiError> {
    page::<BulkRecord>(&state, "operations", None, &query, show).await
}

fn show(record: &BulkRecord) -> Value {
    let mut value = view(record);
    if let Some(map) = value.as_object_mut() {
        map.remove("chunks");
    }
    value["progress"] = json!(record.progress());
    value["executionId"] = json!(record.meta.claim.last().map(|c| c.execution.name()));
    value
}

/// `GET /bulk/{id}`.
pub(crate) async fn get(
    State(state): State<AppState>,
    _principal: Principal,
    id: Id<BulkId>,
) -> Result<Response, ApiError> {
    let id = id.get()?;
    Ok(Json(show(&require::<BulkRecord>(&state, id.as_str()).await?)).into_response())
}

/// `?result=&nextToken=` on the items.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ItemsQuery {
    result: Option<String>,
    next_token: Option<String>,
}

/// `GET /bulk/{id}/items`: one stored chunk (100 items) a page, optionally only those with
/// one result (`PENDING`, `RUNNING`, `SUCCEEDED`, `FAILED`, `SKIPPED`).
pub(crate) async fn items(
    State(state): State<AppState>,
    _principal: Principal,
    id: Id<BulkId>,
    Query(query): Query<ItemsQuery>,
) -> Result<Response, ApiError> {
    let id = id.get()?;
    let record = require::<BulkRecord>(&state, id.as_str()).await?;
    const RESULTS: [&str; 5] = ["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "SKIPPED"];
    if let Some(result) = query.result.as_deref().filter(|r| !RESULTS.contains(r)) {
        return Err(ApiError::invalid("result", format!("'{result}' is not one of {}", RESULTS.join(", "))));
    }
    let chunks = record.chunks.len() as u32;
    let n = match query.next_token.as_deref() {
        None | Some("") => 0,
        Some(token) => token
            .parse::<u32>()
            .ok()
            .filter(|n| *n < chunks)
            .ok_or_else(|| ApiError::invalid("nextToken", "is not a token this list returned"))?,
    };
    let chunk = state.ports.bulk_items().chunk(&id, n).await?;
    let keep = |item: &&BulkItem| {
        query.result.as_deref().is_none_or(|r| serde_json::to_value(item).ok().is_some_and(|v| v["result"] == r))
    };
    let items: Vec<&BulkItem> = chunk.iter().filter(keep).collect();
    let next = (n + 1 < chunks).then(|| (n + 1).to_string());
    Ok(Json(json!({"items": items, "count": items.len(), "nextToken": next})).into_response())
}
