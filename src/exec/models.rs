//! The dispatch from a [`Model`] to the file that implements it, generated from the one
//! registration list (`for_each_model!` in `src/model.rs`): each row's module holds a
//! unit struct named like its variant that implements [`ExecutionModel`], so a row without
//! its file, or a file without its struct, does not compile.

use super::contract::ExecutionModel;
use super::ctx::RunCtx;
use crate::profile::{Model, for_each_model};

macro_rules! dispatch {
    ($( $(#[$doc:meta])* $variant:ident ($module:ident) $name:literal, $host:ident, $help:literal; )*) => {
        /// Runs the run described by `ctx` in its model.
        pub fn run(ctx: &RunCtx) {
            match ctx.plan.model {
                $( Model::$variant => <super::$module::$variant as ExecutionModel>::run(ctx), )*
            }
        }
    };
}
for_each_model!(dispatch);
