//! Fault injection for reliability tests, set at run time through `POST /__sim/faults`
//! (only when the server was started with `--faults`).

use crate::error::OdooError;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
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
    /// Share (0.0..=1.0) of RPC requests that are carried out but whose answer is lost (the
    /// connection closes after the work is committed): what makes client retries dangerous.
    pub lost_answer_rate: f64,
    /// Odoo errors raised by a given model method, on every call until cleared.
    pub rpc_errors: Vec<RpcErrorRule>,
    /// Calls of a given model method that are carried out but lose their answer, `times`
    /// times (then they answer normally).
    pub lost_answers: Vec<LostAnswerRule>,
    /// Seeds the fault dice, so a test run can be replayed exactly; unseeded by default.
    pub seed: Option<u64>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LostAnswerRule {
    pub model: String,
    pub method: String,
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
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

#[derive(Debug)]
pub struct Faults {
    plan: Mutex<FaultPlan>,
    dice: Mutex<StdRng>,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            plan: Mutex::default(),
            dice: Mutex::new(StdRng::from_os_rng()),
        }
    }
}

impl Faults {
    pub fn set(&self, plan: FaultPlan) -> Result<(), String> {
        for (name, rate) in [
            ("http_500_rate", plan.http_500_rate),
            ("drop_rate", plan.drop_rate),
            ("lost_answer_rate", plan.lost_answer_rate),
        ] {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("{name} must be between 0 and 1, got {rate}"));
            }
        }
        if let Some(seed) = plan.seed {
            *self.dice() = StdRng::seed_from_u64(seed);
        }
        *self
            .plan
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = plan;
        Ok(())
    }

    fn dice(&self) -> std::sync::MutexGuard<'_, StdRng> {
        self.dice
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
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
        let roll: f64 = self.dice().random();
        let fate = if roll < plan.drop_rate {
            Fate::Drop
        } else if roll < plan.drop_rate + plan.http_500_rate {
            Fate::Http500
        } else {
            Fate::Serve
        };
        (fate, plan.latency_ms)
    }

    /// Whether the answer to a call of `model.method` (when known) is to be lost after the
    /// work is done.
    pub fn loses_answer(&self, call: Option<(&str, &str)>) -> bool {
        let mut plan = self
            .plan
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((model, method)) = call
            && let Some(rule) = plan
                .lost_answers
                .iter_mut()
                .find(|r| r.model == model && r.method == method && r.times > 0)
        {
            rule.times -= 1;
            return true;
        }
        plan.lost_answer_rate > 0.0 && self.dice().random::<f64>() < plan.lost_answer_rate
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
