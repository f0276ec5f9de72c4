//! Per-name caches of a resolver, and the CNAME link it caches for a name when S3's
//! names are CNAME chains (docs/domain.md §3, *CNAME chains*).

use super::authoritative::Target;
use super::host::{Host, HostSpace};
use rustc_hash::FxBuildHasher;
use s3sim_engine::SimTime;
use std::collections::HashMap;

/// Record one cached CNAME link: which regional name the S3 name points to.
///
/// The regional name is identified by its region (the model's facilities are per
/// region); a name that does not exist has no link to follow.
///
/// ```
/// use s3sim_engine::SimTime;
/// use s3sim_model::dns::{Link, Target};
/// let link = Link { target: Target::Region(1), version: 0, expires: SimTime::from_secs(300) };
/// assert_eq!(link.target, Target::Region(1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    /// Where the CNAME points (the region whose A name it names), or NXDOMAIN.
    pub target: Target,
    /// Authoritative version the link came from (compare with `Authoritative::truth`).
    pub version: u16,
    /// When this copy of the link expires.
    pub expires: SimTime,
}

/// Hold one value per host name: a vector over a [`HostSpace`]'s numbered names (one
/// memory access per lookup), a hash map for names outside it.
///
/// The map is keyed with rustc's Fx hash (a few multiplies per probe) and never
/// iterated, so its order reaches no output.
#[derive(Clone, Debug)]
pub(crate) struct NameCache<T> {
    /// The names numbered for `dense`.
    space: HostSpace,
    /// Per name of `space`, by its number (allocated on first store).
    dense: Vec<Option<T>>,
    /// Names outside `space`.
    hashed: HashMap<Host, T, FxBuildHasher>,
}

impl<T: Copy> NameCache<T> {
    /// An empty cache numbering `space`'s names densely.
    pub(crate) fn new(space: HostSpace) -> Self {
        NameCache {
            space,
            dense: Vec::new(),
            hashed: HashMap::default(),
        }
    }

    /// The value held for `host`, if any.
    pub(crate) fn get(&self, host: Host) -> Option<T> {
        match self.space.index(host) {
            Some(i) => self.dense.get(i as usize).copied().flatten(),
            None => self.hashed.get(&host).copied(),
        }
    }

    /// Hold `value` for `host`.
    pub(crate) fn store(&mut self, host: Host, value: T) {
        match self.space.index(host) {
            Some(i) => {
                if self.dense.is_empty() {
                    self.dense = vec![None; self.space.len() as usize];
                }
                self.dense[i as usize] = Some(value);
            }
            None => {
                self.hashed.insert(host, value);
            }
        }
    }

    /// Drop every value.
    pub(crate) fn clear(&mut self) {
        self.dense = Vec::new();
        self.hashed.clear();
    }
}
