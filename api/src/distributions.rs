//! `/distributions`: create, list (filter by status), get with live status, status, update,
//! delete, invalidate.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use cfm_domain::distribution::{
    DistributionDraft, DistributionRecord, DistributionRequest, DistributionSort, DistributionSpec, FilterRequest,
    InvalidationRequest,
};
use cfm_domain::edge::{CodeError, EdgeOrigin, generate, viewer_country_policy_id};
use cfm_domain::origin::OriginRecord;
use cfm_domain::policy::PolicyRecord;
use cfm_domain::problems::Problems;
use cfm_domain::values::DistributionId;
use cfm_events::distribution::{CreateDistributionInput, DistributionInput, InvalidateInput, UpdateDistributionInput};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::Principal;
use crate::error::ApiError;
use crate::mutation::{ClaimRecord, Mutation, NewRecord, Nothing};
use crate::records::{filtered_page, require, view};
use crate::request::{Body, Caller, Id, PageQuery, parse};
use crate::state::AppState;

/// What a spec needs of other resources, each answer naming its field: its origins and cfm
/// policies existing (every missing one listed) and ready, no Host header sent to an S3 origin, its certificate
/// usable.
pub(crate) async fn preflight(state: &AppState, spec: &DistributionSpec) -> Result<(), ApiError> {
    let mut problems = Problems::new();
    let mut origins = Vec::new();
    for (i, id) in spec.origins.iter().enumerate() {
        let field = if spec.origins.len() == 1 { "originId".to_owned() } else { format!("origins[{i}]") };
        match state.ports.records().get::<OriginRecord>(id.as_str()).await? {
            Some(origin) => origins.push(origin),
            None => problems.add(field, format!("origin {id} does not exist")),
        }
    }
    let mut policies: Vec<PolicyRecord> = Vec::new();
    let viewer_country = viewer_country_policy_id();
    for (field, id) in spec.policy_fields() {
        match state.ports.records().get::<PolicyRecord>(id.as_str()).await? {
            Some(policy) => policies.push(policy),
            // cfm's own routing policy: the workflow makes it on first use.
            None if id == &viewer_country => {}
            None => problems.add(field, format!("{} {id} does not exist", id.kind().noun())),
        }
    }
    if let Some(routing) = &spec.routing {
        // Only the origins it routes to: a custom origin elsewhere (a path behaviour's) is fine.
        let routed = origins.iter().filter(|o| routing.origins().contains(&&o.id));
        let edge: Vec<EdgeOrigin> = routed
            .filter_map(|o| EdgeOrigin::of(o, routing.mode).map_err(|why| problems.add("routing", why)).ok())
            .collect();
        // Missing origins are reported above; the code must fit CloudFront's limit.
        if let Err(err @ CodeError::TooLarge { .. }) = generate(routing, &edge) {
            problems.add("routing", err.to_string());
        }
    }
    let is_s3 = |id: &_| origins.iter().any(|o| &o.id == id && o.kind.bucket().is_some());
    let forwards_host = |id: &_| policies.iter().any(|p| &p.id == id && p.spec.settings.forwards_host());
    spec.check_s3_host(is_s3, forwards_host, &mut problems);
    problems.into_result(())?;
    for origin in &origins {
        origin.ready()?;
    }
    for policy in &policies {
        policy.ready()?;
    }
    if let Some(certificate) = &spec.certificate {
        let refusal =
            state.ports.certificates.refusal(&certificate.certificate_arn, &spec.aliases, state.machines.account());
        if let Some(why) = refusal.await.map_err(ApiError::naming("certificateArn"))? {
            return Err(ApiError::invalid("certificateArn", why));
        }
    }
    Ok(())
}

/// `POST /distributions`.
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let spec = parse(&body, DistributionRequest::parse_create)?;
    let id = DistributionId::generate(caller.key());
    let mutation = Mutation::new(&caller, "create-distribution", id.as_str(), |request| CreateDistributionInput {
        distribution_id: id.clone(),
        spec: spec.clone(),
        template: None,
        request,
    })?;
    let now = state.now();
    let record = NewRecord::new(|claim| {
        DistributionRecord::creating(id.clone(), spec.clone(), None, claim, caller.actor(), now)
    });
    state.mutate(mutation, preflight(&state, &spec), record).await
}

/// `?status=&drifted=&templateId=&originId=&tag=&sort=&limit=&nextToken=` on the list.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListQuery {
    status: Option<String>,
    drifted: Option<String>,
    template_id: Option<String>,
    origin_id: Option<String>,
    tag: Option<String>,
    sort: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

/// `GET /distributions`.
pub(crate) async fn list(
    State(state): State<AppState>,
    _principal: Principal,
    Query(query): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let filter = FilterRequest {
        status: query.status.as_deref(),
        drifted: query.drifted.as_deref(),
        template_id: query.template_id.as_deref(),
        origin_id: query.origin_id.as_deref(),
        tag: query.tag.as_deref(),
    }
    .parse()
    .map_err(ApiError::Invalid)?;
    match query.sort.as_deref() {
        None => {
            filtered_page::<DistributionRecord>(&state, "distributions", &query.page, |r| filter.keeps(r), view).await
        }
        Some(sort) => {
            let sort = DistributionSort::parse(sort).map_err(ApiError::Invalid)?;
            sorted_page(&state, &query.page, |r| filter.keeps(r), sort).await
        }
    }
}

/// One page of the list in `sort`'s order: the whole kind is read and sorted (the table keeps
/// it newest first only), and the token is the offset.
async fn sorted_page(
    state: &AppState,
    page: &PageQuery,
    keep: impl Fn(&DistributionRecord) -> bool,
    sort: DistributionSort,
) -> Result<Response, ApiError> {
    let (limit, token) = page.parse()?;
    let offset = match token {
        None => 0,
        Some(token) => token
            .strip_prefix("at-")
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| ApiError::invalid("nextToken", "is not a token this list returned"))?,
    };
    let mut records: Vec<DistributionRecord> = state.ports.records().all().await?.into_iter().filter(keep).collect();
    sort.sort(&mut records);
    let items: Vec<Value> = records.iter().skip(offset).take(limit as usize).map(view).collect();
    let next = offset + items.len();
    let token = (next < records.len()).then(|| format!("at-{next}"));
    Ok(Json(json!({"distributions": items, "count": items.len(), "nextToken": token})).into_response())
}

/// CloudFront's current view, if it has the distribution.
async fn live(state: &AppState, record: &DistributionRecord) -> Result<Option<Value>, ApiError> {
    let Some(id) = record.cloudfront_id() else { return Ok(None) };
    let live = state.ports.cdn.distribution(id).await?;
    Ok(live.map(|l| json!({"status": l.status, "enabled": l.settings.enabled})))
}

/// `GET /distributions/{id}`: the record with CloudFront's live status.
pub(crate) async fn get(
    State(state): State<AppState>,
    _principal: Principal,
    id: Id<DistributionId>,
) -> Result<Response, ApiError> {
    let id = id.get()?;
    let record = require::<DistributionRecord>(&state, id.as_str()).await?;
    let mut value = view(&record);
    value["live"] = live(&state, &record).await?.unwrap_or(Value::Null);
    Ok(Json(value).into_response())
}

/// `GET /distributions/{id}/status`.
pub(crate) async fn status(
    State(state): State<AppState>,
    _principal: Principal,
    id: Id<DistributionId>,
) -> Result<Response, ApiError> {
    let id = id.get()?;
    let record = require::<DistributionRecord>(&state, id.as_str()).await?;
    let live = live(&state, &record).await?;
    Ok(Json(json!({
        "distributionId": record.id,
        "status": record.status,
        "cloudfrontId": record.cloudfront_id(),
        "cloudfrontStatus": live.as_ref().map(|l| l["status"].clone()).or(record.cloudfront_status.map(|s| json!(s))),
        "enabled": live.as_ref().map(|l| l["enabled"].clone()),
        "drift": record.drift,
        "updatedAt": record.meta.updated_at,
    }))
    .into_response())
}

/// `PUT /distributions/{id}`: a partial spec (`{"enabled": false}` disables).
pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    id: Id<DistributionId>,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let patch = parse(&body, DistributionRequest::parse_patch)?;
    let id = id.get()?;
    let mutation = Mutation::new(&caller, "update-distribution", id.as_str(), |request| UpdateDistributionInput {
        distribution_id: id.clone(),
        patch: patch.clone(),
        replicate: false,
        request,
    })?;
    // The merged spec must hold together and its certificate serve it. The claim re-checks the
    // record as it is then: a change that slipped in since this read is a 409, never lost.
    let check = async {
        let record = require::<DistributionRecord>(&state, id.as_str()).await?;
        let merged = record.spec.changed(&patch)?;
        preflight(&state, &merged).await
    };
    state.mutate(mutation, check, ClaimRecord::new(id.as_str(), DistributionRecord::claim_for_update)).await
}

/// `POST /distributions/{id}/replicate-edge-function`: publishes a routed distribution's edge
/// function again from its routing and its origins as they are now (after an origin's website
/// documents changed, say), associates it, waits until CloudFront runs it everywhere and
/// retires the last.
pub(crate) async fn replicate(
    State(state): State<AppState>,
    caller: Caller,
    id: Id<DistributionId>,
) -> Result<Response, ApiError> {
    let id = id.get()?;
    let mutation = Mutation::new(&caller, "replicate-edge-function", id.as_str(), |request| UpdateDistributionInput {
        distribution_id: id.clone(),
        patch: DistributionDraft::default(),
        replicate: true,
        request,
    })?;
    let check = async {
        let record = require::<DistributionRecord>(&state, id.as_str()).await?;
        if record.spec.routing.is_none() {
            return Err(ApiError::Conflict(format!(
                "distribution {id} has no routing: there is no edge function to replicate"
            )));
        }
        preflight(&state, &record.spec).await
    };
    state.mutate(mutation, check, ClaimRecord::new(id.as_str(), DistributionRecord::claim_for_update)).await
}

/// `DELETE /distributions/{id}`: one call disables, waits, deletes and cleans up.
pub(crate) async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    id: Id<DistributionId>,
) -> Result<Response, ApiError> {
    let id = id.get()?;
    let mutation = Mutation::new(&caller, "delete-distribution", id.as_str(), |request| DistributionInput {
        distribution_id: id.clone(),
        request,
    })?;
    state.mutate(mutation, async { Ok(()) }, ClaimRecord::new(id.as_str(), DistributionRecord::claim_for_delete)).await
}

/// `POST /distributions/{id}/invalidate`.
pub(crate) async fn invalidate(
    State(state): State<AppState>,
    caller: Caller,
    id: Id<DistributionId>,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let paths = parse(&body, InvalidationRequest::parse)?;
    let id = id.get()?;
    let mutation = Mutation::new(&caller, "invalidate-distribution", id.as_str(), |request| InvalidateInput {
        distribution_id: id.clone(),
        paths,
        request,
    })?;
    let check = async {
        require::<DistributionRecord>(&state, id.as_str()).await?.can_invalidate()?;
        Ok(())
    };
    state.mutate(mutation, check, Nothing).await
}
