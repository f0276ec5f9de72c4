//! Compile the object keys and the website tables.

use crate::schema::{BucketSpec, ClientSpec, Scenario};
use s3sim_model::bucket::KeyId;
use s3sim_model::objects::Objects;
use s3sim_model::website::Website;

/// The keys of bucket `b`: its named keys, then its generated objects `o/0` … `o/N-1`,
/// or with prefixes `P0`, `P1`, … object i as `{P(i mod n)}{i}` (spread evenly over
/// them); `index.html` alone when it names none.
fn bucket_keys(b: &BucketSpec) -> Vec<String> {
    let generated = (0..b.objects).map(|i| match b.prefixes.len() {
        0 => format!("o/{i}"),
        n => format!("{}{i}", b.prefixes[i as usize % n]),
    });
    let keys: Vec<String> = b.keys.iter().cloned().chain(generated).collect();
    if keys.is_empty() {
        vec!["index.html".into()]
    } else {
        keys
    }
}

/// Intern every bucket's keys and every key a client asks for, and precompute the
/// website answers (chains followed as deep as any client follows redirects).
pub(crate) fn objects(s: &Scenario) -> Objects {
    let websites: Vec<Option<Website>> = s
        .buckets
        .iter()
        .map(|b| {
            b.website.as_ref().map(|w| Website {
                index_document: w.index_document.clone(),
                routing_rules: w.routing_rules.clone(),
                default_redirect_code: s.s3.website_redirect_code,
                cdn_hosts: super::cdn::website_cdn_hosts(s, &b.name),
            })
        })
        .collect();
    let requested: Vec<String> = s.clients.iter().flat_map(|c| c.keys.clone()).collect();
    Objects::build(
        s.buckets.iter().map(bucket_keys).collect(),
        &websites,
        &requested,
        s.max_hops(),
    )
}

/// The ids of a client's listed keys.
pub(crate) fn listed_keys(c: &ClientSpec, objects: &Objects) -> Vec<KeyId> {
    c.keys
        .iter()
        .map(|k| objects.id(k).expect("requested keys are interned"))
        .collect()
}
