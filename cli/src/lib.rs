//! `cfm`: the command line for cfm. Drives the HTTP API, runs the local cloud, and runs the demo.

pub mod client;
pub mod commands;
pub mod demo;
pub mod settings;
mod viewers;
