//! The cancellation flag now lives in the leaf module [`crate::cancel`]; re-exported here
//! until every import names it there.

pub use crate::cancel::CancelToken;
