//! How an S3 facility answers a request: the table of docs/domain.md §1, the website
//! endpoint (§5) and origin access control (§4), in front of the facility's servers.

use crate::bucket::{Bucket, BucketId, KeyId};
use crate::cdn::network::Distribution;
use crate::dns::Host;
use crate::learning::Learning;
use crate::objects::{Objects, WebAnswer};
use crate::response::{Hop, Method, Response, Status};
use crate::topology::{FacilityId, RegionId, Topology};
use s3sim_engine::SimTime;

/// Configure the parts of S3's behaviour that sources disagree on.
///
/// Where AWS's own documents contradict each other the model does not pick a side;
/// scenarios choose, and can run both.
///
/// ```
/// use s3sim_engine::SimTime;
/// use s3sim_model::bucket::Bucket;
/// use s3sim_model::dns::Host;
/// use s3sim_model::facility::{answer, FacilityRules};
/// use s3sim_model::response::Status;
/// let eu = Bucket { name: "b".into(), region: 1, created_at: None, deleted_at: None,
///     location_constraint: true, recreated: None };
/// let status_with = |temporary_redirect| {
///     let rules = FacilityRules { temporary_redirect };
///     answer(rules, &[false, false], &eu, 0, Host::BucketGlobal(0), 0, SimTime::ZERO).status
/// };
/// assert_eq!(status_with(Status::TemporaryRedirect), Status::TemporaryRedirect);
/// assert_eq!(status_with(Status::Found), Status::Found);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FacilityRules {
    /// The temporary redirect's code: 307 (the example in AWS's docs) or 302 (its prose).
    pub temporary_redirect: Status,
}

/// Answer a request for `bucket` addressed as `host` that reached a facility of `facility_region`.
///
/// ```
/// use s3sim_engine::SimTime;
/// use s3sim_model::bucket::Bucket;
/// use s3sim_model::dns::Host;
/// use s3sim_model::facility::{answer, FacilityRules};
/// use s3sim_model::response::Status;
/// let eu = Bucket { name: "b".into(), region: 1, created_at: None, deleted_at: None,
///     location_constraint: true, recreated: None };
/// let rules = FacilityRules { temporary_redirect: Status::TemporaryRedirect };
/// let opt_in = [false, false];
/// let at_default = answer(rules, &opt_in, &eu, 0, Host::BucketGlobal(0), 0, SimTime::ZERO);
/// assert_eq!(at_default.status, Status::TemporaryRedirect);
/// assert_eq!(at_default.location, Some(Host::RedirectEndpoint(0, 1)));
/// ```
pub fn answer(
    rules: FacilityRules,
    opt_in: &[bool],
    bucket: &Bucket,
    bucket_id: BucketId,
    host: Host,
    facility_region: RegionId,
    now: SimTime,
) -> Response {
    let Some(home) = bucket.region_at(now) else {
        return Response::bare(Status::NotFound);
    };
    let region = Some(home);
    let with_region = |status| Response {
        bucket_region: region,
        ..Response::bare(status)
    };
    let served_here = facility_region == home;
    let opt_in_home = opt_in[usize::from(home)];
    match host {
        // The global names never route to an opt-in region: 400, for ever.
        Host::BucketGlobal(_) | Host::PathGlobal if opt_in_home => with_region(Status::BadRequest),
        Host::BucketGlobal(_) if served_here => Response::bare(Status::Ok),
        Host::BucketGlobal(_) => Response {
            location: Some(Host::RedirectEndpoint(bucket_id, home)),
            ..with_region(rules.temporary_redirect)
        },
        Host::BucketRegional(_, named)
        | Host::RedirectEndpoint(_, named)
        | Host::PathRegional(named)
            if named == home && served_here =>
        {
            Response::bare(Status::Ok)
        }
        Host::PathGlobal if served_here && !bucket.location_constraint => {
            Response::bare(Status::Ok)
        }
        // The wrong regional endpoint where either region is opt-in: 400, not 301.
        Host::BucketRegional(_, named)
        | Host::RedirectEndpoint(_, named)
        | Host::PathRegional(named)
            if opt_in_home || opt_in[usize::from(named)] =>
        {
            with_region(Status::BadRequest)
        }
        Host::BucketRegional(..)
        | Host::RedirectEndpoint(..)
        | Host::PathRegional(_)
        | Host::PathGlobal => with_region(Status::MovedPermanently),
        // Website endpoints answer from the bucket's website table and distribution
        // names reach edges, not facilities: neither is answered here.
        Host::Website(_) | Host::Distribution(_) => Response::bare(Status::NotFound),
    }
}

/// Collect the opt-in flag of every region, indexed by region id.
pub fn opt_in_flags(topology: &Topology) -> Vec<bool> {
    topology.regions.iter().map(|r| r.opt_in).collect()
}

/// Say who sends a request, as far as S3's permission checks care.
///
/// ```
/// use s3sim_model::facility::Caller;
/// let viewer = Caller { origin_fetch: false, list_bucket: true };
/// assert!(!viewer.origin_fetch && viewer.list_bucket);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caller {
    /// An edge's signed origin fetch, which origin access control lets through.
    pub origin_fetch: bool,
    /// The caller holds `s3:ListBucket`: a missing key is then 404 NoSuchKey, else
    /// 403 AccessDenied (docs/domain.md §1, *GetObject*).
    pub list_bucket: bool,
}

/// Answer requests that reached a facility, as S3's front end does: the website
/// endpoint from the bucket's website table, 403 to direct requests for a bucket behind
/// origin access control, 307 from a facility that has not learned of the bucket's
/// latest creation or deletion yet ([`Learning`]), else the table of docs/domain.md §1
/// ([`answer`]), then 404 NoSuchKey (or 403 without `s3:ListBucket`) for a GET or HEAD
/// of a key the bucket does not hold.
///
/// Everything it reads is fixed for a run (rules, regions, buckets, website tables), so
/// an answer is a pure function of the hop, the facility's region and the time; the
/// facility's servers only decide *when* it leaves.
///
/// ```
/// use s3sim_engine::{SimDuration, SimTime};
/// use s3sim_model::bucket::Bucket;
/// use s3sim_model::cdn::network::{Distribution, Origin, OriginCacheControl};
/// use s3sim_model::cdn::policy::CachePolicy;
/// use s3sim_model::distribution::Delay;
/// use s3sim_model::dns::Host;
/// use s3sim_model::facility::{Caller, FacilityRules, FrontEnd};
/// use s3sim_model::objects::Objects;
/// use s3sim_model::response::{Hop, Method, Status};
/// use s3sim_model::topology::{Facility, Region, Topology};
/// let region = |name: &str| Region { name: name.into(), opt_in: false };
/// let facility = |name: &str, region| Facility { name: name.into(), region, ips: 1,
///     service_time: Delay::Fixed(SimDuration::ZERO), capacity: None };
/// let topology = Topology::new(vec![region("us-east-1"), region("eu-west-1")], 0,
///     vec![facility("use1", 0), facility("euw1", 1)], vec!["here".into()],
///     vec![SimDuration::ZERO; 2]);
/// let bucket = Bucket { name: "site".into(), region: 1, created_at: None, deleted_at: None,
///     location_constraint: true, recreated: None };
/// let cdn_only = Distribution { name: "d".into(), bucket: 0, origin: Origin::Regional,
///     policy: CachePolicy::default(), cache_control: OriginCacheControl::default(),
///     access_control: true, list_bucket: true, host_header: Default::default() };
/// let rules = FacilityRules { temporary_redirect: Status::TemporaryRedirect };
/// let buckets = [bucket];
/// let objects = Objects::build(vec![vec!["index.html".into()]], &[None], &["nope".into()], 0);
/// let s3 = FrontEnd::new(rules, &topology, &buckets, &objects, &[cdn_only]);
/// let hop = |key| Hop { host: Host::BucketRegional(0, 1), bucket: 0, key,
///     method: Method::Get, signed_for: None };
/// let at_euw1 = |key, origin_fetch, list_bucket| {
///     s3.answer(hop(key), Caller { origin_fetch, list_bucket }, 1, SimTime::ZERO).status
/// };
/// let (index, missing) = (objects.id("index.html").unwrap(), objects.id("nope").unwrap());
/// assert_eq!(at_euw1(index, false, true), Status::Forbidden, "only the CDN may read it");
/// assert_eq!(at_euw1(index, true, true), Status::Ok, "an edge's signed origin fetch");
/// assert_eq!(at_euw1(missing, true, true), Status::NotFound, "NoSuchKey");
/// assert_eq!(at_euw1(missing, true, false), Status::Forbidden, "no s3:ListBucket");
/// ```
#[derive(Clone, Debug)]
pub struct FrontEnd<'a> {
    rules: FacilityRules,
    /// Per region: opt-in (400 instead of a redirect).
    opt_in: Vec<bool>,
    buckets: &'a [Bucket],
    objects: &'a Objects,
    /// Per bucket: readable only through a CDN distribution (origin access control).
    cdn_only: Vec<bool>,
    /// Regions whose redirect endpoints are retired, and from when.
    retired: Vec<(RegionId, SimTime)>,
    /// Per facility: its region.
    regions: Vec<RegionId>,
    /// When each facility learns of each bucket change.
    learning: Learning,
}

impl<'a> FrontEnd<'a> {
    /// Build the front end of a run: its rules, the regions' opt-in flags, the buckets
    /// with their objects and websites, and which buckets the `distributions` lock to
    /// origin access control.
    pub fn new(
        rules: FacilityRules,
        topology: &Topology,
        buckets: &'a [Bucket],
        objects: &'a Objects,
        distributions: &[Distribution],
    ) -> Self {
        let mut cdn_only = vec![false; buckets.len()];
        for d in distributions.iter().filter(|d| d.access_control) {
            cdn_only[d.bucket as usize] = true;
        }
        FrontEnd {
            rules,
            opt_in: opt_in_flags(topology),
            buckets,
            objects,
            cdn_only,
            retired: Vec::new(),
            regions: topology.facilities.iter().map(|f| f.region).collect(),
            learning: Learning::default(),
        }
    }

    /// Let each facility learn of bucket changes when `learning` says (default: at once).
    pub fn with_learning(self, learning: Learning) -> Self {
        FrontEnd { learning, ..self }
    }

    /// Retire the redirect endpoints of `region` from `at` on: a later temporary
    /// redirect names the live regional endpoint instead (docs/domain.md §1: a new
    /// redirect always names an endpoint that works now).
    pub fn retire_endpoint(&mut self, region: RegionId, at: SimTime) {
        self.retired.push((region, at));
    }

    /// Answer `hop` sent by `caller` at facility `facility` at `now`.
    pub fn answer(&self, hop: Hop, caller: Caller, facility: FacilityId, now: SimTime) -> Response {
        let region = self.regions[usize::from(facility)];
        if let Host::Website(b) = hop.host {
            return self.website(b, hop.key, region, now);
        }
        let bucket = &self.buckets[hop.bucket as usize];
        if !caller.origin_fetch && self.cdn_only[hop.bucket as usize] && bucket.exists_at(now) {
            return Response::bare(Status::Forbidden);
        }
        let mut response = answer(
            self.rules,
            &self.opt_in,
            bucket,
            hop.bucket,
            hop.host,
            region,
            now,
        );
        // A redirect endpoint reaches a facility that has learned: that is where the
        // 307 of one that has not sends the request.
        let unlearned = !matches!(hop.host, Host::RedirectEndpoint(..))
            && !self.learning.knows(hop.bucket, facility, now);
        if unlearned && matches!(response.status, Status::Ok | Status::NotFound) {
            response = self.not_learned_yet(hop, bucket, now);
        } else if response.status == Status::Ok {
            response = self.signature_check(hop, region);
        }
        if response.status == Status::Ok && self.key_missing(hop) {
            response = Response::bare(if caller.list_bucket {
                Status::NotFound
            } else {
                Status::Forbidden
            });
        }
        let retired = |r| {
            self.retired
                .iter()
                .any(|&(at_r, at)| at_r == r && at <= now)
        };
        response.location = response.location.map(|location| match location {
            Host::RedirectEndpoint(b, r) if retired(r) => Host::BucketRegional(b, r),
            other => other,
        });
        if !hop.method.has_body() {
            response.body_region = None;
        }
        response
    }

    /// The answer of a facility that has not learned of the bucket's latest change: 307
    /// to the redirect endpoint of the region that holds it (or held it, if deleted),
    /// where a facility that has learned answers (docs/domain.md §1).
    fn not_learned_yet(&self, hop: Hop, bucket: &Bucket, now: SimTime) -> Response {
        let home = bucket.region_at(now);
        let target = home
            .or_else(|| self.learning.region_before(hop.bucket, now))
            .unwrap_or(bucket.region);
        Response {
            location: Some(Host::RedirectEndpoint(hop.bucket, target)),
            bucket_region: home,
            ..Response::bare(self.rules.temporary_redirect)
        }
    }

    /// Tell whether `hop` reads an object (GET or HEAD) its bucket does not hold; a
    /// bucket outside the object table (a model built in code without one) holds every key.
    fn key_missing(&self, hop: Hop) -> bool {
        let bucket = hop.bucket as usize;
        matches!(hop.method, Method::Get | Method::Head)
            && bucket < self.objects.per_bucket.len()
            && !self.objects.exists(bucket, hop.key)
    }

    /// The answer of the bucket's own region to a request that reached it: 400
    /// AuthorizationHeaderMalformed, `<Region>` in the body only, when SigV4 signed it
    /// for another region; a HeadBucket's answers carry `x-amz-bucket-region`
    /// (docs/domain.md §1, §2).
    fn signature_check(&self, hop: Hop, home: RegionId) -> Response {
        let probe = hop.method == Method::HeadBucket;
        let header = Some(home).filter(|_| probe);
        match hop.signed_for {
            Some(signed) if signed != home => Response {
                bucket_region: header,
                body_region: Some(home),
                ..Response::bare(Status::BadRequest)
            },
            _ => Response {
                bucket_region: header,
                ..Response::bare(Status::Ok)
            },
        }
    }

    /// The website endpoint's answer for `key` of bucket `b`: its precomputed table,
    /// served only in the bucket's current region (404 elsewhere or without a website).
    fn website(&self, b: BucketId, key: KeyId, region: RegionId, now: SimTime) -> Response {
        let here = self.buckets[b as usize].region_at(now) == Some(region);
        match self.objects.website(b as usize, key).filter(|_| here) {
            Some(WebAnswer::Object) => Response::bare(Status::Ok),
            Some(WebAnswer::Redirect { status, key }) => Response {
                redirect_key: Some(key),
                ..Response::bare(status)
            },
            Some(WebAnswer::Leave { status }) => Response::bare(status),
            Some(WebAnswer::ToDistribution {
                status,
                distribution,
                key,
            }) => Response {
                location: Some(Host::Distribution(distribution)),
                redirect_key: Some(key),
                ..Response::bare(status)
            },
            Some(WebAnswer::NotFound) | None => Response::bare(Status::NotFound),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: FacilityRules = FacilityRules {
        temporary_redirect: Status::TemporaryRedirect,
    };
    const OPT_IN: [bool; 3] = [false, false, true];

    fn bucket(region: RegionId) -> Bucket {
        Bucket {
            name: "b".into(),
            region,
            created_at: Some(SimTime::from_secs(10)),
            deleted_at: Some(SimTime::from_secs(20)),
            location_constraint: region != 0,
            recreated: None,
        }
    }

    fn status(b: &Bucket, host: Host, at_region: RegionId, t: u64) -> Status {
        answer(RULES, &OPT_IN, b, 0, host, at_region, SimTime::from_secs(t)).status
    }

    #[test]
    fn global_name_at_the_wrong_facility_redirects_with_location_and_region() {
        let r = answer(
            RULES,
            &OPT_IN,
            &bucket(1),
            0,
            Host::BucketGlobal(0),
            0,
            SimTime::from_secs(15),
        );
        assert_eq!(
            r,
            Response {
                status: Status::TemporaryRedirect,
                location: Some(Host::RedirectEndpoint(0, 1)),
                bucket_region: Some(1),
                body_region: None,
                redirect_key: None,
            }
        );
        let rules = FacilityRules {
            temporary_redirect: Status::Found,
        };
        let r = answer(
            rules,
            &OPT_IN,
            &bucket(1),
            0,
            Host::BucketGlobal(0),
            0,
            SimTime::from_secs(15),
        );
        assert_eq!(r.status, Status::Found);
    }

    #[test]
    fn opt_in_region_gets_400_with_region_instead_of_a_redirect() {
        let r = answer(
            RULES,
            &OPT_IN,
            &bucket(2),
            0,
            Host::BucketGlobal(0),
            0,
            SimTime::from_secs(15),
        );
        assert_eq!(
            r,
            Response {
                status: Status::BadRequest,
                location: None,
                bucket_region: Some(2),
                body_region: None,
                redirect_key: None,
            }
        );
    }

    #[test]
    fn path_style_and_wrong_regional_endpoint_get_301_without_location() {
        let eu = bucket(1);
        for host in [
            Host::PathGlobal,
            Host::PathRegional(0),
            Host::BucketRegional(0, 0),
        ] {
            let r = answer(RULES, &OPT_IN, &eu, 0, host, 0, SimTime::from_secs(15));
            assert_eq!(
                r,
                Response {
                    status: Status::MovedPermanently,
                    location: None,
                    bucket_region: Some(1),
                    body_region: None,
                    redirect_key: None,
                }
            );
        }
    }

    #[test]
    fn right_place_gets_200_and_missing_bucket_gets_404() {
        let eu = bucket(1);
        assert_eq!(status(&eu, Host::BucketGlobal(0), 1, 15), Status::Ok);
        assert_eq!(status(&eu, Host::BucketRegional(0, 1), 1, 15), Status::Ok);
        assert_eq!(status(&eu, Host::PathRegional(1), 1, 15), Status::Ok);
        assert_eq!(status(&bucket(0), Host::PathGlobal, 0, 15), Status::Ok);
        assert_eq!(
            status(&eu, Host::BucketRegional(0, 1), 1, 5),
            Status::NotFound
        );
        assert_eq!(
            status(&eu, Host::BucketRegional(0, 1), 1, 20),
            Status::NotFound
        );
    }

    #[test]
    fn front_end_answers_the_website_from_its_table_and_only_in_the_bucket_region() {
        use crate::distribution::Delay;
        use crate::topology::{Facility, Region};
        use crate::website::{Condition, Redirect, RoutingRule, Website};
        use s3sim_engine::SimDuration;
        let region = |name: &str| Region {
            name: name.into(),
            opt_in: false,
        };
        let facility = |region| Facility {
            name: "f".into(),
            region,
            ips: 1,
            service_time: Delay::Fixed(SimDuration::ZERO),
            capacity: None,
        };
        let topology = Topology::new(
            vec![region("us-east-1"), region("eu-west-1")],
            0,
            vec![facility(0), facility(1)],
            vec!["here".into()],
            vec![SimDuration::ZERO; 2],
        );
        let moved = RoutingRule {
            condition: Some(Condition {
                key_prefix_equals: Some("old/".into()),
                ..Condition::default()
            }),
            redirect: Redirect {
                replace_key_prefix_with: Some("new/".into()),
                ..Redirect::default()
            },
        };
        let site = Website::new("index.html", vec![moved]);
        let requested = ["".to_string(), "old/a".into(), "gone.html".into()];
        let objects = Objects::build(
            vec![vec!["index.html".into(), "new/a".into()]],
            &[Some(site)],
            &requested,
            5,
        );
        let buckets = [Bucket {
            region: 1,
            created_at: None,
            deleted_at: None,
            ..bucket(1)
        }];
        let s3 = FrontEnd::new(RULES, &topology, &buckets, &objects, &[]);
        let ask = |key: &str, region| {
            let key = objects.id(key).expect("interned");
            let hop = Hop {
                host: Host::Website(0),
                bucket: 0,
                key,
                method: Method::Get,
                signed_for: None,
            };
            let viewer = Caller {
                origin_fetch: false,
                list_bucket: true,
            };
            s3.answer(hop, viewer, region, SimTime::ZERO)
        };
        assert_eq!(ask("", 1), Response::bare(Status::Ok));
        assert_eq!(ask("", 0), Response::bare(Status::NotFound), "wrong region");
        assert_eq!(ask("gone.html", 1), Response::bare(Status::NotFound));
        let redirected = ask("old/a", 1);
        assert_eq!(redirected.status, Status::MovedPermanently);
        assert_eq!(redirected.redirect_key, objects.id("new/a"));
    }
}
