//! CloudFront in memory: OACs, distributions (deployed only when a test says so),
//! invalidations and policies.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use cfm_domain::distribution::OriginAccess;
use cfm_domain::distribution::{CdnConfig, CloudFrontRef, DeployStatus, ListedDistribution, LiveDistribution};
use cfm_domain::policy::{PolicyKind, PolicyName, PolicyRecord, PolicySpec};
use cfm_domain::values::{Checked, CloudFrontId, DistributionArn, InvalidationId, InvalidationPath, OacId, OaiId};

use super::{Faults, guard};
use crate::cdn::{Applied, Cdn, CdnChange, Deletion, FoundPolicy, FunctionDeletion, OacDeletion, PolicyDeletion};
use crate::error::PortResult;

/// A distribution the fake CloudFront holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeDistribution {
    /// What cfm asked for last.
    pub config: CdnConfig,
    /// Its caller reference.
    pub caller_reference: String,
    /// Its deployment status (changes stay `InProgress` until [`MemoryCdn::deploy_all`]).
    pub status: DeployStatus,
    /// Invalidations made, by caller reference.
    pub invalidations: BTreeMap<String, InvalidationId>,
    /// Moves on with every config change.
    pub revision: u64,
}

#[derive(Debug, Default)]
struct CdnState {
    oacs: BTreeMap<String, (OacId, bool)>,
    distributions: BTreeMap<String, FakeDistribution>,
    policies: BTreeMap<String, FakePolicy>,
    /// CloudFront Functions by name, with their live code.
    functions: BTreeMap<String, String>,
    /// Origin Access Identities by caller reference.
    identities: BTreeMap<String, OaiId>,
    /// Deletions still to refuse as "in use", by function name (replicas that linger).
    lingering: BTreeMap<String, usize>,
    next: u32,
}

/// A policy the fake CloudFront holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakePolicy {
    /// What cfm asked for last.
    pub spec: PolicySpec,
    /// Its comment.
    pub comment: String,
}

impl CdnState {
    /// Whether some distribution has a behaviour that `uses` says of.
    fn any_behavior(&self, uses: impl Fn(&cfm_domain::distribution::CdnBehavior) -> bool) -> bool {
        self.distributions.values().any(|d| {
            std::iter::once(&d.config.default_behavior).chain(d.config.behaviors.iter().map(|(_, b)| b)).any(&uses)
        })
    }

    fn policy_in_use(&self, id: &str) -> bool {
        self.any_behavior(|b| b.cache_policy_id == id || b.origin_request_policy_id.as_deref() == Some(id))
    }

    fn name_taken(&self, record: &PolicyRecord, except: Option<&str>) -> bool {
        self.policies.iter().any(|(id, p)| {
            Some(id.as_str()) != except && p.spec.name == record.spec.name && p.spec.settings.kind() == record.kind()
        })
    }
}

/// CloudFront.
#[derive(Debug, Default)]
pub struct MemoryCdn {
    state: Mutex<CdnState>,
    /// Failures to inject, by operation (`ensure_oac`, `create_distribution`, …).
    pub faults: Faults,
}

impl MemoryCdn {
    /// Every distribution, by CloudFront id.
    pub fn distributions(&self) -> BTreeMap<String, FakeDistribution> {
        guard(&self.state).distributions.clone()
    }

    /// Every policy, by CloudFront id.
    pub fn policies(&self) -> BTreeMap<String, FakePolicy> {
        guard(&self.state).policies.clone()
    }

    /// Every Origin Access Identity, by caller reference.
    pub fn identities(&self) -> BTreeMap<String, OaiId> {
        guard(&self.state).identities.clone()
    }

    /// Every OAC name.
    pub fn oac_names(&self) -> Vec<String> {
        guard(&self.state).oacs.keys().cloned().collect()
    }

    /// Marks the OAC `name` as used by a distribution outside cfm (or not).
    pub fn set_oac_in_use(&self, name: &str, in_use: bool) {
        if let Some(oac) = guard(&self.state).oacs.get_mut(name) {
            oac.1 = in_use;
        }
    }

    /// Every change propagates: all distributions become `Deployed`.
    pub fn deploy_all(&self) {
        for d in guard(&self.state).distributions.values_mut() {
            d.status = DeployStatus::Deployed;
        }
    }

    /// Makes the next `times` deletions of function `name` answer "in use", as a Lambda@Edge
    /// function's replicas do for hours after its last association is gone.
    pub fn linger(&self, name: &str, times: usize) {
        guard(&self.state).lingering.insert(name.to_owned(), times);
    }

    /// Changes a distribution as if someone did it in the console.
    pub fn edit(&self, id: &str, edit: impl FnOnce(&mut CdnConfig)) {
        if let Some(d) = guard(&self.state).distributions.get_mut(id) {
            edit(&mut d.config);
            d.revision += 1;
        }
    }
}

#[async_trait]
impl Cdn for MemoryCdn {
    async fn find_oac(&self, name: &str) -> PortResult<Option<OacId>> {
        self.faults.check("find_oac")?;
        Ok(guard(&self.state).oacs.get(name).map(|(id, _)| id.clone()))
    }

    async fn ensure_oac(&self, name: &str, _description: &str) -> PortResult<OacId> {
        self.faults.check("ensure_oac")?;
        let mut state = guard(&self.state);
        state.next += 1;
        let id = OacId::parse(&format!("EOAC{}", state.next)).expect("an id");
        Ok(state.oacs.entry(name.to_owned()).or_insert((id, false)).0.clone())
    }

    async fn delete_oac(&self, id: &OacId) -> PortResult<OacDeletion> {
        self.faults.check("delete_oac")?;
        let mut state = guard(&self.state);
        let Some(name) = state.oacs.iter().find(|(_, (oac, _))| oac == id).map(|(n, _)| n.clone()) else {
            return Ok(OacDeletion::Deleted);
        };
        if state.oacs[&name].1 {
            return Ok(OacDeletion::InUse);
        }
        state.oacs.remove(&name);
        Ok(OacDeletion::Deleted)
    }

    async fn create_distribution(
        &self,
        config: &CdnConfig,
        caller_reference: &str,
        _tags: &[(String, String)],
    ) -> PortResult<CloudFrontRef> {
        self.faults.check("create_distribution")?;
        let mut state = guard(&self.state);
        let existing =
            state.distributions.iter().find(|(_, d)| d.caller_reference == caller_reference).map(|(id, _)| id.clone());
        let id = match existing {
            Some(id) => id,
            None => {
                state.next += 1;
                let id = format!("EDIST{}", state.next);
                state.distributions.insert(
                    id.clone(),
                    FakeDistribution {
                        config: config.clone(),
                        caller_reference: caller_reference.to_owned(),
                        status: DeployStatus::InProgress,
                        invalidations: BTreeMap::new(),
                        revision: 0,
                    },
                );
                id
            }
        };
        Ok(CloudFrontRef {
            cloudfront_id: CloudFrontId::parse(&id).expect("an id"),
            arn: DistributionArn::parse(&format!("arn:aws:cloudfront::123456789012:distribution/{id}"))
                .expect("an arn"),
            domain_name: format!("{}.cloudfront.net", id.to_lowercase()),
        })
    }

    async fn distribution(&self, id: &CloudFrontId) -> PortResult<Option<LiveDistribution>> {
        self.faults.check("distribution")?;
        Ok(guard(&self.state).distributions.get(id.as_str()).map(|d| LiveDistribution {
            status: d.status,
            caller_reference: d.caller_reference.clone(),
            settings: d.config.settings(),
        }))
    }

    async fn list_distributions(&self) -> PortResult<Vec<ListedDistribution>> {
        self.faults.check("list_distributions")?;
        let state = guard(&self.state);
        let listed = state.distributions.iter().map(|(id, d)| ListedDistribution {
            id: CloudFrontId::parse(id).expect("an id"),
            status: d.status,
            revision: d.revision.to_string(),
        });
        Ok(listed.collect())
    }

    async fn update_distribution(&self, id: &CloudFrontId, change: &CdnChange) -> PortResult<Applied> {
        self.faults.check("update_distribution")?;
        let mut state = guard(&self.state);
        let Some(d) = state.distributions.get_mut(id.as_str()) else {
            return Err(crate::ServiceError::new(crate::ErrorKind::NotFound, format!("no distribution {id}")));
        };
        let mut config = d.config.clone();
        match change {
            CdnChange::Settings(desired) => config = (**desired).clone(),
            CdnChange::Enabled(enabled) => config.enabled = *enabled,
            CdnChange::Origin(origin) => {
                if let Some(existing) = config.origins.iter_mut().find(|o| o.id == origin.id) {
                    *existing = (**origin).clone();
                }
            }
        }
        if config == d.config {
            return Ok(Applied::Unchanged);
        }
        d.config = config;
        d.status = DeployStatus::InProgress;
        d.revision += 1;
        Ok(Applied::Changed)
    }

    async fn delete_distribution(&self, id: &CloudFrontId) -> PortResult<Deletion> {
        self.faults.check("delete_distribution")?;
        let mut state = guard(&self.state);
        match state.distributions.get(id.as_str()) {
            None => Ok(Deletion::Deleted),
            Some(d) if d.config.enabled || d.status != DeployStatus::Deployed => Ok(Deletion::NotDisabled),
            Some(_) => {
                state.distributions.remove(id.as_str());
                Ok(Deletion::Deleted)
            }
        }
    }

    async fn create_invalidation(
        &self,
        id: &CloudFrontId,
        _paths: &[InvalidationPath],
        reference: &str,
    ) -> PortResult<InvalidationId> {
        self.faults.check("create_invalidation")?;
        let mut state = guard(&self.state);
        state.next += 1;
        let next = state.next;
        let d = state
            .distributions
            .get_mut(id.as_str())
            .ok_or_else(|| crate::ServiceError::new(crate::ErrorKind::NotFound, format!("no distribution {id}")))?;
        let made = d
            .invalidations
            .entry(reference.to_owned())
            .or_insert_with(|| InvalidationId::parse(&format!("I{next}")).expect("an id"));
        Ok(made.clone())
    }

    async fn invalidation_done(&self, _id: &CloudFrontId, _invalidation: &InvalidationId) -> PortResult<bool> {
        self.faults.check("invalidation_done")?;
        Ok(true)
    }

    async fn find_policy(&self, kind: PolicyKind, name: &PolicyName) -> PortResult<Option<FoundPolicy>> {
        self.faults.check("find_policy")?;
        let state = guard(&self.state);
        let found = state.policies.iter().find(|(_, p)| &p.spec.name == name && p.spec.settings.kind() == kind);
        Ok(found.map(|(id, p)| FoundPolicy { id: id.clone(), comment: p.comment.clone() }))
    }

    async fn create_policy(&self, record: &PolicyRecord) -> PortResult<String> {
        self.faults.check("create_policy")?;
        let mut state = guard(&self.state);
        if state.name_taken(record, None) {
            return Err(crate::ServiceError::new(crate::ErrorKind::Rejected, format!("{} exists", record.spec.name)));
        }
        state.next += 1;
        let id = format!("POLICY{}", state.next);
        let policy = FakePolicy { spec: record.spec.clone(), comment: record.cloudfront_comment() };
        state.policies.insert(id.clone(), policy);
        Ok(id)
    }

    async fn update_policy(&self, id: &str, record: &PolicyRecord) -> PortResult<()> {
        self.faults.check("update_policy")?;
        let mut state = guard(&self.state);
        if state.name_taken(record, Some(id)) {
            return Err(crate::ServiceError::new(crate::ErrorKind::Rejected, format!("{} exists", record.spec.name)));
        }
        let policy = state
            .policies
            .get_mut(id)
            .ok_or_else(|| crate::ServiceError::new(crate::ErrorKind::NotFound, format!("no policy {id}")))?;
        *policy = FakePolicy { spec: record.spec.clone(), comment: record.cloudfront_comment() };
        Ok(())
    }

    async fn delete_policy(&self, _kind: PolicyKind, id: &str) -> PortResult<PolicyDeletion> {
        self.faults.check("delete_policy")?;
        let mut state = guard(&self.state);
        if state.policy_in_use(id) {
            return Ok(PolicyDeletion::InUse);
        }
        state.policies.remove(id);
        Ok(PolicyDeletion::Deleted)
    }

    async fn publish_function(&self, name: &str, _comment: &str, code: &str) -> PortResult<String> {
        self.faults.check("publish_function")?;
        let mut state = guard(&self.state);
        state.functions.insert(name.to_owned(), code.to_owned());
        Ok(format!("arn:aws:cloudfront::123456789012:function/{name}"))
    }

    async fn live_function(&self, name: &str) -> PortResult<Option<String>> {
        self.faults.check("live_function")?;
        Ok(guard(&self.state).functions.get(name).cloned())
    }

    async fn delete_function(&self, name: &str) -> PortResult<FunctionDeletion> {
        self.faults.check("delete_function")?;
        let mut state = guard(&self.state);
        let arn = format!("arn:aws:cloudfront::123456789012:function/{name}");
        if state.any_behavior(|b| b.edge.as_ref().is_some_and(|e| e.arn == arn)) {
            return Ok(FunctionDeletion::InUse);
        }
        if let Some(left) = state.lingering.get_mut(name).filter(|left| **left > 0) {
            *left -= 1;
            return Ok(FunctionDeletion::InUse);
        }
        state.functions.remove(name);
        Ok(FunctionDeletion::Deleted)
    }

    async fn ensure_identity(&self, reference: &str, _comment: &str) -> PortResult<OaiId> {
        self.faults.check("ensure_identity")?;
        let mut state = guard(&self.state);
        state.next += 1;
        let made = OaiId::parse(&format!("EOAI{}", state.next)).expect("an id");
        Ok(state.identities.entry(reference.to_owned()).or_insert(made).clone())
    }

    async fn delete_identity(&self, id: &OaiId) -> PortResult<OacDeletion> {
        self.faults.check("delete_identity")?;
        let mut state = guard(&self.state);
        let used = state.distributions.values().any(|d| {
            d.config.origins.iter().any(|o| matches!(&o.access, OriginAccess::S3Identity { oai_id } if oai_id == id))
        });
        if used {
            return Ok(OacDeletion::InUse);
        }
        state.identities.retain(|_, made| made != id);
        Ok(OacDeletion::Deleted)
    }
}
