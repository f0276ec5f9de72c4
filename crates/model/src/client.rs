//! Client classes (what a population of clients does) and per-client memory.

use crate::bucket::BucketId;
use crate::dns::{Answer, Host};
use crate::facility::Status;
use crate::topology::{LocationId, RegionId};
use s3sim_engine::{SimDuration, SimTime};

/// Choose how a client names the bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Addressing {
    /// `bucket.s3.amazonaws.com/key`
    VirtualGlobal,
    /// `bucket.s3.REGION.amazonaws.com/key`
    VirtualRegional,
    /// `s3.amazonaws.com/bucket/key`
    PathGlobal,
    /// `s3.REGION.amazonaws.com/bucket/key`
    PathRegional,
}

impl Addressing {
    /// The host for a bucket in `region` (the region the client was configured with).
    pub fn host(self, bucket: BucketId, region: RegionId) -> Host {
        match self {
            Addressing::VirtualGlobal => Host::BucketGlobal(bucket),
            Addressing::VirtualRegional => Host::BucketRegional(bucket, region),
            Addressing::PathGlobal => Host::PathGlobal,
            Addressing::PathRegional => Host::PathRegional(region),
        }
    }

    /// The regional host an SDK switches to once it knows the bucket's region.
    pub fn regional_host(self, bucket: BucketId, region: RegionId) -> Host {
        match self {
            Addressing::VirtualGlobal | Addressing::VirtualRegional => {
                Host::BucketRegional(bucket, region)
            }
            Addressing::PathGlobal | Addressing::PathRegional => Host::PathRegional(region),
        }
    }
}

/// Choose how long a client keeps a DNS answer in process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DnsCachePolicy {
    /// Ask the resolver every time (boto3, Go, getaddrinfo).
    None,
    /// Keep answers for the TTL the resolver gave.
    HonorTtl,
    /// Keep answers for a fixed time, ignoring TTLs (JVM default 30 s, curl 60 s).
    Fixed(SimDuration),
    /// Keep answers for the TTL but at least this long (Chromium: 60 s).
    AtLeast(SimDuration),
    /// Keep answers for the life of the process (old JVMs with a security manager).
    Forever,
    /// Keep answers until the process restarts (persistent PHP VM); same as `Forever`
    /// inside one process, named for readability of scenarios.
    UntilRestart,
}

impl DnsCachePolicy {
    /// When an answer the resolver says is good until `resolver_expiry` expires in process.
    pub fn expiry(self, now: SimTime, resolver_expiry: SimTime, negative: bool) -> Option<SimTime> {
        match (self, negative) {
            (DnsCachePolicy::None, _) => None,
            (DnsCachePolicy::HonorTtl, _) => Some(resolver_expiry),
            (_, true) => None,
            (DnsCachePolicy::Fixed(ttl), false) => Some(now + ttl),
            (DnsCachePolicy::AtLeast(floor), false) => Some(resolver_expiry.max(now + floor)),
            (DnsCachePolicy::Forever | DnsCachePolicy::UntilRestart, false) => Some(SimTime::NEVER),
        }
    }
}

/// Choose how long an SDK remembers a bucket's region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegionCache {
    /// Learn for this request only (AWS SDK for JavaScript v3).
    None,
    /// Remember for the process's life (boto3, Java v2).
    Forever,
    /// Remember for a while.
    Ttl(SimDuration),
}

/// Choose what a client does with a 3xx (and with a 400 that names a region).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RedirectPolicy {
    /// Give up on any redirect (curl without `-L`).
    None,
    /// Follow `Location` for these codes, at most `max_hops` redirects per request.
    FollowLocation { codes: Vec<Status>, max_hops: u8 },
    /// Learn the region from `x-amz-bucket-region`, re-resolve the regional name,
    /// never use `Location`, one redirect per request (boto3, SDK for Java v2).
    SdkRegion { cache: RegionCache },
    /// Follow `Location` like a browser and keep using that endpoint for the bucket
    /// afterwards (what AWS warns against).
    Sticky { max_hops: u8 },
}

/// Choose how long a client process lives; a restart forgets every cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifetime {
    /// Never restarts during the run.
    LongLived,
    /// Restarts every period, at a phase that differs per client.
    RestartEvery(SimDuration),
    /// A fresh process for every request (CLI tools, cron jobs, lambdas cold-starting).
    PerRequest,
}

/// Choose which bucket a request goes to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Popularity {
    /// Every bucket of the workload equally likely.
    Uniform,
    /// The i-th bucket with weight i^(−exponent).
    Zipf(f64),
}

/// Choose when a client's requests start.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Arrivals {
    /// Each client a Poisson process with this rate per second.
    Poisson { per_client_per_sec: f64 },
    /// Each client one request per interval, clients evenly staggered.
    Periodic { interval: SimDuration },
}

/// Describe one population of clients that behave alike.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientClass {
    /// Name used in outputs.
    pub name: String,
    /// Number of clients.
    pub count: u32,
    /// Where they are (for round trips).
    pub location: LocationId,
    /// Their resolvers (global resolver ids); client i uses `resolvers[i % len]`.
    pub resolvers: std::ops::Range<u32>,
    /// The buckets they use, most popular first.
    pub buckets: Vec<BucketId>,
    /// How requests spread over `buckets`.
    pub popularity: Popularity,
    /// When requests happen.
    pub arrivals: Arrivals,
    /// Requests start at this time ...
    pub start: SimTime,
    /// ... and stop at this time.
    pub stop: SimTime,
    /// Restarts.
    pub lifetime: Lifetime,
    /// How the bucket is named.
    pub addressing: Addressing,
    /// In-process DNS caching.
    pub dns: DnsCachePolicy,
    /// Reaction to redirects.
    pub redirects: RedirectPolicy,
}

impl ClientClass {
    /// The resolver of client `client`.
    pub fn resolver_of(&self, client: u32) -> u32 {
        let n = self.resolvers.end - self.resolvers.start;
        self.resolvers.start + client % n
    }
}

/// Remember, per client, what its process has cached: DNS answers, learned regions,
/// sticky endpoints.
///
/// Kept as one short vector so that a client costs 32 bytes until it caches something;
/// memory grows with clients and the names they use, never with simulated time.
///
/// ```
/// use s3sim_engine::SimTime;
/// use s3sim_model::client::ClientMemory;
/// use s3sim_model::dns::{Answer, Host};
/// let mut m = ClientMemory::default();
/// m.remember_answer(Host::PathGlobal, Answer::Ip(3), 0, SimTime::from_secs(30));
/// assert_eq!(m.answer(Host::PathGlobal, SimTime::from_secs(29)), Some((Answer::Ip(3), 0)));
/// assert_eq!(m.answer(Host::PathGlobal, SimTime::from_secs(30)), None);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClientMemory {
    epoch: u32,
    memos: Vec<Memo>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Memo {
    Dns {
        host: Host,
        answer: Answer,
        version: u16,
        expires: SimTime,
    },
    Region {
        bucket: BucketId,
        region: RegionId,
        expires: SimTime,
    },
    Sticky {
        bucket: BucketId,
        host: Host,
    },
}

impl ClientMemory {
    /// Forget everything if the process has restarted since the last request.
    pub fn enter_epoch(&mut self, epoch: u32) {
        if epoch != self.epoch {
            self.epoch = epoch;
            self.memos.clear();
        }
    }

    /// Forget everything (a new process).
    pub fn forget_all(&mut self) {
        self.memos.clear();
    }

    /// A cached, unexpired DNS answer for `host` with its version.
    pub fn answer(&self, host: Host, now: SimTime) -> Option<(Answer, u16)> {
        self.memos.iter().find_map(|m| match *m {
            Memo::Dns {
                host: h,
                answer,
                version,
                expires,
            } if h == host && now < expires => Some((answer, version)),
            _ => None,
        })
    }

    /// Cache a DNS answer until `expires`, replacing any older one.
    pub fn remember_answer(&mut self, host: Host, answer: Answer, version: u16, expires: SimTime) {
        self.memos
            .retain(|m| !matches!(m, Memo::Dns { host: h, .. } if *h == host));
        self.memos.push(Memo::Dns {
            host,
            answer,
            version,
            expires,
        });
    }

    /// The region learned for `bucket`, if still remembered.
    pub fn region(&self, bucket: BucketId, now: SimTime) -> Option<RegionId> {
        self.memos.iter().find_map(|m| match *m {
            Memo::Region {
                bucket: b,
                region,
                expires,
            } if b == bucket && now < expires => Some(region),
            _ => None,
        })
    }

    /// Remember `bucket`'s region until `expires`.
    pub fn learn_region(&mut self, bucket: BucketId, region: RegionId, expires: SimTime) {
        self.memos
            .retain(|m| !matches!(m, Memo::Region { bucket: b, .. } if *b == bucket));
        self.memos.push(Memo::Region {
            bucket,
            region,
            expires,
        });
    }

    /// The endpoint a redirect gave for `bucket`, if the client sticks to one.
    pub fn sticky(&self, bucket: BucketId) -> Option<Host> {
        self.memos.iter().find_map(|m| match *m {
            Memo::Sticky { bucket: b, host } if b == bucket => Some(host),
            _ => None,
        })
    }

    /// Keep using `host` for `bucket` from now on.
    pub fn stick(&mut self, bucket: BucketId, host: Host) {
        self.memos
            .retain(|m| !matches!(m, Memo::Sticky { bucket: b, .. } if *b == bucket));
        self.memos.push(Memo::Sticky { bucket, host });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_memory_stays_small() {
        assert!(std::mem::size_of::<ClientMemory>() <= 32);
    }

    #[test]
    fn a_restart_forgets_answers_regions_and_sticky_endpoints() {
        let mut m = ClientMemory::default();
        m.remember_answer(Host::PathGlobal, Answer::Ip(1), 0, SimTime::NEVER);
        m.learn_region(2, 1, SimTime::NEVER);
        m.stick(2, Host::BucketRegional(2, 1));
        m.enter_epoch(0);
        assert!(m.answer(Host::PathGlobal, SimTime::ZERO).is_some());
        m.enter_epoch(1);
        assert_eq!(m.answer(Host::PathGlobal, SimTime::ZERO), None);
        assert_eq!(m.region(2, SimTime::ZERO), None);
        assert_eq!(m.sticky(2), None);
    }

    #[test]
    fn dns_policies_set_the_expiry_their_clients_use() {
        let now = SimTime::from_secs(100);
        let ttl_end = SimTime::from_secs(105);
        let s = SimDuration::from_secs;
        assert_eq!(DnsCachePolicy::None.expiry(now, ttl_end, false), None);
        assert_eq!(
            DnsCachePolicy::HonorTtl.expiry(now, ttl_end, false),
            Some(ttl_end)
        );
        assert_eq!(
            DnsCachePolicy::Fixed(s(30)).expiry(now, ttl_end, false),
            Some(SimTime::from_secs(130))
        );
        assert_eq!(
            DnsCachePolicy::AtLeast(s(60)).expiry(now, ttl_end, false),
            Some(SimTime::from_secs(160))
        );
        assert_eq!(
            DnsCachePolicy::AtLeast(s(1)).expiry(now, ttl_end, false),
            Some(ttl_end)
        );
        assert_eq!(
            DnsCachePolicy::Forever.expiry(now, ttl_end, false),
            Some(SimTime::NEVER)
        );
        assert_eq!(DnsCachePolicy::Forever.expiry(now, ttl_end, true), None);
        assert_eq!(
            DnsCachePolicy::HonorTtl.expiry(now, ttl_end, true),
            Some(ttl_end)
        );
    }
}
