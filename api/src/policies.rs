//! `/cache-policies` and `/origin-request-policies`: create, list, get, update (the whole
//! policy), delete. One set of handlers serves both, by the kind `K` their routes name.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use cfm_domain::edge::viewer_country_policy_id;
use cfm_domain::policy::{PolicyId, PolicyKind, PolicyRecord, PolicyRequest, PolicySpec};
use cfm_events::policy::{DeletePolicyInput, PolicyInput};

use crate::auth::Principal;
use crate::error::ApiError;
use crate::mutation::{ClaimRecord, Mutation, NewRecord};
use crate::records::{filtered_page, require, view};
use crate::request::{Body, Caller, Id, PageQuery, parse};
use crate::state::AppState;

/// The kind of policy a route serves.
pub(crate) trait Kind: Send + Sync + 'static {
    /// Its kind.
    const KIND: PolicyKind;
    /// The list's field, e.g. `cachePolicies`.
    const FIELD: &'static str;
}

/// `/cache-policies`.
pub(crate) struct Cache;
/// `/origin-request-policies`.
pub(crate) struct OriginRequest;

impl Kind for Cache {
    const KIND: PolicyKind = PolicyKind::Cache;
    const FIELD: &'static str = "cachePolicies";
}

impl Kind for OriginRequest {
    const KIND: PolicyKind = PolicyKind::OriginRequest;
    const FIELD: &'static str = "originRequestPolicies";
}

/// The id, which must name a policy of this kind (else a 404).
fn id_of<K: Kind>(id: Id<PolicyId>) -> Result<PolicyId, ApiError> {
    let id = id.get()?;
    if id.kind() != K::KIND {
        return Err(ApiError::NotFound(format!("{id} is {}, not {}", id.kind().a_noun(), K::KIND.a_noun())));
    }
    Ok(id)
}

/// The record of this kind with `id`, or a 404.
async fn require_kind<K: Kind>(state: &AppState, id: Id<PolicyId>) -> Result<PolicyRecord, ApiError> {
    require::<PolicyRecord>(state, id_of::<K>(id)?.as_str()).await
}

/// cfm's own policies (routing's `cfm-viewer-country`) are cfm's to change: a 409.
fn refuse_reserved(record: &PolicyRecord) -> Result<(), ApiError> {
    if record.id == viewer_country_policy_id() {
        return Err(ApiError::Conflict(format!(
            "{} is cfm's own, for routing at the edge; it cannot be changed or deleted",
            record.spec.name
        )));
    }
    Ok(())
}

/// `GET /cache-policies/{id}/history`, `GET /origin-request-policies/{id}/history`: kept after
/// the policy is deleted.
pub(crate) async fn history<K: Kind>(
    State(state): State<AppState>,
    _principal: Principal,
    id: Id<PolicyId>,
    Query(query): Query<PageQuery>,
) -> Result<Response, ApiError> {
    crate::history::of::<PolicyRecord>(&state, id_of::<K>(id)?.as_str(), &query).await
}

/// The name is this policy's alone: no other cfm policy of its kind has it, nor one made
/// outside cfm (CloudFront names are unique in the account).
async fn name_free(state: &AppState, spec: &PolicySpec, id: &PolicyId) -> Result<(), ApiError> {
    let taken = |by: String| {
        ApiError::Conflict(format!("name: {} '{}' exists ({by}); choose another name", id.kind().noun(), spec.name))
    };
    let others = state.ports.records().all::<PolicyRecord>().await?;
    if let Some(other) = others.iter().find(|p| &p.id != id && p.kind() == id.kind() && p.spec.name == spec.name) {
        return Err(taken(format!("cfm policy {}", other.id)));
    }
    match state.ports.cdn.find_policy(id.kind(), &spec.name).await? {
        Some(found) if !id.marks(&found.comment) => Err(taken("made outside cfm".into())),
        _ => Ok(()),
    }
}

/// `POST /cache-policies`, `POST /origin-request-policies`.
pub(crate) async fn create<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let spec = parse(&body, |r: &PolicyRequest| r.parse(K::KIND))?;
    let id = PolicyId::generate(K::KIND, caller.key());
    let mutation = Mutation::new(&caller, "create-policy", id.as_str(), |request| PolicyInput {
        policy_id: id.clone(),
        spec: spec.clone(),
        request,
    })?;
    let now = state.now();
    let record = NewRecord::new(|claim| PolicyRecord::creating(id.clone(), &spec, claim, caller.actor(), now));
    state.mutate(mutation, name_free(&state, &spec, &id), record).await
}

/// `GET /cache-policies`, `GET /origin-request-policies`: newest first (both kinds share one
/// list in the table; see [`filtered_page`]).
pub(crate) async fn list<K: Kind>(
    State(state): State<AppState>,
    _principal: Principal,
    Query(query): Query<PageQuery>,
) -> Result<Response, ApiError> {
    filtered_page::<PolicyRecord>(&state, K::FIELD, &query, |p| p.kind() == K::KIND, view).await
}

/// `GET /cache-policies/{id}`, `GET /origin-request-policies/{id}`.
pub(crate) async fn get<K: Kind>(
    State(state): State<AppState>,
    _principal: Principal,
    id: Id<PolicyId>,
) -> Result<Response, ApiError> {
    Ok(Json(view(&require_kind::<K>(&state, id).await?)).into_response())
}

/// `PUT /cache-policies/{id}`, `PUT /origin-request-policies/{id}`: the whole policy again.
pub(crate) async fn update<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    id: Id<PolicyId>,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let spec = parse(&body, |r: &PolicyRequest| r.parse(K::KIND))?;
    let record = require_kind::<K>(&state, id).await?;
    refuse_reserved(&record)?;
    let mutation = Mutation::new(&caller, "update-policy", record.id.as_str(), |request| PolicyInput {
        policy_id: record.id.clone(),
        spec: spec.clone(),
        request,
    })?;
    let claim = ClaimRecord::new(record.id.as_str(), PolicyRecord::claim_for_update);
    state.mutate(mutation, name_free(&state, &spec, &record.id), claim).await
}

/// `DELETE /cache-policies/{id}`, `DELETE /origin-request-policies/{id}`: refused (409) while
/// a distribution uses it.
pub(crate) async fn delete<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    id: Id<PolicyId>,
) -> Result<Response, ApiError> {
    let record = require_kind::<K>(&state, id).await?;
    refuse_reserved(&record)?;
    let mutation = Mutation::new(&caller, "delete-policy", record.id.as_str(), |request| DeletePolicyInput {
        policy_id: record.id.clone(),
        request,
    })?;
    let claim = ClaimRecord::new(record.id.as_str(), PolicyRecord::claim_for_delete);
    state.mutate(mutation, async { Ok(()) }, claim).await
}
