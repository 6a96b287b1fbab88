//! End-to-end scenarios on the local cloud. One moto serves the whole binary; every test
//! provisions its own stack, so they run in parallel.

mod aliases;
mod auth;
mod bad_input;
mod bulk;
mod certificates;
mod cli;
mod concurrency;
mod console;
mod delivery;
mod distribution_faults;
mod distribution_input;
mod distributions;
mod dns;
mod edge;
mod executions;
mod failures;
mod functions;
mod hostile_input;
mod idempotency;
mod lambda_edge;
mod late_delivery;
mod metrics;
mod multi_origin;
mod origins;
mod ownership;
mod policies;
mod retire;
mod settled;
mod templates;
