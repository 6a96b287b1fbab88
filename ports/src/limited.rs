//! The CloudFront rate limit every cfm execution shares: [`Limited`] wraps any [`Cdn`] and lets
//! a call through only once it has taken a slot of its kind in the table
//! ([`cfm_domain::rate`]), so bulk work and single workflows together stay under the rate
//! however many workers run. When CloudFront throttles many of a worker's recent calls anyway,
//! the rate halves for a minute, for every worker (the slow-down is kept in the table too); an
//! isolated throttle is only retried.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use cfm_domain::distribution::{CdnConfig, CloudFrontRef, ListedDistribution, LiveDistribution};
use cfm_domain::policy::{PolicyKind, PolicyName, PolicyRecord};
use cfm_domain::rate::{CallKind, CloudFrontRates, Slots, SlowDown, ThrottleWindow};
use cfm_domain::values::{CloudFrontId, InvalidationId, InvalidationPath, OacId, OaiId};
use cfm_domain::vocabulary::Vocabulary;

use crate::cdn::{Applied, Cdn, CdnChange, Deletion, FoundPolicy, FunctionDeletion, OacDeletion, PolicyDeletion};
use crate::error::{ErrorKind, PortResult, ServiceError};
use crate::{Clock, Store};

/// The longest a call waits for a slot before it gives up as throttled (its task's Retry
/// then backs off with jitter).
const MAX_WAIT: Duration = Duration::from_secs(60);
/// How long a worker trusts the slow-down it last read.
const SLOW_DOWN_FRESH: Duration = Duration::from_secs(1);

/// A [`Cdn`] whose calls take slots of the shared rate limit first.
pub struct Limited {
    inner: Arc<dyn Cdn>,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    rates: CloudFrontRates,
    slow_downs: Mutex<HashMap<CallKind, (Instant, u32)>>,
    windows: Mutex<HashMap<CallKind, ThrottleWindow>>,
    /// Per kind, the slot to try next; held while taking one.
    takers: HashMap<CallKind, tokio::sync::Mutex<u64>>,
}

fn slow_down_key(kind: CallKind) -> String {
    format!("rate/{kind}/slow-down")
}

impl Limited {
    /// `inner`, limited to `rates`, with the slots kept in `store`.
    pub fn new(inner: Arc<dyn Cdn>, store: Arc<dyn Store>, clock: Arc<dyn Clock>, rates: CloudFrontRates) -> Self {
        let takers = CallKind::ALL.iter().map(|k| (*k, tokio::sync::Mutex::new(0))).collect();
        Self {
            inner,
            store,
            clock,
            rates,
            slow_downs: Mutex::new(HashMap::new()),
            windows: Mutex::new(HashMap::new()),
            takers,
        }
    }

    fn now_ms(&self) -> i64 {
        self.clock.now().time().timestamp_millis()
    }

    /// The slow-down in force for `kind`, read from the table at most once a second.
    async fn divisor(&self, kind: CallKind) -> PortResult<u32> {
        let cached = self.slow_downs.lock().expect("not poisoned").get(&kind).copied();
        if let Some((read, divisor)) = cached
            && read.elapsed() < SLOW_DOWN_FRESH
        {
            return Ok(divisor);
        }
        let stored = self.store.recall(&slow_down_key(kind)).await?;
        let divisor = SlowDown::divisor_at(stored.as_deref().and_then(SlowDown::decode), self.now_ms());
        self.slow_downs.lock().expect("not poisoned").insert(kind, (Instant::now(), divisor));
        Ok(divisor)
    }

    /// Waits for and takes a slot of `kind`. One caller of this process takes at a time, from
    /// the slot after the one this process took last: so a slot costs one conditional write
    /// unless another process wants it too, and the calls themselves still overlap.
    async fn take_slot(&self, kind: CallKind) -> PortResult<()> {
        let owner = uuid::Uuid::new_v4().simple().to_string();
        let started = Instant::now();
        let taker = self.takers.get(&kind).expect("a taker per kind");
        let mut next = taker.lock().await;
        while started.elapsed() < MAX_WAIT {
            let divisor = self.divisor(kind).await?;
            let slots = Slots::new(self.rates.of(kind), divisor);
            let slot = slots.at(self.now_ms()).max(*next);
            let wait = slots.start_ms(slot) - self.now_ms();
            if wait > 0 {
                tokio::time::sleep(Duration::from_millis(wait as u64)).await;
            }
            let name = format!("rate/{kind}/{divisor}/{}", slot % slots.ring());
            *next = slot + 1;
            if self.store.take(&name, &owner, 1, self.clock.now()).await? {
                return Ok(());
            }
        }
        Err(ServiceError::new(
            ErrorKind::Throttled,
            format!("cfm's shared CloudFront rate limit ({kind}) had no free slot within {}s", MAX_WAIT.as_secs()),
        ))
    }

    /// Records a throttle CloudFront answered: every worker halves the rate for a minute.
    async fn slow_down(&self, kind: CallKind) {
        let now = self.now_ms();
        let key = slow_down_key(kind);
        let stored = self.store.recall(&key).await.ok().flatten();
        let next = SlowDown::after_throttle(stored.as_deref().and_then(SlowDown::decode), now);
        if let Err(err) = self.store.remember(&key, &next.encode()).await {
            tracing::warn!(error = %err, %kind, "could not record a CloudFront throttle");
        }
        self.slow_downs.lock().expect("not poisoned").insert(kind, (Instant::now(), next.divisor));
        tracing::info!(%kind, divisor = next.divisor, "CloudFront throttled a call: slowing the shared rate down");
    }

    async fn call<T>(&self, kind: CallKind, call: impl Future<Output = PortResult<T>>) -> PortResult<T> {
        self.take_slot(kind).await?;
        let result = call.await;
        let throttled = matches!(&result, Err(err) if err.kind == ErrorKind::Throttled);
        let crowded = self.windows.lock().expect("not poisoned").entry(kind).or_default().record(throttled);
        if crowded {
            self.slow_down(kind).await;
        }
        result
    }
}

use CallKind::{Invalidation, Read, Write};

#[async_trait]
impl Cdn for Limited {
    async fn find_oac(&self, name: &str) -> PortResult<Option<OacId>> {
        self.call(Read, self.inner.find_oac(name)).await
    }
    async fn ensure_oac(&self, name: &str, description: &str) -> PortResult<OacId> {
        self.call(Write, self.inner.ensure_oac(name, description)).await
    }
    async fn delete_oac(&self, id: &OacId) -> PortResult<OacDeletion> {
        self.call(Write, self.inner.delete_oac(id)).await
    }
    async fn create_distribution(
        &self,
        config: &CdnConfig,
        caller_reference: &str,
        tags: &[(String, String)],
    ) -> PortResult<CloudFrontRef> {
        self.call(Write, self.inner.create_distribution(config, caller_reference, tags)).await
    }
    async fn distribution(&self, id: &CloudFrontId) -> PortResult<Option<LiveDistribution>> {
        self.call(Read, self.inner.distribution(id)).await
    }
    async fn list_distributions(&self) -> PortResult<Vec<ListedDistribution>> {
        self.call(Read, self.inner.list_distributions()).await
    }
    async fn update_distribution(&self, id: &CloudFrontId, change: &CdnChange) -> PortResult<Applied> {
        self.call(Write, self.inner.update_distribution(id, change)).await
    }
    async fn delete_distribution(&self, id: &CloudFrontId) -> PortResult<Deletion> {
        self.call(Write, self.inner.delete_distribution(id)).await
    }
    async fn create_invalidation(
        &self,
        id: &CloudFrontId,
        paths: &[InvalidationPath],
        reference: &str,
    ) -> PortResult<InvalidationId> {
        self.call(Invalidation, self.inner.create_invalidation(id, paths, reference)).await
    }
    async fn invalidation_done(&self, id: &CloudFrontId, invalidation: &InvalidationId) -> PortResult<bool> {
        self.call(Read, self.inner.invalidation_done(id, invalidation)).await
    }
    async fn find_policy(&self, kind: PolicyKind, name: &PolicyName) -> PortResult<Option<FoundPolicy>> {
        self.call(Read, self.inner.find_policy(kind, name)).await
    }
    async fn create_policy(&self, record: &PolicyRecord) -> PortResult<String> {
        self.call(Write, self.inner.create_policy(record)).await
    }
    async fn update_policy(&self, id: &str, record: &PolicyRecord) -> PortResult<()> {
        self.call(Write, self.inner.update_policy(id, record)).await
    }
    async fn delete_policy(&self, kind: PolicyKind, id: &str) -> PortResult<PolicyDeletion> {
        self.call(Write, self.inner.delete_policy(kind, id)).await
    }
    async fn publish_function(&self, name: &str, comment: &str, code: &str) -> PortResult<String> {
        self.call(Write, self.inner.publish_function(name, comment, code)).await
    }
    async fn live_function(&self, name: &str) -> PortResult<Option<String>> {
        self.call(Read, self.inner.live_function(name)).await
    }
    async fn delete_function(&self, name: &str) -> PortResult<FunctionDeletion> {
        self.call(Write, self.inner.delete_function(name)).await
    }
    async fn ensure_identity(&self, reference: &str, comment: &str) -> PortResult<OaiId> {
        self.call(Write, self.inner.ensure_identity(reference, comment)).await
    }
    async fn delete_identity(&self, id: &OaiId) -> PortResult<OacDeletion> {
        self.call(Write, self.inner.delete_identity(id)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::{MemoryCdn, MemoryStore};

    fn limited(cdn: Arc<MemoryCdn>, store: Arc<MemoryStore>, rates: &str) -> Limited {
        let rates = CloudFrontRates::parse(rates, CloudFrontRates::LOCAL).unwrap();
        Limited::new(cdn, store, Arc::new(crate::SystemClock), rates)
    }

    #[tokio::test]
    async fn two_limiters_over_one_table_share_the_rate() {
        let store = Arc::new(MemoryStore::default());
        let cdn = Arc::new(MemoryCdn::default());
        let (a, b) = (limited(cdn.clone(), store.clone(), "read=20"), limited(cdn, store, "read=20"));
        let started = Instant::now();
        for i in 0..20 {
            let limiter = if i % 2 == 0 { &a } else { &b };
            limiter.take_slot(Read).await.unwrap();
        }
        // 20 slots at 20 a second, whichever limiter takes them: 19 slots apart at least. Two
        // limiters that did not share would take the same slots, in half the time.
        assert!(started.elapsed() >= Duration::from_millis(900), "took {:?}", started.elapsed());
    }

    #[tokio::test]
    async fn a_throttle_storm_halves_the_rate_for_everyone() {
        let store = Arc::new(MemoryStore::default());
        let cdn = Arc::new(MemoryCdn::default());
        let (a, b) = (limited(cdn.clone(), store.clone(), "write=1000"), limited(cdn, store, ""));
        assert_eq!(a.divisor(Write).await.unwrap(), 1);
        let throttle = || async { Err::<(), _>(ServiceError::new(ErrorKind::Throttled, "Rate exceeded")) };
        assert!(a.call(Write, throttle()).await.is_err());
        assert_eq!(a.divisor(Write).await.unwrap(), 1, "one throttle is only retried");
        for _ in 1..ThrottleWindow::CROWDED {
            assert!(a.call(Write, throttle()).await.is_err());
        }
        assert_eq!(a.divisor(Write).await.unwrap(), 2);
        assert_eq!(b.divisor(Write).await.unwrap(), 2);
        assert_eq!(b.divisor(Read).await.unwrap(), 1);
    }
}
