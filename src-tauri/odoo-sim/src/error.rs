//! Odoo's exceptions, with the names, messages and HTTP statuses real clients see
//! (reference/odoo-protocol.md §1.5 and §2.2).

use serde_json::{Value, json};

/// An error as Odoo raises it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OdooError {
    /// Bad credentials on the object service / session.
    #[error("Access Denied")]
    AccessDenied,
    /// ACL or record rule refusal; private methods.
    #[error("{0}")]
    Access(String),
    #[error("{0}")]
    Validation(String),
    #[error("{0}")]
    User(String),
    #[error("{0}")]
    Missing(String),
    /// werkzeug NotFound (unknown model/method on JSON-2).
    #[error("{0}")]
    NotFound(String),
    /// werkzeug UnprocessableEntity (argument binding).
    #[error("{0}")]
    Unprocessable(String),
    /// werkzeug BadRequest.
    #[error("{0}")]
    BadRequest(String),
    /// werkzeug Unauthorized (JSON-2 bearer).
    #[error("{0}")]
    Unauthorized(String),
    /// builtins.ValueError (bad domain, unknown field): a 500.
    #[error("{0}")]
    Value(String),
    /// builtins.AttributeError (unknown method over JSON-RPC).
    #[error("{0}")]
    Attribute(String),
    /// Injected or unexpected server failure.
    #[error("{0}")]
    Internal(String),
    /// PostgreSQL refused (e.g. an unknown database name).
    #[error("{0}")]
    Database(String),
}

impl OdooError {
    /// The exception's `module.ClassName`.
    pub fn name(&self) -> &'static str {
        match self {
            OdooError::AccessDenied => "odoo.exceptions.AccessDenied",
            OdooError::Access(_) => "odoo.exceptions.AccessError",
            OdooError::Validation(_) => "odoo.exceptions.ValidationError",
            OdooError::User(_) => "odoo.exceptions.UserError",
            OdooError::Missing(_) => "odoo.exceptions.MissingError",
            OdooError::NotFound(_) => "werkzeug.exceptions.NotFound",
            OdooError::Unprocessable(_) => "werkzeug.exceptions.UnprocessableEntity",
            OdooError::BadRequest(_) => "werkzeug.exceptions.BadRequest",
            OdooError::Unauthorized(_) => "werkzeug.exceptions.Unauthorized",
            OdooError::Value(_) => "builtins.ValueError",
            OdooError::Attribute(_) => "builtins.AttributeError",
            OdooError::Internal(_) => "builtins.RuntimeError",
            OdooError::Database(_) => "psycopg2.OperationalError",
        }
    }

    /// The status JSON-2 answers with (`Json2Dispatcher.handle_error`).
    pub fn http_status(&self) -> u16 {
        match self {
            OdooError::AccessDenied | OdooError::Access(_) => 403,
            OdooError::Validation(_) | OdooError::User(_) | OdooError::Unprocessable(_) => 422,
            OdooError::Missing(_) | OdooError::NotFound(_) | OdooError::Attribute(_) => 404,
            OdooError::BadRequest(_) => 400,
            OdooError::Unauthorized(_) => 401,
            OdooError::Value(_) | OdooError::Internal(_) | OdooError::Database(_) => 500,
        }
    }

    fn is_werkzeug(&self) -> bool {
        self.name().starts_with("werkzeug.")
    }

    /// `exc.args`: werkzeug exceptions carry `[description, code]`.
    pub fn arguments(&self) -> Value {
        if self.is_werkzeug() {
            json!([self.to_string(), self.http_status()])
        } else {
            json!([self.to_string()])
        }
    }

    /// The JSON object of JSON-2 error bodies and of JSON-RPC `error.data`.
    pub fn body(&self) -> Value {
        json!({
            "name": self.name(),
            "message": self.to_string(),
            "arguments": self.arguments(),
            "context": {},
            "debug": format!(
                "Traceback (most recent call last):\n  File \"/opt/odoo/odoo/http.py\", line 2134, in _serve_db\n    return service_model.retrying(self._serve_ir_http, self.env)\n{}: {}\n",
                self.name(),
                self
            ),
        })
    }

    /// The JSON-RPC `error` member.
    pub fn jsonrpc_error(&self, code: i64) -> Value {
        let (code, message) = match self {
            OdooError::NotFound(_) => (404, "404: Not Found"),
            _ => (code, "Odoo Server Error"),
        };
        json!({ "code": code, "message": message, "data": self.body() })
    }
}

pub type OdooResult<T> = Result<T, OdooError>;
