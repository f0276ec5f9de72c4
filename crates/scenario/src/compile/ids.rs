//! Resolve the names a scenario uses into the model's dense ids.

use crate::schema::Scenario;
use std::ops::Range;

/// The position of the item called `name` in `items`.
///
/// # Panics
///
/// When there is none: compile runs only on scenarios whose references
/// [`crate::validate::check`] resolved.
pub(crate) fn index_of<T>(items: &[T], name: &str, key: impl Fn(&T) -> &str) -> usize {
    items
        .iter()
        .position(|x| key(x) == name)
        .expect("references checked by validate")
}

/// The id of region `name`.
pub(crate) fn region_id(s: &Scenario, name: &str) -> u16 {
    index_of(&s.regions, name, |r| &r.name) as u16
}

/// Client places: the scenario's locations, then every region (clients inside a region).
pub(crate) fn places(s: &Scenario) -> Vec<String> {
    let regions = s.regions.iter().map(|r| r.name.clone());
    s.locations.iter().cloned().chain(regions).collect()
}

/// The resolver ids of group `name` (the first group when `None`): groups number
/// their resolvers one after the other, in list order.
pub(crate) fn resolver_range(s: &Scenario, name: Option<&str>) -> Range<u32> {
    let group = name.map_or(0, |g| index_of(&s.resolvers, g, |r| &r.name));
    let first: u32 = s.resolvers[..group].iter().map(|r| r.count).sum();
    first..first + s.resolvers[group].count
}
