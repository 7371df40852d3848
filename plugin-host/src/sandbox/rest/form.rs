//! Form-encoded request bodies as Twilio reads them (PascalCase names, `true`/`false`, integers).

use axum::body::Bytes;

use crate::sandbox::SandboxError;

pub struct Form(Vec<(String, String)>);

impl Form {
    pub fn parse(body: &Bytes) -> Result<Form, SandboxError> {
        serde_urlencoded::from_bytes(body)
            .map(Form)
            .map_err(|_| SandboxError::invalid("The request body is not form-encoded"))
    }

    /// A list request's query string, read like a form.
    pub fn query(query: Option<&str>) -> Result<Form, SandboxError> {
        serde_urlencoded::from_str(query.unwrap_or(""))
            .map(Form)
            .map_err(|_| SandboxError::invalid("The query string is malformed"))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of `name`, which must be one of `allowed`.
    pub fn one_of(&self, name: &str, allowed: &[&str]) -> Result<Option<&str>, SandboxError> {
        match self.get(name) {
            Some(v) if !allowed.contains(&v) => Err(SandboxError::invalid(format!(
                "{name} must be one of {}",
                allowed.join(", ")
            ))),
            other => Ok(other),
        }
    }

    pub fn bool(&self, name: &str) -> Result<Option<bool>, SandboxError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(_) => Err(SandboxError::invalid(format!(
                "{name} must be true or false"
            ))),
        }
    }

    pub fn int(&self, name: &str) -> Result<Option<i64>, SandboxError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| SandboxError::invalid(format!("{name} must be an integer"))),
        }
    }

    pub fn int_in(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, SandboxError> {
        match self.int(name)? {
            Some(n) if !(min..=max).contains(&n) => Err(SandboxError::invalid(format!(
                "{name} must be between {min} and {max}"
            ))),
            other => Ok(other),
        }
    }
}
