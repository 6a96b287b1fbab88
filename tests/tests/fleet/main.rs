//! Fleet-scale scenarios on a local cloud of their own (this binary's moto): the fleets they
//! seed would otherwise be listed by every other test's reconcile.

mod bulk_scale;
mod rate_limit;
mod reconcile_drift;
