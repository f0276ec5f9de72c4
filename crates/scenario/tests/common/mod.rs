//! Helpers the scenario test files share: the issues or the syntax error a text gets.

use s3sim_scenario::{ScenarioError, parse};

/// The semantic issues of `text`, each as `path: message`; panics if it has none.
pub fn invalid(text: &str) -> Vec<String> {
    match parse(text, "test.ron") {
        Err(ScenarioError::Invalid { issues, .. }) => {
            issues.iter().map(ToString::to_string).collect()
        }
        Err(other) => panic!("expected semantic errors, got {other}"),
        Ok(_) => panic!("expected semantic errors, but the scenario was accepted"),
    }
}

/// The line, column and whole message of `text`'s syntax error; panics if it has none.
#[allow(dead_code)] // not every test file reads syntax errors
pub fn syntax(text: &str) -> (usize, usize, String) {
    match parse(text, "test.ron") {
        Err(e @ ScenarioError::Syntax { .. }) => {
            let ScenarioError::Syntax { line, col, .. } = e else {
                unreachable!()
            };
            (line, col, e.to_string())
        }
        Err(other) => panic!("expected a syntax error, got {other}"),
        Ok(_) => panic!("expected a syntax error, but the scenario was accepted"),
    }
}
