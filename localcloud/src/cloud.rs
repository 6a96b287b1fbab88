//! A whole local cloud for one stack: moto, the provisioned stack, its workers and API.

use std::path::Path;

use cfm_aws::{AwsContext, Endpoint};

use crate::{Moto, RunningStack, StackOptions, provision};

/// The local cloud's home region.
pub const REGION: &str = "us-east-1";

/// moto plus one running stack.
pub struct LocalCloud {
    moto: Moto,
    aws: AwsContext,
    stack: RunningStack,
}

impl LocalCloud {
    /// Starts moto, provisions `stack` into it and runs it.
    pub async fn start(home: &Path, stack: &str, options: StackOptions) -> anyhow::Result<Self> {
        let moto = Moto::start(home).await?;
        let aws = AwsContext::load(&Endpoint::Local { url: moto.endpoint(), region: REGION.to_owned() }).await;
        let resources = provision(&aws, stack).await?;
        let stack = RunningStack::start(&aws, resources, options).await?;
        Ok(Self { moto, aws, stack })
    }

    /// The running stack.
    pub fn stack(&self) -> &RunningStack {
        &self.stack
    }

    /// The moto server.
    pub fn moto(&self) -> &Moto {
        &self.moto
    }

    /// The AWS configuration pointing at moto.
    pub fn aws(&self) -> &AwsContext {
        &self.aws
    }

    /// Stops the stack, then moto.
    pub async fn shutdown(self) {
        self.stack.shutdown().await;
        drop(self.moto);
    }
}
