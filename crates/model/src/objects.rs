//! Object keys: one table of key strings, the objects each bucket holds, and every
//! website bucket's answers precomputed per key.
//!
//! Requests carry a dense [`KeyId`]; strings are needed only to build the tables, so
//! the event loop never hashes or formats a key. Website answers depend only on the key
//! and on which objects exist, both fixed for a run, so they are computed once here,
//! following redirect chains to intern every key a chain can reach.

use crate::bucket::KeyId;
use crate::response::Status;
use crate::website::{Website, WebsiteAnswer};
use std::collections::{BTreeMap, BTreeSet};

/// The key a website redirect names when the chain is deeper than any client follows.
pub const UNREACHED: KeyId = KeyId::MAX;

/// Say what a website endpoint answers for one key.
///
/// ```
/// use s3sim_model::objects::WebAnswer;
/// use s3sim_model::response::Status;
/// assert_ne!(WebAnswer::Object, WebAnswer::Leave { status: Status::MovedPermanently });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebAnswer {
    /// 200 with the object (or the folder's index document).
    Object,
    /// 404.
    NotFound,
    /// A redirect to another key of the same site (a relative `Location`).
    Redirect {
        /// 301, 302 or 307.
        status: Status,
        /// The key to request next ([`UNREACHED`] past the deepest chain).
        key: KeyId,
    },
    /// A redirect to another host: outside the model, so the request ends there.
    Leave {
        /// 301, 302 or 307.
        status: Status,
    },
    /// A redirect whose `HostName` is a CDN distribution's alternate domain name
    /// ([`Website::cdn_hosts`]): the next request goes to that distribution.
    ToDistribution {
        /// 301, 302 or 307.
        status: Status,
        /// The distribution named.
        distribution: u16,
        /// The key to request there ([`UNREACHED`] past the deepest chain).
        key: KeyId,
    },
}

/// Hold every key of a run and what each bucket serves.
///
/// ```
/// use s3sim_model::objects::{Objects, WebAnswer};
/// use s3sim_model::website::{Condition, Redirect, RoutingRule, Website};
/// use s3sim_model::response::Status;
/// let rule = RoutingRule {
///     condition: Some(Condition { key_prefix_equals: Some("old/".into()), ..Condition::default() }),
///     redirect: Redirect { replace_key_prefix_with: Some("new/".into()), ..Redirect::default() },
/// };
/// let site = Website::new("index.html", vec![rule]);
/// let objects = Objects::build(
///     vec![vec!["new/a.html".into()]],
///     &[Some(site)],
///     &["old/a.html".to_string()],
///     10,
/// );
/// let old = objects.id("old/a.html").unwrap();
/// let new = objects.id("new/a.html").unwrap();
/// assert_eq!(objects.website(0, old), Some(WebAnswer::Redirect { status: Status::MovedPermanently, key: new }));
/// assert_eq!(objects.website(0, new), Some(WebAnswer::Object));
/// assert!(objects.exists(0, new) && !objects.exists(0, old));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Objects {
    /// Every key, without a leading slash.
    pub keys: Vec<String>,
    /// Per bucket: the keys that exist, ascending.
    pub per_bucket: Vec<Vec<KeyId>>,
    /// Per bucket with a website configuration: the answer for every key.
    websites: Vec<Option<Vec<WebAnswer>>>,
    /// Key → id.
    index: BTreeMap<String, KeyId>,
}

impl Objects {
    /// Intern the buckets' objects and the `requested` keys, then compute the answers of
    /// every website (`websites[b]` for bucket `b`), following redirect chains up to
    /// `max_depth` redirects to intern the keys they reach.
    pub fn build(
        objects: Vec<Vec<String>>,
        websites: &[Option<Website>],
        requested: &[String],
        max_depth: u8,
    ) -> Objects {
        let mut table = Interner::default();
        let per_bucket: Vec<Vec<KeyId>> = objects
            .iter()
            .map(|keys| {
                let ids: BTreeSet<KeyId> = keys.iter().map(|k| table.intern(k)).collect();
                ids.into_iter().collect()
            })
            .collect();
        let requested: Vec<KeyId> = requested.iter().map(|k| table.intern(k)).collect();
        let mut answers: Vec<Option<BTreeMap<KeyId, WebAnswer>>> = websites
            .iter()
            .map(|w| w.as_ref().map(|_| BTreeMap::new()))
            .collect();
        for (bucket, site) in websites.iter().enumerate() {
            let Some(site) = site else { continue };
            let existing: BTreeSet<&str> = objects[bucket].iter().map(String::as_str).collect();
            let exists = |k: &str| existing.contains(k);
            // Chains start from the keys that can be asked of this bucket: its objects
            // and the keys clients request; each start reaches one new key per hop at
            // most, so the table grows linearly with the depth.
            let starts: BTreeSet<KeyId> = per_bucket[bucket]
                .iter()
                .chain(&requested)
                .copied()
                .collect();
            let mut frontier: Vec<KeyId> = starts.into_iter().collect();
            for depth in 0..=max_depth {
                let mut next = Vec::new();
                for key in frontier {
                    // A key another bucket's chain interned first is still answered here.
                    if answers[bucket]
                        .as_ref()
                        .is_some_and(|a| a.contains_key(&key))
                    {
                        continue;
                    }
                    let answer = site.answer(&table.keys[key as usize].clone(), exists);
                    let web = web_answer(answer, site, depth < max_depth, &mut table, &mut next);
                    answers[bucket].as_mut().expect("website").insert(key, web);
                }
                frontier = next;
            }
        }
        let n = table.keys.len();
        let websites = answers
            .into_iter()
            .map(|a| {
                a.map(|map| {
                    (0..n as KeyId)
                        .map(|k| map.get(&k).copied().unwrap_or(WebAnswer::NotFound))
                        .collect()
                })
            })
            .collect();
        Objects {
            keys: table.keys,
            per_bucket,
            websites,
            index: table.index,
        }
    }

    /// Find a key's id.
    pub fn id(&self, key: &str) -> Option<KeyId> {
        self.index.get(key).copied()
    }

    /// Tell whether `bucket` holds `key`.
    ///
    /// Why two paths: generated objects are interned in a row, so a bucket's ids
    /// usually form one range, and two compares then replace a binary search (eleven
    /// dependent loads for 2 000 objects, on every GET and HEAD).
    pub fn exists(&self, bucket: usize, key: KeyId) -> bool {
        let Some(keys) = self.per_bucket.get(bucket) else {
            return false;
        };
        match (keys.first(), keys.last()) {
            (Some(&lo), Some(&hi)) if (hi - lo) as usize == keys.len() - 1 => {
                (lo..=hi).contains(&key)
            }
            _ => keys.binary_search(&key).is_ok(),
        }
    }

    /// The website answer of `bucket` for `key`; `None` if it has no website.
    pub fn website(&self, bucket: usize, key: KeyId) -> Option<WebAnswer> {
        let table = self.websites.get(bucket)?.as_ref()?;
        Some(
            table
                .get(key as usize)
                .copied()
                .unwrap_or(WebAnswer::NotFound),
        )
    }
}

#[derive(Default)]
struct Interner {
    keys: Vec<String>,
    index: BTreeMap<String, KeyId>,
}

impl Interner {
    /// The id of `key`; new keys get the next id.
    fn intern(&mut self, key: &str) -> KeyId {
        if let Some(&id) = self.index.get(key) {
            return id;
        }
        let id = self.keys.len() as KeyId;
        self.keys.push(key.to_string());
        self.index.insert(key.to_string(), id);
        id
    }
}

fn web_answer(
    answer: WebsiteAnswer,
    site: &Website,
    follow: bool,
    table: &mut Interner,
    fresh: &mut Vec<KeyId>,
) -> WebAnswer {
    let status = |code: u16| Status::from_code(code).unwrap_or(Status::MovedPermanently);
    let mut next = |key: &str| {
        if follow {
            let id = table.intern(key);
            fresh.push(id);
            id
        } else {
            table.index.get(key).copied().unwrap_or(UNREACHED)
        }
    };
    match answer {
        WebsiteAnswer::Object { .. } => WebAnswer::Object,
        WebsiteAnswer::NotFound => WebAnswer::NotFound,
        WebsiteAnswer::Redirect {
            code,
            host_name: Some(host),
            key,
            ..
        } => match site.cdn_of(&host) {
            Some(distribution) => WebAnswer::ToDistribution {
                status: status(code),
                distribution,
                key: next(&key),
            },
            None => WebAnswer::Leave {
                status: status(code),
            },
        },
        WebsiteAnswer::Redirect { code, key, .. } => WebAnswer::Redirect {
            status: status(code),
            key: next(&key),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::website::{Condition, Redirect, RoutingRule};

    fn prefix_rule(from: &str, to: &str) -> RoutingRule {
        RoutingRule {
            condition: Some(Condition {
                key_prefix_equals: Some(from.into()),
                ..Condition::default()
            }),
            redirect: Redirect {
                replace_key_prefix_with: Some(to.into()),
                ..Redirect::default()
            },
        }
    }

    #[test]
    fn a_bucket_holds_exactly_its_keys_whether_their_ids_form_a_range_or_not() {
        let names = |keys: &[&str]| keys.iter().map(|k| k.to_string()).collect::<Vec<_>>();
        // Bucket 0 interns a, b, c, d (ids 0..=3, one range); bucket 1 holds a and d
        // (ids 0 and 3, two missing), bucket 3 a and c (one missing); bucket 2 nothing.
        let objects = Objects::build(
            vec![
                names(&["a", "b", "c", "d"]),
                names(&["a", "d"]),
                vec![],
                names(&["a", "c"]),
            ],
            &[None, None, None, None],
            &names(&["e"]),
            0,
        );
        let held = |bucket: usize| -> Vec<bool> {
            (0..6).map(|key| objects.exists(bucket, key)).collect()
        };
        assert_eq!(held(0), [true, true, true, true, false, false]);
        assert_eq!(held(1), [true, false, false, true, false, false]);
        assert_eq!(held(2), [false; 6]);
        assert_eq!(held(3), [true, false, true, false, false, false]);
        assert!(
            !objects.exists(4, 0),
            "a bucket outside the table holds nothing"
        );
    }

    #[test]
    fn two_sites_whose_chains_reach_the_same_key_both_answer_it() {
        let site = || Website::new("index.html", vec![prefix_rule("old/", "new/")]);
        let held = || vec!["new/index.html".to_string()];
        let objects = Objects::build(
            vec![held(), held()],
            &[Some(site()), Some(site())],
            &["old/".to_string()],
            3,
        );
        let new = objects.id("new/").unwrap();
        for bucket in 0..2 {
            assert_eq!(
                objects.website(bucket, new),
                Some(WebAnswer::Object),
                "{bucket}"
            );
        }
    }

    #[test]
    fn a_loop_interns_only_keys_within_the_depth() {
        // a/ → a/a/ → a/a/a/ → ... never ends; the table stops at depth 3.
        let site = Website::new("index.html", vec![prefix_rule("a/", "a/a/")]);
        let objects = Objects::build(vec![vec![]], &[Some(site)], &["a/x".to_string()], 3);
        assert_eq!(objects.keys, ["a/x", "a/a/x", "a/a/a/x", "a/a/a/a/x"]);
        let last = objects.id("a/a/a/a/x").unwrap();
        assert_eq!(
            objects.website(0, last),
            Some(WebAnswer::Redirect {
                status: Status::MovedPermanently,
                key: UNREACHED
            })
        );
    }

    #[test]
    fn folder_without_slash_redirects_302_to_the_interned_folder_key() {
        let site = Website::new("index.html", vec![]);
        let objects = Objects::build(
            vec![vec!["docs/index.html".into()]],
            &[Some(site), None],
            &["docs".to_string()],
            5,
        );
        let docs = objects.id("docs").unwrap();
        let folder = objects.id("docs/").unwrap();
        assert_eq!(
            objects.website(0, docs),
            Some(WebAnswer::Redirect {
                status: Status::Found,
                key: folder
            })
        );
        assert_eq!(objects.website(0, folder), Some(WebAnswer::Object));
        assert_eq!(objects.website(1, docs), None, "bucket 1 has no website");
    }
}
