//! Short constructors of routing rules for the website tests.

use super::routing::{Condition, Redirect, RoutingRule};

pub(crate) fn prefix(p: &str) -> Option<Condition> {
    Some(Condition {
        key_prefix_equals: Some(p.into()),
        http_error_code_returned_equals: None,
    })
}

pub(crate) fn error(code: u16) -> Option<Condition> {
    Some(Condition {
        key_prefix_equals: None,
        http_error_code_returned_equals: Some(code),
    })
}

pub(crate) fn to_prefix(p: &str) -> Redirect {
    Redirect {
        replace_key_prefix_with: Some(p.into()),
        ..Redirect::default()
    }
}

pub(crate) fn to_key(k: &str) -> Redirect {
    Redirect {
        replace_key_with: Some(k.into()),
        ..Redirect::default()
    }
}

pub(crate) fn rule(condition: Option<Condition>, redirect: Redirect) -> RoutingRule {
    RoutingRule {
        condition,
        redirect,
    }
}
