//! Cache and origin-request policies: made once however often a task is delivered, never a
//! stranger's adopted, reserved by the distributions whose behaviours use them, released when
//! a change or a delete drops them, and not deleted while in use.

use cfm_domain::claim::{Busy, Claim};
use cfm_domain::policy::{PolicyId, PolicyKind, PolicyRecord, PolicyRequest, PolicyStatus};
use cfm_domain::record::Claimed;
use cfm_domain::values::DistributionId;
use cfm_events::ErrorName;
use cfm_ports::clock::Clock;
use serde_json::{Value, json};

use super::{World, caught, execution, request, with};

impl World {
    /// A policy being created by `run` from `body`, as the API leaves it; returns the input.
    async fn creating_policy(&self, run: &cfm_domain::values::ExecutionArn, kind: PolicyKind, body: Value) -> Value {
        let spec = serde_json::from_value::<PolicyRequest>(body).unwrap().parse(kind).unwrap();
        let id = PolicyId::generate(kind, None);
        let claim = Claim::new(run, "create-policy", self.memory.clock.now());
        self.store(&PolicyRecord::creating(id.clone(), &spec, claim, "alice", self.memory.clock.now())).await;
        json!({"policyId": id, "spec": spec, "request": request()})
    }

    /// An active policy of `kind` named `name`, made by running `create-policy`.
    async fn active_policy(&self, kind: PolicyKind, name: &str) -> PolicyId {
        let run = execution("create-policy", name);
        let input = self.creating_policy(&run, kind, json!({"name": name})).await;
        self.ok("CreatePolicy", &run, &input).await;
        serde_json::from_value(input["policyId"].clone()).unwrap()
    }

    async fn claim_policy(
        &self,
        id: &PolicyId,
        run: &cfm_domain::values::ExecutionArn,
        workflow: &str,
    ) -> Result<(), Busy> {
        let claim = Claim::new(run, workflow, self.memory.clock.now());
        let ports = self.memory.ports();
        let records = ports.records();
        let update = records.update::<PolicyRecord, Busy>(id.as_str(), self.memory.clock.now(), |r| {
            match workflow {
                "delete-policy" => r.claim_for_delete(claim.clone()),
                _ => r.claim_for_update(claim.clone()),
            }
            .map(|_| ())
        });
        update.await.map(|_| ()).map_err(|e| Busy(e.to_string()))
    }

    async fn users_of(&self, id: &PolicyId) -> Vec<DistributionId> {
        self.record::<PolicyRecord>(id.as_str()).await.unwrap().distributions
    }
}

#[tokio::test]
async fn a_policy_is_made_once_however_often_create_is_delivered() {
    let world = World::new();
    let run = execution("create-policy", "api");
    let body = json!({"name": "api-cache", "comment": "short", "maxTtl": 600,
        "headers": {"behavior": "whitelist", "names": ["Authorization"]}});
    let input = world.creating_policy(&run, PolicyKind::Cache, body).await;
    let first = world.ok("CreatePolicy", &run, &input).await;
    // Lost before the record was written: a redelivery finds the policy by its name and comment.
    let id: PolicyId = serde_json::from_value(input["policyId"].clone()).unwrap();
    let ports = world.memory.ports();
    ports
        .records()
        .update::<PolicyRecord, Busy>(id.as_str(), world.memory.clock.now(), |r| {
            r.cloudfront_id = None;
            r.status = PolicyStatus::Creating;
            r.meta.claim =
                cfm_domain::claim::ClaimSlot::held(Claim::new(&run, "create-policy", world.memory.clock.now()));
            Ok(())
        })
        .await
        .unwrap();
    let again = world.ok("CreatePolicy", &run, &input).await;
    world.ok("CreatePolicy", &run, &input).await;
    assert_eq!(world.memory.cdn.policies().len(), 1, "one CloudFront policy");
    assert_eq!(first.events[0].detail, again.events[0].detail, "the same event");
    let record: PolicyRecord = world.record(id.as_str()).await.unwrap();
    assert_eq!(record.status, PolicyStatus::Active);
    let made = world.memory.cdn.policies().into_values().next().unwrap();
    assert_eq!(made.comment, format!("cfm {id}: short"));
}

#[tokio::test]
async fn a_policy_of_that_name_made_outside_cfm_is_never_adopted() {
    let world = World::new();
    let stranger = world.active_policy(PolicyKind::OriginRequest, "shared").await;
    // Its record is forgotten: CloudFront keeps a policy cfm no longer knows as its own.
    world.memory.ports().store.delete("POLICY", stranger.as_str(), None).await.unwrap();
    let run = execution("create-policy", "mine");
    let input = world.creating_policy(&run, PolicyKind::OriginRequest, json!({"name": "shared"})).await;
    let (name, message) = world.fails("CreatePolicy", &run, &input).await;
    assert_eq!(name, ErrorName::NotOwned, "{message}");
    let failed = with(&input, "failure", caught("cfm.NotOwned", &message));
    let event = world.ok("RecordPolicyCreateFailed", &run, &failed).await.events.remove(0);
    assert_eq!(event.detail_type, "PolicyCreateFailed");
    let id = input["policyId"].as_str().unwrap();
    assert_eq!(world.record::<PolicyRecord>(id).await.unwrap().status, PolicyStatus::Failed);
    assert_eq!(world.memory.cdn.policies().len(), 1, "nothing made, nothing taken");
}

#[tokio::test]
async fn distributions_reserve_the_policies_they_use_and_release_them_on_update_and_delete() {
    let world = World::new();
    let cache = world.active_policy(PolicyKind::Cache, "api-cache").await;
    let country = world.active_policy(PolicyKind::OriginRequest, "country").await;
    let origin = world.custom_origin("api.example.com").await;
    let body = json!({"name": "d", "originId": origin, "cachePolicy": cache,
        "behaviors": [{"pathPattern": "/geo/*", "originId": origin, "originRequestPolicy": country}]});
    let run = execution("create-distribution", "d");
    let input = world.creating_from(&run, body).await;
    world.ok("ValidateDistribution", &run, &input).await;
    let id = world.deploy(&run, &input).await;
    assert_eq!(world.users_of(&cache).await, std::slice::from_ref(&id));
    assert_eq!(world.users_of(&country).await, std::slice::from_ref(&id));
    let live = world.memory.cdn.distributions().into_values().next().unwrap().config;
    let policy_ids = world.memory.cdn.policies();
    assert!(policy_ids.contains_key(&live.default_behavior.cache_policy_id), "CloudFront's id, not cfm's");
    // In use: the delete is refused before it starts.
    let delete = execution("delete-policy", "early");
    assert!(world.claim_policy(&cache, &delete, "delete-policy").await.unwrap_err().0.contains("in use"));

    // An update that drops the origin-request policy keeps it reserved until deployed.
    let update = execution("update-distribution", "drop");
    world.claim_distribution(&id, &update, "update-distribution").await;
    let patch = json!({"behaviors": []});
    let patch = serde_json::from_value::<cfm_domain::distribution::DistributionRequest>(patch).unwrap();
    let patch_input = json!({"distributionId": id, "patch": patch.parse_patch().unwrap(), "request": request()});
    world.ok("ApplyDistributionUpdate", &update, &patch_input).await;
    assert_eq!(world.users_of(&country).await, std::slice::from_ref(&id), "edges may still use it");
    world.memory.cdn.deploy_all();
    world.ok("FinalizeDistributionUpdate", &update, &patch_input).await;
    world.ok("FinalizeDistributionUpdate", &update, &patch_input).await;
    assert!(world.users_of(&country).await.is_empty(), "released once deployed");
    assert_eq!(world.users_of(&cache).await, std::slice::from_ref(&id));

    // Deleting the distribution releases the rest; then the policy can go, once.
    let gone = execution("delete-distribution", "gone");
    world.claim_distribution(&id, &gone, "delete-distribution").await;
    let gone_input = json!({"distributionId": id, "request": request()});
    world.ok("DisableDistribution", &gone, &gone_input).await;
    world.memory.cdn.deploy_all();
    world.ok("DeleteDistribution", &gone, &gone_input).await;
    assert!(world.users_of(&cache).await.is_empty());
    let delete = execution("delete-policy", "late");
    world.claim_policy(&cache, &delete, "delete-policy").await.unwrap();
    let delete_input = json!({"policyId": cache, "request": request()});
    let first = world.ok("DeletePolicy", &delete, &delete_input).await;
    let again = world.ok("DeletePolicy", &delete, &delete_input).await;
    assert_eq!(first.events[0].detail, again.events[0].detail);
    assert!(world.record::<PolicyRecord>(cache.as_str()).await.is_none());
    assert_eq!(world.memory.cdn.policies().len(), 1, "only the origin-request policy is left");
}

#[tokio::test]
async fn a_policy_cloudfront_finds_in_use_is_kept_and_active_and_an_update_reaches_cloudfront() {
    let world = World::new();
    let cache = world.active_policy(PolicyKind::Cache, "edge").await;
    let cloudfront_id = world.record::<PolicyRecord>(cache.as_str()).await.unwrap().cloudfront_id.unwrap();
    // A behaviour cfm does not manage uses it.
    let (distribution, _) = world.deployed_distribution("b-edge", json!({"name": "d"})).await;
    let live = world.memory.cdn.distributions().into_keys().next().unwrap();
    world.memory.cdn.edit(&live, |c| c.default_behavior.cache_policy_id = cloudfront_id.clone());
    let run = execution("delete-policy", "in-use");
    world.claim_policy(&cache, &run, "delete-policy").await.unwrap();
    let input = json!({"policyId": cache, "request": request()});
    let (name, message) = world.fails("DeletePolicy", &run, &input).await;
    assert_eq!(name, ErrorName::PolicyInUse, "{message}");
    world.ok("RecordPolicyDeleteFailed", &run, &with(&input, "failure", caught("cfm.PolicyInUse", &message))).await;
    let record: PolicyRecord = world.record(cache.as_str()).await.unwrap();
    assert_eq!(record.status, PolicyStatus::Active);
    assert!(record.meta.last_error.is_some());
    assert!(world.users_of(&cache).await.is_empty(), "{distribution} is not cfm's user of it");

    let update = execution("update-policy", "longer");
    world.claim_policy(&cache, &update, "update-policy").await.unwrap();
    let spec = serde_json::from_value::<PolicyRequest>(json!({"name": "edge-long", "maxTtl": 7200}))
        .unwrap()
        .parse(PolicyKind::Cache)
        .unwrap();
    let update_input = json!({"policyId": cache, "spec": spec, "request": request()});
    world.ok("UpdatePolicy", &update, &update_input).await;
    world.ok("UpdatePolicy", &update, &update_input).await;
    assert_eq!(world.memory.cdn.policies()[&cloudfront_id].spec, spec);
    let record: PolicyRecord = world.record(cache.as_str()).await.unwrap();
    assert_eq!((record.status, record.spec.name.as_str()), (PolicyStatus::Active, "edge-long"));
}

#[tokio::test]
async fn a_policy_left_creating_by_an_ended_execution_is_settled_from_cloudfront() {
    let world = World::new();
    let (made, lost) = (execution("create-policy", "made"), execution("create-policy", "lost"));
    let made_input = world.creating_policy(&made, PolicyKind::Cache, json!({"name": "made"})).await;
    let lost_input = world.creating_policy(&lost, PolicyKind::Cache, json!({"name": "lost"})).await;
    // The first execution got as far as CloudFront, then ended (aborted) without recording it.
    let made_id = made_input["policyId"].as_str().unwrap();
    let record: PolicyRecord = world.record(made_id).await.unwrap();
    let cloudfront_id = world.memory.ports().cdn.create_policy(&record).await.unwrap();
    let out = world.ok("ReconcileDistributions", &execution("reconcile", "r1"), &json!({"staleAfterSeconds": 0})).await;
    let recovered: Vec<_> = out.events.iter().filter(|e| e.detail_type == "PolicyRecovered").collect();
    assert_eq!(recovered.len(), 2, "{out:?}");
    let made: PolicyRecord = world.record(made_id).await.unwrap();
    assert_eq!((made.status, made.cloudfront_id.as_deref()), (PolicyStatus::Active, Some(cloudfront_id.as_str())));
    assert!(!made.is_busy());
    let lost: PolicyRecord = world.record(lost_input["policyId"].as_str().unwrap()).await.unwrap();
    assert_eq!((lost.status, lost.is_busy()), (PolicyStatus::Failed, false));
}
