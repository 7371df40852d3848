//! The parts of the integration tests' `common` module the checker needs, from where they are.

#[path = "../../tests/common/oai.rs"]
pub mod oai;
#[path = "../../tests/common/proxy.rs"]
#[allow(dead_code)]
pub mod proxy;
