//! Fault injection for reliability tests, set at run time through `POST /__sim/faults`
//! (only when the server was started with `--faults`).

use crate::error::OdooError;
use serde::Deserialize;
use std::sync::Mutex;

/// What to break, and how often.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct FaultPlan {
    /// Added to every RPC response.
    pub latency_ms: u64,
    /// Share (0.0..=1.0) of RPC requests answered with a bare HTTP 500.
    pub http_500_rate: f64,
    /// Share (0.0..=1.0) of RPC requests whose connection is closed without an answer.
    pub drop_rate: f64,
    /// Odoo errors raised by a given model method, on every call until cleared.
    pub rpc_errors: Vec<RpcErrorRule>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RpcErrorRule {
    pub model: String,
    pub method: String,
    /// access_denied | access | validation | user | missing | internal
    pub error: String,
    #[serde(default)]
    pub message: Option<String>,
}

impl RpcErrorRule {
    fn to_error(&self) -> OdooError {
        let message = self
            .message
            .clone()
            .unwrap_or_else(|| "Injected by odoo-sim".into());
        match self.error.as_str() {
            "access_denied" => OdooError::AccessDenied,
            "access" => OdooError::Access(message),
            "validation" => OdooError::Validation(message),
            "user" => OdooError::User(message),
            "missing" => OdooError::Missing(message),
            _ => OdooError::Internal(message),
        }
    }
}

/// What to do with one request.
#[derive(Debug, PartialEq)]
pub enum Fate {
    Serve,
    Http500,
    Drop,
}

#[derive(Debug, Default)]
pub struct Faults {
    plan: Mutex<FaultPlan>,
}

impl Faults {
    pub fn set(&self, plan: FaultPlan) -> Result<(), String> {
        for (name, rate) in [
            ("http_500_rate", plan.http_500_rate),
            ("drop_rate", plan.drop_rate),
        ] {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("{name} must be between 0 and 1, got {rate}"));
            }
        }
        *self
            .plan
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = plan;
        Ok(())
    }

    pub fn plan(&self) -> FaultPlan {
        self.plan
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Draws the fate of one request.
    pub fn fate(&self) -> (Fate, u64) {
        let plan = self.plan();
        let roll: f64 = rand::random();
        let fate = if roll < plan.drop_rate {
            Fate::Drop
        } else if roll < plan.drop_rate + plan.http_500_rate {
            Fate::Http500
        } else {
            Fate::Serve
        };
        (fate, plan.latency_ms)
    }

    /// The injected error for a model method, if any.
    pub fn rpc_error(&self, model: &str, method: &str) -> Option<OdooError> {
        self.plan()
            .rpc_errors
            .iter()
            .find(|r| r.model == model && r.method == method)
            .map(RpcErrorRule::to_error)
    }
}
