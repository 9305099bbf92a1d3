//! The skincare shop.

pub mod money;
